/**
 * docs/deploy.md states what `cdk deploy` creates (functions and their memory, alarms, retention,
 * retries, schedules) and what its cost estimate assumes: each figure is read from the page and
 * checked against the template the stack synthesizes (the example config, and with `telegram`).
 * The prices themselves are AWS's list prices, which no test can check; the page says so.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaildeskStack } from '../../infra/maildesk-stack';
import { DUE_SHARDS } from '../../shared/adapters/table-layout';
import { parseConfig } from '../../shared/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
type Json = Record<string, any>;
const exampleInput = () => JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as Json;

function synth(input: Json): Array<[string, Json]> {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new MaildeskStack(app, 'Maildesk', { config: parseConfig(input), env: { account: '123456789012', region: 'eu-west-1' } });
  return Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, Json>);
}

const page = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8').replace(/\s+/g, ' ');
function stated(re: RegExp): number[] {
  const m = re.exec(page);
  expect(m, `deploy.md no longer states ${re}`).not.toBeNull();
  return m!.slice(1).map((s) => Number(s.replace(/,/g, '')));
}

let plain: Array<[string, Json]>;
let withTelegram: Array<[string, Json]>;
beforeAll(() => {
  plain = synth(exampleInput());
  withTelegram = synth({ ...exampleInput(), telegram: { chatId: '-1001234567890', botTokenParameter: '/maildesk/telegram-bot-token' } });
}, 120_000);
const ofType = (resources: Array<[string, Json]>, type: string) => resources.filter(([, r]) => r.Type === type).map(([id, r]) => [id, r.Properties] as [string, Json]);
const fn = (resources: Array<[string, Json]>, name: string) =>
  ofType(resources, 'AWS::Lambda::Function').find(([, p]) => p.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === `maildesk-${name}`)?.[1];

describe('docs/deploy.md: what gets created', () => {
  it('the functions: runtime, architecture and memory, in the order the page lists them', () => {
    const [node, ...memory] = stated(/Node\.js (\d+), arm64, ESM bundles with source maps, (\d+)\/(\d+)\/(\d+)\/(\d+)\/(\d+) MB/);
    const names = ['inbound', 'notify', 'sla-sweep', 'monthly-report', 'telegram-alert'];
    expect(page).toContain('Lambda inbound / notify / sla-sweep / monthly-report, and telegram-alert only with `telegram`');
    names.forEach((name, i) => {
      const props = fn(withTelegram, name);
      expect(props, name).toBeDefined();
      expect([props!.MemorySize, props!.Runtime, props!.Architectures], name).toEqual([memory[i], `nodejs${node}.x`, ['arm64']]);
    });
    expect(fn(plain, 'telegram-alert')).toBeUndefined();
  });

  it('alarms, log retention, DLQ retention, the KMS key', () => {
    const [alarms, alarmsTelegram] = stated(/(\d+) alarms \((\d+) with Telegram\)/);
    expect(ofType(plain, 'AWS::CloudWatch::Alarm')).toHaveLength(alarms!);
    expect(ofType(withTelegram, 'AWS::CloudWatch::Alarm')).toHaveLength(alarmsTelegram!);
    const [months] = stated(/JSON logs kept (\d+) months/);
    const logs = ofType(plain, 'AWS::Logs::LogGroup');
    expect(logs.length).toBeGreaterThan(0);
    for (const [id, p] of logs) expect(p.RetentionInDays, id).toBe(months! * 30);
    const [days] = stated(/SSE, TLS only, (\d+) days;/);
    const dlqs = ofType(withTelegram, 'AWS::SQS::Queue').filter(([id]) => /Dlq/i.test(id));
    expect(dlqs.length).toBe(4);
    for (const [id, p] of dlqs) expect(p.MessageRetentionPeriod, id).toBe(days! * 86_400);
    const [kmsDays] = stated(/schedules the KMS key for deletion \((\d+) days\)/);
    expect(ofType(plain, 'AWS::KMS::Key').map(([, p]) => p.PendingWindowInDays)).toEqual([kmsDays]);
  });

  it('schedules: the sweep every minute, the monthly report daily at 06:00 UTC', () => {
    const schedules = ofType(plain, 'AWS::Events::Rule').map(([, p]) => p.ScheduleExpression).filter(Boolean);
    for (const expression of ['rate(1 minute)', 'cron(0 6 * * ? *)']) {
      expect(page).toContain(expression);
      expect(schedules).toContain(expression);
    }
  });
});

describe('docs/deploy.md: Operate', () => {
  it('the alarm thresholds', () => {
    const [asyncMinutes, iteratorMinutes, bounce, complaint] = stated(
      /older than (\d+) minutes in Lambda's queue \(`AsyncEventAge`\); notify more than (\d+) minutes behind the stream \(`IteratorAge`\); any SLA breach; SES bounce rate above ([\d.]+) % or complaint rate above ([\d.]+) %/,
    );
    const threshold = (metric: string) => ofType(plain, 'AWS::CloudWatch::Alarm').find(([, p]) => p.MetricName === metric)?.[1].Threshold;
    expect(threshold('AsyncEventAge')).toBe(asyncMinutes! * 60_000);
    expect(threshold('IteratorAge')).toBe(iteratorMinutes! * 60_000);
    expect(threshold('Reputation.BounceRate')).toBeCloseTo(bounce! / 100, 10);
    expect(threshold('Reputation.ComplaintRate')).toBeCloseTo(complaint! / 100, 10);
  });

  it('the retries before a DLQ: inbound within an hour, notify per batch', () => {
    const [inboundTimes] = stated(/inbound failed (\d+) times within an hour/);
    const inbound = ofType(plain, 'AWS::Lambda::EventInvokeConfig').find(([, p]) => JSON.stringify(p.FunctionName).includes('FunctionsInbound'))![1];
    expect([inbound.MaximumRetryAttempts + 1, inbound.MaximumEventAgeInSeconds]).toEqual([inboundTimes, 3600]);
    const [notifyTimes] = stated(/a batch of outbox events failed (\d+) times/);
    const mappings = ofType(plain, 'AWS::Lambda::EventSourceMapping').map(([, p]) => p.MaximumRetryAttempts + 1);
    expect(mappings).toEqual([notifyTimes]);
  });
});

describe('docs/deploy.md: the cost estimate\'s arithmetic', () => {
  it('uses the stack\'s memory sizes, a sweep a minute over 30 days, its alarms and its shards', () => {
    const [sweeps, sweepMb, inboundGb, notifyMb] = stated(/sla-sweep ([\d,]+) × [\d.]+ s × (\d+) MB; inbound [\d,]+ × [\d.]+ s × (\d+) GB; notify [\d,]+ × [\d.]+ s × (\d+) MB/);
    expect(sweeps).toBe(30 * 24 * 60);
    expect(sweepMb).toBe(fn(plain, 'sla-sweep')!.MemorySize);
    expect(inboundGb! * 1024).toBe(fn(plain, 'inbound')!.MemorySize);
    expect(notifyMb).toBe(fn(plain, 'notify')!.MemorySize);
    const [alarms, alarmsTelegram] = stated(/\| CloudWatch \| (\d+) alarms \((\d+) with Telegram\) ×/);
    expect([alarms, alarmsTelegram]).toEqual([ofType(plain, 'AWS::CloudWatch::Alarm').length, ofType(withTelegram, 'AWS::CloudWatch::Alarm').length]);
    expect(stated(/the sweep queries (\d+) shards a minute/)[0]).toBe(DUE_SHARDS);
  });
});
