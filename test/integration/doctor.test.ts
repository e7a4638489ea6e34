/**
 * `maildesk doctor`: the pre-flight and health check, against a real DNS server on 127.0.0.1
 * (dns2, answering from a zone each test sets) and the AWS SDK answered at its boundary by
 * aws-sdk-client-mock (never real AWS). Each check is judged ok / warn / fail with a fix; the exit
 * code is 1 only when something failed.
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeActiveReceiptRuleSetCommand, ListReceiptRuleSetsCommand, SESClient } from '@aws-sdk/client-ses';
import { GetAccountCommand, GetEmailIdentityCommand, NotFoundException, SESv2Client } from '@aws-sdk/client-sesv2';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import dns2 from 'dns2';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../shared/cli/io';
import { ACTIVATE_RULE_SET_SOURCE } from '../../infra/constructs/inbound-mail';
import { REPLACED_MARK, runDoctorCommand, type Finding } from '../../shared/cli/doctor-command';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { Packet } = dns2;
const NXDOMAIN = 3; // RFC 1035 4.1.1 (dns2's Packet.RCODE, missing from its types)
/** A plain answer record: dns2 encodes it by its fields (its type declares methods it does not need). */
const resource = (fields: Record<string, unknown>) => fields as unknown as dns2.Packet.Resource;

// ---- a DNS server on 127.0.0.1 answering from `zone` ----
type Records = { mx?: { exchange: string; priority: number }[]; txt?: string[][] };
let zone: Map<string, Records>;
let dnsServer: ReturnType<typeof dns2.createServer>;
let dns: string;
const queried: string[] = [];

// ---- local stack stand-ins: a listening "DynamoDB" port and a closed "SMTP" port ----
let dynamo: Server;
let closedPort: number;
let dir: string;

beforeAll(async () => {
  dnsServer = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      for (const question of request.questions) {
        const name = question.name.toLowerCase();
        queried.push(name);
        const records = zone.get(name);
        if (!records) response.header.rcode = NXDOMAIN;
        else if (question.type === Packet.TYPE.MX) {
          for (const mx of records.mx ?? []) response.answers.push(resource({ name: question.name, type: Packet.TYPE.MX, class: Packet.CLASS.IN, ttl: 60, ...mx }));
        } else if (question.type === Packet.TYPE.TXT) {
          for (const data of records.txt ?? []) response.answers.push(resource({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data }));
        }
      }
      void send(response);
    },
  });
  const addresses = await dnsServer.listen({ udp: { port: 0, address: '127.0.0.1' } });
  dns = `127.0.0.1:${addresses.udp!.port}`;

  dynamo = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  dir = mkdtempSync(join(tmpdir(), 'maildesk-doctor-'));
});

afterAll(async () => {
  await dnsServer.close();
  await new Promise((resolve) => dynamo.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** A zone where everything is right for the config below. */
function healthyZone(): Map<string, Records> {
  return new Map<string, Records>([
    ['desk.test', { mx: [{ exchange: 'inbound-smtp.eu-west-1.amazonaws.com', priority: 10 }] }],
    ['_dmarc.desk.test', { txt: [['v=DMARC1; p=quarantine; adkim=r; aspf=r']] }],
    ['_dmarc.corp.test', { txt: [['v=DMARC1; ', 'p=reject']] }], // a record in two strings
    ['_dmarc.partner.test', { txt: [['v=spf1 -all']] }], // a TXT that is not DMARC
  ]);
}

type Json = Record<string, any>;
const baseConfig = (): Json => ({
  engineers: [
    { login: 'ivanov', name: 'Engineer One', address: 'ivanov@corp.test' },
    { login: 'petrov', name: 'Engineer Two', address: 'petrov@partner.test' },
  ],
  tenants: [
    { id: 'clinic-north', name: 'Северная клиника', addresses: ['clinic-north@desk.test'], language: 'ru' },
    { id: 'clinic-south', name: 'Южная клиника', addresses: ['clinic-south@desk.test', 'help@clinic-south.test'], language: 'ru' },
  ],
  telegram: { chatId: '-100123', botTokenParameter: '/maildesk/telegram-bot-token' },
  deployment: { domain: 'desk.test', region: 'eu-west-1', alarmEmail: 'ops@ops.test' },
});

let configCount = 0;
async function doctor(args: string[], config: Json | string = baseConfig()) {
  const path = join(dir, `config-${++configCount}.json`);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
  const env = { MAILDESK_DYNAMODB_PORT: String((dynamo.address() as { port: number }).port), MAILDESK_SMTP_PORT: String(closedPort) };
  const code = await runDoctorCommand(['--config', path, '--dns', dns, ...args], io, env);
  return { code, text: out.join('\n') };
}

/** The findings as JSON (--json), by check. */
async function findings(args: string[], config: Json | string = baseConfig()) {
  const path = join(dir, `config-${++configCount}.json`);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  const out: string[] = [];
  const env = { MAILDESK_DYNAMODB_PORT: String((dynamo.address() as { port: number }).port), MAILDESK_SMTP_PORT: String(closedPort) };
  const code = await runDoctorCommand(['--config', path, '--dns', dns, '--json', ...args], { stdout: (t) => out.push(t), stderr: () => {} }, env);
  const list = (JSON.parse(out.join('')) as { findings: Finding[] }).findings;
  const byCheck = new Map(list.map((f) => [f.check, f]));
  return { code, list, get: (check: string) => byCheck.get(check) ?? expect.fail(`no finding "${check}" in ${list.map((f) => f.check).join(', ')}`) };
}

beforeEach(() => {
  zone = healthyZone();
  queried.length = 0;
});

describe('maildesk doctor, local (no --aws)', () => {
  it('a healthy config and DNS: ok lines, warnings with their fix, exit 0', async () => {
    const { code, get, list } = await findings([]);
    expect(code).toBe(0);
    expect(get('config')).toMatchObject({ status: 'ok' });
    expect(get('region')).toMatchObject({ status: 'ok', detail: expect.stringContaining('eu-west-1') });
    expect(get('alarm address')).toMatchObject({ status: 'ok' });
    expect(get('engineer addresses')).toMatchObject({ status: 'ok' });
    expect(get('mx desk.test')).toMatchObject({ status: 'ok', detail: 'MX 10 inbound-smtp.eu-west-1.amazonaws.com' });
    expect(get('dmarc desk.test')).toMatchObject({ status: 'ok', detail: 'p=quarantine' });
    expect(get('dmarc corp.test')).toMatchObject({ status: 'ok', detail: 'engineers ivanov: p=reject' });
    // partner.test has a TXT record at _dmarc, but no DMARC one: its engineer's commands need aligned DKIM.
    expect(get('dmarc partner.test')).toMatchObject({ status: 'warn', detail: expect.stringContaining('petrov') });
    expect(get('dmarc partner.test').fix).toContain('_dmarc.partner.test');
    expect(get('local DynamoDB')).toMatchObject({ status: 'ok' });
    expect(get('local SMTP')).toMatchObject({ status: 'warn', fix: expect.stringContaining('npm start') });
    for (const f of list.filter((f) => f.status !== 'ok')) expect(f.fix).toBeTruthy();
    // the DNS answers came from our server, not from the system resolver
    expect(queried).toEqual(expect.arrayContaining(['desk.test', '_dmarc.desk.test', '_dmarc.corp.test', '_dmarc.partner.test']));
  });

  it('the text output: one line per check, the fix under each warning, a count', async () => {
    const { code, text } = await doctor([]);
    expect(code).toBe(0);
    expect(text).toMatch(/^ok {4}config +\S/m);
    expect(text).toMatch(/^warn {2}dmarc partner\.test +partner\.test/m);
    expect(text).toMatch(/^ +fix: publish "_dmarc\.partner\.test\. TXT/m);
    expect(text).toMatch(/^0 failed, 2 warnings, \d+ ok$/m);
  });

  it('alarm address and engineers on the receiving domain (as the example config had them) fail: no rule delivers them', async () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as Json;
    const config: Json = { ...example, deployment: { ...example.deployment, alarmEmail: 'ops@support.example' } };
    config.engineers = example.engineers.map((e: Json) => ({ ...e, address: e.address.replace(/@.*/, '@support.example') }));
    const { code, get } = await findings([], config);
    expect(code).toBe(1);
    expect(get('alarm address')).toMatchObject({ status: 'fail', detail: expect.stringContaining('can never be confirmed'), fix: expect.stringContaining('another domain') });
    expect(get('engineer addresses')).toMatchObject({ status: 'fail', detail: expect.stringContaining('ivanov <engineer1@support.example>') });
  });

  it('the shipped example config: its alarm address and engineers are outside the desk domain (reachable, confirmable)', async () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as Json;
    const { get } = await findings([], example);
    expect(get('alarm address')).toMatchObject({ status: 'ok' });
    expect(get('engineer addresses')).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['no MX', () => zone.set('desk.test', {}), 'no MX record'],
    ['MX at another host', () => zone.set('desk.test', { mx: [{ exchange: 'mx.old-provider.test', priority: 10 }] }), 'none is inbound-smtp.eu-west-1.amazonaws.com'],
    ['MX of another region', () => zone.set('desk.test', { mx: [{ exchange: 'inbound-smtp.us-east-1.amazonaws.com', priority: 10 }] }), 'none is inbound-smtp.eu-west-1'],
    ['another MX preferred', () => zone.set('desk.test', { mx: [{ exchange: 'inbound-smtp.eu-west-1.amazonaws.com', priority: 20 }, { exchange: 'mx.old.test', priority: 5 }] }), 'another host is preferred'],
  ])('%s: the MX check fails, exit 1', async (_name, change, message) => {
    change();
    const { code, get } = await findings([]);
    expect(code).toBe(1);
    expect(get('mx desk.test')).toMatchObject({ status: 'fail', detail: expect.stringContaining(message), fix: expect.stringContaining('MX 10 inbound-smtp.eu-west-1.amazonaws.com') });
  });

  it('DMARC: two records fail, a parent domain\'s record counts (organizational domain), none on the desk domain warns', async () => {
    zone.set('_dmarc.corp.test', { txt: [['v=DMARC1; p=none'], ['v=DMARC1; p=reject']] });
    zone.delete('_dmarc.desk.test');
    const config = baseConfig();
    config.engineers.push({ login: 'sidorov', name: 'Engineer Three', address: 'sidorov@mail.partner2.test' });
    zone.set('_dmarc.partner2.test', { txt: [['v=DMARC1; p=none']] });
    const { code, get } = await findings([], config);
    expect(code).toBe(1);
    expect(get('dmarc corp.test')).toMatchObject({ status: 'fail', detail: expect.stringContaining('2 DMARC records') });
    expect(get('dmarc mail.partner2.test')).toMatchObject({ status: 'ok', detail: expect.stringContaining('inherited from partner2.test') });
    expect(get('dmarc desk.test')).toMatchObject({ status: 'warn', fix: expect.stringContaining('DnsDmarcRecord') });
  });

  it('without --dns and without --aws no DNS is asked', async () => {
    const path = join(dir, 'plain.json');
    writeFileSync(path, JSON.stringify(baseConfig()));
    const out: string[] = [];
    await runDoctorCommand(['--config', path, '--json'], { stdout: (t) => out.push(t), stderr: () => {} }, { MAILDESK_DYNAMODB_PORT: String(closedPort), MAILDESK_SMTP_PORT: String(closedPort) });
    const checks = (JSON.parse(out.join('')) as { findings: Finding[] }).findings.map((f) => f.check);
    expect(checks.some((c) => c.startsWith('mx') || c.startsWith('dmarc'))).toBe(false);
    expect(queried).toEqual([]);
  });

  it('an invalid config: one failing line with the zod messages, exit 1', async () => {
    const { code, list } = await findings([], { ...baseConfig(), tenants: [] });
    expect(code).toBe(1);
    expect(list).toEqual([expect.objectContaining({ check: 'config', status: 'fail', detail: expect.stringContaining('tenants') })]);
  });

  it('a region without SES receiving fails with the list', async () => {
    const config = baseConfig();
    config.deployment.region = 'eu-north-1';
    const { code, get } = await findings([], config);
    expect(code).toBe(1);
    expect(get('region')).toMatchObject({ status: 'fail', fix: expect.stringContaining('eu-west-1') });
  });

  it('a bad --dns is a usage error', async () => {
    await expect(runDoctorCommand(['--dns', 'dns.example:53'], { stdout: () => {}, stderr: () => {} }, {})).rejects.toBeInstanceOf(UsageError);
  });
});

// ---- AWS at the SDK boundary ----
const cfn = mockClient(CloudFormationClient);
const sesv2 = mockClient(SESv2Client);
const ses = mockClient(SESClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Maildesk-AlertsTopic-X';
const DLQ = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/Maildesk-${name}`;

function healthyAccount() {
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'Maildesk',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: [
          { OutputKey: 'ReceiptRuleSetName', OutputValue: 'Maildesk-inbound' },
          { OutputKey: 'AlertsTopicArn', OutputValue: TOPIC },
          { OutputKey: 'InboundDlqUrl', OutputValue: DLQ('InboundDlq') },
          { OutputKey: 'NotifyDlqUrl', OutputValue: DLQ('NotifyDlq') },
          { OutputKey: 'MonthlyReportDlqUrl', OutputValue: DLQ('MonthlyReportDlq') },
        ],
      },
    ],
  });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: 'InboundMailActiveRuleSet1A2B', ResourceType: 'Custom::SesActiveReceiptRuleSet', PhysicalResourceId: 'Maildesk-inbound', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date(0) },
    ],
  });
  sesv2.on(GetAccountCommand).resolves({ ProductionAccessEnabled: true, SendingEnabled: true, EnforcementStatus: 'HEALTHY' });
  sesv2.on(GetEmailIdentityCommand, { EmailIdentity: 'desk.test' }).resolves({
    IdentityType: 'DOMAIN',
    VerifiedForSendingStatus: true,
    DkimAttributes: { Status: 'SUCCESS', SigningEnabled: true, SigningAttributesOrigin: 'AWS_SES' },
    ConfigurationSetName: 'MailConfigurationSet-X',
  });
  ses.on(DescribeActiveReceiptRuleSetCommand).resolves({
    Metadata: { Name: 'Maildesk-inbound' },
    Rules: [{ Name: 'tenant-addresses', Recipients: ['clinic-north@desk.test', 'clinic-south@desk.test', 'help@clinic-south.test'] }],
  });
  ses.on(ListReceiptRuleSetsCommand).resolves({ RuleSets: [{ Name: 'Maildesk-inbound' }, { Name: 'legacy-rules' }] });
  ssm.on(GetParameterCommand, { Name: '/maildesk/telegram-bot-token', WithDecryption: false }).resolves({ Parameter: { Name: '/maildesk/telegram-bot-token', Type: 'SecureString' } });
  ssm.on(GetParameterCommand, { Name: '/maildesk/attachment-link-key', WithDecryption: false }).resolves({ Parameter: { Name: '/maildesk/attachment-link-key', Type: 'SecureString' } });
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC }).resolves({
    Subscriptions: [{ Protocol: 'email', Endpoint: 'ops@ops.test', SubscriptionArn: `${TOPIC}:0b6c5a4e`, TopicArn: TOPIC }],
  });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
}

describe('maildesk doctor --aws (SDK answered by aws-sdk-client-mock)', () => {
  beforeEach(() => {
    for (const m of [cfn, sesv2, ses, ssm, sns, sqs]) m.reset();
    healthyAccount();
  });
  afterEach(() => {
    for (const m of [cfn, sesv2, ses, ssm, sns, sqs]) m.reset();
  });

  it('a healthy deployment: every AWS check ok, exit 0; the token is never read decrypted; no local ports checked', async () => {
    const { code, get, list } = await findings(['--aws']);
    expect(list.filter((f) => f.status === 'fail')).toEqual([]);
    expect(code).toBe(0);
    expect(get('stack')).toMatchObject({ status: 'ok', detail: 'Maildesk in eu-west-1: UPDATE_COMPLETE' });
    expect(get('ses account')).toMatchObject({ status: 'ok' });
    expect(get('identity desk.test')).toMatchObject({ status: 'ok', detail: expect.stringContaining('Easy DKIM') });
    expect(get('receipt rule set')).toMatchObject({ status: 'ok', detail: 'Maildesk-inbound active; other sets here (inactive): legacy-rules' });
    expect(get('rule recipients')).toMatchObject({ status: 'ok' });
    expect(get('telegram token')).toMatchObject({ status: 'ok' });
    expect(get('alarm subscription')).toMatchObject({ status: 'ok' });
    expect(['dlq inbound', 'dlq notify', 'dlq monthly-report'].map((c) => get(c).status)).toEqual(['ok', 'ok', 'ok']);
    expect(get('attachment link key')).toMatchObject({ status: 'ok', detail: expect.stringContaining('7 days') });
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input.WithDecryption)).toEqual([false, false]);
    expect(list.some((f) => f.check.startsWith('local'))).toBe(false);
  });

  it.each<[string, () => void, string, RegExp, RegExp]>([
    ['stack not deployed', () => cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id Maildesk does not exist'), { name: 'ValidationError' })), 'stack', /does not exist/, /cdk deploy/],
    ['stack rolled back', () => cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Maildesk', StackStatus: 'UPDATE_ROLLBACK_COMPLETE', CreationTime: new Date(0) }] }), 'stack', /UPDATE_ROLLBACK_COMPLETE/, /stack events/],
    ['still in the SES sandbox', () => sesv2.on(GetAccountCommand).resolves({ ProductionAccessEnabled: false, SendingEnabled: true }), 'ses account', /sandbox/, /--production-access-enabled/],
    ['sending paused', () => sesv2.on(GetAccountCommand).resolves({ ProductionAccessEnabled: true, SendingEnabled: false }), 'ses account', /paused/, /Account dashboard/],
    ['identity missing', () => sesv2.on(GetEmailIdentityCommand).rejects(new NotFoundException({ message: 'Email identity desk.test does not exist.', $metadata: {} })), 'identity desk.test', /not an SES identity/, /cdk deploy/],
    ['DKIM pending', () => sesv2.on(GetEmailIdentityCommand).resolves({ VerifiedForSendingStatus: false, DkimAttributes: { Status: 'PENDING', SigningEnabled: true } }), 'identity desk.test', /DKIM PENDING/, /DnsDkimRecord1-3/],
    ['DKIM signing off', () => sesv2.on(GetEmailIdentityCommand).resolves({ VerifiedForSendingStatus: true, DkimAttributes: { Status: 'SUCCESS', SigningEnabled: false } }), 'identity desk.test', /signing disabled/, /--signing-enabled/],
    ['another rule set active', () => ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'other-team-rules' }, Rules: [] }), 'receipt rule set', /other-team-rules is active, not Maildesk-inbound/, /set-active-receipt-rule-set --rule-set-name Maildesk-inbound/],
    ['no rule set active', () => ses.on(DescribeActiveReceiptRuleSetCommand).resolves({}), 'receipt rule set', /no rule set is active.*legacy-rules/, /set-active-receipt-rule-set/],
    ['a tenant address not in the rule', () => ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'Maildesk-inbound' }, Rules: [{ Name: 'tenant-addresses', Recipients: ['clinic-north@desk.test'] }] }), 'rule recipients', /clinic-south@desk\.test, help@clinic-south\.test/, /cdk deploy/],
    ['telegram token missing', () => ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} })), 'telegram token', /does not exist/, /put-parameter --name \/maildesk\/telegram-bot-token --type SecureString/],
    ['alarm subscription unconfirmed', () => sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ Protocol: 'email', Endpoint: 'ops@ops.test', SubscriptionArn: 'PendingConfirmation' }] }), 'alarm subscription', /not confirmed/, /Subscription Confirmation/],
    ['alarm address not subscribed', () => sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] }), 'alarm subscription', /not subscribed/, /cdk deploy/],
    ['messages in the notify DLQ', () => sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ('NotifyDlq') }).resolves({ Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' } }), 'dlq notify', /4 message/, /Operate: notify DLQ/],
  ])('%s: that check fails with its fix, exit 1', async (_name, breakIt, check, detail, fix) => {
    breakIt();
    const { code, get, list } = await findings(['--aws']);
    expect(code).toBe(1);
    expect(get(check).status).toBe('fail');
    expect(get(check).detail).toMatch(detail);
    expect(get(check).fix).toMatch(fix);
    // one broken thing fails one check (a DKIM-pending identity is not also a missing stack)
    expect(list.filter((f) => f.status === 'fail').map((f) => f.check)).toEqual([check]);
  });

  it('no attachment link key in SSM: a warning (links last an hour, not 7 days) with the commands to make it, exit 0', async () => {
    ssm.on(GetParameterCommand, { Name: '/maildesk/attachment-link-key' }).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const { code, get, list } = await findings(['--aws']);
    expect(code).toBe(0);
    expect(get('attachment link key')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/does not exist.*an hour/) });
    expect(get('attachment link key').fix).toMatch(/create-access-key --user-name Maildesk-attachment-links.*put-parameter --name \/maildesk\/attachment-link-key --type SecureString/);
    expect(list.filter((f) => f.status === 'fail')).toEqual([]);
  });

  it('a deploy that replaced another rule set (replaceActiveRuleSet): the rule set line names it, read from the activation\'s physical id', async () => {
    cfn.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'TicketsTable', ResourceType: 'AWS::DynamoDB::Table', PhysicalResourceId: 'Maildesk-Tickets', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date(0) },
        { LogicalResourceId: 'InboundMailActiveRuleSet1A2B', ResourceType: 'Custom::SesActiveReceiptRuleSet', PhysicalResourceId: 'Maildesk-inbound;replaced=legacy-rules', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date(0) },
      ],
    });
    const { get } = await findings(['--aws']);
    expect(get('receipt rule set')).toMatchObject({ status: 'ok', detail: 'Maildesk-inbound active; it replaced legacy-rules at deploy (made active again when the stack is deleted); other sets here (inactive): legacy-rules' });
  });

  it('the physical id format doctor reads is the one the activation handler writes', () => {
    expect(ACTIVATE_RULE_SET_SOURCE).toContain(`const REPLACED = '${REPLACED_MARK}';`);
  });

  it('an adopted identity without a default configuration set warns (the deploy cannot attach it), exit 0', async () => {
    sesv2.on(GetEmailIdentityCommand).resolves({ VerifiedForSendingStatus: true, DkimAttributes: { Status: 'SUCCESS', SigningEnabled: true, SigningAttributesOrigin: 'AWS_SES' } });
    const { code, get } = await findings(['--aws']);
    expect(code).toBe(0);
    expect(get('identity desk.test')).toMatchObject({ status: 'warn', fix: expect.stringContaining('put-email-identity-configuration-set-attributes') });
  });

  it('--stack names another stack, whose rule set is expected', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'DeskTwo' }).resolves({ Stacks: [{ StackName: 'DeskTwo', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0), Outputs: [] }] });
    const { get } = await findings(['--aws', '--stack', 'DeskTwo']);
    expect(get('receipt rule set')).toMatchObject({ status: 'fail', detail: expect.stringContaining('not DeskTwo-inbound') });
  });
});

describe('maildesk doctor through the binary', () => {
  it('bin/maildesk.ts doctor prints the report and exits 1 on a failure, 0 otherwise', { timeout: 180_000 }, async () => {
    // Asynchronous: the DNS server answering the child runs in this process.
    const run = (config: Json, name: string) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(config));
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin/maildesk.ts'), 'doctor', '--config', path, '--dns', dns], {
        cwd: ROOT,
        env: { ...process.env, MAILDESK_DYNAMODB_PORT: String((dynamo.address() as { port: number }).port), MAILDESK_SMTP_PORT: String(closedPort) },
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      return new Promise<{ status: number | null; stdout: string }>((resolve) => child.on('close', (status) => resolve({ status, stdout })));
    };
    const broken = baseConfig();
    broken.deployment.alarmEmail = 'ops@desk.test';
    const [healthy, failed] = await Promise.all([run(baseConfig(), 'bin-ok.json'), run(broken, 'bin-fail.json')]);
    expect(healthy.stdout).toContain('dmarc corp.test');
    expect(healthy.status).toBe(0);
    expect(failed.stdout).toMatch(/^FAIL {2}alarm address/m);
    expect(failed.status).toBe(1);
  });
});
