/**
 * Alerting: one SNS topic (KMS-encrypted, TLS only, e-mail subscription from `alarmEmail`),
 * two EventBridge rules on the maildesk bus that send SLA breaches and new blocking tickets to
 * it, and CloudWatch alarms for everything that means "mail is not flowing".
 *
 * The bus events are what notify publishes (shared/adapters/event-bus.ts): source `maildesk`,
 * detail-type = the event type (`sla.breached`, `ticket.created`...), detail = keys and codes
 * only (ticketKey, tenant, priority, status, dueAt...), never mail bodies.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/adapters/event-bus';
import type { MaildeskFunctions } from './functions';

export const ALERT_PATTERNS = {
  slaBreached: { source: [EVENT_SOURCE], detailType: ['sla.breached'] },
  blockingTicket: { source: [EVENT_SOURCE], detailType: ['ticket.created'], detail: { priority: ['blocking'] } },
} satisfies Record<string, events.EventPattern>;

/** Inbound mail waiting longer than this in Lambda's async queue means processing is stuck. */
export const MAX_INBOUND_AGE = Duration.minutes(5);
/** Outbox events older than this on the stream mean customers are not being told. */
export const MAX_NOTIFY_ITERATOR_AGE = Duration.minutes(5);

export interface AlertsProps {
  alarmEmail?: string;
  bus: events.IEventBus;
  functions: MaildeskFunctions;
}

export class Alerts extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly slaBreachedRule: events.Rule;
  readonly blockingTicketRule: events.Rule;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);

    this.key = new kms.Key(this, 'TopicKey', {
      description: 'maildesk: encrypts the alerts topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms publish to an encrypted topic only if the key lets them (they cannot use
    // the AWS-managed alias/aws/sns key, hence a customer-managed key). The SnsTopic event target
    // adds the same statement for events.amazonaws.com by itself.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy "*" means this key
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'maildesk alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    // The topic policy CDK writes (TLS-only, EventBridge publish) replaces SNS's default policy,
    // so CloudWatch alarms of this account need their own statement to publish.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    const message = events.RuleTargetInput.fromText(
      [
        `maildesk ${events.EventField.detailType}: ticket ${events.EventField.fromPath('$.detail.ticketKey')}`,
        `tenant ${events.EventField.fromPath('$.detail.tenant')}, priority ` +
          `${events.EventField.fromPath('$.detail.priority')},`,
        `status ${events.EventField.fromPath('$.detail.status')}, due ${events.EventField.fromPath('$.detail.dueAt')}`,
        `(event ${events.EventField.fromPath('$.detail.id')} at ${events.EventField.time})`,
      ].join(' '),
    );
    const toTopic = new targets.SnsTopic(this.topic, { message });
    this.slaBreachedRule = new events.Rule(this, 'SlaBreached', {
      description: 'maildesk: an SLA deadline was missed',
      eventBus: props.bus,
      eventPattern: ALERT_PATTERNS.slaBreached,
      targets: [toTopic],
    });
    this.blockingTicketRule = new events.Rule(this, 'BlockingTicket', {
      description: 'maildesk: a new ticket with priority blocking (5 h deadline)',
      eventBus: props.bus,
      eventPattern: ALERT_PATTERNS.blockingTicket,
      targets: [toTopic],
    });

    const fns = props.functions;
    const period = Duration.minutes(5);
    // telegram-alert and its DLQ exist only with config `telegram`.
    const functions: [string, lambda.IFunction | undefined][] = [
      ['Inbound', fns.inbound],
      ['Notify', fns.notify],
      ['SlaSweep', fns.slaSweep],
      ['MonthlyReport', fns.monthlyReport],
      ['TelegramAlert', fns.telegramAlert],
    ];
    for (const [name, fn] of functions) {
      if (!fn) continue;
      this.alarm(
        `${name}Errors`,
        `maildesk ${name}: the function failed at least once`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        0,
      );
    }
    const dlqs: [string, sqs.IQueue | undefined][] = [
      ['InboundDlq', fns.inboundDlq],
      ['NotifyDlq', fns.notifyDlq],
      ['MonthlyReportDlq', fns.monthlyReportDlq],
      ['TelegramAlertDlq', fns.telegramAlertDlq],
    ];
    for (const [name, queue] of dlqs) {
      if (!queue) continue;
      this.alarm(
        `${name}Depth`,
        `maildesk: messages in the ${name} (work that failed after all retries; see README, Deploy: operate)`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        0,
      );
    }
    this.alarm(
      'InboundEventAge',
      `maildesk inbound: received mail waited more than ${MAX_INBOUND_AGE.toMinutes()} minutes to be processed`,
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'AsyncEventAge',
        dimensionsMap: { FunctionName: fns.inbound.functionName },
        statistic: 'Maximum',
        period,
      }),
      MAX_INBOUND_AGE.toMilliseconds(),
    );
    this.alarm(
      'NotifyIteratorAge',
      `maildesk notify: outbox events older than ${MAX_NOTIFY_ITERATOR_AGE.toMinutes()} minutes are waiting on the ` +
        `stream`,
      fns.notify.metric('IteratorAge', { statistic: 'Maximum', period }),
      MAX_NOTIFY_ITERATOR_AGE.toMilliseconds(),
    );
    this.alarm(
      'SlaBreaches',
      'maildesk: at least one SLA deadline was missed (the topic also gets one message per breach)',
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'MatchedEvents',
        dimensionsMap: { EventBusName: props.bus.eventBusName, RuleName: this.slaBreachedRule.ruleName },
        statistic: 'Sum',
        period,
      }),
      0,
    );
    // Account-wide SES reputation: SES reviews an account at 5% bounces / 0.1% complaints.
    this.alarm(
      'SesBounceRate',
      'maildesk: SES bounce rate above 4% (SES reviews the account at 5%)',
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.BounceRate',
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      0.04,
    );
    this.alarm(
      'SesComplaintRate',
      'maildesk: SES complaint rate above 0.08% (SES reviews the account at 0.1%)',
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.ComplaintRate',
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      0.0008,
    );
  }

  private alarm(id: string, description: string, metric: cloudwatch.IMetric, threshold: number) {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
