/**
 * The local stack: the same use cases the Lambdas run, in one process.
 * DynamoDB Local (persisted) + SMTP on 127.0.0.1 in place of SES receiving + a folder in place
 * of the bucket + the table's stream polled into deliverEvent + an outbox folder (or an SMTP
 * relay) in place of SES sending + the sweep on a timer.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBStreamsClient,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { SMTPServer } from 'smtp-server';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { describeEndpoint, startDynamoDbLocal, type RunningDynamoDbLocal } from '../../shared/adapters/dynamodb-local';
import { FileEventBus } from '../../shared/adapters/event-bus';
import { FolderMailStore } from '../../shared/adapters/folder-mail-store';
import { OutboxMailSender } from '../../shared/adapters/outbox-mail-sender';
import { SmtpMailSender } from '../../shared/adapters/smtp-mail-sender';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailSender } from '../../shared/adapters/ses-mail-sender';
import { startSesStandin, type SesStandin } from '../../shared/adapters/standins/ses-v2-standin';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import type { MaildeskConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Logger } from '../../shared/log';
import { localReceiptHeaders, parseSesEvent, sesEventFor, INBOUND_PREFIX } from '../../shared/adapters/ses-event';
import { deliverStreamBatch } from '../../shared/adapters/stream-records';
import { buildDesk } from '../../shared/composition';
import { deliverEvent, type DeliverDeps } from '../../shared/use-cases/deliver-event';
import type { MailSender } from '../../shared/use-cases/ports';
import { receiveMail, type Outcome, type ReceiveDeps } from '../../shared/use-cases/receive-mail';
import { sweepDeadlines, type SweepDeps } from '../../shared/use-cases/sweep-deadlines';
import { SubscribedEventBus } from '../../shared/adapters/subscribed-event-bus';
import { alertTelegram } from '../../shared/use-cases/alert-telegram';
import { sendMonthlyReports } from '../../shared/use-cases/send-monthly-reports';
import { telegramBridge } from './telegram-webhook-server';

export const LOCAL_TABLE = 'maildesk';

export interface LocalStackOptions {
  config: MaildeskConfig;
  dataDir: string;
  /** 0 picks a free port */
  smtpPort: number;
  /** use an already running DynamoDB Local instead of starting one */
  dynamoEndpoint?: string;
  dynamoPort?: number;
  table?: string;
  /** smtp://host:port to relay outgoing mail instead of writing the outbox */
  relayUrl?: string;
  /**
   * Send as the Lambdas do: SesMailSender to a strict local SES v2 endpoint on 127.0.0.1, which
   * refuses what SES would refuse and writes each accepted mail to the outbox (`npm start` turns
   * this on; without it the outbox is written directly). Ignored with relayUrl.
   */
  sesEndpoint?: boolean;
  sweepEverySeconds?: number;
  streamPollMs?: number;
  now?: () => Date;
  log: Logger;
  /** how often to check whether the monthly SLA reports are due (also once at start); 0 turns it off. Default 60. */
  monthlyReportCheckMinutes?: number;
  /** Telegram alerts when the config has `telegram`: token default env MAILDESK_TELEGRAM_TOKEN, apiBase default env MAILDESK_TELEGRAM_API_BASE, else api.telegram.org */
  telegram?: { token?: string; apiBase?: string; webhookSecret?: string; httpPort?: number };
}

export interface LocalStack {
  smtpPort: number;
  dynamoEndpoint: string;
  table: string;
  dataDir: string;
  outboxDir: string;
  /** the local SES v2 endpoint mail goes through, when `sesEndpoint` is on */
  sesEndpoint?: string;
  /** the Telegram webhook's URL on 127.0.0.1, when the clinics' groups bridge is on */
  telegramWebhook?: string;
  client: DynamoDBClient;
  store: DynamoTicketStore;
  receiveDeps: ReceiveDeps;
  deliverDeps: DeliverDeps;
  sweepDeps: SweepDeps;
  /** outcomes of received mails, in order (the tests read them) */
  outcomes: Outcome[];
  /** resolves once every stream record written so far has been delivered */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function localPaths(dataDir: string) {
  const root = resolve(dataDir);
  return {
    root,
    mail: join(root, 'mail'),
    outbox: join(root, 'outbox'),
    failed: join(root, 'failed'),
    dynamodb: join(root, 'dynamodb'),
    events: join(root, 'events.jsonl'),
  };
}

/** SES-like message ids: unique, sortable by arrival, safe as an object key. */
export const newInboundId = () => `${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const paths = localPaths(options.dataDir);
  await Promise.all([paths.mail, paths.outbox, paths.failed, paths.dynamodb].map((p) => mkdir(p, { recursive: true })));
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  const table = options.table ?? LOCAL_TABLE;

  let dynamo: RunningDynamoDbLocal | null = null;
  let endpoint = options.dynamoEndpoint;
  if (!endpoint) {
    dynamo = await startDynamoDbLocal({
      port: options.dynamoPort,
      dbPath: paths.dynamodb,
      portSetting: 'MAILDESK_DYNAMODB_PORT',
    });
    endpoint = dynamo.endpoint;
  }
  const client = localDynamoClient(endpoint);
  // A failed start stops what it started (no orphaned Java holding the port); the steps that can
  // fail below register what to undo here.
  const undoStart: Array<() => Promise<void>> = [async () => client.destroy(), async () => void (await dynamo?.stop())];
  const failStart = async (error: unknown): Promise<never> => {
    for (const undo of undoStart.reverse()) await undo().catch(() => undefined);
    throw error;
  };
  try {
    await ensureTicketTable(client, table);
  } catch (error) {
    // Not DynamoDB's own error (a web page parsed as JSON...): say what answered at the endpoint.
    const answered =
      (error as { $metadata?: unknown }).$metadata === undefined ? await describeEndpoint(endpoint) : null;
    await failStart(
      answered && !answered.isDynamoDb
        ? new Error(`the database at ${endpoint} is not DynamoDB: ${answered.description} answered`, { cause: error })
        : error,
    );
  }
  const store = new DynamoTicketStore(client, table);
  const mailStore = new FolderMailStore(paths.mail);
  let sender: MailSender = options.relayUrl ? new SmtpMailSender(options.relayUrl) : new OutboxMailSender(paths.outbox);
  let ses: { standin: SesStandin; client: SESv2Client } | null = null;
  if (options.sesEndpoint && !options.relayUrl) {
    // The identities SES would have verified: the deployment's domain, else the tenants' domains.
    const domains = config.deployment
      ? [config.deployment.domain]
      : [...new Set(config.tenants.flatMap((t) => t.addresses.map((a) => a.slice(a.lastIndexOf('@') + 1))))];
    const standin = await startSesStandin({ account: { verifiedIdentities: domains }, folder: paths.outbox }).catch(
      failStart,
    );
    const sesClient = new SESv2Client({
      endpoint: standin.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    ses = { standin, client: sesClient };
    undoStart.push(async () => {
      sesClient.destroy();
      await standin.close();
    });
    sender = new SesMailSender(sesClient);
  }
  // The bus subscriber EventBridge runs in AWS (functions/telegram-alert), called here after each publish.
  const telegramToken = options.telegram?.token ?? process.env.MAILDESK_TELEGRAM_TOKEN;
  const subscribers: Array<{ name: string; handle: (e: Parameters<typeof alertTelegram>[0]) => Promise<unknown> }> = [];
  const desk = buildDesk({
    tickets: store,
    mail: mailStore,
    sender,
    bus: new SubscribedEventBus(new FileEventBus(paths.events), subscribers, log),
    telegram: telegramToken
      ? {
          token: async () => telegramToken,
          apiBase: options.telegram?.apiBase ?? process.env.MAILDESK_TELEGRAM_API_BASE,
          webhookSecret: async () =>
            options.telegram?.webhookSecret ?? process.env.MAILDESK_TELEGRAM_WEBHOOK_SECRET ?? '',
        }
      : undefined,
    config,
    calendar: BusinessCalendar.fromConfig(config),
    now,
    log,
  });
  if (config.telegram && telegramToken)
    subscribers.push({ name: 'telegram', handle: (e) => alertTelegram(e, desk.alertDeps) });
  const bridge =
    telegramToken && config.tenants.some((t) => t.telegram)
      ? await telegramBridge(options, desk, log).catch(failStart)
      : null;
  if (bridge) subscribers.push(bridge.subscriber);
  const { receiveDeps, deliverDeps, sweepDeps, reportDeps } = desk;
  const outcomes: Outcome[] = [];

  const recordFailure = async (name: string, reason: string, body: object) => {
    await writeFile(
      join(paths.failed, `${name}.json`),
      JSON.stringify({ reason, at: new Date().toISOString(), ...body }, null, 2),
    );
  };

  // Inbound: SMTP in place of SES receiving. The raw mail is stored before anything reads it.
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'maildesk local',
    size: 40 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const id = newInboundId();
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        // Mail from loopback counts as authenticated, as SES's DKIM/SPF PASS would (see README).
        const [inbound] = parseSesEvent(sesEventFor(id, recipients));
        // Stored as SES stores it: its receipt block (the verdicts) above the message, so a replay judges it the same.
        mailStore
          .put(
            `${INBOUND_PREFIX}${id}`,
            Buffer.concat([Buffer.from(localReceiptHeaders(id, inbound!.verdicts)), ...chunks]),
          )
          .then(async () => {
            try {
              outcomes.push(await receiveMail(inbound!, receiveDeps));
            } catch (error) {
              log.error('inbound failed: kept for replay', { inboundId: id, error: (error as Error).name });
              await recordFailure(id, (error as Error).message, {
                kind: 'inbound',
                mailKey: inbound!.mailKey,
                recipients,
                verdicts: inbound!.verdicts,
              });
            }
            callback(null, `queued as ${id}`);
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((done, fail) => {
    smtp.once('error', fail);
    smtp.listen(options.smtpPort, '127.0.0.1', () => done());
  }).catch((error: NodeJS.ErrnoException) =>
    failStart(
      error.code === 'EADDRINUSE'
        ? new Error(
            `SMTP port ${options.smtpPort} on 127.0.0.1 is in use: set MAILDESK_SMTP_PORT to a free port (or stop the program holding it)`,
            { cause: error },
          )
        : error,
    ),
  );
  undoStart.push(() => new Promise<void>((done) => smtp.close(() => done())));
  const address = smtp.server.address();
  const smtpPort = typeof address === 'object' && address ? address.port : options.smtpPort;
  const webhook = bridge ? await bridge.listen().catch(failStart) : null;
  if (webhook) undoStart.push(() => webhook.close());

  // Outbound: poll the table's stream, as Lambda's event source mapping would.
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  undoStart.push(async () => streams.destroy());
  const described = await client.send(new DescribeTableCommand({ TableName: table })).catch(failStart);
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) return failStart(new Error(`table ${table} has no stream`));
  const iterators = new Map<string, string | undefined>();
  let stopped = false;
  let idleWaiters: Array<() => void> = [];

  // Each page through the stream's batch delivery (as the notify Lambda); a failed record is tried
  // again from where it stopped, and after 3 attempts kept in the failed folder for a replay.
  const deliverPage = async (records: readonly _Record[]) => {
    let pending = records;
    for (let attempt = 1; pending.length > 0; ) {
      const { failed } = await deliverStreamBatch(pending, (event) => deliverEvent(event, deliverDeps));
      if (!failed) return;
      if (attempt >= 3) {
        log.error('delivery failed: kept for replay', { eventId: failed.event.id, error: failed.error.name });
        await recordFailure(`event-${failed.event.id.replace(/[^A-Za-z0-9._-]/g, '_')}`, failed.error.message, {
          kind: 'event',
          event: failed.event,
        });
        [pending, attempt] = [pending.slice(failed.index + 1), 1];
      } else {
        await new Promise((r) => setTimeout(r, 100 * attempt));
        [pending, attempt] = [pending.slice(failed.index), attempt + 1];
      }
    }
  };

  // Shards open at start-up begin at LATEST (a persisted database's history was delivered in an
  // earlier run); shards that appear later begin at their start so nothing is skipped.
  let newShardStart: 'LATEST' | 'TRIM_HORIZON' = options.dynamoEndpoint ? 'TRIM_HORIZON' : 'LATEST';
  // DynamoDB Local may call an iterator taken on a still empty shard "trimmed" once writes to other
  // tables of the same instance have moved the sequence numbers on (tests run several stacks on one
  // instance); iterators also expire. Either way: a fresh iterator after the last record delivered
  // (or from the shard's start: delivery is idempotent), read again at once.
  const lastSequence = new Map<string, string>();
  const getRecords = async (shardId: string, iterator: string) => {
    try {
      return await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
      const after = lastSequence.get(shardId);
      const fresh = await streams.send(
        new GetShardIteratorCommand(
          after
            ? {
                StreamArn: streamArn,
                ShardId: shardId,
                ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
                SequenceNumber: after,
              }
            : { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' },
        ),
      );
      if (!fresh.ShardIterator) return { Records: [], NextShardIterator: undefined };
      return streams.send(new GetRecordsCommand({ ShardIterator: fresh.ShardIterator }));
    }
  };
  const pollOnce = async (): Promise<number> => {
    const stream = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    let seen = 0;
    for (const shard of stream.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId!;
      if (!iterators.has(id)) {
        const it = await streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: newShardStart }),
        );
        iterators.set(id, it.ShardIterator);
      }
      const iterator = iterators.get(id);
      if (!iterator) continue;
      const page = await getRecords(id, iterator);
      iterators.set(id, page.NextShardIterator);
      const records = page.Records ?? [];
      seen += records.length;
      await deliverPage(records);
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) lastSequence.set(id, last);
    }
    newShardStart = 'TRIM_HORIZON';
    return seen;
  };

  const pollLoop = async () => {
    while (!stopped) {
      let seen = 0;
      try {
        seen = await pollOnce();
      } catch (error) {
        if (!stopped) log.warn('stream poll failed: retrying', { error: (error as Error).name });
      }
      if (seen === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      }
      await new Promise((r) => setTimeout(r, options.streamPollMs ?? 200));
    }
  };
  const polling = pollLoop();

  const sweepTimer =
    options.sweepEverySeconds && options.sweepEverySeconds > 0
      ? setInterval(() => {
          sweepDeadlines(now(), sweepDeps).catch((error: Error) => log.error('sweep failed', { error: error.name }));
        }, options.sweepEverySeconds * 1000)
      : null;

  // Monthly SLA reports: checked at start and every hour; the use case acts on the first working
  // day of a month only, once per tenant and month (a claim), so restarts never send twice.
  let reportRun: Promise<unknown> = Promise.resolve();
  const checkReports = () => {
    reportRun = reportRun
      .then(() => sendMonthlyReports(now(), reportDeps))
      .catch((error: Error) => log.error('monthly reports failed', { error: error.name }));
  };
  const reportEveryMinutes = options.monthlyReportCheckMinutes ?? 60;
  const reportTimer = reportEveryMinutes > 0 ? setInterval(checkReports, reportEveryMinutes * 60_000) : null;
  if (reportTimer) checkReports();

  return {
    smtpPort,
    dynamoEndpoint: endpoint,
    table,
    dataDir: paths.root,
    outboxDir: paths.outbox,
    sesEndpoint: ses?.standin.endpoint,
    telegramWebhook: webhook?.url,
    client,
    store,
    receiveDeps,
    deliverDeps,
    sweepDeps,
    outcomes,
    drain: () =>
      new Promise<void>((done) => {
        // Two idle polls in a row: everything written before the call has been seen.
        let idle = 0;
        const wait = () => idleWaiters.push(() => (++idle >= 2 ? done() : wait()));
        wait();
      }),
    async stop() {
      stopped = true;
      if (sweepTimer) clearInterval(sweepTimer);
      if (reportTimer) clearInterval(reportTimer);
      await reportRun;
      await new Promise<void>((done) => smtp.close(() => done()));
      await webhook?.close();
      await polling;
      streams.destroy();
      client.destroy();
      ses?.client.destroy();
      await ses?.standin.close();
      if (dynamo) await dynamo.stop();
    },
  };
}
