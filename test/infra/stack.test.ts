/**
 * The CDK stack, proven by synthesis (nothing here calls AWS): one template synthesized from
 * maildesk.config.example.json with a fake environment and shared by every assertion, a second
 * one with a Route 53 hosted zone, a third with a `telegram` section (the only one with the
 * telegram-alert function), cdk-nag, config errors, and `cdk synth` run like ops run it.
 */
import { App, type CfnResource, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, MONTHLY_REPORT_SCHEDULE, TABLE_ACTIONS, deployedFunctionNames, ssmParameterArn, type FunctionName } from '../../infra/constructs/functions';
import { ACTIVATE_RULE_SET_SOURCE } from '../../infra/constructs/inbound-mail';
import { MaildeskStack, requireDeployment, tenantAddresses } from '../../infra/maildesk-stack';
import { ConfigError, parseConfig } from '../../shared/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENV = { account: '123456789012', region: 'eu-west-1' }; // fake, for tests only
const RULE_ARN = 'arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/Maildesk-inbound:receipt-rule/tenant-addresses';
const HANDLERS_EXIST = FUNCTION_NAMES.every((n) => existsSync(join(ROOT, 'functions', n, 'handler.ts')));
const STUB = join(ROOT, 'test/infra/fixtures/stub-handler.ts');
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

const exampleInput = () => JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as Record<string, any>;
const TELEGRAM = { chatId: '-1001234567890', botTokenParameter: '/maildesk/telegram-bot-token' };
/** The example config plus a `telegram` section. */
const telegramInput = () => ({ ...exampleInput(), telegram: { ...TELEGRAM } });

/** Synthesize without bundling (bundling is proven once, by the `cdk synth` test below). */
function synth(input: Record<string, any>) {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const entries = HANDLERS_EXIST ? undefined : Object.fromEntries(FUNCTION_NAMES.map((n) => [n, STUB]));
  const stack = new MaildeskStack(app, 'Maildesk', { config: parseConfig(input), env: ENV, entries });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Json>;
  return { app, stack, template, resources };
}
type Synth = ReturnType<typeof synth>;

type Json = Record<string, any>;

/** A child process, asynchronously (so several run side by side). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
let app: App;
let stack: MaildeskStack;
let template: Template;
let resources: Record<string, Json>;
/** The variant: a Route 53 zone, 90-day retention, no alarm e-mail. */
let variant: Synth;
/** The example config plus `telegram`: the only synthesis with the telegram-alert function. */
let withTelegram: Synth;
type Resourceish = { node: { defaultChild?: unknown } } | CfnResource;
const idIn = (s: MaildeskStack, c: Resourceish) =>
  s.getLogicalId(('node' in c && (c as any).node.defaultChild ? (c as any).node.defaultChild : c) as CfnResource);
const id = (c: Resourceish) => idIn(stack, c);
const ofTypeIn = (res: Record<string, Json>, type: string) => Object.entries(res).filter(([, r]) => r.Type === type);
const ofType = (type: string) => ofTypeIn(resources, type);
/** A function of a stack by name (telegram-alert: undefined without config `telegram`). */
const fnOf = (s: MaildeskStack, name: FunctionName) =>
  ({
    inbound: s.functions.inbound,
    notify: s.functions.notify,
    'sla-sweep': s.functions.slaSweep,
    'monthly-report': s.functions.monthlyReport,
    'telegram-alert': s.functions.telegramAlert,
  })[name];
/** Both full synthesis variants: without and with `telegram`. */
const synths = () => [
  { label: 'example', app, stack, template, resources },
  { label: 'example + telegram', ...withTelegram },
];

beforeAll(() => {
  ({ app, stack, template } = synth(exampleInput()));
  resources = template.toJSON().Resources as Record<string, Json>;
  const input = exampleInput();
  input.deployment.hostedZoneId = 'Z0123456789ABC';
  input.deployment.rawMailRetentionDays = 90;
  delete input.deployment.alarmEmail;
  input.attachmentLinks = { signingKeyParameter: 'maildesk/prod/link-key' };
  variant = synth(input);
  withTelegram = synth(telegramInput());
});

describe('SES receiving', () => {
  it('has one rule set with one rule for every tenant address: TLS required, scanning on', () => {
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    template.resourceCountIs('AWS::SES::ReceiptRule', 1);
    template.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'Maildesk-inbound' });
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: id(stack.inboundMail.ruleSet) },
      Rule: Match.objectLike({
        Name: 'tenant-addresses',
        Enabled: true,
        TlsPolicy: 'Require',
        ScanEnabled: true,
        Recipients: ['clinic-north@support.example', 'clinic-south@support.example', 'help@clinic-south.example'],
      }),
    });
  });

  it('runs the S3 action (prefix inbound/) first, then the Lambda action (Event)', () => {
    const [, rule] = ofType('AWS::SES::ReceiptRule')[0]!;
    expect(rule.Properties.Rule.Actions).toEqual([
      { S3Action: { BucketName: { Ref: id(stack.rawMail.bucket) }, ObjectKeyPrefix: 'inbound/' } },
      { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [id(stack.functions.inbound), 'Arn'] }, InvocationType: 'Event' } },
    ]);
  });

  it('the rule depends on the bucket policy and on the Lambda permission', () => {
    const [, rule] = ofType('AWS::SES::ReceiptRule')[0]!;
    const policyId = stack.getLogicalId(stack.rawMail.bucket.policy!.node.defaultChild as CfnResource);
    const [permissionId] = ofType('AWS::Lambda::Permission').find(([, p]) => p.Properties.Principal === 'ses.amazonaws.com')!;
    expect(rule.DependsOn).toEqual(expect.arrayContaining([policyId, permissionId]));
  });

  it('lets SES write only inbound/* and invoke only inbound, both pinned to this account and this rule', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id(stack.rawMail.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack.rawMail.bucket), 'Arn'] }, '/inbound/*']] },
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': RULE_ARN } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'ses.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [id(stack.functions.inbound), 'Arn'] },
      SourceAccount: '123456789012',
      SourceArn: RULE_ARN,
    });
  });

  it('activates the rule set with a custom resource that runs after the rule exists', () => {
    const [crId, cr] = ofType('Custom::SesActiveReceiptRuleSet')[0]!;
    expect(crId).toBeDefined();
    expect(cr.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [id(stack.inboundMail.activationFunction), 'Arn'] },
      RuleSetName: 'Maildesk-inbound',
      ReplaceActiveRuleSet: false, // never over another active set unless the config allows it
    });
    expect(cr.DependsOn).toEqual(expect.arrayContaining([id(stack.inboundMail.rule)]));
    const fn = resources[id(stack.inboundMail.activationFunction)]!;
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    const code: string = fn.Properties.Code.ZipFile;
    // exactly the source test/infra/activate-rule-set.test.ts runs against the strict SES double
    expect(code).toBe(ACTIVATE_RULE_SET_SOURCE);
  });
});

describe('SES sending identity and configuration set', () => {
  it('verifies the domain with Easy DKIM and sends through the configuration set', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'support.example',
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      DkimAttributes: { SigningEnabled: true },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: id(stack.mail.configurationSet) } },
      FeedbackAttributes: { EmailForwardingEnabled: false }, // bounces come as events, not as mail into inbound
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('publishes bounces and complaints to the default bus and forwards them to the maildesk bus', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: id(stack.mail.configurationSet) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: id(stack.mail.configurationSet) }] } } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id(stack.bus), 'Arn'] } })],
    });
  });

  it('without a hosted zone, prints the MX and the three DKIM records instead of creating them', () => {
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    const outputs = template.toJSON().Outputs as Record<string, Json>;
    expect(outputs.DnsMxRecord!.Value).toBe('support.example. MX 10 inbound-smtp.eu-west-1.amazonaws.com');
    for (const n of [1, 2, 3]) expect(JSON.stringify(outputs[`DnsDkimRecord${n}`]!.Value)).toContain(`DkimDNSTokenName${n}`);
  });

  it('with a hosted zone, creates the MX record and the DKIM CNAMEs in it', () => {
    const zoned = variant.template;
    zoned.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: 'Z0123456789ABC',
      Name: 'support.example.',
      Type: 'MX',
      ResourceRecords: ['10 inbound-smtp.eu-west-1.amazonaws.com'],
    });
    const cnames = zoned.findResources('AWS::Route53::RecordSet', { Properties: { Type: 'CNAME', HostedZoneId: 'Z0123456789ABC' } });
    expect(Object.keys(cnames)).toHaveLength(3);
    expect(Object.keys(zoned.toJSON().Outputs).filter((o) => o.startsWith('Dns'))).toEqual([]);
  });
});

describe('raw-mail bucket', () => {
  const bucket = () => resources[id(stack.rawMail.bucket)]!;

  it('is private, encrypted, versioned, logged and retained', () => {
    expect(bucket().Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: id(stack.rawMail.logBucket) }, LogFilePrefix: 'raw-mail/' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket().DeletionPolicy).toBe('Retain');
    expect(bucket().UpdateReplacePolicy).toBe('Retain');
    const logs = resources[id(stack.rawMail.logBucket)]!;
    expect(logs.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    expect(logs.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
  });

  it('expires mail after rawMailRetentionDays, old versions after 30 days', () => {
    expect(bucket().Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        expect.objectContaining({ Status: 'Enabled', ExpiredObjectDeleteMarker: true }),
      ]),
    );
    const { stack: s2, template: t2 } = variant;
    const b2 = t2.toJSON().Resources[s2.getLogicalId(s2.rawMail.bucket.node.defaultChild as CfnResource)];
    expect(b2.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
  });

  it('refuses every request that is not TLS 1.2+', () => {
    for (const b of [stack.rawMail.bucket, stack.rawMail.logBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id(b) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });
});

describe('DynamoDB table', () => {
  it('matches the store layout: pk/sk, GSIs byTenant and due, TTL, stream, on-demand, PITR, protected, retained', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byTenant',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'due',
          KeySchema: [
            { AttributeName: 'duePk', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
    for (const a of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'duePk', 'dueAt']) {
      expect(table.Properties.AttributeDefinitions).toContainEqual({ AttributeName: a, AttributeType: 'S' });
    }
  });
});

describe('functions', () => {
  const fnId = (name: FunctionName) => id(fnOf(stack, name)!);

  it('deploys telegram-alert only with config `telegram`', () => {
    expect(deployedFunctionNames(parseConfig(exampleInput()))).toEqual(['inbound', 'notify', 'sla-sweep', 'monthly-report']);
    expect(deployedFunctionNames(parseConfig(telegramInput()))).toEqual([...FUNCTION_NAMES]);
    expect(stack.functions.telegramAlert).toBeUndefined();
    expect(stack.functions.telegramAlertDlq).toBeUndefined();
    expect(stack.functions.telegramRules).toEqual([]);
    expect(stack.functions.roles['telegram-alert']).toBeUndefined();
    expect(Object.keys(resources).filter((k) => k.includes('Telegram'))).toEqual([]);
    // the one SSM action without telegram: notify reading the attachment-link signing key
    expect(JSON.stringify(resources).match(/"ssm:[A-Za-z]+"/g)).toEqual(['"ssm:GetParameter"']);
    expect(JSON.stringify(resources)).not.toContain('telegram-bot-token');
    expect(withTelegram.stack.functions.telegramAlert).toBeDefined();
    expect(withTelegram.stack.functions.telegramRules).toHaveLength(2);
  });

  it('every function runs Node.js 22 (pinned) on arm64', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(5); // inbound, notify, sla-sweep, monthly-report, rule-set activation
    const fnsWithTelegram = ofTypeIn(withTelegram.resources, 'AWS::Lambda::Function');
    expect(fnsWithTelegram).toHaveLength(6); // + telegram-alert
    for (const [, fn] of [...fns, ...fnsWithTelegram]) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('has the memory, timeout, environment and JSON logs each function needs', () => {
    const expected: Record<FunctionName, [number, number]> = {
      inbound: [1024, 120],
      notify: [512, 120],
      'sla-sweep': [256, 50],
      'monthly-report': [512, 300],
      'telegram-alert': [256, 30],
    };
    for (const { label, stack: s, resources: res } of synths()) {
      const names = FUNCTION_NAMES.filter((n) => fnOf(s, n));
      expect(names.length, label).toBe(label === 'example' ? 4 : 5);
      for (const name of names) {
        const fn = res[idIn(s, fnOf(s, name)!)]!.Properties;
        expect([fn.MemorySize, fn.Timeout], `${label}: ${name}`).toEqual(expected[name]);
        expect(fn.Handler).toBe('index.handler');
        expect(fn.Role).toEqual({ 'Fn::GetAtt': [idIn(s, s.functions.roles[name]!), 'Arn'] });
        expect(fn.Environment.Variables).toEqual({
          TABLE_NAME: { Ref: idIn(s, s.tickets.table) },
          MAIL_BUCKET: { Ref: idIn(s, s.rawMail.bucket) },
          EVENT_BUS_NAME: { Ref: idIn(s, s.bus) },
          SES_CONFIGURATION_SET: { Ref: idIn(s, s.mail.configurationSet) },
          POWERTOOLS_SERVICE_NAME: `maildesk-${name}`,
          LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        });
        expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: { Ref: idIn(s, s.functions.logGroups[name]!) } });
        const logGroup = res[fn.LoggingConfig.LogGroup.Ref]!;
        expect(logGroup.Properties.RetentionInDays).toBe(90);
      }
      // the activation function logs with a retention too
      for (const [, lg] of ofTypeIn(res, 'AWS::Logs::LogGroup')) expect(lg.Properties.RetentionInDays).toBe(90);
    }
  });

  it('inbound: two retries within an hour, then its SQS DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId('inbound') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [id(stack.functions.inboundDlq), 'Arn'] } } },
    });
  });

  it('notify: reads outbox events from the stream in batches of 10, bisects, reports item failures, 5 retries, then its DLQ', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('notify') },
      EventSourceArn: { 'Fn::GetAtt': [id(stack.tickets.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [id(stack.functions.notifyDlq), 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'EVENT#' }] } } } }) }] },
    });
  });

  it('sla-sweep: runs every minute, no retries (the next tick is the retry)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('sla-sweep'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fnId('sla-sweep') }, MaximumRetryAttempts: 0 });
  });

  it('monthly-report: daily at 06:00 UTC; two retries within an hour, then its DLQ (the schedule target too)', () => {
    expect(MONTHLY_REPORT_SCHEDULE).toBe('cron(0 6 * * ? *)');
    const dlqArn = { 'Fn::GetAtt': [id(stack.functions.monthlyReportDlq), 'Arn'] };
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fnId('monthly-report'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: dlqArn },
        }),
      ],
    });
    expect(resources[id(stack.functions.monthlyReportSchedule)]!.Properties.EventBusName).toBeUndefined(); // default bus: schedules
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId('monthly-report') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: dlqArn } },
    });
    // EventBridge may put events it could not deliver into the DLQ, from this rule only.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id(stack.functions.monthlyReportDlq) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id(stack.functions.monthlyReportSchedule), 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('telegram-alert: two rules on the maildesk bus (SLA escalations and breaches; ticket.created only when blocking)', () => {
    const { stack: s, resources: res, template: t } = withTelegram;
    const fnArn = { 'Fn::GetAtt': [idIn(s, s.functions.telegramAlert!), 'Arn'] };
    const dlqArn = { 'Fn::GetAtt': [idIn(s, s.functions.telegramAlertDlq!), 'Arn'] };
    const rules = ofTypeIn(res, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.Targets ?? []).includes(JSON.stringify(fnArn)));
    expect(rules.map(([rid]) => rid).sort()).toEqual(s.functions.telegramRules.map((r) => idIn(s, r)).sort());
    expect(rules.map(([, r]) => r.Properties.EventPattern)).toEqual([
      { source: ['maildesk'], 'detail-type': ['sla.escalated', 'sla.breached'] },
      { source: ['maildesk'], 'detail-type': ['ticket.created'], detail: { priority: ['blocking'] } },
    ]);
    for (const [, r] of rules) {
      expect(r.Properties.EventBusName).toEqual({ Ref: idIn(s, s.bus) });
      expect(r.Properties.State).toBe('ENABLED');
      expect(r.Properties.Targets).toEqual([
        expect.objectContaining({ Arn: fnArn, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: dlqArn } }),
      ]);
      // EventBridge may invoke it only from these rules
      t.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: fnArn,
        SourceArn: { 'Fn::GetAtt': [rules.find(([, x]) => x === r)![0], 'Arn'] },
      });
    }
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idIn(s, s.functions.telegramAlert!) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: dlqArn } },
    });
    const queuePolicy = ofTypeIn(res, 'AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: idIn(s, s.functions.telegramAlertDlq!) }]))!;
    const fromEvents = (queuePolicy[1].Properties.PolicyDocument.Statement as Json[]).filter((st) => st.Principal?.Service === 'events.amazonaws.com');
    expect(fromEvents.map((st) => st.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][0]).sort()).toEqual(rules.map(([rid]) => rid).sort());
    // the alerts topic rules are untouched by it
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['maildesk'], 'detail-type': ['sla.breached'] },
      Targets: [Match.objectLike({ Arn: { Ref: idIn(s, s.alerts.topic) } })],
    });
  });

  it('DLQs are encrypted, TLS-only and keep messages 14 days', () => {
    for (const { stack: s, template: t, resources: res } of synths()) {
      const queues = [s.functions.inboundDlq, s.functions.notifyDlq, s.functions.monthlyReportDlq, s.functions.telegramAlertDlq].filter((q) => q !== undefined);
      expect(queues).toHaveLength(s.functions.telegramAlert ? 4 : 3);
      expect(ofTypeIn(res, 'AWS::SQS::Queue')).toHaveLength(queues.length);
      for (const q of queues) {
        expect(res[idIn(s, q)]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
        t.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: idIn(s, q) }],
          PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
        });
      }
    }
  });
});

describe('events, alerts and alarms', () => {
  const topicRef = () => ({ Ref: id(stack.alerts.topic) });

  it('has the custom bus `maildesk`', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'maildesk' });
  });

  it('has a KMS-encrypted, TLS-only SNS topic with the alarm e-mail subscribed', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [id(stack.alerts.key), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@team.example', TopicArn: topicRef() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // the TopicPolicy replaces SNS's default policy: alarms of this account must be allowed explicitly
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '123456789012' } }) }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
  });

  it('sends sla.breached and new blocking tickets from the maildesk bus to the topic', () => {
    for (const pattern of [
      { source: ['maildesk'], 'detail-type': ['sla.breached'] },
      { source: ['maildesk'], 'detail-type': ['ticket.created'], detail: { priority: ['blocking'] } },
    ]) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: id(stack.bus) },
        EventPattern: pattern,
        Targets: [Match.objectLike({ Arn: topicRef() })],
      });
    }
  });

  it('alarms on errors, DLQ depth, inbound age, notify iterator age, SLA breaches and SES reputation, all to the topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const a of alarms) expect(a.AlarmActions).toEqual([topicRef()]);
    const find = (metric: string, dimension: Json) =>
      alarms.filter((a) => a.MetricName === metric && JSON.stringify(a.Dimensions ?? []).includes(JSON.stringify(dimension)));
    for (const fn of [stack.functions.inbound, stack.functions.notify, stack.functions.slaSweep, stack.functions.monthlyReport]) {
      expect(find('Errors', { Ref: id(fn) })).toEqual([expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Sum' })]);
    }
    for (const q of [stack.functions.inboundDlq, stack.functions.notifyDlq, stack.functions.monthlyReportDlq]) {
      expect(find('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [id(q), 'QueueName'] })).toEqual([
        expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }),
      ]);
    }
    expect(find('AsyncEventAge', { Ref: id(stack.functions.inbound) })).toEqual([expect.objectContaining({ Threshold: 300_000, Statistic: 'Maximum' })]);
    expect(find('IteratorAge', { Ref: id(stack.functions.notify) })).toEqual([expect.objectContaining({ Threshold: 300_000, Statistic: 'Maximum' })]);
    expect(find('MatchedEvents', { Ref: id(stack.alerts.slaBreachedRule) })).toEqual([
      expect.objectContaining({ Namespace: 'AWS/Events', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }),
    ]);
    expect(alarms.map((a) => a.MetricName)).toEqual(expect.arrayContaining(['Reputation.BounceRate', 'Reputation.ComplaintRate']));
    expect(alarms).toHaveLength(12);
  });

  it('with `telegram`, also alarms on telegram-alert errors and its DLQ', () => {
    const { stack: s, resources: res } = withTelegram;
    const alarms = ofTypeIn(res, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toHaveLength(14);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: idIn(s, s.alerts.topic) }]);
    const find = (metric: string, dimension: Json) =>
      alarms.filter((a) => a.MetricName === metric && JSON.stringify(a.Dimensions ?? []).includes(JSON.stringify(dimension)));
    expect(find('Errors', { Ref: idIn(s, s.functions.telegramAlert!) })).toEqual([expect.objectContaining({ Threshold: 0, Statistic: 'Sum' })]);
    expect(find('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [idIn(s, s.functions.telegramAlertDlq!), 'QueueName'] })).toEqual([
      expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }),
    ]);
  });

  it('with no alarmEmail there is no subscription (the topic stays for other subscribers)', () => {
    const t = variant.template;
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    t.resourceCountIs('AWS::SNS::Topic', 1);
  });
});

describe('IAM: least privilege', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string };
  const statementsIn = (s: MaildeskStack, res: Record<string, Json>, roleConstruct: { node: { defaultChild?: unknown } }): Statement[] => {
    const roleId = idIn(s, roleConstruct);
    return ofTypeIn(res, 'AWS::IAM::Policy')
      .filter(([, p]) => ((p.Properties.Roles ?? []) as Json[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
  };
  const statementsOf = (roleConstruct: { node: { defaultChild?: unknown } }) => statementsIn(stack, resources, roleConstruct);
  const actionsOf = (s: Statement) => [s.Action].flat();
  const allStatementsIn = (res: Record<string, Json>) =>
    ofTypeIn(res, 'AWS::IAM::Policy').flatMap(([pid, p]) => (p.Properties.PolicyDocument.Statement as Statement[]).map((s) => ({ pid, s })));
  /** Every action a role may use, sorted. */
  const allActions = (st: Statement[]) => [...new Set(st.flatMap(actionsOf))].sort();

  it('no role uses an AWS managed policy or an inline policy outside the reviewed ones', () => {
    for (const { resources: res } of synths()) {
      for (const [, role] of ofTypeIn(res, 'AWS::IAM::Role')) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(role.Properties.Policies).toBeUndefined();
      }
    }
  });

  it('one role per function: 4 (+ telegram-alert) function roles, the activation role, the bounce-forwarding rule role', () => {
    for (const { label, stack: s, resources: res } of synths()) {
      const names = FUNCTION_NAMES.filter((n) => fnOf(s, n));
      const roleIds = names.map((n) => idIn(s, s.functions.roles[n]!));
      expect(new Set(roleIds).size, label).toBe(names.length);
      expect(ofTypeIn(res, 'AWS::IAM::Role'), label).toHaveLength(names.length + 2);
      for (const n of names) {
        const role = res[idIn(s, s.functions.roles[n]!)]!;
        expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
          expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }),
        ]);
      }
    }
  });

  it('no action wildcards, and Resource "*" only where IAM has no resource type (the justified list)', () => {
    for (const { label, stack: s, resources: res } of synths()) {
      for (const { s: st } of allStatementsIn(res)) for (const a of actionsOf(st)) expect(a, label).not.toMatch(/\*$/);
      const star = allStatementsIn(res)
        .filter(({ s: st }) => st.Resource === '*' || (Array.isArray(st.Resource) && st.Resource.includes('*')))
        .map(({ pid, s: st }) => ({ pid, actions: actionsOf(st).sort() }));
      const notifyPolicy = s.getLogicalId(s.functions.roles.notify.node.findChild('DefaultPolicy').node.defaultChild as CfnResource);
      const activatePolicy = s.getLogicalId(s.inboundMail.activationFunction.role!.node.findChild('DefaultPolicy').node.defaultChild as CfnResource);
      expect(star, label).toEqual(
        expect.arrayContaining([
          { pid: notifyPolicy, actions: ['dynamodb:ListStreams'] },
          { pid: activatePolicy, actions: ['ses:DescribeActiveReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'] },
        ]),
      );
      expect(star, label).toHaveLength(2);
    }
  });

  it('inbound: reads inbound/, writes attachments/ and failed/, uses the table; no SES, no bus', () => {
    const st = statementsOf(stack.functions.roles.inbound);
    const actions = st.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('ses:') || a.startsWith('events:'))).toEqual([]);
    const bucketArn = { 'Fn::GetAtt': [id(stack.rawMail.bucket), 'Arn'] };
    const obj = (p: string) => ({ 'Fn::Join': ['', [bucketArn, `/${p}*`]] });
    expect(st).toContainEqual(expect.objectContaining({ Action: 's3:GetObject', Resource: obj('inbound/') }));
    expect(st).toContainEqual(expect.objectContaining({ Action: 's3:PutObject', Resource: [obj('attachments/'), obj('failed/')] }));
    expect(st).toContainEqual(expect.objectContaining({ Action: 's3:ListBucket', Resource: bucketArn }));
    const table = st.find((s) => s.Sid === 'Table')!;
    expect(table.Resource).toEqual({ 'Fn::GetAtt': [id(stack.tickets.table), 'Arn'] });
    expect(actionsOf(table)).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem']),
    );
    expect(actionsOf(table)).not.toContain('dynamodb:Scan');
  });

  it('notify: stream, table, sends through the domain identity + configuration set, puts events on the maildesk bus', () => {
    const st = statementsOf(stack.functions.roles.notify);
    const send = st.find((s) => s.Sid === 'SendMail')!;
    expect(actionsOf(send).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(JSON.stringify(send.Resource)).toContain(':identity/');
    expect(JSON.stringify(send.Resource)).toContain(':configuration-set/');
    expect(st).toContainEqual(expect.objectContaining({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [id(stack.bus), 'Arn'] } }));
    expect(st).toContainEqual(
      expect.objectContaining({
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: { 'Fn::GetAtt': [id(stack.tickets.table), 'StreamArn'] },
      }),
    );
    expect(st.flatMap(actionsOf)).not.toContain('s3:PutObject');
    // issue 18: an event's mails claimed in one transaction (PutItem per item), SES's Message-IDs remembered in one batch
    const table = st.find((s) => s.Sid === 'Table')!;
    expect(actionsOf(table)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:BatchWriteItem']));
  });

  it('notify: reads attachments/ only (the engineers\' copy carries the files), never the raw mail; writes nothing to S3', () => {
    const st = statementsOf(stack.functions.roles.notify);
    const bucketArn = { 'Fn::GetAtt': [id(stack.rawMail.bucket), 'Arn'] };
    const s3Statements = st.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3Statements).toEqual([
      expect.objectContaining({ Sid: 'ReadAttachments', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [bucketArn, '/attachments/*']] } }),
      expect.objectContaining({ Action: 's3:ListBucket', Resource: bucketArn }),
    ]);
    expect(JSON.stringify(st)).not.toContain('/inbound/');
  });

  it('sla-sweep: queries only the due index and writes the table; no S3, no SES, no bus (notify publishes its outbox events)', () => {
    const st = statementsOf(stack.functions.roles['sla-sweep']);
    expect(st.flatMap(actionsOf).filter((a) => /^(s3|ses|events):/.test(a))).toEqual([]);
    expect(st.find((s) => s.Sid === 'QueryIndexes')!.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack.tickets.table), 'Arn'] }, '/index/due']],
    });
  });
});

describe('IAM: monthly-report and telegram-alert', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string };
  const statementsIn = (s: MaildeskStack, res: Record<string, Json>, roleConstruct: { node: { defaultChild?: unknown } }): Statement[] => {
    const roleId = idIn(s, roleConstruct);
    return ofTypeIn(res, 'AWS::IAM::Policy')
      .filter(([, p]) => ((p.Properties.Roles ?? []) as Json[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
  };
  const actionsOf = (s: Statement) => [s.Action].flat();
  const tableArn = () => ({ 'Fn::GetAtt': [id(stack.tickets.table), 'Arn'] });

  it('monthly-report: the table (events Query, claims), the byTenant index, SES sending, its log group and DLQ; nothing else', () => {
    const st = statementsIn(stack, resources, stack.functions.roles['monthly-report']);
    expect(st.every((x) => x.Effect === 'Allow')).toBe(true);
    const bySid = Object.fromEntries(st.filter((x) => x.Sid).map((x) => [x.Sid!, x]));
    expect(Object.keys(bySid).sort()).toEqual(['Logs', 'QueryIndexes', 'SendMail', 'Table']);
    expect(bySid.Table!.Resource).toEqual(tableArn());
    expect(actionsOf(bySid.Table!).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect(actionsOf(bySid.Table!).sort()).toEqual([...TABLE_ACTIONS['monthly-report']].sort());
    expect(bySid.QueryIndexes).toEqual(
      expect.objectContaining({ Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [tableArn(), '/index/byTenant']] } }),
    );
    // the same sending permission as notify: the domain identity and the configuration set
    const notifySend = statementsIn(stack, resources, stack.functions.roles.notify).find((x) => x.Sid === 'SendMail')!;
    expect(bySid.SendMail).toEqual(notifySend);
    expect(bySid.Logs!.Resource).toEqual({ 'Fn::GetAtt': [id(stack.functions.logGroups['monthly-report']), 'Arn'] });
    const dlq = st.filter((x) => !x.Sid);
    expect(dlq).toEqual([
      expect.objectContaining({ Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: { 'Fn::GetAtt': [id(stack.functions.monthlyReportDlq), 'Arn'] } }),
    ]);
    expect(st.flatMap(actionsOf).filter((a) => /^(s3|events|ssm|kms):/.test(a))).toEqual([]);
    expect(st.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
    expect(st.flatMap(actionsOf)).not.toContain('dynamodb:UpdateItem');
  });

  it('telegram-alert: claims on the table, ssm:GetParameter on exactly the bot-token parameter, its log group and DLQ; nothing else', () => {
    const { stack: s, resources: res } = withTelegram;
    const st = statementsIn(s, res, s.functions.roles['telegram-alert']!);
    expect(st.every((x) => x.Effect === 'Allow')).toBe(true);
    const bySid = Object.fromEntries(st.filter((x) => x.Sid).map((x) => [x.Sid!, x]));
    expect(Object.keys(bySid).sort()).toEqual(['Logs', 'ReadBotToken', 'Table']);
    expect(bySid.Table!.Resource).toEqual({ 'Fn::GetAtt': [idIn(s, s.tickets.table), 'Arn'] });
    expect(actionsOf(bySid.Table!).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(bySid.ReadBotToken).toEqual(
      expect.objectContaining({
        Action: 'ssm:GetParameter',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1:123456789012:parameter/maildesk/telegram-bot-token']] },
      }),
    );
    expect(bySid.Logs!.Resource).toEqual({ 'Fn::GetAtt': [idIn(s, s.functions.logGroups['telegram-alert']!), 'Arn'] });
    expect(st.filter((x) => !x.Sid)).toEqual([
      expect.objectContaining({ Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: { 'Fn::GetAtt': [idIn(s, s.functions.telegramAlertDlq!), 'Arn'] } }),
    ]);
    // no kms:Decrypt: the parameter is expected under the AWS managed key aws/ssm (README, IAM permissions)
    expect(st.flatMap(actionsOf).filter((a) => /^(s3|ses|events|kms):/.test(a) || a === 'dynamodb:Query')).toEqual([]);
  });

  it('the SSM parameter ARN: a name with or without a leading slash, or a full ARN as it is', () => {
    const { stack: s } = withTelegram;
    const arn = (name: string) => s.resolve(ssmParameterArn(s, name));
    const join = (tail: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:eu-west-1:123456789012:parameter/${tail}`]] });
    expect(arn('/maildesk/telegram-bot-token')).toEqual(join('maildesk/telegram-bot-token'));
    expect(arn('maildesk/telegram-bot-token')).toEqual(join('maildesk/telegram-bot-token'));
    expect(arn('telegram-bot-token')).toEqual(join('telegram-bot-token'));
    expect(arn('arn:aws:ssm:eu-west-1:123456789012:parameter/x')).toBe('arn:aws:ssm:eu-west-1:123456789012:parameter/x');
  });
});

describe('attachment links: the IAM user whose key signs 7-day links', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string };
  const policiesOfUser = (s: MaildeskStack, res: Record<string, Json>) =>
    ofTypeIn(res, 'AWS::IAM::Policy').filter(([, p]) => ((p.Properties.Users ?? []) as Json[]).some((u) => u.Ref === idIn(s, s.attachmentLinks.user)));
  const notifyStatements = (s: MaildeskStack, res: Record<string, Json>) =>
    ofTypeIn(res, 'AWS::IAM::Policy')
      .filter(([, p]) => ((p.Properties.Roles ?? []) as Json[]).some((r) => r.Ref === idIn(s, s.functions.roles.notify)))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
  const parameterArn = (tail: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:eu-west-1:123456789012:parameter/${tail}`]] });

  it('one user, <stack>-attachment-links, with exactly one permission: s3:GetObject on attachments/*', () => {
    for (const { label, stack: s, resources: res } of [...synths(), { label: 'variant', ...variant }]) {
      const users = ofTypeIn(res, 'AWS::IAM::User');
      expect(users, label).toHaveLength(1);
      const [userId, user] = users[0]!;
      expect(userId, label).toBe(idIn(s, s.attachmentLinks.user));
      // no console password, no inline or managed policy, no group: only the one policy below
      expect(user.Properties, label).toEqual({ UserName: 'Maildesk-attachment-links' });
      const policies = policiesOfUser(s, res);
      expect(policies, label).toHaveLength(1);
      const [, policy] = policies[0]!;
      expect(policy.Properties.Roles, label).toBeUndefined();
      expect(policy.Properties.Groups, label).toBeUndefined();
      const bucketArn = { 'Fn::GetAtt': [idIn(s, s.rawMail.bucket), 'Arn'] };
      expect(policy.Properties.PolicyDocument.Statement, label).toEqual([
        { Sid: 'ReadAttachments', Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [bucketArn, '/attachments/*']] } },
      ]);
    }
  });

  it('no access key, login profile or secret in the template: ops make the key and keep it in SSM', () => {
    for (const { label, resources: res } of [...synths(), { label: 'variant', ...variant }]) {
      for (const type of ['AWS::IAM::AccessKey', 'AWS::IAM::UserToGroupAddition', 'AWS::SecretsManager::Secret', 'AWS::SSM::Parameter'])
        expect(ofTypeIn(res, type), `${label}: ${type}`).toEqual([]);
      expect(JSON.stringify(res), label).not.toMatch(/SecretAccessKey|LoginProfile/);
    }
  });

  it('notify may read exactly the configured parameter (ssm:GetParameter, its ARN), and no other function may', () => {
    for (const { label, stack: s, resources: res, tail } of [
      { label: 'example (default name)', stack, resources, tail: 'maildesk/attachment-link-key' },
      { label: 'variant (configured name)', stack: variant.stack, resources: variant.resources, tail: 'maildesk/prod/link-key' },
    ]) {
      const ssm = notifyStatements(s, res).filter((x) => [x.Action].flat().some((a) => a.startsWith('ssm:') || a.startsWith('kms:')));
      expect(ssm, label).toEqual([{ Sid: 'ReadLinkSigningKey', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: parameterArn(tail) }]);
      const readers = ofTypeIn(res, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes(`parameter/${tail}`));
      expect(readers.map(([pid]) => pid), label).toEqual([
        s.getLogicalId(s.functions.roles.notify.node.findChild('DefaultPolicy').node.defaultChild as CfnResource),
      ]);
    }
  });
});

describe('outputs', () => {
  it('lists the MX target, the tenant addresses, the table and the bucket', () => {
    const outputs = template.toJSON().Outputs as Record<string, Json>;
    expect(outputs.MxTarget!.Value).toBe('inbound-smtp.eu-west-1.amazonaws.com');
    expect(outputs.TenantAddresses!.Value).toBe('clinic-north@support.example, clinic-south@support.example, help@clinic-south.example');
    expect(outputs.TableName!.Value).toEqual({ Ref: id(stack.tickets.table) });
    expect(outputs.BucketName!.Value).toEqual({ Ref: id(stack.rawMail.bucket) });
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'EventBusName',
        'ReceiptRuleSetName',
        'AlertsTopicArn',
        'InboundDlqUrl',
        'NotifyDlqUrl',
        'MonthlyReportDlqUrl',
        'InboundLogGroup',
        'NotifyLogGroup',
        'SlaSweepLogGroup',
        'MonthlyReportLogGroup',
        'MonthlyReportFunctionName',
      ]),
    );
    expect(outputs.MonthlyReportLogGroup!.Value).toEqual({ Ref: id(stack.functions.logGroups['monthly-report']) });
    expect(Object.keys(outputs).filter((o) => o.startsWith('Telegram'))).toEqual([]);
  });

  it('with `telegram`, also the telegram-alert log group and DLQ', () => {
    const { stack: s, template: t } = withTelegram;
    const outputs = t.toJSON().Outputs as Record<string, Json>;
    expect(outputs.TelegramAlertLogGroup!.Value).toEqual({ Ref: idIn(s, s.functions.logGroups['telegram-alert']!) });
    expect(outputs.TelegramAlertDlqUrl!.Value).toEqual({ Ref: idIn(s, s.functions.telegramAlertDlq!) });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding, error or warning (with and without `telegram`)', () => {
    for (const { label, app: a } of synths()) {
      const report = new AwsSolutionsChecks(a, { verbose: true }).validateScope(a);
      const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(findings, label).toEqual([]);
      expect(report.success, label).toBe(true);
    }
  });

  it('every acknowledgment carries a reason, and only the reviewed rules are acknowledged', () => {
    for (const { label, stack: s } of synths()) {
      const acks: { path: string; rule: string; reason: string }[] = [];
      const visit = (c: import('constructs').IConstruct) => {
        for (const m of c.node.metadata) {
          if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
          for (const [rule, reason] of Object.entries(m.data as Record<string, string>)) acks.push({ path: c.node.path, rule, reason });
        }
        c.node.children.forEach(visit);
      };
      visit(s);
      for (const a of acks) expect(a.reason.length, `${label}: ${a.rule} on ${a.path}`).toBeGreaterThan(40);
      const rules = [...new Set(acks.map((a) => a.rule.replace(/^[^:]*::/, '').replace(/\[.*$/, '')))].sort();
      expect(rules, label).toEqual(['AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-SQS3']);
      expect(acks.filter((a) => a.rule.includes('Resource::*]')).map((a) => a.path).sort(), label).toEqual([
        'Maildesk/Functions/NotifyRole',
        'Maildesk/InboundMail/ActivateRole',
      ]);
      // no IAM5 on the new roles: every resource they name is exact
      expect(acks.filter((a) => /MonthlyReport|TelegramAlert/.test(a.path) && a.rule.includes('IAM5')), label).toEqual([]);
      // the pinned runtime on every Lambda (4 or 5 functions + activation), SQS3 on every DLQ
      const functions = FUNCTION_NAMES.filter((n) => fnOf(s, n)).length;
      expect(acks.filter((a) => a.rule.endsWith('AwsSolutions-L1')), label).toHaveLength(functions + 1);
      expect(acks.filter((a) => a.rule.endsWith('AwsSolutions-SQS3')), label).toHaveLength(functions - 1);
    }
  });
});

describe('config errors stop synth', () => {
  it('a bad key fails with the zod message naming it', () => {
    const input = exampleInput();
    input.tenants[1].addresses[0] = 'not-an-address';
    expect(() => parseConfig(input, 'maildesk.config.json')).toThrow(ConfigError);
    expect(() => parseConfig(input, 'maildesk.config.json')).toThrow(/tenants\[1\]\.addresses\[0\]: expected an e-mail address/);
  });

  it('a config without a deployment block cannot build the stack', () => {
    const input = exampleInput();
    delete input.deployment;
    const config = parseConfig(input);
    expect(() => requireDeployment(config)).toThrow(/no "deployment" block/);
    expect(() => new MaildeskStack(new App(), 'X', { config, env: ENV })).toThrow(ConfigError);
  });

  it('more tenant addresses than one receipt rule takes is a config error', () => {
    const input = exampleInput();
    input.tenants[0].addresses = Array.from({ length: 101 }, (_, i) => `c${i}@support.example`);
    const config = parseConfig(input);
    expect(tenantAddresses(config)).toHaveLength(103);
    expect(() => new MaildeskStack(new App(), 'X', { config, env: ENV, entries: Object.fromEntries(FUNCTION_NAMES.map((n) => [n, STUB])) })).toThrow(
      /at most 100/,
    );
  });

  it('infra/app.ts exits 1 with the message and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maildesk-cdk-'));
    try {
      const bad = exampleInput();
      bad.tenants[0].addresses[0] = 'clinic-north-at-support.example';
      writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
      const noDeployment = exampleInput();
      delete noDeployment.deployment;
      writeFileSync(join(dir, 'no-deployment.json'), JSON.stringify(noDeployment));
      const cases = [
        ['bad.json', /tenants\[0\]\.addresses\[0\]: expected an e-mail address/],
        ['no-deployment.json', /no "deployment" block/],
      ] as const;
      const runs = await Promise.all(
        cases.map(([file]) => run(join(ROOT, 'node_modules/.bin/tsx'), ['infra/app.ts'], { ...process.env, MAILDESK_CONFIG: join(dir, file), CDK_OUTDIR: join(dir, 'out') })),
      );
      cases.forEach(([, message], i) => {
        const r = runs[i]!;
        expect(r.status, r.stderr).toBe(1);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/^\s+at /m);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('`npx cdk synth` offline, with real esbuild bundling', () => {
  it.skipIf(!HANDLERS_EXIST)(
    'writes the template and one ESM bundle per function (all five: the example config plus `telegram`), with the config compiled in',
    () => {
      const out = mkdtempSync(join(tmpdir(), 'maildesk-cdk-out-'));
      try {
        const configFile = join(out, 'maildesk.config.telegram.json');
        writeFileSync(configFile, JSON.stringify(telegramInput()));
        const env: NodeJS.ProcessEnv = {
          PATH: process.env.PATH,
          HOME: process.env.HOME ?? tmpdir(),
          MAILDESK_CONFIG: configFile,
          CDK_DEFAULT_ACCOUNT: '123456789012', // fake: synth never calls AWS
          CDK_DEFAULT_REGION: 'eu-west-1',
          CDK_DISABLE_VERSION_CHECK: '1',
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          AWS_EC2_METADATA_DISABLED: 'true',
          CI: 'true',
        };
        const cdkOut = join(out, 'cdk.out');
        const run = spawnSync(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '--context', 'allowExample=true', '--output', cdkOut], { cwd: ROOT, env, encoding: 'utf8' });
        expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

        const tpl = JSON.parse(readFileSync(join(cdkOut, 'Maildesk.template.json'), 'utf8')) as { Resources: Record<string, Json> };
        const types = Object.values(tpl.Resources).map((r) => r.Type);
        expect(types).toEqual(expect.arrayContaining(['AWS::SES::ReceiptRule', 'AWS::DynamoDB::Table', 'Custom::SesActiveReceiptRuleSet']));
        const services = Object.values(tpl.Resources)
          .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)
          .map((r) => r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string)
          .sort();
        expect(services).toEqual(FUNCTION_NAMES.map((n) => `maildesk-${n}`).sort());

        const assets = JSON.parse(readFileSync(join(cdkOut, 'Maildesk.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
        const bundleDirs = Object.values(assets.files)
          .map((f) => join(cdkOut, f.source.path))
          .filter((p) => existsSync(join(p, 'index.mjs')));
        expect(bundleDirs.length).toBe(FUNCTION_NAMES.length);
        for (const dir of bundleDirs) {
          expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
          const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
          expect(code.startsWith("import { createRequire as __maildeskCreateRequire } from 'node:module';")).toBe(true);
          expect(code).toContain('clinic-north'); // MAILDESK_CONFIG_JSON replaced at build time
          // The bundle loads as ESM on this Node (catches "Dynamic require ... not supported").
          const load = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); if (typeof m.handler !== 'function') process.exit(3);`], {
            env: { ...env, TABLE_NAME: 't', MAIL_BUCKET: 'b', EVENT_BUS_NAME: 'maildesk', SES_CONFIGURATION_SET: 'c', AWS_REGION: 'eu-west-1' },
            encoding: 'utf8',
          });
          expect(load.status, load.stderr).toBe(0);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    300_000, // five esbuild bundles on a loaded machine
  );
});
