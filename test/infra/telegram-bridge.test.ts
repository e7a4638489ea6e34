/**
 * The clinics' Telegram bridge in the CDK stack: only with tenants[].telegram; the webhook's function
 * URL (auth by the secret token, so NONE), the group poster's bus rule, exact SSM and table grants, cdk-nag.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/constructs/functions';
import { BRIDGE_TABLE_ACTIONS, CLINIC_GROUP_PATTERN } from '../../infra/constructs/telegram-bridge';
import { MaildeskStack } from '../../infra/maildesk-stack';
import { parseConfig } from '../../shared/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENV = { account: '123456789012', region: 'eu-west-1' }; // fake, for tests only
const STUB = join(ROOT, 'test/infra/fixtures/stub-handler.ts');
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const example = () => JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as Record<string, any>;

function synth(input: Record<string, any>) {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const entries = Object.fromEntries([...FUNCTION_NAMES, 'telegram-webhook', 'clinic-group'].map((n) => [n, STUB]));
  const stack = new MaildeskStack(app, 'Maildesk', { config: parseConfig(input), env: ENV, entries });
  return { app, template: Template.fromStack(stack) };
}
const withGroups = () => {
  const input = example();
  input.tenants[0].telegram = { chatId: -1001234567890 };
  return input;
};
const byService = (t: Template, name: string) =>
  Object.entries(t.findResources('AWS::Lambda::Function')).find(([, r]) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === `maildesk-${name}`);

describe('TelegramBridge', () => {
  it('exists only when a tenant has a Telegram group', () => {
    const { template } = synth(example());
    expect(byService(template, 'telegram-webhook')).toBeUndefined();
    template.resourceCountIs('AWS::Lambda::Url', 0);
  }, 180_000);

  it('the webhook is a function URL (auth by the secret token), the poster a bus rule on blocking tickets; exact grants; no cdk-nag finding', () => {
    const { app, template } = synth(withGroups());
    const [webhookId, webhook] = byService(template, 'telegram-webhook')!;
    const [posterId, poster] = byService(template, 'clinic-group')!;
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [webhookId, 'Arn'] } });
    for (const fn of [webhook, poster])
      expect(fn.Properties.Environment.Variables).toMatchObject({ TELEGRAM_BOT_TOKEN_PARAMETER: '/maildesk/telegram-bot-token', TELEGRAM_WEBHOOK_SECRET_PARAMETER: '/maildesk/telegram-webhook-secret' });
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((r) => r.Properties.Targets?.some((t: any) => t.Arn?.['Fn::GetAtt']?.[0] === posterId));
    expect(rules.map((r) => r.Properties.EventPattern)).toEqual([{ source: CLINIC_GROUP_PATTERN.source, 'detail-type': CLINIC_GROUP_PATTERN.detailType, detail: CLINIC_GROUP_PATTERN.detail }]);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statementsOf = (fn: any) => policies.filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === fn.Properties.Role['Fn::GetAtt'][0])).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const ssm = (fn: any) => JSON.stringify(statementsOf(fn).find((s: any) => s.Sid === 'ReadTelegramParameters').Resource);
    expect(ssm(webhook)).toContain('parameter/maildesk/telegram-webhook-secret');
    expect(ssm(webhook)).toContain('parameter/maildesk/telegram-bot-token');
    expect(ssm(poster)).not.toContain('webhook-secret');
    expect(statementsOf(poster).find((s: any) => s.Sid === 'Table').Action).toEqual([...BRIDGE_TABLE_ACTIONS['clinic-group']].sort());
    expect(statementsOf(webhook).every((s: any) => s.Resource !== '*')).toBe(true);
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  }, 180_000);
});
