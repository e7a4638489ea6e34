/**
 * The Lambdas' composition: AWS adapters made once per container, and the use cases' deps from
 * shared/composition.ts (the same function the local stack, the CLI, the bench and the tests use).
 * A handler names the adapters it uses; their environment variables are checked at cold start.
 * They are made at init, where every invocation needs them (a client made on first use would only
 * move its cost from the init to the first request), except those a handler marks `onFirstUse`:
 * monthly-report, whose daily run is nearly always a cold start with no report due, makes its
 * DynamoDB and SES clients only when a report is due. Each adapter is a plain object, so esbuild
 * drops the ones (and their SDK clients) a function does not name; the SES sender lives apart
 * (./ses-sender.ts) because its module imports nodemailer, whose modules run code at import and
 * so would stay in every bundle importing it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoTicketStore } from '../shared/adapters/dynamo-ticket-store';
import { EventBridgeBus } from '../shared/adapters/event-bus';
import { S3MailStore } from '../shared/adapters/s3-mail-store';
import { ssmLinkSigningKey } from '../shared/adapters/ssm-link-key';
import { BusinessCalendar } from '../shared/domain/business-calendar';
import { buildDesk, type DeskAdapters, type Desk, type TelegramAdapter } from '../shared/composition';
import { configFromEnvironment, type MaildeskConfig } from '../shared/config';
import { requireEnv } from '../shared/lambda-env';
import { jsonLogger, type Logger } from '../shared/log';
import type { EventBus, MailSender, MailStore, TicketStore } from '../shared/use-cases/ports';

/** How to make one adapter: the environment variables it reads, and the making. */
export interface AwsAdapter<T> {
  env: readonly string[];
  make(env: Record<string, string>, config: MaildeskConfig, log: Logger): T;
}

export const dynamoTickets: AwsAdapter<TicketStore> = {
  env: ['TABLE_NAME'],
  make: (env) => new DynamoTicketStore(new DynamoDBClient({}), env.TABLE_NAME!),
};

export const s3Mail: AwsAdapter<MailStore> = {
  env: ['MAIL_BUCKET'],
  make: (env) => new S3MailStore(new S3Client({}), env.MAIL_BUCKET!),
};

/**
 * notify's store: its presigned links are signed with the attachment-links IAM user's key from SSM
 * (config attachmentLinks.signingKeyParameter), so they last the 7 days the letter states; without it,
 * with the role's session, for an hour (shared/adapters/ssm-link-key.ts). The SSM client is made and the
 * key read on the first link: most notify containers sign none, so neither is on their cold start.
 */
export const s3MailSignedLinks: AwsAdapter<MailStore> = {
  env: ['MAIL_BUCKET'],
  make: (env, config, log) => {
    const key = ssmLinkSigningKey(() => new SSMClient({}), config.attachmentLinks.signingKeyParameter, log);
    return new S3MailStore(new S3Client({}), env.MAIL_BUCKET!, undefined, key);
  },
};

export const eventBridgeBus: AwsAdapter<EventBus> = {
  env: ['EVENT_BUS_NAME'],
  make: (env) => new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME!),
};

/** The business calendar of the config (its time-zone formatter makes Node load ICU's zone data). */
export const businessCalendar: AwsAdapter<BusinessCalendar> = {
  env: [],
  make: (_env, config) => BusinessCalendar.fromConfig(config),
};

/**
 * The bot token from SSM Parameter Store (config telegram.botTokenParameter, SecureString), read when
 * an alert is actually sent and kept for the container; a failed read is not kept, so the retry
 * reads again. A small adapter rather than @middy/ssm: middy's would fetch before every invocation,
 * also for the events that send nothing.
 */
export const ssmTelegram: AwsAdapter<TelegramAdapter> = {
  env: [],
  make: (_env, config) => {
    const ssm = new SSMClient({});
    let cached: Promise<string> | null = null;
    const token = (): Promise<string> => {
      const name = config.telegram?.botTokenParameter;
      if (!name) return Promise.reject(new Error('config has no telegram section'));
      cached ??= ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })).then((r) => {
        if (!r.Parameter?.Value) throw new Error(`SSM parameter ${name} has no value`);
        return r.Parameter.Value;
      });
      cached.catch(() => (cached = null));
      return cached;
    };
    return { token, apiBase: process.env.TELEGRAM_API_BASE || undefined };
  },
};

export interface LambdaAdapters {
  tickets?: AwsAdapter<TicketStore>;
  mail?: AwsAdapter<MailStore>;
  sender?: AwsAdapter<MailSender>;
  bus?: AwsAdapter<EventBus>;
  telegram?: AwsAdapter<TelegramAdapter>;
  calendar?: AwsAdapter<BusinessCalendar>;
}

/**
 * One function's composition: config and environment checked now (cold start); each named adapter
 * made now, or on first use when listed in `onFirstUse`, and kept for the container.
 */
export function lambdaDesk(
  service: string,
  uses: LambdaAdapters,
  options: { onFirstUse?: ReadonlyArray<keyof LambdaAdapters> } = {},
): { desk: Desk; config: MaildeskConfig; log: Logger } {
  const env = requireEnv(Object.values(uses).flatMap((a) => a.env));
  const config = configFromEnvironment();
  const log = jsonLogger(undefined, service);
  const made = new Map<keyof LambdaAdapters, unknown>();
  const adapter = <K extends keyof LambdaAdapters>(name: K) => {
    const factory = uses[name];
    if (!factory) return undefined;
    if (!made.has(name)) made.set(name, factory.make(env, config, log));
    return made.get(name) as ReturnType<NonNullable<LambdaAdapters[K]>['make']>;
  };
  for (const name of Object.keys(uses) as Array<keyof LambdaAdapters>) {
    if (!options.onFirstUse?.includes(name)) adapter(name);
  }
  const adapters: DeskAdapters = {
    config,
    log,
    get tickets() {
      return adapter('tickets');
    },
    get mail() {
      return adapter('mail');
    },
    get sender() {
      return adapter('sender');
    },
    get bus() {
      return adapter('bus');
    },
    get telegram() {
      return adapter('telegram');
    },
    get calendar() {
      return adapter('calendar');
    },
  };
  return { desk: buildDesk(adapters), config, log };
}
