/**
 * 1 Ingest: new-ticket mails, then the customers' replies to them, end to end through
 * receiveMail + deliverEvent against DynamoDB Local and the folder mail store, at each
 * concurrency on a fresh table. Every run is checked before its figures count: one ticket per
 * new-ticket mail, each reply a comment on the ticket its parent mail opened, an acknowledgement
 * and an engineers' copy per ticket, an engineers' copy per reply.
 */
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoTicketStore } from '../shared/adapters/dynamo-ticket-store';
import { FolderMailStore } from '../shared/adapters/folder-mail-store';
import { ensureTicketTable } from '../shared/adapters/ticket-table';
import type { MaildeskConfig } from '../shared/config';
import type { MailStore, TicketStore } from '../shared/use-cases/ports';
import type { CorpusMail } from './corpus';
import { MemoryMailStore, MemoryTicketStore } from '../shared/adapters/memory';
import { inboundFor, makePipeline, processMail, round, summary, type Pipeline } from './pipeline';
import { mapLimit } from '../shared/map-limit';

export interface PhaseResult {
  mails: number;
  seconds: number;
  mailsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU of this Node process (use cases, SDK marshalling, HTTP) per mail; DynamoDB Local is another process */
  nodeCpuMsPerMail: number;
  /** CPU of the DynamoDB Local (Java) process per mail, when known */
  dynamoCpuMsPerMail: number | null;
  /** 1-minute load average of the machine at the end of the phase (other processes included) */
  loadAverage: number;
  mailsSent: number;
}

export interface IngestCheck {
  newMails: number;
  ticketsCreated: number;
  ticketsInTable: number;
  replies: number;
  repliesCommented: number;
  commentEventsInTable: number;
  acknowledgements: number;
  ok: boolean;
  problems: string[];
}

export interface IngestRun {
  concurrency: number;
  /** dynamodb: DynamoDB Local; memory: the TicketStore port in memory (our code alone) */
  store: 'dynamodb' | 'memory';
  newTickets: PhaseResult;
  replies: PhaseResult;
  check: IngestCheck;
}

export interface IngestOptions {
  /** required with store 'dynamodb' (the default) */
  client?: DynamoDBClient;
  config: MaildeskConfig;
  newMails: CorpusMail[];
  replies: CorpusMail[];
  concurrency: number;
  /** scratch folder for the mail store (deleted afterwards) */
  scratch: string;
  tablePrefix?: string;
  keepTable?: boolean;
  /** CPU ms used so far by the DynamoDB Local process, if it can be read */
  dynamoCpuMs?: () => number | null;
  /** 'memory': the same run over MemoryTicketStore and MemoryMailStore (no DynamoDB, no disk) */
  store?: 'dynamodb' | 'memory';
}

async function phase(
  p: Pipeline,
  mails: CorpusMail[],
  concurrency: number,
  idOf: (m: CorpusMail) => string,
  onDone: (m: CorpusMail, r: Awaited<ReturnType<typeof processMail>>) => void,
  dynamoCpuMs: () => number | null,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const sentBefore = p.sender.sent;
  const dynamo0 = dynamoCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await mapLimit(mails, concurrency, async (mail) => {
    const start = performance.now();
    const result = await processMail(p, inboundFor(mail, idOf(mail)));
    latencies.push(performance.now() - start);
    onDone(mail, result);
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const dynamo1 = dynamoCpuMs();
  const s = summary(latencies);
  return {
    mails: mails.length,
    seconds: round(seconds, 3),
    mailsPerSecond: round(mails.length / seconds, 1),
    p50Ms: s.p50,
    p95Ms: s.p95,
    p99Ms: s.p99,
    maxMs: s.max,
    nodeCpuMsPerMail: round((cpu.user + cpu.system) / 1000 / mails.length),
    dynamoCpuMsPerMail: dynamo0 !== null && dynamo1 !== null ? round((dynamo1 - dynamo0) / mails.length) : null,
    loadAverage: round(loadavg()[0]!, 1),
    mailsSent: p.sender.sent - sentBefore,
  };
}

export async function measureIngest(o: IngestOptions): Promise<IngestRun> {
  const kind = o.store ?? 'dynamodb';
  const table = `${o.tablePrefix ?? 'bench-ingest'}-c${o.concurrency}-${Date.now().toString(36)}`;
  const folder = join(o.scratch, table);
  let dynamo: TicketStore;
  let mailStore: MailStore;
  const client = o.client;
  if (kind === 'dynamodb') {
    if (!client) throw new Error('ingest: a DynamoDB client is needed');
    await ensureTicketTable(client, table);
    await mkdir(folder, { recursive: true });
    mailStore = new FolderMailStore(folder);
    dynamo = new DynamoTicketStore(client, table);
  } else {
    mailStore = new MemoryMailStore();
    dynamo = new MemoryTicketStore();
  }
  const p = makePipeline(dynamo, mailStore, o.config);
  // SES's S3 action stores the mail before the Lambda runs: not part of the timing.
  const idOf = (m: CorpusMail) => `${m.id}-c${o.concurrency}`;
  for (const mail of [...o.newMails, ...o.replies]) await mailStore.put(`inbound/${idOf(mail)}`, mail.raw);

  const problems: string[] = [];
  const ticketOf = new Map<string, string>();
  let created = 0;
  const dynamoCpuMs = o.dynamoCpuMs ?? (() => null);
  const newTickets = await phase(
    p,
    o.newMails,
    o.concurrency,
    idOf,
    (mail, r) => {
      if (r.outcome.kind === 'created') {
        created++;
        ticketOf.set(mail.messageId, r.outcome.ticketKey);
      } else problems.push(`${mail.id}: expected a new ticket, got ${JSON.stringify(r.outcome)}`);
    },
    dynamoCpuMs,
  );
  const acknowledgements = [...p.sender.byRecipient.entries()]
    .filter(([to]) => o.newMails.some((m) => m.from === to))
    .reduce((s, [, n]) => s + n, 0);

  let commented = 0;
  const replies = await phase(
    p,
    o.replies,
    o.concurrency,
    idOf,
    (mail, r) => {
      const expected = mail.parentMessageId ? ticketOf.get(mail.parentMessageId) : undefined;
      const ok =
        r.outcome.kind === 'updated' &&
        r.outcome.ticketKey === expected &&
        r.events.some((e) => e.type === 'ticket.commented');
      if (ok) commented++;
      else problems.push(`${mail.id}: expected a comment on ${expected}, got ${JSON.stringify(r.outcome)}`);
    },
    kind === 'dynamodb' ? dynamoCpuMs : () => null,
  );

  // What the table holds, read back (not timed).
  const tickets = await dynamo.listTickets();
  let commentEvents = 0;
  await mapLimit(tickets, 16, async (t) => {
    const comments = (await dynamo.listEvents(t.key)).filter((e) => e.type === 'ticket.commented').length;
    commentEvents += comments;
  });
  if (created !== o.newMails.length)
    problems.push(`tickets created ${created} != new-ticket mails ${o.newMails.length}`);
  if (tickets.length !== o.newMails.length)
    problems.push(`tickets in the table ${tickets.length} != new-ticket mails ${o.newMails.length}`);
  if (commentEvents !== o.replies.length)
    problems.push(`comment events in the table ${commentEvents} != replies ${o.replies.length}`);
  if (acknowledgements < o.newMails.length)
    problems.push(`acknowledgements ${acknowledgements} < new-ticket mails ${o.newMails.length}`);
  if (newTickets.mailsSent < 2 * o.newMails.length)
    problems.push(`mails sent for new tickets ${newTickets.mailsSent} < 2 per ticket`);
  if (replies.mailsSent < o.replies.length) problems.push(`mails sent for replies ${replies.mailsSent} < 1 per reply`);

  if (kind === 'dynamodb') {
    if (!o.keepTable) await client!.send(new DeleteTableCommand({ TableName: table }));
    await rm(folder, { recursive: true, force: true });
  }
  return {
    concurrency: o.concurrency,
    store: kind,
    newTickets,
    replies,
    check: {
      newMails: o.newMails.length,
      ticketsCreated: created,
      ticketsInTable: tickets.length,
      replies: o.replies.length,
      repliesCommented: commented,
      commentEventsInTable: commentEvents,
      acknowledgements,
      ok: problems.length === 0,
      problems: problems.slice(0, 20),
    },
  };
}
