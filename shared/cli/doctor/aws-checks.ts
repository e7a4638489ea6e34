/**
 * The --aws checks: the stack and its outputs, then SES, the Telegram token, the attachment link key,
 * the alarm subscription, the DLQs.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SESClient } from '@aws-sdk/client-ses';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { ListSubscriptionsByTopicCommand, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { MaildeskConfig } from '../../config';
import { errorName, errorText, fail, ok, warn, type Finding } from './findings';
import { accountFinding, identityFinding, replacedRuleSet, ruleSetFindings, type Deployment } from './ses-checks';

/** The SDK clients, one per service, all in the stack's region. */
export interface DoctorClients {
  cloudFormation: CloudFormationClient;
  sesv2: SESv2Client;
  /** classic SES: receipt rule sets exist only there */
  ses: SESClient;
  ssm: SSMClient;
  sns: SNSClient;
  sqs: SQSClient;
}

export function defaultClients(region: string): DoctorClients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    sesv2: new SESv2Client({ region }),
    ses: new SESClient({ region }),
    ssm: new SSMClient({ region }),
    sns: new SNSClient({ region }),
    sqs: new SQSClient({ region }),
  };
}

export async function awsFindings(
  clients: DoctorClients,
  config: MaildeskConfig,
  deployment: Deployment,
  stackName: string,
  region: string,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  let outputs: Record<string, string> = {};
  try {
    const { Stacks } = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
    const status = stack?.StackStatus ?? 'unknown';
    findings.push(
      /_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status)
        ? ok('stack', `${stackName} in ${region}: ${status}`)
        : fail(
            'stack',
            `${stackName} in ${region}: ${status}`,
            'see the stack events in the CloudFormation console, fix, npx cdk deploy',
          ),
    );
  } catch (error) {
    findings.push(
      fail(
        'stack',
        `${stackName} not readable in ${region} (${errorText(error)})`,
        `npx cdk deploy (or --stack NAME if it has another name)`,
      ),
    );
  }
  const replaced = await replacedRuleSet(clients.cloudFormation, stackName);
  findings.push(await accountFinding(clients.sesv2, region));
  findings.push(await identityFinding(clients.sesv2, deployment));
  findings.push(
    ...(await ruleSetFindings(clients.ses, config, outputs.ReceiptRuleSetName ?? `${stackName}-inbound`, replaced)),
  );
  if (config.telegram) findings.push(await telegramFinding(clients.ssm, config.telegram.botTokenParameter));
  findings.push(await linkKeyFinding(clients.ssm, config.attachmentLinks.signingKeyParameter, stackName));
  if (deployment.alarmEmail)
    findings.push(await subscriptionFinding(clients.sns, outputs.AlertsTopicArn, deployment.alarmEmail));
  findings.push(...(await dlqFindings(clients.sqs, outputs)));
  return findings;
}

async function telegramFinding(ssm: SSMClient, name: string): Promise<Finding> {
  const check = 'telegram token';
  const fix = `aws ssm put-parameter --name ${name} --type SecureString --value <bot token>`;
  try {
    // Not decrypted: the check needs the parameter to exist, never its value.
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    if (Parameter?.Type !== 'SecureString')
      return warn(
        check,
        `${name} is a ${Parameter?.Type ?? 'parameter of unknown type'}, readable in clear`,
        `store it again as SecureString: ${fix} --overwrite`,
      );
    return ok(check, `${name} exists (SecureString)`);
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound')
      return fail(check, `${name} does not exist: no blocking ticket reaches Telegram`, fix);
    return fail(check, `${name} not readable (${errorText(error)})`, 'check the credentials (ssm:GetParameter)');
  }
}

/**
 * The attachment-links user's key (docs/deploy.md): without it notify still works, but signs links
 * with its role, for an hour instead of 7 days; so a warning, not a failure.
 */
async function linkKeyFinding(ssm: SSMClient, name: string, stackName: string): Promise<Finding> {
  const check = 'attachment link key';
  const fix =
    `aws iam create-access-key --user-name ${stackName}-attachment-links, then aws ssm put-parameter --name ${name} ` +
    `--type SecureString --value '{"accessKeyId": "AKIA...", "secretAccessKey": "..."}' (docs/deploy.md)`;
  try {
    // Not decrypted: whether it exists, never the key
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    if (Parameter?.Type !== 'SecureString')
      return warn(check, `${name} is a ${Parameter?.Type ?? 'parameter of unknown type'}, readable in clear`, fix);
    return ok(check, `${name} exists (SecureString): download links last 7 days`);
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound')
      return warn(check, `${name} does not exist: download links are signed by notify's role and last an hour`, fix);
    return fail(check, `${name} not readable (${errorText(error)})`, 'check the credentials (ssm:GetParameter)');
  }
}

async function subscriptionFinding(sns: SNSClient, topicArn: string | undefined, alarmEmail: string): Promise<Finding> {
  const check = 'alarm subscription';
  // No output: the stack line already failed; one cause, one failing line.
  if (!topicArn) return warn(check, 'not checked: the stack has no AlertsTopicArn output', 'npx cdk deploy');
  const subscriptions: Subscription[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
      subscriptions.push(...(page.Subscriptions ?? []));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    return fail(check, `not readable (${errorText(error)})`, 'check the credentials (sns:ListSubscriptionsByTopic)');
  }
  const mine = subscriptions.find(
    (s) => s.Protocol === 'email' && s.Endpoint?.toLowerCase() === alarmEmail.toLowerCase(),
  );
  if (!mine) return fail(check, `${alarmEmail} is not subscribed to the alerts topic`, 'npx cdk deploy');
  if (mine.SubscriptionArn === 'PendingConfirmation') {
    return fail(
      check,
      `${alarmEmail} has not confirmed: alarms reach nobody`,
      `open "AWS Notification - Subscription Confirmation" in ${alarmEmail}'s mailbox and confirm (the link ` +
        `expires after 3 days; then remove and re-add alarmEmail, or aws sns subscribe)`,
    );
  }
  return ok(check, `${alarmEmail} confirmed`);
}

const DLQ_OUTPUTS = {
  InboundDlqUrl: 'inbound',
  NotifyDlqUrl: 'notify',
  MonthlyReportDlqUrl: 'monthly-report',
  TelegramAlertDlqUrl: 'telegram-alert',
} as const;

async function dlqFindings(sqs: SQSClient, outputs: Record<string, string>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [output, name] of Object.entries(DLQ_OUTPUTS)) {
    const url = outputs[output];
    if (!url) continue;
    const check = `dlq ${name}`;
    try {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const depth =
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      findings.push(
        depth === 0
          ? ok(check, 'empty')
          : fail(
              check,
              `${depth} message(s): work that failed every retry`,
              `read them (aws sqs receive-message --queue-url ${url}), fix the cause, replay (docs/deploy.md, 7. ` +
                `Operate: ${name} DLQ)`,
            ),
      );
    } catch (error) {
      findings.push(
        fail(check, `not readable (${errorText(error)})`, 'check the credentials (sqs:GetQueueAttributes)'),
      );
    }
  }
  if (findings.length === 0)
    findings.push(warn('dlq', 'no DLQ URLs in the stack outputs: depths not checked', 'npx cdk deploy'));
  return findings;
}
