/**
 * What `cdk synth` ships, read from cdk.out: each function's bundle and the environment the
 * template gives it (Refs resolved to the local names a test chooses), the table's definition,
 * the stream event source mapping's filter, the bus rules' patterns. A function runs in a child
 * `node` process, as the Lambda runtime would load it: `index.mjs`, export `handler`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, any>;

export interface ShippedFunction {
  logicalId: string;
  /** POWERTOOLS_SERVICE_NAME without `maildesk-`: inbound, notify, ... */
  name: string;
  bundleDir: string;
  handler: string;
  /** the template's variables, Refs still unresolved */
  environment: Record<string, unknown>;
  timeoutSeconds: number;
}

export interface ShippedStack {
  template: { Resources: Record<string, Json> };
  region: string;
  functions: Map<string, ShippedFunction>;
  resourcesOfType(type: string): Array<[string, Json]>;
}

export function readCdkOut(cdkOut: string, stackName = 'Maildesk'): ShippedStack {
  const template = JSON.parse(
    readFileSync(join(cdkOut, `${stackName}.template.json`), 'utf8'),
  ) as ShippedStack['template'];
  const manifest = JSON.parse(readFileSync(join(cdkOut, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { environment?: string }>;
  };
  const region = manifest.artifacts[stackName]?.environment?.split('/').at(-1) ?? '';
  const assets = JSON.parse(readFileSync(join(cdkOut, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const resourcesOfType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  const functions = new Map<string, ShippedFunction>();
  for (const [logicalId, fn] of resourcesOfType('AWS::Lambda::Function')) {
    const environment = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    const service = environment.POWERTOOLS_SERVICE_NAME;
    const key = fn.Properties.Code?.S3Key as string | undefined;
    if (typeof service !== 'string' || !key) continue; // the inline custom-resource function ships no bundle
    const asset = assets.files[key.replace(/\.zip$/, '')];
    if (!asset) throw new Error(`no asset for ${logicalId}`);
    const bundleDir = join(cdkOut, asset.source.path);
    if (!existsSync(join(bundleDir, 'index.mjs'))) throw new Error(`${logicalId}: no index.mjs in ${bundleDir}`);
    functions.set(service.replace(/^maildesk-/, ''), {
      logicalId,
      name: service.replace(/^maildesk-/, ''),
      bundleDir,
      handler: fn.Properties.Handler,
      environment,
      timeoutSeconds: fn.Properties.Timeout,
    });
  }
  return { template, region, functions, resourcesOfType };
}

/** A template value with `{ Ref }` resolved by `names` (logical id -> local name); anything else unresolvable throws. */
export function resolveValue(value: unknown, names: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const ref = (value as { Ref?: string } | null)?.Ref;
  if (ref && names[ref] !== undefined) return names[ref]!;
  throw new Error(`cannot resolve ${JSON.stringify(value)} locally`);
}

export interface Invocation {
  /** the handler's return value (JSON), or undefined */
  result: unknown;
  /** the function's log lines (JSON logs, one a line) */
  logs: string;
  ms: number;
}

/**
 * Runs one invocation of a shipped function in a fresh `node` process (a cold start), with
 * exactly `env` (no variable of the test's own process leaks in). Rejects when the handler throws.
 */
export function invoke(fn: ShippedFunction, event: unknown, env: Record<string, string>): Promise<Invocation> {
  const [file, exported] = fn.handler.split('.') as [string, string];
  const entry = join(fn.bundleDir, `${file}.mjs`);
  const script = [
    `const m = await import(${JSON.stringify(entry)});`,
    'let input = ""; for await (const c of process.stdin) input += c;',
    `const result = await m[${JSON.stringify(exported)}](JSON.parse(input), { functionName: ${JSON.stringify(fn.name)}, awsRequestId: "local", getRemainingTimeInMillis: () => ${fn.timeoutSeconds * 1000} });`,
    'process.stdout.write("\\n@@result " + JSON.stringify(result ?? null) + "\\n");',
  ].join('\n');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, cwd: fn.bundleDir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), fn.timeoutSeconds * 1000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      const logs = `${stdout}${stderr}`;
      const marker = stdout.lastIndexOf('\n@@result ');
      if (status !== 0 || marker < 0)
        return reject(new Error(`${fn.name} failed (exit ${status}):\n${logs.slice(-4000)}`));
      resolve({
        result: JSON.parse(stdout.slice(marker + 10).trim()) as unknown,
        logs: stdout.slice(0, marker) + stderr,
        ms: Date.now() - started,
      });
    });
    child.stdin.end(JSON.stringify(event));
  });
}
