/**
 * What each function gets, as data: names, runtime, memory, timeouts, the DynamoDB actions and indexes of its role,
 * the notify stream filter, the schedules and bus patterns, and the ESM banner of the bundles. Tested by test/infra.
 */
import { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EVENT_SOURCE } from '../../shared/adapters/event-bus';
import { EVENT_SK_PREFIX } from '../../shared/adapters/table-layout';
import type { MaildeskConfig } from '../../shared/config';

export const FUNCTION_NAMES = ['inbound', 'notify', 'sla-sweep', 'monthly-report', 'telegram-alert'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
/** Functions that exist only when their config section does: telegram-alert needs `telegram`. */
export type OptionalFunctionName = 'telegram-alert';
/** One value per function; the optional ones only when deployed. */
export type PerFunction<T> = Record<Exclude<FunctionName, OptionalFunctionName>, T> &
  Partial<Record<OptionalFunctionName, T>>;

/** The functions a config deploys, in FUNCTION_NAMES order. */
export function deployedFunctionNames(config: Pick<MaildeskConfig, 'telegram'>): FunctionName[] {
  return FUNCTION_NAMES.filter((name) => name !== 'telegram-alert' || config.telegram !== undefined);
}

/** Node.js 22, pinned: a runtime change is a deliberate edit here, tested by test/infra. */
export const RUNTIME = lambda.Runtime.NODEJS_22_X;

export const MEMORY_MB: Record<FunctionName, number> = {
  inbound: 1024,
  notify: 512,
  'sla-sweep': 256,
  'monthly-report': 512,
  'telegram-alert': 256,
};
export const TIMEOUT: Record<FunctionName, Duration> = {
  inbound: Duration.minutes(2), // parse up to ~30 MB of MIME, store attachments
  notify: Duration.minutes(2), // up to 10 events, each a few SES calls
  'sla-sweep': Duration.seconds(50), // must finish before the next tick
  // every tenant's month of history (one Query per ticket), render, one SES call each
  'monthly-report': Duration.minutes(5),
  'telegram-alert': Duration.seconds(30), // two claims, one SSM read per container, one HTTPS call (10 s timeout)
};

/** DynamoDB actions per function. TransactWriteItems is authorized per item (Put/Update/ConditionCheck). */
export const TABLE_ACTIONS: Record<FunctionName, string[]> = {
  inbound: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
  // BatchWriteItem: the providers' Message-IDs of an event's mails, remembered in one call.
  notify: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
  'sla-sweep': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  // Query on the table: a ticket's events; PutItem/DeleteItem: the once-per-tenant-and-month claim;
  // GetItem: claim() reads its marker back when a PutItem's answer was lost.
  'monthly-report': ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
  // Claims only (once per event id): PutItem, DeleteItem, and GetItem for claim()'s read-back.
  'telegram-alert': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
};
/** Indexes each function may Query (by name, never `index/*`). */
export const INDEX_QUERY: Record<FunctionName, ('byTenant' | 'due')[]> = {
  inbound: ['byTenant', 'due'],
  notify: [],
  'sla-sweep': ['due'],
  'monthly-report': ['byTenant'], // a tenant's tickets
  'telegram-alert': [],
};

/** Only outbox events reach notify: new items whose sort key starts with `EVENT#`. */
export const NOTIFY_STREAM_FILTER = {
  eventName: lambda.FilterRule.isEqual('INSERT'),
  dynamodb: { Keys: { sk: { S: lambda.FilterRule.beginsWith(EVENT_SK_PREFIX) } } },
};

/** Daily at 06:00 UTC (09:00 in Moscow); the use case decides whether today is the first working day. */
export const MONTHLY_REPORT_SCHEDULE = 'cron(0 6 * * ? *)';

/**
 * What reaches telegram-alert: SLA escalations and breaches, and new tickets only when blocking
 * (two rules, so the other ticket.created events never invoke the function).
 */
export const TELEGRAM_PATTERNS = {
  sla: { source: [EVENT_SOURCE], detailType: ['sla.escalated', 'sla.breached'] },
  blockingTicket: { source: [EVENT_SOURCE], detailType: ['ticket.created'], detail: { priority: ['blocking'] } },
} satisfies Record<string, events.EventPattern>;

/** ESM needs `require` for the CommonJS dependencies esbuild inlines (mailparser, iconv-lite...). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __maildeskCreateRequire } from 'node:module'; const require = " +
  '__maildeskCreateRequire(import.meta.url);';
