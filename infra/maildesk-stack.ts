/**
 * maildesk as one CloudFormation stack (see README, Deploy, for the operator's view):
 *
 *   MX -> SES receipt rule --S3--> raw-mail bucket (inbound/<sesMessageId>)
 *                          \-Lambda (Event)-> inbound --(one transaction)--> DynamoDB table
 *   table stream (EVENT# items) -> notify -> SES (configuration set) + maildesk EventBridge bus
 *   EventBridge rate(1 minute) -> sla-sweep -> table
 *   EventBridge cron(0 6 * * ? *) -> monthly-report -> SES (first working day of a month only)
 *   maildesk bus: sla.breached / blocking ticket.created -> SNS topic (alarmEmail)
 *   maildesk bus: sla.escalated, sla.breached / blocking ticket.created -> telegram-alert -> Telegram
 *                 (only with config `telegram`)
 *   IAM user <stack>-attachment-links: signs notify's 7-day links to files (its key in SSM, made by ops)
 *   CloudWatch alarms (errors, DLQs, ages, SLA breaches, SES reputation) -> same topic
 */
import { CfnOutput, Stack, type StackProps, Annotations, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { ConfigError, type MaildeskConfig } from '../shared/config';
import { Alerts } from './constructs/alerts';
import { AttachmentLinkSigner } from './constructs/attachment-link-signer';
import { MailIdentity } from './constructs/email-identity';
import { MaildeskFunctions, type FunctionName } from './constructs/functions';
import { InboundMail, MAX_RECIPIENTS_PER_RULE } from './constructs/inbound-mail';
import { applyNagSuppressions } from './constructs/nag-suppressions';
import { RawMailBucket } from './constructs/raw-mail-bucket';
import { TelegramBridge, bridgeWanted } from './constructs/telegram-bridge';
import { TicketTable } from './constructs/ticket-table';
import { requireReceivingRegion } from './ses-regions';

export type Deployment = NonNullable<MaildeskConfig['deployment']>;

/** The name of the custom EventBridge bus for ticket and SLA events. */
export const EVENT_BUS_NAME = 'maildesk';
export const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

/** The deployment block is optional for the local stack but required to deploy. */
export function requireDeployment(config: MaildeskConfig, source = 'config'): Deployment {
  if (!config.deployment) {
    throw new ConfigError(
      `${source} has no "deployment" block, which cdk deploy needs:\n` +
        `  deployment: {"domain": "support.example.com", "hostedZoneId"?: "Z...", "alarmEmail"?: ` +
        `"ops@example.com", "rawMailRetentionDays"?: 365, "region"?: "eu-west-1"}`,
    );
  }
  return config.deployment;
}

/** Every tenant support address, in config order: the receipt rule's recipients. */
export function tenantAddresses(config: MaildeskConfig): string[] {
  return config.tenants.flatMap((t) => t.addresses);
}

export interface MaildeskStackProps extends StackProps {
  config: MaildeskConfig;
  /** Where the config came from, for error messages. */
  configSource?: string;
  /** Repository root (package-lock.json, functions/). Defaults to this file's parent folder. */
  projectRoot?: string;
  /** Override handler files (tests only). */
  entries?: Partial<Record<FunctionName, string>>;
}

export class MaildeskStack extends Stack {
  readonly tickets: TicketTable;
  readonly rawMail: RawMailBucket;
  readonly bus: events.EventBus;
  readonly mail: MailIdentity;
  readonly functions: MaildeskFunctions;
  readonly inboundMail: InboundMail;
  readonly alerts: Alerts;
  readonly attachmentLinks: AttachmentLinkSigner;

  constructor(scope: Construct, id: string, props: MaildeskStackProps) {
    super(scope, id, { description: 'maildesk: email-driven support tickets (SES, Lambda, DynamoDB)', ...props });
    const { config } = props;
    const deployment = requireDeployment(config, props.configSource);
    this.requireRegion(deployment, props.configSource ?? 'config');
    const recipients = tenantAddresses(config);
    if (recipients.length > MAX_RECIPIENTS_PER_RULE) {
      throw new ConfigError(
        `${props.configSource ?? 'config'} is invalid:\n  tenants: ${recipients.length} support addresses; one SES ` +
          `receipt rule takes at most ${MAX_RECIPIENTS_PER_RULE}`,
      );
    }
    const foreign = recipients.filter((a) => !a.endsWith(`@${deployment.domain}`));
    if (foreign.length) {
      Annotations.of(this).addWarningV2(
        'maildesk:addressOutsideDomain',
        `${foreign.join(', ')} not in ${deployment.domain}: SES receives them only if their domain is verified in ` +
          `SES ` +
          `and its MX points to SES; otherwise forward them to an address in ${deployment.domain} (README, Deploy).`,
      );
    }
    const projectRoot = props.projectRoot ?? fileURLToPath(new URL('..', import.meta.url));

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: EVENT_BUS_NAME,
      description: 'maildesk ticket and SLA events',
    });
    this.tickets = new TicketTable(this, 'Tickets');
    this.rawMail = new RawMailBucket(this, 'RawMail', { retentionDays: deployment.rawMailRetentionDays });
    this.mail = new MailIdentity(this, 'Mail', {
      domain: deployment.domain,
      hostedZoneId: deployment.hostedZoneId,
      bus: this.bus,
      existingIdentity: deployment.existingIdentity,
    });
    this.functions = new MaildeskFunctions(this, 'Functions', {
      config,
      projectRoot,
      entries: props.entries,
      tickets: this.tickets,
      bucket: this.rawMail.bucket,
      bus: this.bus,
      identityArn: this.mail.identity.emailIdentityArn,
      configurationSetName: this.mail.configurationSet.configurationSetName,
      configurationSetArn: this.mail.configurationSetArn,
      logRetention: LOG_RETENTION,
    });
    this.attachmentLinks = new AttachmentLinkSigner(this, 'AttachmentLinks', {
      bucket: this.rawMail.bucket,
      signingKeyParameter: config.attachmentLinks.signingKeyParameter,
      reader: this.functions.roles.notify,
    });
    this.inboundMail = new InboundMail(this, 'InboundMail', {
      recipients,
      bucket: this.rawMail.bucket,
      inboundFunction: this.functions.inbound,
      logRetention: LOG_RETENTION,
      replaceActiveRuleSet: deployment.replaceActiveRuleSet,
    });
    this.alerts = new Alerts(this, 'Alerts', {
      alarmEmail: deployment.alarmEmail,
      bus: this.bus,
      functions: this.functions,
    });

    new CfnOutput(this, 'MxTarget', {
      description: `MX record of ${deployment.domain} (priority 10)`,
      value: this.mail.mxTarget,
    });
    new CfnOutput(this, 'TenantAddresses', {
      description: 'Support addresses the receipt rule accepts',
      value: recipients.join(', '),
    });
    new CfnOutput(this, 'TableName', { value: this.tickets.table.tableName });
    new CfnOutput(this, 'BucketName', { value: this.rawMail.bucket.bucketName });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'ReceiptRuleSetName', { value: this.inboundMail.ruleSet.receiptRuleSetName });
    new CfnOutput(this, 'AlertsTopicArn', { value: this.alerts.topic.topicArn });
    new CfnOutput(this, 'InboundDlqUrl', { value: this.functions.inboundDlq.queueUrl });
    new CfnOutput(this, 'NotifyDlqUrl', { value: this.functions.notifyDlq.queueUrl });
    new CfnOutput(this, 'InboundLogGroup', { value: this.functions.logGroups.inbound.logGroupName });
    new CfnOutput(this, 'NotifyLogGroup', { value: this.functions.logGroups.notify.logGroupName });
    new CfnOutput(this, 'SlaSweepLogGroup', { value: this.functions.logGroups['sla-sweep'].logGroupName });
    new CfnOutput(this, 'MonthlyReportDlqUrl', { value: this.functions.monthlyReportDlq.queueUrl });
    new CfnOutput(this, 'MonthlyReportLogGroup', { value: this.functions.logGroups['monthly-report'].logGroupName });
    new CfnOutput(this, 'MonthlyReportFunctionName', {
      description:
        'Invoke with {"force": true, "month": "YYYY-MM"} to send a month\'s reports by hand (still once per tenant ' +
        'and month)',
      value: this.functions.monthlyReport.functionName,
    });
    if (this.functions.telegramAlert) {
      new CfnOutput(this, 'TelegramAlertDlqUrl', { value: this.functions.telegramAlertDlq!.queueUrl });
      new CfnOutput(this, 'TelegramAlertLogGroup', { value: this.functions.logGroups['telegram-alert']!.logGroupName });
    }

    // The clinics' Telegram groups (tenants[].telegram): the webhook's function URL and the group poster.
    if (bridgeWanted(config)) {
      const bridge = new TelegramBridge(this, 'TelegramBridge', {
        config,
        projectRoot,
        entries: props.entries as Record<string, string> | undefined,
        tickets: this.tickets,
        bus: this.bus,
        logRetention: LOG_RETENTION,
      });
      new CfnOutput(this, 'TelegramWebhookUrl', {
        description: 'Register it with: maildesk telegram set-webhook --aws --url <this URL>',
        value: bridge.webhookUrl.url,
      });
    }

    applyNagSuppressions(this);
  }

  /**
   * A known region, one with SES receiving, the one the config names: an environment-agnostic
   * stack would build ARNs and the MX target from a token CloudFormation resolves only at deploy.
   */
  private requireRegion(deployment: Deployment, source: string): void {
    if (Token.isUnresolved(this.region)) {
      throw new ConfigError(
        `${source}: the stack has no region. Set "deployment.region" (for example "eu-west-1") in the config, ` +
          `or the CDK environment's region (AWS_REGION, or a profile with a region).`,
      );
    }
    if (deployment.region && deployment.region !== this.region) {
      throw new ConfigError(
        `${source}: deployment.region is ${deployment.region} but the stack's environment is ${this.region}; make ` +
          `them one.`,
      );
    }
    requireReceivingRegion(this.region, deployment.allowUnlistedRegion ?? false, source);
  }
}
