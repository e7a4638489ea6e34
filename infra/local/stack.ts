/**
 * The local stack: the same use cases the Lambdas run, in one process.
 * DynamoDB Local (persisted) + SMTP on 127.0.0.1 in place of SES receiving + a folder in place
 * of the bucket + the table's stream polled into deliverEvent + an outbox folder (or an SMTP
 * relay) in place of SES sending + the sweep on a timer. The stand-ins for AWS's own work (SES receiving and
 * sending) run here or, for `npm start`, in their own process (aws-standins.ts), as on AWS they are not ours.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { describeEndpoint, startDynamoDbLocal, type RunningDynamoDbLocal } from '../../shared/adapters/dynamodb-local';
import { FileEventBus } from '../../shared/adapters/event-bus';
import { FolderMailStore } from '../../shared/adapters/folder-mail-store';
import { OutboxMailSender } from '../../shared/adapters/outbox-mail-sender';
import { SmtpMailSender } from '../../shared/adapters/smtp-mail-sender';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailSender } from '../../shared/adapters/ses-mail-sender';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import type { MaildeskConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Logger } from '../../shared/log';
import { buildDesk } from '../../shared/composition';
import { deliverEvent, type DeliverDeps } from '../../shared/use-cases/deliver-event';
import type { MailSender } from '../../shared/use-cases/ports';
import { receiveMail, type Outcome, type ReceiveDeps } from '../../shared/use-cases/receive-mail';
import { sweepDeadlines, type SweepDeps } from '../../shared/use-cases/sweep-deadlines';
import { SubscribedEventBus } from '../../shared/adapters/subscribed-event-bus';
import { alertTelegram } from '../../shared/use-cases/alert-telegram';
import { sendMonthlyReports } from '../../shared/use-cases/send-monthly-reports';
import { childProcessStandins } from './aws-standins-process';
import { inProcessStandins, localInbound } from './local-standins';
import { startStreamPoller } from './stream-poller';
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
  /**
   * Where the stand-ins for AWS's own work run (SES receiving's SMTP, the SES v2 endpoint): 'process' (their own
   * node process: `npm start`, so the stack's CPU is what Lambda would bill) or 'inline' (default: this one).
   */
  standins?: 'inline' | 'process';
  sweepEverySeconds?: number;
  streamPollMs?: number;
  now?: () => Date;
  log: Logger;
  /** how often to check whether the monthly SLA reports are due (also once at start); 0 turns it off. Default 60. */
  monthlyReportCheckMinutes?: number;
  /**
   * Telegram alerts when the config has `telegram`: token default env MAILDESK_TELEGRAM_TOKEN, apiBase default env
   * MAILDESK_TELEGRAM_API_BASE, else api.telegram.org
   */
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
  const standins =
    options.standins === 'process' ? await childProcessStandins(log).catch(failStart) : inProcessStandins();
  undoStart.push(() => standins.close());
  let ses: { endpoint: string; client: SESv2Client } | null = null;
  if (options.sesEndpoint && !options.relayUrl) {
    // The identities SES would have verified: the deployment's domain, else the tenants' domains.
    const domains = config.deployment
      ? [config.deployment.domain]
      : [...new Set(config.tenants.flatMap((t) => t.addresses.map((a) => a.slice(a.lastIndexOf('@') + 1))))];
    const endpoint = await standins.startSes(domains, paths.outbox).catch(failStart);
    const sesClient = new SESv2Client({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    ses = { endpoint, client: sesClient };
    undoStart.push(async () => sesClient.destroy());
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

  let wakePoller = () => {}; // the stream poller backs off while idle: our own writes wake it
  // Inbound: SMTP in place of SES receiving stores the raw mail, then this runs as SES's Lambda action would.
  const receiveStored = async (id: string, recipients: string[]): Promise<void> => {
    // Mail from loopback counts as authenticated, as SES's DKIM/SPF PASS would (see README).
    const inbound = localInbound(id, recipients);
    try {
      outcomes.push(await receiveMail(inbound, receiveDeps));
      wakePoller();
    } catch (error) {
      log.error('inbound failed: kept for replay', { inboundId: id, error: (error as Error).name });
      await recordFailure(id, (error as Error).message, {
        kind: 'inbound',
        mailKey: inbound.mailKey,
        recipients,
        verdicts: inbound.verdicts,
      });
    }
  };
  const smtpPort = await standins.startSmtp(options.smtpPort, paths.mail, receiveStored).catch(failStart);
  const webhook = bridge ? await bridge.listen().catch(failStart) : null;
  if (webhook) undoStart.push(() => webhook.close());

  // Outbound: poll the table's stream, as Lambda's event source mapping would.
  const described = await client.send(new DescribeTableCommand({ TableName: table })).catch(failStart);
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) return failStart(new Error(`table ${table} has no stream`));
  const poller = startStreamPoller({
    endpoint,
    streamArn,
    fromStart: Boolean(options.dynamoEndpoint),
    pollMs: options.streamPollMs,
    deliver: (event) => deliverEvent(event, deliverDeps),
    recordFailure,
    log,
  });
  wakePoller = poller.wake;

  const sweepTimer =
    options.sweepEverySeconds && options.sweepEverySeconds > 0
      ? setInterval(() => {
          const sweep = sweepDeadlines(now(), sweepDeps).then(wakePoller);
          sweep.catch((error: Error) => log.error('sweep failed', { error: error.name }));
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
    sesEndpoint: ses?.endpoint,
    telegramWebhook: webhook?.url,
    client,
    store,
    receiveDeps,
    deliverDeps,
    sweepDeps,
    outcomes,
    drain: () => poller.drain(),
    async stop() {
      const polling = poller.stop();
      if (sweepTimer) clearInterval(sweepTimer);
      if (reportTimer) clearInterval(reportTimer);
      await reportRun;
      await standins.closeSmtp();
      await webhook?.close();
      await polling;
      client.destroy();
      ses?.client.destroy();
      await standins.close();
      if (dynamo) await dynamo.stop();
    },
  };
}
