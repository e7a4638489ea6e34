/**
 * What each Lambda bundle carries (issue 18, cold start): every module in an ESM bundle is evaluated
 * at init, so a library no request of a function uses is paid on every cold start. zod is the largest
 * (about 450 KB minified, the biggest single cost of the sweep's init when it was bundled): a function
 * that parses no input with zod must not carry it, and no function carries the config's schema (the
 * build validated the config and embedded the result). Bundled as the stack bundles them
 * (bench/cold-start.ts cdkBundlingOptions, the settings of infra/constructs/functions.ts).
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkBundlingOptions, functionEntries } from '../../bench/cold-start';
import { exampleConfig } from '../../bench/pipeline';
import { requireEnv } from '../../shared/lambda-env';

const ROOT = join(import.meta.dirname, '../..');
/** The functions that read no input with zod (the others parse SES events, Telegram updates, a manual invoke). */
const WITHOUT_ZOD = ['sla-sweep', 'telegram-alert', 'clinic-group'];

const bundled = new Map<string, Metafile['outputs'][string]['inputs']>();

beforeAll(async () => {
  const { options } = await cdkBundlingOptions(exampleConfig(ROOT));
  for (const { name, entry } of functionEntries(ROOT)) {
    const result = await build({ ...options, entryPoints: [entry], write: false, outfile: join(ROOT, 'x.mjs') });
    const output = Object.entries(result.metafile!.outputs).find(([file]) => file.endsWith('.mjs'))!;
    bundled.set(name, output[1].inputs);
  }
}, 120_000);

/** The inputs that put bytes into a function's bundle. */
const inputsOf = (name: string) =>
  Object.entries(bundled.get(name)!)
    .filter(([, used]) => used.bytesInOutput > 0)
    .map(([path]) => path);

describe('Lambda bundles', () => {
  it('bundles every function, the ones without zod among them', () => {
    expect([...bundled.keys()]).toEqual(expect.arrayContaining([...WITHOUT_ZOD, 'inbound', 'notify']));
  });

  it.each(WITHOUT_ZOD)('%s carries no zod', (name) => {
    expect(inputsOf(name).filter((path) => path.includes('node_modules/zod/'))).toEqual([]);
  });

  it('no function carries the config schema or the config file loader', () => {
    for (const name of bundled.keys()) {
      expect(inputsOf(name).filter((path) => path.endsWith('shared/config-schema.ts')), name).toEqual([]);
    }
  });
});

describe('requireEnv', () => {
  it('names every variable that is unset or empty, and returns the set ones', () => {
    const env = process.env;
    process.env = { ...env, MAILDESK_T_A: 'a', MAILDESK_T_B: '' };
    delete process.env.MAILDESK_T_C;
    try {
      expect(requireEnv(['MAILDESK_T_A'])).toEqual({ MAILDESK_T_A: 'a' });
      expect(() => requireEnv(['MAILDESK_T_A', 'MAILDESK_T_B', 'MAILDESK_T_C'])).toThrow(
        'environment variable MAILDESK_T_B is required; environment variable MAILDESK_T_C is required',
      );
    } finally {
      process.env = env;
    }
  });
});
