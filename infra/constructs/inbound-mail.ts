/**
 * SES email receiving: one receipt rule set with one rule for every tenant address.
 *
 *   rule: TLS required, spam/virus scan on, actions in order
 *     1. S3     -> raw-mail bucket, `inbound/<sesMessageId>`
 *     2. Lambda -> inbound function, invocation type Event (asynchronous: Lambda's own retries,
 *                  max event age and on-failure DLQ apply; SES does not wait for the function)
 *
 * The two actions are written here instead of using aws-ses-actions' S3/Lambda because those
 * scope SES's bucket-policy statement and Lambda permission to the account only; these also
 * pin `aws:SourceArn` to this very receipt rule (confused-deputy protection), and make the rule
 * depend on the bucket policy and the permission exactly like the library ones do (SES checks
 * both when the rule is created).
 *
 * CloudFormation can create a rule set but cannot make it the active one, and only ONE rule set
 * can be active per account and region. `ActiveRuleSet` is a custom resource that activates ours
 * on create/update and, on delete, deactivates it only if it is still the active one (someone may
 * have activated another set since; deleting this stack must not switch off their mail).
 */
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { aws_ses as sesRefs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { MAIL_PREFIXES } from './raw-mail-bucket';

/** SES accepts at most 100 recipients per receipt rule. */
export const MAX_RECIPIENTS_PER_RULE = 100;

export function receiptRuleArn(scope: Construct, ruleSetName: string, ruleName: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:ses:${stack.region}:${stack.account}:receipt-rule-set/${ruleSetName}:receipt-rule/${ruleName}`;
}

/** S3 action whose bucket-policy statement is limited to this account AND this receipt rule. */
class StoreInBucket implements ses.IReceiptRuleAction {
  constructor(
    private readonly bucket: s3.Bucket,
    private readonly prefix: string,
    /** The rule's ARN, built from its literal names (a Ref to the rule here would be a cycle). */
    private readonly ruleArn: string,
  ) {}

  bind(rule: sesRefs.IReceiptRuleRef): ses.ReceiptRuleActionConfig {
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRulePutObject',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(rule).account },
          ArnLike: { 'aws:SourceArn': this.ruleArn },
        },
      }),
    );
    rule.node.addDependency(this.bucket.policy!);
    return { s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: this.prefix } };
  }
}

/** Lambda action (Event) whose invoke permission is limited to this account AND this rule. */
class InvokeFunction implements ses.IReceiptRuleAction {
  constructor(
    private readonly fn: lambda.IFunction,
    private readonly ruleArn: string,
  ) {}

  bind(rule: sesRefs.IReceiptRuleRef): ses.ReceiptRuleActionConfig {
    const id = 'AllowSesReceiptRuleInvoke';
    if (!this.fn.permissionsNode.tryFindChild(id)) {
      this.fn.addPermission(id, {
        principal: new iam.ServicePrincipal('ses.amazonaws.com'),
        action: 'lambda:InvokeFunction',
        sourceAccount: Stack.of(rule).account,
        sourceArn: this.ruleArn,
      });
    }
    rule.node.addDependency(this.fn.permissionsNode.findChild(id));
    return { lambdaAction: { functionArn: this.fn.functionArn, invocationType: 'Event' } };
  }
}

/**
 * The activation handler, deployed as inline code (CommonJS `index.js`). Inline because it is a
 * 40-line glue function whose only dependency, @aws-sdk/client-ses, ships inside the Node.js 22
 * Lambda runtime but is not a dependency of this project (receipt rules exist only in the classic
 * SES API, not in @aws-sdk/client-sesv2, which the functions use). Bundling would mean adding a
 * package just for this; inline code keeps synth offline and the template self-contained.
 * It answers CloudFormation itself (PUT to the pre-signed ResponseURL), always, even on error,
 * so a failure shows up as a failed stack operation instead of an hour-long hang.
 * test/infra/activate-rule-set.test.ts runs this exact string against a fake SES client.
 */
export const ACTIVATE_RULE_SET_SOURCE = String.raw`
const { SESClient, SetActiveReceiptRuleSetCommand, DescribeActiveReceiptRuleSetCommand } = require('@aws-sdk/client-ses');
const ses = new SESClient({});

async function respond(event, status, physicalId, reason, data) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data || {},
  });
  const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  if (!res.ok) throw new Error('CloudFormation did not take the response: HTTP ' + res.status);
}

exports.handler = async (event) => {
  const name = event.ResourceProperties && event.ResourceProperties.RuleSetName;
  const physicalId = name || event.PhysicalResourceId || event.LogicalResourceId;
  try {
    if (!name) throw new Error('RuleSetName is required');
    let action;
    if (event.RequestType === 'Create' || event.RequestType === 'Update') {
      await ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: name }));
      action = 'activated';
    } else {
      const active = await ses.send(new DescribeActiveReceiptRuleSetCommand({}));
      const activeName = active.Metadata && active.Metadata.Name;
      if (activeName === name) {
        await ses.send(new SetActiveReceiptRuleSetCommand({}));
        action = 'deactivated';
      } else {
        action = 'left alone (active: ' + (activeName || 'none') + ')';
      }
    }
    console.log(JSON.stringify({ level: 'INFO', message: 'receipt rule set ' + action, requestType: event.RequestType, ruleSet: name }));
    await respond(event, 'SUCCESS', physicalId, 'receipt rule set ' + name + ' ' + action, { RuleSetName: name });
  } catch (error) {
    console.log(JSON.stringify({ level: 'ERROR', message: 'receipt rule set change failed', requestType: event.RequestType, ruleSet: name, error: String(error && error.message || error) }));
    await respond(event, 'FAILED', physicalId, String(error && error.message || error).slice(0, 500));
  }
};
`;

export interface InboundMailProps {
  /** Every tenant support address: the rule's recipients. */
  recipients: readonly string[];
  bucket: s3.Bucket;
  inboundFunction: lambda.IFunction;
  logRetention: logs.RetentionDays;
}

export class InboundMail extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  readonly activation: CustomResource;
  readonly activationFunction: lambda.Function;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    if (props.recipients.length === 0) throw new Error('maildesk: no tenant addresses to receive mail for');
    if (props.recipients.length > MAX_RECIPIENTS_PER_RULE) {
      throw new Error(
        `maildesk: ${props.recipients.length} tenant addresses, but an SES receipt rule takes at most ${MAX_RECIPIENTS_PER_RULE} recipients`,
      );
    }
    const ruleSetName = `${Stack.of(this).stackName}-inbound`;
    const ruleName = 'tenant-addresses';
    const ruleArn = receiptRuleArn(this, ruleSetName, ruleName);

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: ruleSetName });
    this.rule = this.ruleSet.addRule('TenantAddresses', {
      receiptRuleName: ruleName,
      recipients: [...props.recipients],
      enabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      scanEnabled: true,
      actions: [new StoreInBucket(props.bucket, MAIL_PREFIXES.inbound, ruleArn), new InvokeFunction(props.inboundFunction, ruleArn)],
    });

    const logGroup = new logs.LogGroup(this, 'ActivateLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'ActivateRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'maildesk: activate/deactivate the SES receipt rule set',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ActiveReceiptRuleSet',
        actions: ['ses:SetActiveReceiptRuleSet', 'ses:DescribeActiveReceiptRuleSet'],
        // These classic SES actions have no resource type in IAM: Resource must be "*".
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    this.activationFunction = new lambda.Function(this, 'ActivateFunction', {
      description: 'maildesk: make the receipt rule set active; on delete deactivate it only if still active',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(ACTIVATE_RULE_SET_SOURCE),
      timeout: Duration.minutes(1),
      memorySize: 256,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });

    this.activation = new CustomResource(this, 'ActiveRuleSet', {
      serviceToken: this.activationFunction.functionArn,
      resourceType: 'Custom::SesActiveReceiptRuleSet',
      properties: { RuleSetName: ruleSetName },
    });
    // Activate only once the rule (and through it the bucket policy and permission) exists, so
    // mail is never accepted by an active set that cannot store or process it yet.
    this.activation.node.addDependency(this.rule);
    this.activation.node.addDependency(role);
  }
}
