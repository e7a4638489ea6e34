/**
 * 4 Sweep scaling: a table holding N open tickets of which 100 are due now (not taken into work
 * within 72 hours), the rest due later. Measured: the query for what is due (median of 5) and one
 * whole sweep (acting on the 100: reload, decide, write ticket + event), time and capacity.
 * Cost should follow the tickets due, not the tickets stored.
 *
 * Tickets come from one real ticket opened by receiveMail (in memory), cloned with new keys and
 * creation times and run through withDeadlines, then written with BatchWriteItem in parallel.
 */
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTicketStore, ticketItem } from '../shared/adapters/dynamo-ticket-store';
import { ensureTicketTable } from '../shared/adapters/ticket-table';
import type { MaildeskConfig } from '../shared/config';
import { buildDesk } from '../shared/composition';
import { BusinessCalendar } from '../shared/domain/business-calendar';
import type { Ticket } from '../shared/domain/ticket';
import { withDeadlines } from '../shared/domain/workflow';
import { sweepDeadlines } from '../shared/use-cases/sweep-deadlines';
import type { CapacityMeter } from './capacity';
import type { CorpusMail } from './corpus';
import { MemoryMailStore, MemoryTicketStore } from '../shared/adapters/memory';
import { benchLogger, inboundFor, makePipeline, median, processMail, round } from './pipeline';
import { mapLimit } from '../shared/map-limit';

export interface SweepPoint {
  stored: number;
  due: number;
  writeSeconds: number;
  /** building the items (withDeadlines per ticket), not part of any figure */
  prepareSeconds: number;
  /** findDue alone: median of 5 */
  queryMs: number;
  queryRcu: number;
  /** one whole sweep */
  sweepMs: number;
  sweepRcu: number;
  sweepWcu: number;
  acted: number;
}

export interface SweepResult {
  points: SweepPoint[];
  /** largest / smallest */
  ratio: { stored: string; queryTime: number; queryRcu: number; sweepTime: number; sweepRcu: number };
}

const DEFAULT_DUE = 100;

export async function templateTicket(config: MaildeskConfig, mail: CorpusMail): Promise<Ticket> {
  const memory = new MemoryTicketStore();
  const p = makePipeline(memory, new MemoryMailStore(), config);
  await p.mail.put('inbound/template', mail.raw);
  const { outcome } = await processMail(p, inboundFor(mail, 'template'));
  if (outcome.kind !== 'created') throw new Error(`sweep: template mail gave ${outcome.kind}`);
  return (await memory.getTicket(outcome.ticketKey))!;
}

async function writeTickets(
  client: DynamoDBClient,
  table: string,
  items: Array<Record<string, unknown>>,
): Promise<void> {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  // DynamoDB Local serialises writes: a few requests in flight keep it busy, more only queue.
  await mapLimit(batches, 6, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length; attempt++) {
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length && attempt > 20) throw new Error('sweep: BatchWriteItem kept items unprocessed');
      if (requests.length) await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  });
}

// The project's table without its stream ({ stream: false }): DynamoDB Local keeps every stream
// record and its writes slow down as they pile up (350 items/s falling below 150 after 15k writes,
// against 1,100-1,500 without), which would make 100k tickets take most of an hour. The sweep reads
// no stream, so its figures do not change.

export async function measureSweepPoint(o: {
  client: DynamoDBClient;
  meter: CapacityMeter;
  config: MaildeskConfig;
  template: Ticket;
  stored: number;
  now: Date;
  due?: number;
  keepTable?: boolean;
}): Promise<SweepPoint> {
  const DUE = o.due ?? DEFAULT_DUE;
  const table = `bench-sweep-${o.stored}-${Date.now().toString(36)}`;
  await ensureTicketTable(o.client, table, { stream: false });
  const ctx = { calendar: BusinessCalendar.fromConfig(o.config), sla: o.config.sla };
  const nowIso = o.now.toISOString();
  const at = (msAgo: number) => new Date(o.now.getTime() - msAgo).toISOString();
  // Due: opened 5 days (plus up to an hour) ago and never taken into work (respond-by passed). Not due: opened within
  // the
  // last 24 hours, each at its own second, so deadlines differ as real ones do (DynamoDB Local also
  // writes a GSI full of one repeated sort key several times slower).
  const variant = (createdAt: string) =>
    withDeadlines({ ...o.template, createdAt, updatedAt: createdAt, priority: 'error', status: 'open' }, ctx, o.now);
  const step = Math.max(1, Math.floor(o.stored / DUE));
  const items: Array<Record<string, unknown>> = [];
  const prepared = performance.now();
  for (let n = 1; n <= o.stored; n++) {
    const isDue = n % step === 0 && n / step <= DUE; // spread over the key range, and so over the shards
    const base = variant(at(isDue ? 120 * 3_600_000 + (n % 3_600) * 1000 : 3_600_000 + ((n * 7919) % 82_800) * 1000));
    if (isDue ? !base.nextDue || base.nextDue.at > nowIso : !base.nextDue || base.nextDue.at <= nowIso)
      throw new Error(`sweep: ticket ${n} should ${isDue ? '' : 'not '}be due`);
    const ticket: Ticket = {
      ...base,
      key: `MG-${n}`,
      number: n,
      rootMessageId: `bench-${n}@sweep`,
      lastMessageId: `bench-${n}@sweep`,
    };
    items.push(JSON.parse(JSON.stringify(ticketItem(ticket))) as Record<string, unknown>);
  }
  const prepareSeconds = (performance.now() - prepared) / 1000;
  const t0 = performance.now();
  await writeTickets(o.client, table, items);
  const writeSeconds = (performance.now() - t0) / 1000;
  items.length = 0;

  const store = new DynamoTicketStore(o.client, table);
  const queryTimes: number[] = [];
  let queryRcu = 0;
  let found = 0;
  for (let i = 0; i < 5; i++) {
    o.meter.take();
    const q0 = performance.now();
    found = (await store.findDue(nowIso)).length;
    queryTimes.push(performance.now() - q0);
    queryRcu = o.meter.take().rcu;
  }
  if (found !== DUE) throw new Error(`sweep: findDue found ${found} of the ${DUE} due tickets among ${o.stored}`);

  const { sweepDeps } = buildDesk({ tickets: store, config: o.config, calendar: ctx.calendar, log: benchLogger() });
  o.meter.take();
  const s0 = performance.now();
  const result = await sweepDeadlines(o.now, sweepDeps);
  const sweepMs = performance.now() - s0;
  const sweep = o.meter.take();
  if (result.acted.length < DUE) throw new Error(`sweep: acted on ${result.acted.length} of ${DUE} due tickets`);
  if (!o.keepTable) await o.client.send(new DeleteTableCommand({ TableName: table }));
  return {
    stored: o.stored,
    due: DUE,
    writeSeconds: round(writeSeconds, 1),
    prepareSeconds: round(prepareSeconds, 1),
    queryMs: round(median(queryTimes), 1),
    queryRcu,
    sweepMs: round(sweepMs, 0),
    sweepRcu: sweep.rcu,
    sweepWcu: sweep.wcu,
    acted: result.acted.length,
  };
}

export async function measureSweep(o: {
  client: DynamoDBClient;
  meter: CapacityMeter;
  config: MaildeskConfig;
  templateMail: CorpusMail;
  sizes: number[];
  onProgress?: (line: string) => void;
}): Promise<SweepResult> {
  const template = await templateTicket(o.config, o.templateMail);
  const now = new Date();
  // Warm-up on its own table (a fresh DynamoDB Local is slow for its first thousands of calls), not reported.
  await measureSweepPoint({ ...o, template, stored: 500, due: 50, now });
  const points: SweepPoint[] = [];
  for (const stored of o.sizes) {
    const point = await measureSweepPoint({ ...o, template, stored, now });
    points.push(point);
    o.onProgress?.(
      `sweep ${stored} stored: wrote in ${point.writeSeconds} s, due query ${point.queryMs} ms / ${point.queryRcu} ` +
        `RCU, sweep ${point.sweepMs} ms / ${point.sweepRcu} RCU`,
    );
  }
  const first = points[0]!;
  const last = points.at(-1)!;
  return {
    points,
    ratio: {
      stored: `${last.stored}/${first.stored}`,
      queryTime: round(last.queryMs / first.queryMs),
      queryRcu: round(last.queryRcu / Math.max(first.queryRcu, 1e-9)),
      sweepTime: round(last.sweepMs / first.sweepMs),
      sweepRcu: round(last.sweepRcu / Math.max(first.sweepRcu, 1e-9)),
    },
  };
}
