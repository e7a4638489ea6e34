/**
 * Ops cannot deploy the sample by accident: infra/app.ts (what `cdk synth` and `cdk deploy` run)
 * says which config file it uses, and refuses the shipped example, or any config on `.example`
 * names, unless `--context allowExample=true`. Synthesis only: nothing here calls AWS.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allowsExample, exampleConfigReasons } from '../../infra/example-guard';
import { parseConfig } from '../../shared/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'maildesk.config.example.json');
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

type Json = Record<string, any>;
const exampleInput = () => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Json;

/** The example moved onto real-looking names: what ops make from it. */
function realInput(): Json {
  const input = exampleInput();
  const real = (s: string) => s.replace(/support\.example$/, 'help.clinic-net.ru').replace(/\.example$/, '.ru');
  input.deployment = { ...input.deployment, domain: 'help.clinic-net.ru', alarmEmail: 'ops@clinic-net.ru' };
  for (const t of input.tenants) t.addresses = t.addresses.map(real);
  for (const e of input.engineers) e.address = real(e.address);
  return input;
}

const dir = mkdtempSync(join(tmpdir(), 'maildesk-example-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('which configs are samples', () => {
  it('the shipped example: by its name and by its .example domains', () => {
    const reasons = exampleConfigReasons(parseConfig(exampleInput()), EXAMPLE);
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toBe('it is the shipped example file');
    expect(reasons[1]).toMatch(
      /^it names \.example domains, which never receive mail: support\.example, clinic-north@support\.example, clinic-south@support\.example and \d+ more$/,
    );
  });

  it('a copy under another name that still has one .example address', () => {
    const input = realInput();
    input.engineers[1].address = 'engineer2@team.example';
    expect(exampleConfigReasons(parseConfig(input), join(dir, 'maildesk.config.json'))).toEqual([
      'it names .example domains, which never receive mail: engineer2@team.example',
    ]);
  });

  it('a real config: nothing', () => {
    expect(exampleConfigReasons(parseConfig(realInput()), join(dir, 'maildesk.config.json'))).toEqual([]);
  });

  it('allowExample: true from cdk.json, "true" from --context; nothing else', () => {
    expect([true, 'true', 'false', false, undefined, 'yes', 1].map(allowsExample)).toEqual([true, true, false, false, false, false, false]);
  });
});

function app(configFile: string, context: Record<string, unknown> = {}): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        MAILDESK_CONFIG: configFile,
        CDK_DEFAULT_REGION: 'eu-west-1',
        CDK_DEFAULT_ACCOUNT: '123456789012', // fake: synth never calls AWS
        CDK_OUTDIR: mkdtempSync(join(dir, 'out-')),
        CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context }),
      },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('infra/app.ts (what cdk synth and cdk deploy run)', () => {
  it('refuses the example, says which file and how to make a real one; synthesizes it with allowExample; builds a real config', async () => {
    const real = join(dir, 'maildesk.config.json');
    writeFileSync(real, JSON.stringify(realInput()));
    const [refused, allowed, built] = await Promise.all([app(EXAMPLE), app(EXAMPLE, { allowExample: 'true' }), app(real)]);

    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stderr.split('\n')[0]).toBe(`maildesk: config ${EXAMPLE}`);
    expect(refused.stderr).toContain(`${EXAMPLE} is not a real desk: it is the shipped example file;`);
    expect(refused.stderr).toContain('cp maildesk.config.example.json maildesk.config.json');
    expect(refused.stderr).toContain('--context allowExample=true');
    expect(refused.stderr).not.toMatch(/^\s+at /m);

    expect(allowed.status, allowed.stderr).toBe(0);
    expect(allowed.stderr.split('\n')[0]).toBe(`maildesk: config ${EXAMPLE}`);
    expect(allowed.stderr).toContain('the example config, synthesized by request (allowExample): never deploy it');

    expect(built.status, built.stderr).toBe(0);
    expect(built.stderr.split('\n')[0]).toBe(`maildesk: config ${real}`);
    expect(built.stderr).not.toContain('is not a real desk');
    expect(built.stderr).not.toContain('the example config');
  }, 300_000);
});
