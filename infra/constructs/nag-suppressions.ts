/**
 * cdk-nag (AwsSolutions) acknowledgments: every finding the stack keeps on purpose, each on the
 * narrowest construct and, for IAM5, the exact resource string, with the reason. Anything not
 * listed here fails `cdk synth` (cdk-nag 3 runs as a CDK policy-validation plugin, infra/app.ts)
 * and test/infra/stack.test.ts.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { MaildeskStack } from '../maildesk-stack';

export interface NagAcknowledgment {
  scope: IConstruct;
  id: string;
  reason: string;
}

const RUNTIME_PINNED =
  'Node.js 22 is pinned on purpose (issue 5: "Node 22 pinned, not NODEJS_LATEST"): the bundles target node22 and are ' +
  'tested on it; moving to a newer runtime is a deliberate change of RUNTIME in infra/constructs/function-settings.ts.';

export function nagAcknowledgments(stack: MaildeskStack): NagAcknowledgment[] {
  const fns = stack.functions;
  const bucketArn = stack.resolve(stack.rawMail.bucket.bucketArn) as { 'Fn::GetAtt': [string, string] };
  // cdk-nag names a bucket-ARN-based resource `<LogicalId.Arn>/prefix*`.
  const objects = (prefix: string) => `Resource::<${bucketArn['Fn::GetAtt'][0]}.Arn>/${prefix}*`;
  const prefixReason = (what: string) =>
    `Object-key prefix, not a wildcard over resources: ${what}. Keys below the prefix are SES message ids and ` +
    `ticket keys, unknown at deploy time.`;

  return [
    // Runtime: pinned Node.js 22 on every function, including the inline activation function
    // (telegram-alert only exists with config `telegram`).
    ...[
      fns.inbound,
      fns.notify,
      fns.slaSweep,
      fns.monthlyReport,
      fns.telegramAlert,
      stack.inboundMail.activationFunction,
    ]
      .filter(defined)
      .map((fn) => ({
        scope: fn,
        id: 'AwsSolutions-L1',
        reason: RUNTIME_PINNED,
      })),

    // DLQs: they are the dead-letter queues; a DLQ of a DLQ would only move the problem.
    ...[
      { queue: fns.inboundDlq, of: 'the on-failure destination of the inbound function (async SES invocations)' },
      { queue: fns.notifyDlq, of: 'the on-failure destination of the notify stream mapping' },
      {
        queue: fns.monthlyReportDlq,
        of: 'the on-failure destination of monthly-report and the dead-letter queue of its schedule target',
      },
      {
        queue: fns.telegramAlertDlq,
        of: 'the on-failure destination of telegram-alert and the dead-letter queue of its two bus rule targets',
      },
    ]
      .filter((q): q is { queue: NonNullable<typeof q.queue>; of: string } => q.queue !== undefined)
      .map(({ queue, of }) => ({
        scope: queue,
        id: 'AwsSolutions-SQS3',
        reason:
          `This queue IS a dead-letter queue (${of}); a DLQ of a DLQ would only move the problem, and an alarm ` +
          `fires on its first message.`,
      })),

    // inbound: reads raw mail under inbound/, writes attachments/ and failed/.
    {
      scope: fns.roles.inbound,
      id: `AwsSolutions-IAM5[${objects('inbound/')}]`,
      reason: prefixReason('GetObject on raw mail SES stored under inbound/'),
    },
    {
      scope: fns.roles.inbound,
      id: `AwsSolutions-IAM5[${objects('attachments/')}]`,
      reason: prefixReason('PutObject of extracted attachments under attachments/<inboundId>/'),
    },
    {
      scope: fns.roles.inbound,
      id: `AwsSolutions-IAM5[${objects('failed/')}]`,
      reason: prefixReason('PutObject of mail that could not be processed under failed/'),
    },

    // notify: reads the customers' files under attachments/ for the engineers' copy; the stream read needs ListStreams.
    {
      scope: fns.roles.notify,
      id: `AwsSolutions-IAM5[${objects('attachments/')}]`,
      reason: prefixReason(
        "GetObject (and presigned links) of the customers' files under attachments/<inboundId>/, never inbound/",
      ),
    },
    {
      scope: fns.roles.notify,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams only (added by the DynamoDB event source): ListStreams has no resource type in IAM, ' +
        'so Resource must be "*". ' +
        "The stream-read actions (DescribeStream, GetRecords, GetShardIterator) are limited to this table's stream " +
        'ARN.',
    },

    // The attachment-links user: signs the engineers' download links; reads attachments/ and nothing else.
    {
      scope: stack.attachmentLinks.user,
      id: `AwsSolutions-IAM5[${objects('attachments/')}]`,
      reason: prefixReason(
        "GetObject of the customers' files under attachments/<inboundId>/ through the presigned links " +
          "this user's key signs, never inbound/",
      ),
    },

    // Receipt rule set activation: classic SES actions without resource-level permissions.
    {
      scope: stack.inboundMail.activationFunction.role!,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:SetActiveReceiptRuleSet and ses:DescribeActiveReceiptRuleSet only: these classic SES actions define ' +
        'no resource type ' +
        'in IAM (Service Authorization Reference, Amazon SES), so Resource must be "*". The function runs only as ' +
        "this stack's custom resource.",
    },
  ];
}

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

export function applyNagSuppressions(stack: MaildeskStack): void {
  for (const ack of nagAcknowledgments(stack))
    Validations.of(ack.scope).acknowledge({ id: ack.id, reason: ack.reason });
}
