/** The IAM statements the functions' roles share, each limited to the resources it names. */
import { Aws, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { INDEX_QUERY, TABLE_ACTIONS, type FunctionName } from './function-settings';
import type { TicketTable } from './ticket-table';

/**
 * The ARN of an SSM parameter of this stack's account and region, from its name as GetParameter
 * takes it: `/maildesk/token` and `maildesk/token` are both `...:parameter/maildesk/token`.
 * A full ARN is used as it is.
 */
export function ssmParameterArn(scope: Construct, name: string): string {
  if (name.startsWith('arn:')) return name;
  const stack = Stack.of(scope);
  return `arn:${Aws.PARTITION}:ssm:${stack.region}:${stack.account}:parameter/${name.replace(/^\/+/, '')}`;
}

/** The table's actions the function uses, and Query on the indexes it reads (by name). */
export function grantTable(role: iam.Role, name: FunctionName, tickets: TicketTable): void {
  role.addToPolicy(
    new iam.PolicyStatement({ sid: 'Table', actions: TABLE_ACTIONS[name], resources: [tickets.table.tableArn] }),
  );
  const indexes = INDEX_QUERY[name];
  if (indexes.length) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'QueryIndexes',
        actions: ['dynamodb:Query'],
        resources: indexes.map((i) => tickets.indexArns[i]),
      }),
    );
  }
}

/**
 * Without s3:ListBucket a GetObject on a missing key answers 403 AccessDenied instead of
 * 404 NoSuchKey, and the mail store treats NoSuchKey (an expired or never-stored mail) as
 * "missing" but anything else as a failure worth retrying into the DLQ.
 */
export function listBucket(bucket: s3.IBucket) {
  return new iam.PolicyStatement({
    sid: 'ListBucketFor404',
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
  });
}

/**
 * SESv2 SendEmail with Raw content is authorized as ses:SendRawEmail, other content as ses:SendEmail;
 * both are checked against the sending identity and the configuration set.
 */
export function sendMail(identityArn: string, configurationSetArn: string) {
  return new iam.PolicyStatement({
    sid: 'SendMail',
    actions: ['ses:SendEmail', 'ses:SendRawEmail'],
    resources: [identityArn, configurationSetArn],
  });
}

export function putEvents(bus: events.IEventBus) {
  return new iam.PolicyStatement({ sid: 'PutEvents', actions: ['events:PutEvents'], resources: [bus.eventBusArn] });
}
