/**
 * Safe `cdk deploy` in an account that already receives or sends mail with SES: the activation
 * custom resource is told whether it may replace another active receipt rule set
 * (`deployment.replaceActiveRuleSet`), and an SES identity created by hand is adopted by name
 * (`deployment.existingIdentity`) instead of created again (AlreadyExists). Synthesis only.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/constructs/functions';
import { MaildeskStack } from '../../infra/maildesk-stack';
import { parseConfig } from '../../shared/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STUB = join(ROOT, 'test/infra/fixtures/stub-handler.ts');
const HANDLERS_EXIST = FUNCTION_NAMES.every((n) => existsSync(join(ROOT, 'functions', n, 'handler.ts')));
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const ENV = { account: '123456789012', region: 'eu-west-1' }; // fake, for tests only

type Json = Record<string, any>;
const withDeployment = (extra: Json): Json => {
  const input = JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as Json;
  input.deployment = { ...input.deployment, ...extra };
  return input;
};

function synth(input: Json) {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const entries = HANDLERS_EXIST ? undefined : Object.fromEntries(FUNCTION_NAMES.map((n) => [n, STUB]));
  const stack = new MaildeskStack(app, 'Maildesk', { config: parseConfig(input), env: ENV, entries });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Record<string, Json>, outputs: template.toJSON().Outputs as Record<string, Json> };
}

const activation = (resources: Record<string, Json>) => Object.values(resources).find((r) => r.Type === 'Custom::SesActiveReceiptRuleSet')!;

// A synth takes 10-40 s on the shared, loaded machine.
describe('deployment.replaceActiveRuleSet', { timeout: 240_000 }, () => {
  it('absent: the activation is told not to replace another active rule set', () => {
    expect(activation(synth(withDeployment({})).resources).Properties.ReplaceActiveRuleSet).toBe(false);
  });

  it('true: the activation may replace it (and restores it on delete)', () => {
    expect(activation(synth(withDeployment({ replaceActiveRuleSet: true })).resources).Properties.ReplaceActiveRuleSet).toBe(true);
  });
});

/** The SendMail statement of the notify and monthly-report roles, as JSON text. */
const sendMailGrants = (resources: Record<string, Json>) =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => (r.Properties.PolicyDocument.Statement as Json[]).filter((s) => s.Sid === 'SendMail'))
    .map((s) => JSON.stringify(s.Resource));

describe('deployment.existingIdentity', { timeout: 240_000 }, () => {
  it('absent: the stack creates the identity (Easy DKIM, DKIM CNAMEs as outputs) and says nothing about adopting one', () => {
    const { resources, outputs } = synth(withDeployment({}));
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::SES::EmailIdentity')).toHaveLength(1);
    expect(Object.keys(outputs).filter((k) => k.startsWith('DnsDkimRecord'))).toHaveLength(3);
    expect(Object.keys(outputs).filter((k) => k.startsWith('ExistingIdentitySetup'))).toEqual([]);
  });

  it('true: no AWS::SES::EmailIdentity (AlreadyExists), sends granted on the adopted identity by name, setup commands as outputs', () => {
    const { stack, resources, outputs } = synth(withDeployment({ existingIdentity: true }));
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::SES::EmailIdentity')).toEqual([]);
    expect(stack.mail.identity.emailIdentityName).toBe('support.example');

    const grants = sendMailGrants(resources);
    expect(grants).toHaveLength(2); // notify and monthly-report
    for (const grant of grants) expect(grant).toContain(':identity/support.example');

    // Its DKIM tokens are unknown to CloudFormation: no CNAME outputs; the operator's commands instead.
    expect(Object.keys(outputs).filter((k) => k.startsWith('DnsDkimRecord'))).toEqual([]);
    const setup = Object.entries(outputs)
      .filter(([k]) => k.startsWith('ExistingIdentitySetup'))
      .map(([, o]) => JSON.stringify(o.Value));
    expect(setup).toHaveLength(4);
    expect(setup.join('\n')).toContain('put-email-identity-dkim-attributes --email-identity support.example --signing-enabled');
    const configurationSetRef = JSON.stringify({ Ref: stack.getLogicalId(stack.mail.configurationSet.node.defaultChild as never) });
    expect(setup.find((s) => s.includes('put-email-identity-configuration-set-attributes'))).toContain(configurationSetRef);
    // MX and DMARC are the domain's, not the identity's: still printed.
    expect(outputs.DnsMxRecord).toBeDefined();
    expect(outputs.DnsDmarcRecord).toBeDefined();
  });
});
