/**
 * The clinics' Telegram groups bridge, only when some tenant has `telegram.chatId`:
 *
 *   telegram-webhook  Lambda function URL (auth NONE: Telegram cannot sign requests; every request
 *                     must carry the secret token header, compared in constant time by the use case)
 *                     -> a group message becomes a comment / commands on its ticket
 *   clinic-group      maildesk bus rule: a blocking ticket's ticket.created, ticket.status_changed,
 *                     sla.escalated, sla.breached -> a post in its clinic's group
 *
 * Both read the bot token from SSM (the top-level `telegram.botTokenParameter`, else
 * /maildesk/telegram-bot-token); the webhook also reads its secret from /maildesk/telegram-webhook-secret.
 * Both parameters are SecureStrings created by hand (docs/telegram.md), never in the template.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/adapters/event-bus';
import type { MaildeskConfig } from '../../shared/config';
import { DEFAULT_BOT_TOKEN_PARAMETER, WEBHOOK_SECRET_PARAMETER } from '../../shared/use-cases/clinic-group-ports';
import { ssmParameterArn } from './functions';
import { maildeskFunction } from './maildesk-function';
import type { TicketTable } from './ticket-table';

export type BridgeFunctionName = 'telegram-webhook' | 'clinic-group';

/** A blocking ticket's news for its clinic's group (the bus detail carries the ticket's priority). */
export const CLINIC_GROUP_PATTERN = {
  source: [EVENT_SOURCE],
  detailType: ['ticket.created', 'ticket.status_changed', 'sla.escalated', 'sla.breached'],
  detail: { priority: ['blocking'] },
} satisfies events.EventPattern;

/** Table actions: the webhook reads and writes tickets like inbound; the poster claims and remembers posts. */
export const BRIDGE_TABLE_ACTIONS: Record<BridgeFunctionName, string[]> = {
  'telegram-webhook': [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:ConditionCheckItem',
  ],
  'clinic-group': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
};

export const bridgeWanted = (config: MaildeskConfig) => config.tenants.some((t) => t.telegram);

export interface TelegramBridgeProps {
  config: MaildeskConfig;
  projectRoot: string;
  entries?: Partial<Record<string, string>>;
  tickets: TicketTable;
  bus: events.IEventBus;
  logRetention: logs.RetentionDays;
}

export class TelegramBridge extends Construct {
  readonly webhook: nodejs.NodejsFunction;
  readonly webhookUrl: lambda.FunctionUrl;
  readonly clinicGroup: nodejs.NodejsFunction;
  readonly clinicGroupDlq: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: TelegramBridgeProps) {
    super(scope, id);
    const botToken = props.config.telegram?.botTokenParameter ?? DEFAULT_BOT_TOKEN_PARAMETER;
    const make = (name: BridgeFunctionName, description: string, extra: Partial<nodejs.NodejsFunctionProps>) =>
      maildeskFunction(this, props, {
        name,
        description,
        memorySize: 256,
        timeout: Duration.seconds(30),
        environment: {
          TABLE_NAME: props.tickets.table.tableName,
          TELEGRAM_BOT_TOKEN_PARAMETER: botToken,
          TELEGRAM_WEBHOOK_SECRET_PARAMETER: WEBHOOK_SECRET_PARAMETER,
        },
        statements: [
          new iam.PolicyStatement({
            sid: 'Table',
            actions: BRIDGE_TABLE_ACTIONS[name],
            resources: [props.tickets.table.tableArn],
          }),
        ],
        extra,
      });
    const readParameters = (names: string[]) =>
      new iam.PolicyStatement({
        sid: 'ReadTelegramParameters',
        actions: ['ssm:GetParameter'],
        resources: names.map((n) => ssmParameterArn(this, n)),
      });

    // The webhook answers Telegram synchronously: an error is a 5xx, and Telegram delivers the update again.
    const webhook = make('telegram-webhook', 'maildesk: Telegram updates from the clinics groups -> ticket comments', {
      retryAttempts: 0,
    });
    webhook.role.addToPolicy(readParameters([botToken, WEBHOOK_SECRET_PARAMETER]));
    this.webhook = webhook.fn;
    this.webhookUrl = webhook.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    // The poster: async invoke from the bus rule, two retries within an hour (claims keep one post), then the DLQ.
    this.clinicGroupDlq = new sqs.Queue(this, 'ClinicGroupDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const poster = make('clinic-group', 'maildesk: blocking tickets -> their clinic Telegram group', {
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(this.clinicGroupDlq),
    });
    poster.role.addToPolicy(readParameters([botToken]));
    this.clinicGroup = poster.fn;
    this.rule = new events.Rule(this, 'ClinicGroupRule', {
      description: 'maildesk: blocking tickets -> clinic Telegram groups',
      eventBus: props.bus,
      eventPattern: CLINIC_GROUP_PATTERN,
      targets: [
        new targets.LambdaFunction(poster.fn, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.clinicGroupDlq,
        }),
      ],
    });

    // cdk-nag, acknowledged here on the narrowest constructs (as nag-suppressions.ts does for the rest).
    for (const fn of [this.webhook, this.clinicGroup]) {
      const reason =
        'Node.js 22 is pinned on purpose, as on every maildesk function: the bundles target node22 and are tested ' +
        'on it; a newer runtime is a deliberate change of RUNTIME in infra/constructs/functions.ts.';
      Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason });
    }
    Validations.of(this.clinicGroupDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'It is the dead-letter queue: the on-failure destination of clinic-group and of its bus rule target; ' +
        'a dead-letter queue of a dead-letter queue would only move the problem.',
    });
  }
}
