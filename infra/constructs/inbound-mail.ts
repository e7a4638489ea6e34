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
 * on create/update. Activating ours silently deactivates any other set, and with it another
 * domain's mail, so it refuses to replace an active set that is not ours unless
 * `deployment.replaceActiveRuleSet` is true; the set it replaced is remembered in its physical id
 * and made active again on delete or rollback. On delete it touches nothing unless ours is still
 * the active set (someone may have activated another set since; deleting this stack must not
 * switch off their mail).
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
  const ruleSet = `arn:${stack.partition}:ses:${stack.region}:${stack.account}:receipt-rule-set/${ruleSetName}`;
  return `${ruleSet}:receipt-rule/${ruleName}`;
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
 * 100-line glue function whose only dependency, @aws-sdk/client-ses, ships inside the Node.js 22
 * Lambda runtime but is not a dependency of this project (receipt rules exist only in the classic
 * SES API, not in @aws-sdk/client-sesv2, which the functions use). Bundling would mean adding a
 * package just for this; inline code keeps synth offline and the template self-contained.
 * It answers CloudFormation itself (PUT to the pre-signed ResponseURL), always, even on error,
 * so a failure shows up as a failed stack operation instead of an hour-long hang.
 * test/infra/activate-rule-set.test.ts runs this exact string with the real SDK against a strict SES double.
 */
export const ACTIVATE_RULE_SET_SOURCE = String.raw`
const {
  SESClient,
  SetActiveReceiptRuleSetCommand,
  DescribeActiveReceiptRuleSetCommand,
} = require('@aws-sdk/client-ses');
const ses = new SESClient({});

// The physical id is what CloudFormation hands back on update and delete: it carries the set this
// resource replaced ("<ours>;replaced=<theirs>"), so delete and rollback can restore it. SES rule
// set names hold only letters, digits, '_', '-' and '.', never ';'.
const REPLACED = ';replaced=';
function physicalIdOf(name, replaced) { return replaced ? name + REPLACED + replaced : name; }
function parsePhysicalId(id) {
  if (!id) return {};
  const at = id.indexOf(REPLACED);
  return at < 0 ? { name: id } : { name: id.slice(0, at), replaced: id.slice(at + REPLACED.length) };
}

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
  const res = await fetch(event.ResponseURL, {
    method: 'PUT',
    body,
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
  });
  if (!res.ok) throw new Error('CloudFormation did not take the response: HTTP ' + res.status);
}

async function activeRuleSet() {
  const active = await ses.send(new DescribeActiveReceiptRuleSetCommand({}));
  return (active.Metadata && active.Metadata.Name) || undefined;
}

/** Create and update: make ours active, but never switch off another set's mail unless allowed. */
async function activate(event, name, replaceAllowed) {
  const before = event.RequestType === 'Update' ? parsePhysicalId(event.PhysicalResourceId) : {};
  const active = await activeRuleSet();
  let replaced;
  let action;
  if (active === name) {
    action = 'already active';
  } else if (!active || active === before.name) {
    await ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: name }));
    action = 'activated';
  } else if (!replaceAllowed) {
    throw new Error(
      'receipt rule set ' + active + ' is active in this account and region, and only one can be: activating ' +
        name + ' would stop its mail. Move its rules into ' + name + ' or another set by hand, or set ' +
        '"deployment.replaceActiveRuleSet": true (maildesk then restores ' + active +
        ' when this stack is deleted or rolled back).',
    );
  } else {
    await ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: name }));
    replaced = active;
    action = 'activated, replacing ' + active;
  }
  // An update keeps its physical id whenever the set keeps its name: a new id would make
  // CloudFormation delete the "old" resource afterwards, and that delete would switch mail off.
  if (event.RequestType === 'Update' && before.name === name) {
    if (replaced) {
      const restored = before.replaced
        ? before.replaced + ' is, the set replaced first'
        : 'this resource replaced nothing when created';
      action += ' (not restored on delete: ' + restored + ')';
    }
    return { physicalId: event.PhysicalResourceId, replaced: before.replaced, action };
  }
  const remembered = replaced || before.replaced;
  return { physicalId: physicalIdOf(name, remembered), replaced: remembered, action };
}

/** Delete (stack delete, or rollback of a create): hand the account back as it was, if ours is still active. */
async function release(event) {
  const mine = parsePhysicalId(event.PhysicalResourceId);
  const name = mine.name || (event.ResourceProperties && event.ResourceProperties.RuleSetName);
  const active = await activeRuleSet();
  const outcome = (action) => ({ physicalId: event.PhysicalResourceId, replaced: mine.replaced, action });
  if (!active || active !== name) return outcome('left alone (active: ' + (active || 'none') + ')');
  if (mine.replaced) {
    try {
      await ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: mine.replaced }));
      return outcome('deactivated, restored ' + mine.replaced);
    } catch (error) {
      if (!error || error.name !== 'RuleSetDoesNotExistException') throw error;
      await ses.send(new SetActiveReceiptRuleSetCommand({}));
      return outcome('deactivated; ' + mine.replaced + ', which it had replaced, no longer exists');
    }
  }
  await ses.send(new SetActiveReceiptRuleSetCommand({})); // no name = no set active
  return { physicalId: event.PhysicalResourceId, action: 'deactivated' };
}

exports.handler = async (event) => {
  const props = event.ResourceProperties || {};
  const name = props.RuleSetName;
  // CloudFormation passes every property as a string.
  const replaceAllowed = String(props.ReplaceActiveRuleSet) === 'true';
  let physicalId = event.PhysicalResourceId || name || event.LogicalResourceId;
  try {
    if (!name) throw new Error('RuleSetName is required');
    const result = event.RequestType === 'Delete' ? await release(event) : await activate(event, name, replaceAllowed);
    physicalId = result.physicalId;
    console.log(
      JSON.stringify({
        level: 'INFO',
        message: 'receipt rule set ' + result.action,
        requestType: event.RequestType,
        ruleSet: name,
        replaced: result.replaced,
      }),
    );
    const data = result.replaced ? { RuleSetName: name, ReplacedRuleSet: result.replaced } : { RuleSetName: name };
    const reason = ('receipt rule set ' + name + ' ' + result.action).slice(0, 1000);
    await respond(event, 'SUCCESS', physicalId, reason, data);
  } catch (error) {
    const message = String((error && error.message) || error);
    console.log(
      JSON.stringify({
        level: 'ERROR',
        message: 'receipt rule set change failed',
        requestType: event.RequestType,
        ruleSet: name,
        error: message,
      }),
    );
    await respond(event, 'FAILED', physicalId, message.slice(0, 1000));
  }
};
`;

export interface InboundMailProps {
  /** Every tenant support address: the rule's recipients. */
  recipients: readonly string[];
  bucket: s3.Bucket;
  inboundFunction: lambda.IFunction;
  logRetention: logs.RetentionDays;
  /** Allow activating ours over another active rule set (restored on delete/rollback). Default false: refuse. */
  replaceActiveRuleSet?: boolean;
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
        `maildesk: ${props.recipients.length} tenant addresses, but an SES receipt rule takes at most ` +
          `${MAX_RECIPIENTS_PER_RULE} recipients`,
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
      actions: [
        new StoreInBucket(props.bucket, MAIL_PREFIXES.inbound, ruleArn),
        new InvokeFunction(props.inboundFunction, ruleArn),
      ],
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
      new iam.PolicyStatement({
        sid: 'Logs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.activationFunction = new lambda.Function(this, 'ActivateFunction', {
      description:
        'maildesk: make the receipt rule set active (never over another set unless allowed); on delete restore ' +
        'what it replaced',
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
      properties: { RuleSetName: ruleSetName, ReplaceActiveRuleSet: props.replaceActiveRuleSet === true },
    });
    // Activate only once the rule (and through it the bucket policy and permission) exists, so
    // mail is never accepted by an active set that cannot store or process it yet.
    this.activation.node.addDependency(this.rule);
    this.activation.node.addDependency(role);
  }
}
