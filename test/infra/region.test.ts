/**
 * Safe `cdk deploy`: the region comes from `deployment.region` or the CDK environment, never a
 * silent default, and synth refuses a region where SES does not receive mail (unless the config
 * says the region is newer than the list). Synthesis only: nothing here calls AWS.
 */
import { App } from 'aws-cdk-lib';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/constructs/functions';
import { MaildeskStack } from '../../infra/maildesk-stack';
import { SES_RECEIVING_DOC, SES_RECEIVING_REGIONS } from '../../infra/ses-regions';
import { ConfigError, parseConfig } from '../../shared/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STUB = join(ROOT, 'test/infra/fixtures/stub-handler.ts');
const HANDLERS_EXIST = FUNCTION_NAMES.every((n) => existsSync(join(ROOT, 'functions', n, 'handler.ts')));
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const ACCOUNT = '123456789012'; // fake, for tests only

type Json = Record<string, any>;
const exampleInput = () => JSON.parse(readFileSync(join(ROOT, 'maildesk.config.example.json'), 'utf8')) as Json;

function synth(input: Json, region: string | undefined) {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const entries = HANDLERS_EXIST ? undefined : Object.fromEntries(FUNCTION_NAMES.map((n) => [n, STUB]));
  return new MaildeskStack(app, 'Maildesk', { config: parseConfig(input), env: { account: ACCOUNT, region }, entries });
}

const withDeployment = (extra: Json) => {
  const input = exampleInput();
  input.deployment = { ...input.deployment, ...extra };
  return input;
};

describe('the stack region', () => {
  it('no region anywhere: synth refuses, naming deployment.region (no silent default)', () => {
    expect(() => synth(exampleInput(), undefined)).toThrow(ConfigError);
    expect(() => synth(exampleInput(), undefined)).toThrow(/deployment\.region/);
  });

  it.each(['us-west-1', 'eu-north-1', 'ap-south-1', 'sa-east-1'])('%s has no SES receiving: synth refuses and lists the regions with the AWS page', (region) => {
    let error: unknown;
    try {
      synth(withDeployment({ region }), region);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`region ${region} has no SES email receiving`);
    expect(message).toContain(SES_RECEIVING_DOC);
    for (const r of SES_RECEIVING_REGIONS) expect(message).toContain(r);
    expect(message).toContain('allowUnlistedRegion');
  });

  it('allowUnlistedRegion lets a region newer than the list through, and the MX target names it', () => {
    const stack = synth(withDeployment({ region: 'eu-south-2', allowUnlistedRegion: true }), 'eu-south-2');
    expect(stack.region).toBe('eu-south-2');
    expect(stack.mail.mxTarget).toBe('inbound-smtp.eu-south-2.amazonaws.com');
  });

  it('deployment.region and a different stack environment region: refused (the ARNs would name the wrong one)', () => {
    expect(() => synth(withDeployment({ region: 'eu-west-1' }), 'us-east-1')).toThrow(/deployment\.region is eu-west-1.*us-east-1/s);
  });

  it.each(SES_RECEIVING_REGIONS)('%s: synthesizes, MX target in that region', (region) => {
    const stack = synth(exampleInput(), region);
    expect(stack.mail.mxTarget).toBe(`inbound-smtp.${region}.amazonaws.com`);
  });
});

describe('infra/app.ts (what `cdk synth` runs)', () => {
  const app = (config: Json, env: Record<string, string | undefined>) => {
    const dir = mkdtempSync(join(tmpdir(), 'maildesk-region-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CDK_DEFAULT_REGION|AWS_REGION|AWS_DEFAULT_REGION)$/.test(k)));
      return spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...clean, MAILDESK_CONFIG: join(dir, 'config.json'), CDK_OUTDIR: join(dir, 'out'), CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], allowExample: true }), ...env },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('without deployment.region or a CDK environment region: exits 1 with the message, no template', () => {
    const r = app(exampleInput(), {});
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/no AWS region/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('says which region it synthesizes for, and where that came from (deployment.region before the environment)', () => {
    const r = app(withDeployment({ region: 'eu-central-1' }), { CDK_DEFAULT_REGION: 'us-east-1', CDK_DEFAULT_ACCOUNT: ACCOUNT });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/region eu-central-1 \(from deployment\.region\)/);
  });
}, 300_000);
