/**
 * The use cases wired as the Lambdas wire them, on real SDK clients: DynamoDB against DynamoDB
 * Local (a fresh table per environment), S3 / SESv2 / EventBridge answered by aws-sdk-client-mock
 * at the SDK boundary (an in-memory bucket, a list of sent mails, a list of bus entries); SendEmail
 * strictly (test/support/strict-ses.ts refuses what SES refuses). Every
 * client passes through one FaultInjector, so a test can fail any call of any pipeline.
 *
 * Retries follow Lambda: `receive` is an async invocation (1 + 2 retries), `deliverPending` is the
 * stream (a failed record is retried, later records wait), `sweep` is the schedule (next minute).
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandInput,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { EventBridgeRejection } from '../../shared/adapters/standins/eventbridge-rules';
import { strictEventBridge } from './strict-eventbridge';
import { inject } from 'vitest';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { EventBridgeBus } from '../../shared/adapters/event-bus';
import { S3MailStore } from '../../shared/adapters/s3-mail-store';
import { SesMailSender } from '../../shared/adapters/ses-mail-sender';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import { buildDesk } from '../../shared/composition';
import type { MaildeskConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { TicketEvent } from '../../shared/domain/events';
import type { Ticket } from '../../shared/domain/ticket';
import { memoryLogger } from '../../shared/log';
import { INBOUND_PREFIX, parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { deliverEvent, type DeliverDeps } from '../../shared/use-cases/deliver-event';
import {
  receiveMail,
  type InboundMail,
  type Outcome,
  type ReceiveDeps,
  type SesVerdict,
} from '../../shared/use-cases/receive-mail';
import { sweepDeadlines, type SweepDeps, type SweepResult } from '../../shared/use-cases/sweep-deadlines';
import { FaultInjector } from './fault-injection';
import { exampleConfig, uniqueTable } from './harness';
import { accountFor, strictSes, TEST_CONFIGURATION_SET } from './strict-ses';
import type { SesRejection } from '../../shared/adapters/ses-v2-rules';

const BUCKET = 'maildesk-raw-mail-test';

export interface SentMail {
  raw: Buffer;
  input: SendEmailCommandInput;
  messageId: string;
  /** X-Maildesk-Event and X-Maildesk-Ticket headers */
  eventType: string | null;
  ticketKey: string | null;
  to: string[];
}

export interface DeliveryReport {
  delivered: number;
  failedAttempts: number;
  /** events still failing after every retry: left on the stream (in AWS: the DLQ after the retries) */
  leftForRetry: string[];
}

export interface DirectEnv {
  table: string;
  config: MaildeskConfig;
  faults: FaultInjector;
  /** the store the use cases use (through the fault middleware) */
  store: DynamoTicketStore;
  /** the same table through a client without faults: for setup and assertions */
  inspect: DynamoTicketStore;
  bucket: Map<string, Buffer>;
  /** mails SES accepted (a `timeout` fault on SendEmail still sends: the answer is what is lost) */
  sent: SentMail[];
  /** SendEmail requests the strict SES stand-in refused (AWS would have refused them too) */
  sesRejections: SesRejection[];
  /** PutEvents (or entries) EventBridge would have refused */
  busRejections: EventBridgeRejection[];
  bus: PutEventsRequestEntry[];
  log: ReturnType<typeof memoryLogger>;
  clock: { now: Date };
  receiveDeps: ReceiveDeps;
  deliverDeps: DeliverDeps;
  sweepDeps: SweepDeps;
  /** stores a raw mail as SES does (not through the fault middleware) and returns its SES event record */
  putMail(
    raw: Buffer | string,
    options?: {
      id?: string;
      recipients?: string[];
      verdicts?: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', SesVerdict>>;
    },
  ): InboundMail;
  /** one inbound invocation with Lambda's async retries (1 + `retries`); the last error is rethrown */
  receive(inbound: InboundMail, retries?: number): Promise<{ outcome: Outcome; errors: Error[] }>;
  /** the stream: every event item not yet delivered, each retried up to `attempts` times */
  deliverPending(attempts?: number): Promise<DeliveryReport>;
  /** the schedule: a sweep at the clock's time, run again (the next "minute") while it fails or skips a ticket */
  sweep(retries?: number): Promise<{ result: SweepResult | null; errors: Error[] }>;
  events(): Promise<TicketEvent[]>;
  tickets(): Promise<Ticket[]>;
  items(): Promise<Array<Record<string, unknown>>>;
  /** everything that would be half-written: dangling references, missing creation events, missing attachments */
  integrityProblems(): Promise<string[]>;
  close(): void;
}

let idCounter = 0;
export const newId = (prefix = 'ses') =>
  `${prefix}${Date.now().toString(36)}${(++idCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export async function startDirectEnv(
  options: { config?: MaildeskConfig; now?: Date; faults?: FaultInjector; table?: string } = {},
): Promise<DirectEnv> {
  const endpoint = inject('dynamoEndpoint');
  const config = options.config ?? exampleConfig();
  const faults = options.faults ?? new FaultInjector();
  const table = options.table ?? uniqueTable('rel');
  const clean = localDynamoClient(endpoint);
  await ensureTicketTable(clean, table);
  const client: DynamoDBClient = faults.attach(localDynamoClient(endpoint), 'DynamoDB');

  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const bucket = new Map<string, Buffer>();
  const s3 = new S3Client({ region: 'eu-west-1', credentials });
  const s3Mock = mockClient(s3);
  s3Mock.on(GetObjectCommand).callsFake(
    faults.respond('S3', 'GetObject', (input: GetObjectCommandInput) => {
      const body = bucket.get(input.Key!);
      if (!body)
        throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
      return { Body: { transformToByteArray: async () => new Uint8Array(body) }, ContentLength: body.length };
    }),
  );
  s3Mock.on(PutObjectCommand).callsFake(
    faults.respond('S3', 'PutObject', (input: PutObjectCommandInput) => {
      bucket.set(input.Key!, Buffer.from(input.Body as Buffer));
      return { ETag: '"etag"' };
    }),
  );

  const sent: SentMail[] = [];
  const ses = new SESv2Client({ region: 'eu-west-1', credentials });
  // Strict: every SendEmail passes SES's documented rules first (shared/adapters/ses-v2-rules.ts).
  const strict = strictSes(accountFor(config));
  mockClient(ses)
    .on(SendEmailCommand)
    .callsFake(
      faults.respond(
        'SESv2',
        'SendEmail',
        strict.respond((input: SendEmailCommandInput) => {
          const raw = Buffer.from(input.Content!.Raw!.Data!);
          const head = raw
            .subarray(0, Math.max(0, raw.indexOf('\r\n\r\n')))
            .toString('utf8')
            .replace(/\r\n[ \t]+/g, ' ');
          const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? null;
          sent.push({
            raw,
            input,
            messageId: (header('Message-ID') ?? '').replace(/^<|>$/g, ''),
            eventType: header('X-Maildesk-Event'),
            ticketKey: header('X-Maildesk-Ticket'),
            to: [...(input.Destination?.ToAddresses ?? []), ...(input.Destination?.CcAddresses ?? [])],
          });
          return { MessageId: `0100${sent.length.toString(16).padStart(12, '0')}-sesid-000000` };
        }),
      ),
    );

  const bus: PutEventsRequestEntry[] = [];
  const eventBridge = new EventBridgeClient({ region: 'eu-west-1', credentials });
  // Strict, like SES: a PutEvents that EventBridge would refuse fails here too (eventbridge-rules.ts).
  const strictBus = strictEventBridge({ busNames: ['maildesk-test'], requiredBus: 'maildesk-test' });
  mockClient(eventBridge)
    .on(PutEventsCommand)
    .callsFake(
      faults.respond(
        'EventBridge',
        'PutEvents',
        strictBus.respond((input: PutEventsCommandInput) => {
          bus.push(...(input.Entries ?? []));
          return {
            FailedEntryCount: 0,
            Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `eb-${bus.length}-${i}` })),
          };
        }),
      ),
    );

  const store = new DynamoTicketStore(client, table);
  const inspect = new DynamoTicketStore(clean, table);
  const log = memoryLogger();
  const clock = { now: options.now ?? new Date() };
  // The Lambdas' adapters on these clients, composed as functions/wiring.ts composes them.
  const { receiveDeps, deliverDeps, sweepDeps } = buildDesk({
    mail: new S3MailStore(s3, BUCKET),
    tickets: store,
    sender: new SesMailSender(ses, TEST_CONFIGURATION_SET),
    bus: new EventBridgeBus(eventBridge, 'maildesk-test'),
    config,
    calendar: BusinessCalendar.fromConfig(config),
    now: () => clock.now,
    log,
  });
  const delivered = new Set<string>();

  const items = async (): Promise<Array<Record<string, unknown>>> => {
    const out: Array<Record<string, unknown>> = [];
    let start: Record<string, never> | undefined;
    do {
      const page = await clean.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      out.push(...(page.Items ?? []).map((i) => unmarshall(i)));
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    return out;
  };
  const eventsOf = (all: Array<Record<string, unknown>>): TicketEvent[] =>
    all
      .filter((i) => typeof i.sk === 'string' && i.sk.startsWith('EVENT#'))
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
      .map(({ pk: _pk, sk: _sk, itemType: _t, ...event }) => event as unknown as TicketEvent);

  const env: DirectEnv = {
    table,
    config,
    faults,
    store,
    inspect,
    bucket,
    sent,
    sesRejections: strict.rejections,
    busRejections: strictBus.rejections,
    bus,
    log,
    clock,
    receiveDeps,
    deliverDeps,
    sweepDeps,
    putMail(raw, o = {}) {
      const id = o.id ?? newId();
      bucket.set(`${INBOUND_PREFIX}${id}`, Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
      return parseSesEvent(sesEventFor(id, o.recipients ?? [], o.verdicts))[0]!;
    },
    async receive(inbound, retries = 2) {
      const errors: Error[] = [];
      for (let attempt = 0; ; attempt++) {
        try {
          return { outcome: await receiveMail(inbound, receiveDeps), errors };
        } catch (error) {
          errors.push(error as Error);
          if (attempt >= retries) throw error;
        }
      }
    },
    async deliverPending(attempts = 3) {
      const report: DeliveryReport = { delivered: 0, failedAttempts: 0, leftForRetry: [] };
      for (const event of eventsOf(await items())) {
        if (delivered.has(event.id)) continue;
        for (let attempt = 1; attempt <= attempts; attempt++) {
          try {
            await deliverEvent(event, deliverDeps);
            delivered.add(event.id);
            report.delivered++;
            break;
          } catch {
            report.failedAttempts++;
            if (attempt === attempts) report.leftForRetry.push(event.id);
          }
        }
      }
      return report;
    },
    async sweep(retries = 2) {
      // The schedule runs again a minute later whether the last run threw or skipped a ticket it failed on.
      const errors: Error[] = [];
      let last: SweepResult | null = null;
      for (let attempt = 0; attempt <= retries; attempt++) {
        try {
          last = await sweepDeadlines(clock.now, sweepDeps);
          if (!last.failed) return { result: last, errors };
        } catch (error) {
          errors.push(error as Error);
        }
      }
      return { result: last, errors };
    },
    async events() {
      return eventsOf(await items());
    },
    async tickets() {
      return inspect.listTickets();
    },
    items,
    async integrityProblems() {
      const all = await items();
      const problems: string[] = [];
      const tickets = new Map(
        all
          .filter((i) => i.sk === 'TICKET' && String(i.pk).startsWith('TICKET#'))
          .map((i) => [String(i.key), i as unknown as Ticket]),
      );
      const events = eventsOf(all);
      const ids = new Map<string, number>();
      for (const e of events) ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
      for (const [id, n] of ids) if (n > 1) problems.push(`event ${id} written ${n} times`);
      for (const e of events)
        if (e.ticketKey && !tickets.has(e.ticketKey)) problems.push(`event ${e.id} of missing ticket ${e.ticketKey}`);
      for (const [key, t] of tickets) {
        const created = events.filter((e) => e.ticketKey === key && e.type === 'ticket.created').length;
        if (created !== 1) problems.push(`ticket ${key} has ${created} creation events`);
        for (const a of t.attachments)
          if (!bucket.has(a.key)) problems.push(`ticket ${key} lists a missing attachment ${a.key}`);
      }
      const listed = new Set([...tickets.values()].flatMap((t) => t.attachments.map((a) => a.key)));
      for (const key of bucket.keys())
        if (key.startsWith('attachments/') && !listed.has(key))
          problems.push(`attachment object ${key} belongs to no ticket`);
      for (const i of all) {
        const pk = String(i.pk);
        if (
          (pk.startsWith('INBOUND#') || pk.startsWith('MSGID#')) &&
          typeof i.ticketKey === 'string' &&
          !tickets.has(i.ticketKey)
        )
          problems.push(`${pk} points to missing ticket ${i.ticketKey}`);
      }
      return problems;
    },
    close() {
      client.destroy();
      clean.destroy();
    },
  };
  return env;
}

/** Sent mails grouped by Message-ID (one per event and role): the counts must all be 1. */
export function sentCounts(sent: readonly SentMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of sent) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  return counts;
}
