/**
 * Test what ships: `cdk synth` with real bundling, then the bundles from cdk.out run in child
 * `node` processes (one cold start per invocation) with the environment the template gives each
 * function, pointed at DynamoDB Local and the strict stand-ins through the SDK's own
 * AWS_ENDPOINT_URL_<SERVICE> variables. A mail goes in through inbound (SES receipt event), the
 * table's stream (DynamoDB Local's own records, filtered by the event source mapping's filter from
 * the template) goes to notify, the bus's events go to telegram-alert through the template's rule
 * patterns, sla-sweep runs a week later (a shifted clock), monthly-report is forced. Every request
 * must pass the stand-ins' rules: a refusal fails the test.
 *
 * MAILDESK_SHIPPED_CDK_OUT=<dir> reuses a cdk.out synthesized beforehand (with a config that has a
 * `telegram` section and deployment.region eu-west-1), skipping the synth.
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, ScanCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { simpleParser } from 'mailparser';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sesEventFor } from '../../shared/adapters/ses-event';
import { startEventBridgeStandin, type EventBridgeStandin, type PutEvent } from '../../shared/adapters/standins/eventbridge-standin';
import { json, listenLoopback, type RunningStandin } from '../../shared/adapters/standins/http-standin';
import { startS3Standin, type S3Standin } from '../../shared/adapters/standins/s3-standin';
import { startSesStandin, type SesStandin } from '../../shared/adapters/standins/ses-v2-standin';
import { startSsmStandin, type SsmStandin } from '../../shared/adapters/standins/ssm-standin';
import { matchesPattern } from '../support/event-pattern';
import { invoke, readCdkOut, resolveValue, type ShippedFunction, type ShippedStack } from '../support/shipped-stack';
import { openTableStream, type LambdaStreamRecord, type TableStream } from '../support/table-stream';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012'; // fake: nothing here calls AWS
const TELEGRAM = { chatId: '-1001234567890', botTokenParameter: '/maildesk/telegram-bot-token' };
const BOT_TOKEN = '123456:local-test-token';
const FIXTURES = join(ROOT, 'test/fixtures/mail');
const WEEK_MS = 7 * 24 * 3600 * 1000;

type Json = Record<string, any>;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** `cdk synth` as ops run it (offline, fake account), the example config plus `telegram`, region eu-west-1. */
async function synthesize(work: string): Promise<string> {
  const config = JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as Json;
  config.telegram = { ...TELEGRAM };
  config.deployment = { ...config.deployment, region: REGION };
  const configFile = join(work, 'maildesk.config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const cdkOut = join(work, 'cdk.out');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: work,
    MAILDESK_CONFIG: configFile,
    CDK_DEFAULT_ACCOUNT: ACCOUNT,
    CDK_DEFAULT_REGION: REGION,
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    CI: 'true',
  };
  // The example's .example names: synthesized by request (infra/example-guard.ts), as `npm run synth` does.
  const synth = await run(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '--context', 'allowExample=true', '--output', cdkOut], env);
  if (synth.status !== 0) throw new Error(`cdk synth failed:\n${synth.output}`);
  return cdkOut;
}

/** The table as the template defines it (keys, indexes, stream), in DynamoDB Local. */
function createTableInput(table: Json, name: string): CreateTableCommandInput {
  const p = table.Properties as Json;
  return {
    TableName: name,
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
    BillingMode: p.BillingMode,
    StreamSpecification: p.StreamSpecification ? { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType } : undefined,
  };
}

let work: string;
let stack: ShippedStack;
let dynamo: DynamoDBClient;
let tableName: string;
let stream: TableStream;
let ses: SesStandin;
let bus: EventBridgeStandin;
let s3: S3Standin;
let ssm: SsmStandin;
let telegram: RunningStandin & { messages: Array<{ token: string; body: Json }> };
let bucket: string;
/** Ref -> local name, for the template's environment values */
let names: Record<string, string>;
let synthMs = 0;
const timings: Record<string, number[]> = {};

/** The child's whole environment: the template's variables, the region, fake keys, the stand-ins. */
function envFor(fn: ShippedFunction, clockShiftMs = 0): Record<string, string> {
  const fromTemplate = Object.fromEntries(Object.entries(fn.environment).map(([k, v]) => [k, resolveValue(v, names)]));
  return {
    ...fromTemplate,
    PATH: process.env.PATH ?? '',
    HOME: work,
    NODE_OPTIONS: `${fromTemplate.NODE_OPTIONS ?? ''} --import=${join(ROOT, 'test/support/shifted-clock.mjs')}`.trim(),
    MAILDESK_CLOCK_SHIFT_MS: String(clockShiftMs),
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    // Not AWS: the Telegram Bot API base the adapter reads (functions/wiring.ts ssmTelegram).
    TELEGRAM_API_BASE: telegram.endpoint,
  };
}

async function call(name: string, event: unknown, clockShiftMs = 0): Promise<unknown> {
  const fn = stack.functions.get(name);
  if (!fn) throw new Error(`the template has no function ${name}`);
  const { result, ms } = await invoke(fn, event, envFor(fn, clockShiftMs));
  (timings[name] ??= []).push(ms);
  return result;
}

/** The stream event source mapping of `fn`, from the template: its filter patterns and batch size. */
function streamMapping(fn: ShippedFunction): { patterns: Json[]; batchSize: number } {
  const [, mapping] = stack.resourcesOfType('AWS::Lambda::EventSourceMapping').find(([, r]) => r.Properties.FunctionName?.Ref === fn.logicalId) ?? [];
  if (!mapping) throw new Error(`no event source mapping for ${fn.name}`);
  const patterns = ((mapping.Properties.FilterCriteria?.Filters ?? []) as Array<{ Pattern: string }>).map((f) => JSON.parse(f.Pattern) as Json);
  return { patterns, batchSize: mapping.Properties.BatchSize ?? 100 };
}

/** New stream records -> notify, as Lambda would: filtered by the mapping, in batches of its size. */
async function deliverStream(): Promise<{ seen: number; passed: number }> {
  const notify = stack.functions.get('notify')!;
  const { patterns, batchSize } = streamMapping(notify);
  const records = await stream.next();
  const passed = records.filter((r: LambdaStreamRecord) => patterns.length === 0 || patterns.some((p) => matchesPattern(p, r)));
  for (let i = 0; i < passed.length; i += batchSize) {
    const response = (await call('notify', { Records: passed.slice(i, i + batchSize) })) as { batchItemFailures: unknown[] };
    expect(response.batchItemFailures).toEqual([]);
  }
  return { seen: records.length, passed: passed.length };
}

/**
 * Delivers the stream until `done` holds: DynamoDB Local's stream, like the real one, may show a
 * write a moment later (Lambda polls it too), so one read is not proof that nothing is left.
 */
async function deliverStreamUntil(done: () => boolean, timeoutMs = 20_000): Promise<{ seen: number; passed: number }> {
  const total = { seen: 0, passed: 0 };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { seen, passed } = await deliverStream();
    total.seen += seen;
    total.passed += passed;
    if (done() || Date.now() > deadline) return total;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The bus's new events -> the targets the template's rules name for `fn` (EventBridge's envelope). */
async function routeBusEvents(events: PutEvent[], fnName: string): Promise<number> {
  const fn = stack.functions.get(fnName);
  if (!fn) return 0;
  const rules = stack
    .resourcesOfType('AWS::Events::Rule')
    .filter(([, r]) => r.Properties.EventPattern && (r.Properties.Targets as Json[]).some((t) => t.Arn?.['Fn::GetAtt']?.[0] === fn.logicalId))
    .filter(([, r]) => resolveValue(r.Properties.EventBusName ?? 'default', names) === 'maildesk');
  let routed = 0;
  for (const event of events) {
    const envelope = { version: '0', id: event.eventId, 'detail-type': event.detailType, source: event.source, account: ACCOUNT, time: new Date().toISOString(), region: REGION, resources: [], detail: event.detail };
    const matching = rules.filter(([, r]) => matchesPattern(r.Properties.EventPattern as Json, envelope));
    for (const _rule of matching) {
      await call(fnName, envelope);
      routed++;
    }
  }
  return routed;
}

async function tableItems(): Promise<Json[]> {
  const out: Json[] = [];
  let start: Json | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
const tickets = async () => (await tableItems()).filter((i) => i.sk === 'TICKET' && String(i.pk).startsWith('TICKET#'));

const allRefusals = () => [...ses.refusals, ...bus.refusals, ...s3.refusals, ...ssm.refusals];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'maildesk-shipped-'));
  const started = Date.now();
  const cdkOut = process.env.MAILDESK_SHIPPED_CDK_OUT || (await synthesize(work));
  synthMs = Date.now() - started;
  stack = readCdkOut(cdkOut);

  const [[tableId, table]] = stack.resourcesOfType('AWS::DynamoDB::Table') as [[string, Json]];
  const [[bucketId]] = stack.resourcesOfType('AWS::S3::Bucket').filter(([id]) => id.startsWith('RawMailBucket')) as [[string, Json]];
  const [[busId, busResource]] = stack.resourcesOfType('AWS::Events::EventBus') as [[string, Json]];
  const [[configSetId, configSet]] = stack.resourcesOfType('AWS::SES::ConfigurationSet') as [[string, Json]];
  tableName = `shipped-${randomBytes(4).toString('hex')}`;
  bucket = 'maildesk-raw-mail-local';
  const configurationSet = (configSet.Properties?.Name as string | undefined) ?? 'maildesk-local';
  names = { [tableId]: tableName, [bucketId]: bucket, [busId]: busResource.Properties.Name as string, [configSetId]: configurationSet, default: 'default' };
  // The identities the stack verifies (its own EmailIdentity resources): the From of every send must be on one.
  const identities = stack.resourcesOfType('AWS::SES::EmailIdentity').map(([, r]) => r.Properties.EmailIdentity as string);

  const messages: Array<{ token: string; body: Json }> = [];
  const telegramServer = await listenLoopback((request) => {
    const match = /^\/bot([^/]+)\/sendMessage$/.exec(request.path);
    if (request.method !== 'POST' || !match) return json(404, { ok: false, description: 'Not Found' });
    messages.push({ token: match[1]!, body: JSON.parse(request.body.toString('utf8')) as Json });
    return json(200, { ok: true, result: { message_id: messages.length } });
  });
  telegram = { ...telegramServer, messages };
  [ses, bus, s3, ssm] = await Promise.all([
    startSesStandin({ account: { verifiedIdentities: identities, configurationSets: [configurationSet], requiredConfigurationSet: configurationSet }, folder: join(work, 'ses-outbox') }),
    startEventBridgeStandin({ account: { busNames: [names[busId]!], requiredBus: names[busId]! } }),
    startS3Standin({ buckets: [bucket] }),
    startSsmStandin({ parameters: { [TELEGRAM.botTokenParameter]: { type: 'SecureString', value: BOT_TOKEN } } }),
  ]);

  const endpoint = inject('dynamoEndpoint');
  dynamo = new DynamoDBClient({ endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await dynamo.send(new CreateTableCommand(createTableInput(table, tableName)));
  stream = await openTableStream(dynamo, tableName, endpoint, REGION);
}, 300_000);

afterAll(async () => {
  stream?.close();
  await dynamo?.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  dynamo?.destroy();
  await Promise.all([ses?.close(), bus?.close(), s3?.close(), ssm?.close(), telegram?.close()]);
  if (work) rmSync(work, { recursive: true, force: true });
  const cold = Object.entries(timings).map(([n, ms]) => `${n} ${ms.join('/')} ms`);
  process.stdout.write(`shipped bundles: synth ${synthMs} ms; invocations (cold starts): ${cold.join(', ')}\n`);
});

describe('the bundles cdk synth ships, run against DynamoDB Local and the strict stand-ins', { timeout: 120_000 }, () => {
  it('the template names a bundle for every function, the telegram-alert included', () => {
    expect([...stack.functions.keys()].sort()).toEqual(['inbound', 'monthly-report', 'notify', 'sla-sweep', 'telegram-alert']);
    expect(stack.region).toBe(REGION);
  });

  it('inbound: three mails from the bucket (SES receipt events) become three tickets, attachments written back', async () => {
    const mails = ['new-ticket-plain-utf8.eml', 'new-ticket-blocking-tag.eml', 'new-ticket-attachments.eml'];
    for (const [i, file] of mails.entries()) {
      const messageId = `shipped${i}${randomBytes(6).toString('hex')}`;
      s3.put(bucket, `inbound/${messageId}`, readFileSync(join(FIXTURES, file)));
      await call('inbound', sesEventFor(messageId, ['clinic-north@support.example']));
    }
    const stored = await tickets();
    expect(stored).toHaveLength(3);
    expect(stored.map((t) => t.priority).sort()).toEqual(['blocking', 'error', 'partial']);
    expect([...s3.objects.keys()].filter((k) => !k.includes('/inbound/')).length).toBeGreaterThan(0); // the attachments
  });

  it('notify: the stream records the mapping lets through send the acknowledgements and put ticket.created on the bus', async () => {
    const { seen, passed } = await deliverStreamUntil(() => bus.events.filter((e) => e.detailType === 'ticket.created').length >= 3);
    expect(passed).toBeGreaterThan(0);
    expect(passed).toBeLessThan(seen); // the filter keeps ticket items and claims away from notify
    const created = bus.events.filter((e) => e.detailType === 'ticket.created');
    expect(created).toHaveLength(3);
    expect(created.filter((e) => e.detail.priority === 'blocking')).toHaveLength(1);
    const to = ses.accepted.flatMap((m) => m.destinations);
    expect(to).toEqual(expect.arrayContaining(['a.smirnova@clinic-north.example', 'duty@clinic-north.example', 'engineer1@team.example']));
    expect(readdirSync(join(work, 'ses-outbox'))).toHaveLength(ses.accepted.length);
    // the engineers' copy of the mail with files carries the screenshot itself, read from the bucket
    const fixture = await simpleParser(readFileSync(join(FIXTURES, 'new-ticket-attachments.eml')));
    const screenshot = fixture.attachments.find((a) => a.contentType === 'image/png')!.content;
    const toEngineers = await Promise.all(ses.accepted.filter((m) => m.destinations.includes('engineer1@team.example')).map((m) => simpleParser(m.raw)));
    const carried = toEngineers.flatMap((m) => m.attachments).find((a) => a.filename === 'скриншот ошибки.png');
    expect(carried?.content.equals(screenshot)).toBe(true);
    expect(allRefusals()).toEqual([]);
  });

  it('telegram-alert: the bus rules for critical tickets post one message per ticket, the token read from SSM', async () => {
    const critical = [...new Set(bus.events.filter((e) => e.detail.priority === 'blocking' || e.detail.priority === 'partial').map((e) => String(e.detail.ticketKey)))];
    expect(critical).toHaveLength(2); // the blocking and the partial ticket
    const routed = await routeBusEvents([...bus.events], 'telegram-alert');
    expect(routed).toBeGreaterThanOrEqual(critical.length); // ticket.created (blocking) and sla.escalated both match
    expect(ssm.reads.every((name) => name === TELEGRAM.botTokenParameter)).toBe(true);
    expect(telegram.messages.every((m) => m.token === BOT_TOKEN && m.body.chat_id === TELEGRAM.chatId)).toBe(true);
    // claims: one message per ticket however many of its events match
    expect(critical.map((key) => telegram.messages.filter((m) => String(m.body.text).includes(`${key} `)).length)).toEqual(critical.map(() => 1));
  });

  it('sla-sweep a week later: deadlines pass, notify sends the SLA mail and puts sla.* events', async () => {
    const before = bus.events.length;
    const mailBefore = ses.accepted.length;
    await call('sla-sweep', {}, WEEK_MS);
    await deliverStreamUntil(() => bus.events.slice(before).some((e) => e.detailType === 'sla.breached'));
    const sla = bus.events.slice(before).map((e) => e.detailType);
    expect(sla).toContain('sla.breached');
    expect(sla.every((t) => t.startsWith('sla.'))).toBe(true);
    expect(ses.accepted.length).toBeGreaterThan(mailBefore);
    const routed = await routeBusEvents(bus.events.slice(before), 'telegram-alert');
    expect(routed).toBeGreaterThan(0);
    expect(allRefusals()).toEqual([]);
  });

  it('monthly-report, forced for this month: the report goes to the tenant recipients with its HTML attached', async () => {
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const result = (await call('monthly-report', { month, force: true })) as { due: boolean; sent: string[] };
    expect(result.due).toBe(true);
    expect(result.sent).toContain('clinic-north');
    const report = ses.accepted.find((m) => m.destinations.includes('manager@clinic-north.example'));
    expect(report?.raw.toString('latin1')).toMatch(/sla-report-clinic-north-/);
  });

  it('no request was refused by any stand-in', () => {
    expect(allRefusals()).toEqual([]);
    expect(ses.accepted.length).toBeGreaterThan(0);
  });
});
