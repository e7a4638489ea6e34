/**
 * DMARC for the desk's own domain: with a Route 53 zone the stack publishes `_dmarc.<domain>` itself,
 * without one it prints the record for ops to create (as it does for MX and DKIM). Receivers then
 * reject mail forged in the desk's name, and the desk's own mail (Easy DKIM, aligned) passes.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/constructs/functions';
import { DMARC_RECORD_VALUE } from '../../infra/constructs/email-identity';
import { MaildeskStack } from '../../infra/maildesk-stack';
import { parseConfig } from '../../shared/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STUB = join(ROOT, 'test/infra/fixtures/stub-handler.ts');
const ENV = { account: '123456789012', region: 'eu-west-1' }; // fake, for tests only
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

function synth(hostedZoneId?: string) {
  const input = JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as { deployment: Record<string, unknown> };
  if (hostedZoneId) input.deployment.hostedZoneId = hostedZoneId;
  else delete input.deployment.hostedZoneId;
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const entries = Object.fromEntries(FUNCTION_NAMES.map((n) => [n, STUB]));
  const config = parseConfig(input);
  const stack = new MaildeskStack(app, 'Maildesk', { config, env: ENV, entries });
  return { template: Template.fromStack(stack), domain: config.deployment!.domain };
}

describe('DMARC record of the desk domain', () => {
  it('with a hosted zone: a TXT record _dmarc.<domain> with a quarantine policy and relaxed alignment', () => {
    const { template, domain } = synth('Z0123456789ABC');
    const txt = Object.values(template.findResources('AWS::Route53::RecordSet', { Properties: { Type: 'TXT' } })) as Array<{ Properties: { Name: string; ResourceRecords: string[] } }>;
    const dmarc = txt.filter((r) => r.Properties.Name === `_dmarc.${domain}.`);
    expect(dmarc).toHaveLength(1);
    const value = dmarc[0]!.Properties.ResourceRecords.join('');
    expect(value).toBe(`"${DMARC_RECORD_VALUE}"`);
    expect(DMARC_RECORD_VALUE).toMatch(/^v=DMARC1; p=(quarantine|reject);/);
  });

  it('without a zone: printed as an output, next to the MX and DKIM records', () => {
    const { template, domain } = synth();
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    expect(outputs.DnsDmarcRecord?.Value).toBe(`_dmarc.${domain}. TXT "${DMARC_RECORD_VALUE}"`);
    expect(template.findResources('AWS::Route53::RecordSet')).toEqual({});
  });
});
