/**
 * The functions, their DLQs, triggers and IAM.
 *
 *   inbound        SES receipt rule (async Event)   -> raw MIME -> ticket / reply / ignored
 *   notify         DynamoDB stream (outbox events)  -> mail through SES, events to the maildesk bus
 *   sla-sweep      EventBridge schedule rate(1 min) -> deadlines due now -> warn / breach / auto-close
 *                                                   (as outbox event items: notify sends and publishes them)
 *   monthly-report EventBridge schedule, daily      -> on the first working day of a month, each tenant's
 *                                                   SLA report to its reportRecipients through SES
 *   telegram-alert maildesk bus rules (only with config `telegram`): blocking ticket.created,
 *                                                   sla.escalated, sla.breached -> Telegram Bot API (HTTPS)
 *
 * Every function: NodejsFunction bundled locally by esbuild (no Docker), ESM, minified, source
 * maps, Node.js 22 pinned (not NODEJS_LATEST, which would change under us), arm64, JSON logs in
 * an explicit log group with a retention, and its own role that lists exactly the actions and
 * resources it uses (no AWS managed policies; the action lists are data in function-settings.ts).
 *
 * The validated config reaches the code at BUILD time: esbuild replaces
 * `process.env.MAILDESK_CONFIG_JSON` with the config's JSON, so a function never reads a file
 * or a parameter at cold start and always runs with the config it was deployed with.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MaildeskConfig } from '../../shared/config';
import { grantTable, listBucket, putEvents, sendMail, ssmParameterArn } from './function-policies';
import {
  MEMORY_MB,
  MONTHLY_REPORT_SCHEDULE,
  NOTIFY_STREAM_FILTER,
  TELEGRAM_PATTERNS,
  TIMEOUT,
  type FunctionName,
  type PerFunction,
} from './function-settings';
import { maildeskFunction } from './maildesk-function';
import { MAIL_PREFIXES } from './raw-mail-bucket';
import type { TicketTable } from './ticket-table';

export * from './function-settings';
export { ssmParameterArn } from './function-policies';

export interface MaildeskFunctionsProps {
  config: MaildeskConfig;
  /** Repository root: package-lock.json and functions/ live here. */
  projectRoot: string;
  /** Handler files; defaults to functions/<name>/handler.ts under projectRoot. */
  entries?: Partial<Record<FunctionName, string>>;
  tickets: TicketTable;
  bucket: s3.Bucket;
  bus: events.IEventBus;
  identityArn: string;
  configurationSetName: string;
  configurationSetArn: string;
  logRetention: logs.RetentionDays;
}

export class MaildeskFunctions extends Construct {
  readonly inbound: nodejs.NodejsFunction;
  readonly notify: nodejs.NodejsFunction;
  readonly slaSweep: nodejs.NodejsFunction;
  readonly monthlyReport: nodejs.NodejsFunction;
  /** Only with config `telegram`. */
  readonly telegramAlert?: nodejs.NodejsFunction;
  readonly inboundDlq: sqs.Queue;
  readonly notifyDlq: sqs.Queue;
  readonly monthlyReportDlq: sqs.Queue;
  /** Only with config `telegram`. */
  readonly telegramAlertDlq?: sqs.Queue;
  readonly sweepSchedule: events.Rule;
  readonly monthlyReportSchedule: events.Rule;
  /** The maildesk bus rules that invoke telegram-alert (none without config `telegram`). */
  readonly telegramRules: events.Rule[] = [];
  readonly roles: PerFunction<iam.Role>;
  readonly logGroups: PerFunction<logs.LogGroup>;

  constructor(scope: Construct, id: string, props: MaildeskFunctionsProps) {
    super(scope, id);
    const { tickets, bucket } = props;
    const table = tickets.table;

    const environment: Record<string, string> = {
      TABLE_NAME: table.tableName,
      MAIL_BUCKET: bucket.bucketName,
      EVENT_BUS_NAME: props.bus.eventBusName,
      SES_CONFIGURATION_SET: props.configurationSetName,
      LOG_LEVEL: 'INFO',
    };

    const dlq = (name: string) =>
      new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
    this.inboundDlq = dlq('InboundDlq');
    this.notifyDlq = dlq('NotifyDlq');

    const make = (name: FunctionName, description: string, extra: Partial<nodejs.NodejsFunctionProps> = {}) => {
      const made = maildeskFunction(this, props, {
        name,
        description,
        memorySize: MEMORY_MB[name],
        timeout: TIMEOUT[name],
        environment,
        extra,
      });
      grantTable(made.role, name, tickets);
      return made;
    };

    // inbound: invoked asynchronously by SES; two retries within an hour, then the DLQ.
    const inbound = make('inbound', 'maildesk: raw mail from SES -> new ticket, reply, or ignored', {
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(this.inboundDlq),
    });
    inbound.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadRawMail',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${MAIL_PREFIXES.inbound}*`)],
      }),
    );
    inbound.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteAttachmentsAndFailures',
        actions: ['s3:PutObject'],
        resources: [
          bucket.arnForObjects(`${MAIL_PREFIXES.attachments}*`),
          bucket.arnForObjects(`${MAIL_PREFIXES.failed}*`),
        ],
      }),
    );
    inbound.role.addToPolicy(listBucket(bucket));

    // notify: the outbox. Batches of 10, split in halves on error, partial failures reported,
    // five retries, then the batch's coordinates go to the DLQ (the events stay in the table).
    const notify = make('notify', 'maildesk: outbox events from the table stream -> mail via SES, events to the bus');
    notify.fn.addEventSource(
      new sources.DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 5,
        onFailure: new sources.SqsDlq(this.notifyDlq),
        filters: [lambda.FilterCriteria.filter(NOTIFY_STREAM_FILTER)],
      }),
    );
    // The engineers' copy carries the customer's files (or presigned links to them, signed by this
    // role): it reads attachments/ only, never the raw mail under inbound/, and writes nothing.
    notify.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAttachments',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${MAIL_PREFIXES.attachments}*`)],
      }),
    );
    notify.role.addToPolicy(listBucket(bucket));
    notify.role.addToPolicy(sendMail(props.identityArn, props.configurationSetArn));
    notify.role.addToPolicy(putEvents(props.bus));

    // sla-sweep: every minute. No retries: the next tick is the retry, and overlapping sweeps
    // would only race each other (every transition is conditional, so a race is harmless).
    const sweep = make('sla-sweep', 'maildesk: every minute, deadlines due now -> warn, breach, auto-close', {
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
    });
    // No events:PutEvents: the sweep only writes outbox event items; notify is the one publisher.
    this.sweepSchedule = new events.Rule(this, 'SweepSchedule', {
      description: 'maildesk: run the SLA sweep',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(sweep.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    // monthly-report: daily; on the first working day of a month it mails each tenant's report.
    // Async invoke: two retries within an hour (a retry sends only the tenants that failed: the
    // others hold their claims), then the DLQ. The target retries failed invocations (throttling)
    // into the same DLQ. A report in the DLQ is not retried by the next day's run (that day is no
    // longer the first working day): send it by hand, `maildesk report send --aws --force --month
    // YYYY-MM` or an invoke with {"force": true, "month": "YYYY-MM"} (still once per tenant and month).
    this.monthlyReportDlq = dlq('MonthlyReportDlq');
    const report = make(
      'monthly-report',
      "maildesk: daily; on a month's first working day, each tenant's SLA report via SES",
      {
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        onFailure: new destinations.SqsDestination(this.monthlyReportDlq),
      },
    );
    report.role.addToPolicy(sendMail(props.identityArn, props.configurationSetArn));
    this.monthlyReportSchedule = new events.Rule(this, 'MonthlyReportSchedule', {
      description: 'maildesk: daily check for the monthly SLA reports (sent on the first working day)',
      schedule: events.Schedule.expression(MONTHLY_REPORT_SCHEDULE),
      targets: [
        new targets.LambdaFunction(report.fn, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.monthlyReportDlq,
        }),
      ],
    });

    this.inbound = inbound.fn;
    this.notify = notify.fn;
    this.slaSweep = sweep.fn;
    this.monthlyReport = report.fn;
    this.roles = { inbound: inbound.role, notify: notify.role, 'sla-sweep': sweep.role, 'monthly-report': report.role };
    this.logGroups = {
      inbound: inbound.logGroup,
      notify: notify.logGroup,
      'sla-sweep': sweep.logGroup,
      'monthly-report': report.logGroup,
    };

    // telegram-alert: only with config `telegram`. Bus rules -> async invoke: a thrown error (Telegram
    // down, 429, 5xx) is retried twice within an hour (claims keep it to one message), then the DLQ.
    // The rule targets retry failed invocations into the same DLQ.
    const telegram = props.config.telegram;
    if (telegram) {
      const dlqTelegram = dlq('TelegramAlertDlq');
      const alert = make(
        'telegram-alert',
        'maildesk: blocking tickets, SLA escalations and breaches -> Telegram chat',
        {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          onFailure: new destinations.SqsDestination(dlqTelegram),
        },
      );
      // The bot token: a SecureString parameter. GetParameter WithDecryption needs no kms:Decrypt in
      // IAM when the parameter uses the AWS managed key aws/ssm (its key policy lets SSM decrypt for
      // any principal of the account allowed to read the parameter). A parameter encrypted with a
      // customer managed key needs kms:Decrypt on that key's ARN here (and in its key policy), with
      // the condition kms:ViaService = ssm.<region>.amazonaws.com.
      alert.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadBotToken',
          actions: ['ssm:GetParameter'],
          resources: [ssmParameterArn(this, telegram.botTokenParameter)],
        }),
      );
      const target = new targets.LambdaFunction(alert.fn, {
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: dlqTelegram,
      });
      this.telegramRules.push(
        new events.Rule(this, 'TelegramSla', {
          description: 'maildesk: SLA escalations and breaches -> Telegram',
          eventBus: props.bus,
          eventPattern: TELEGRAM_PATTERNS.sla,
          targets: [target],
        }),
        new events.Rule(this, 'TelegramBlockingTicket', {
          description: 'maildesk: new blocking tickets -> Telegram',
          eventBus: props.bus,
          eventPattern: TELEGRAM_PATTERNS.blockingTicket,
          targets: [target],
        }),
      );
      this.telegramAlert = alert.fn;
      this.telegramAlertDlq = dlqTelegram;
      this.roles['telegram-alert'] = alert.role;
      this.logGroups['telegram-alert'] = alert.logGroup;
    }
  }
}
