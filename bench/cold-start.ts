/**
 * 5 Cold start: every functions/<name>/handler.ts bundled by esbuild with the CDK stack's settings
 * (infra/constructs/functions.ts: ESM, minify, source map without sources, target node22,
 * platform node, main fields module,main, the createRequire banner, the config JSON defined at
 * build time, the AWS SDK bundled), then:
 * - bytes and gzip bytes of index.mjs (the source map is listed apart: it ships but is not loaded
 *   unless --enable-source-maps is on, which the stack sets through NODE_OPTIONS)
 * - module init: wall time of a fresh `node` importing the bundle, median of `rounds` processes,
 *   minus the median of bare `node -e 0`; with --enable-source-maps as deployed, and without;
 *   and the CPU time of that process minus a bare one's (robust when other processes compete)
 * - the same for a bundle holding only the libraries the function imports: each value import
 *   (`import { X } from 'lib'`) found in the function's own source files, re-exported so esbuild
 *   keeps exactly those; our code's share = (function - libraries) / libraries
 * - Node's own Intl initialisation (a bare process making one Intl.DateTimeFormat in the config's
 *   zone), and whether each bundle makes one at import (counted in an untimed run), so our code's
 *   share can also be shown without the ICU data load that any local-time code pays once
 * Variants alternate within each round so a noisy neighbour hits them all alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import type { MaildeskConfig } from '../shared/config';
import { median, quantile, round } from './pipeline';

/** Copy of ESM_REQUIRE_BANNER in infra/constructs/functions.ts, used when that module cannot be loaded. */
const FALLBACK_BANNER =
  "import { createRequire as __maildeskCreateRequire } from 'node:module'; const require = " +
  '__maildeskCreateRequire(import.meta.url);';

/** The CDK bundling (infra/constructs/functions.ts `bundling`) as esbuild options. */
export async function cdkBundlingOptions(
  config: MaildeskConfig,
): Promise<{ options: BuildOptions; bannerFrom: string }> {
  let banner = FALLBACK_BANNER;
  let bannerFrom = 'bench copy (infra/constructs/functions.ts did not load)';
  try {
    const infra = (await import('../infra/constructs/functions')) as { ESM_REQUIRE_BANNER?: string };
    if (infra.ESM_REQUIRE_BANNER) {
      banner = infra.ESM_REQUIRE_BANNER;
      bannerFrom = 'infra/constructs/functions.ts ESM_REQUIRE_BANNER';
    }
  } catch {
    /* keep the copy */
  }
  return {
    bannerFrom,
    options: {
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      mainFields: ['module', 'main'],
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      banner: { js: banner },
      define: { 'process.env.MAILDESK_CONFIG_JSON': JSON.stringify(JSON.stringify(config)) },
      logLevel: 'warning',
      metafile: true,
    },
  };
}

export function functionEntries(root: string): Array<{ name: string; entry: string }> {
  const dir = join(root, 'functions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'handler.ts')))
    .map((d) => ({ name: d.name, entry: join(dir, d.name, 'handler.ts') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The package a specifier names: `@scope/name` or `name`, without a subpath. */
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * `import { a, b as c } from 'lib'`, `import d from 'lib'`, `import * as n from 'lib'` in our own files (type imports
 * skipped),
 * of the packages that reach the function's bundle: functions/wiring.ts imports every SDK client, and a function's
 * bundle
 * keeps only those of the adapters it names (esbuild drops the rest), so the libraries-only bundle must not hold the
 * others.
 */
export function libraryImports(root: string, metafile: Metafile): Map<string, Set<string>> {
  const bundled = new Set(
    Object.values(metafile.outputs)
      .flatMap((o) => Object.entries(o.inputs))
      .filter(([path, used]) => used.bytesInOutput > 0 && path.includes('node_modules/'))
      .map(([path]) => packageOf(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))),
  );
  const found = new Map<string, Set<string>>();
  const add = (spec: string, name: string) => {
    if (!bundled.has(packageOf(spec))) return;
    if (!found.has(spec)) found.set(spec, new Set());
    found.get(spec)!.add(name);
  };
  for (const input of Object.keys(metafile.inputs)) {
    if (input.includes('node_modules') || !/\.(ts|mts|js|mjs)$/.test(input)) continue;
    const source = readFileSync(resolve(root, input), 'utf8');
    for (const m of source.matchAll(/^\s*import\s+(?!type\s)([^'";]*?)\s+from\s+['"]([^'"]+)['"]/gm)) {
      const [, clause, spec] = m as unknown as [string, string, string];
      if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('/')) continue;
      const named = /\{([^}]*)\}/.exec(clause)?.[1];
      const head = clause
        .replace(/\{[^}]*\}/, '')
        .replace(/,\s*$/, '')
        .trim();
      if (head.startsWith('* as')) add(spec, '*');
      else if (head) add(spec, 'default');
      for (const part of (named ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        if (part.startsWith('type ')) continue;
        add(spec, part.split(/\s+as\s+/)[0]!.trim());
      }
    }
  }
  return found;
}

function libsEntrySource(imports: Map<string, Set<string>>): string {
  let i = 0;
  const lines: string[] = [
    '// generated by bench/cold-start.ts: only the libraries the function imports, as it imports them',
  ];
  for (const [spec, names] of [...imports].sort(([a], [b]) => a.localeCompare(b))) {
    for (const name of [...names].sort()) {
      lines.push(
        name === '*'
          ? `export * as lib${i++} from '${spec}';`
          : `export { ${name === 'default' ? 'default' : name} as lib${i++} } from '${spec}';`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Built {
  file: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
}

async function bundle(options: BuildOptions, entry: string, outdir: string): Promise<Built & { metafile: Metafile }> {
  await mkdir(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const result = await build({ ...options, entryPoints: [entry], outfile });
  const code = readFileSync(outfile);
  return {
    file: outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    mapBytes: existsSync(`${outfile}.map`) ? readFileSync(`${outfile}.map`).length : 0,
    metafile: result.metafile!,
  };
}

/** Wall ms of one fresh process; throws when it fails (an init error would fake a fast start). */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): { wallMs: number; importMs: number | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`cold start: node ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const importMs = /"importMs":([\d.]+)/.exec(r.stdout)?.[1];
  return { wallMs, importMs: importMs ? Number(importMs) : null };
}

export interface ColdStartFunction {
  name: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  libsBytes: number;
  libsGzipBytes: number;
  libraries: string[];
  /** median wall ms minus bare node, as deployed (--enable-source-maps) */
  initMs: number;
  libsInitMs: number;
  /** (initMs - libsInitMs) / libsInitMs */
  ourShare: number;
  /** without --enable-source-maps */
  initMsNoSourceMaps: number;
  libsInitMsNoSourceMaps: number;
  ourShareNoSourceMaps: number;
  /** import() time measured inside the process, as deployed */
  importMs: number;
  libsImportMs: number;
  /**
   * CPU time (user + system, all threads) of the process minus that of a bare one, as deployed:
   * what the init costs, and nearly blind to other processes competing for the cores
   */
  initCpuMs: number;
  libsInitCpuMs: number;
  /** median absolute deviation of the CPU samples (noise) */
  initCpuMadMs: number;
  libsInitCpuMadMs: number;
  ourShareCpu: number;
  /** the same from the per-round differences (function minus libraries, back to back): median, and quartiles */
  pairedShareCpu: number;
  pairedShareCpuQuartiles: [number, number];
  initCpuMsNoSourceMaps: number;
  libsInitCpuMsNoSourceMaps: number;
  ourShareCpuNoSourceMaps: number;
  /** whether importing the bundle constructs an Intl.DateTimeFormat (the business calendar does) */
  formatsDatesAtInit: boolean;
  /**
   * our code's share once Node's own Intl initialisation (ColdStartResult.intlInitCpuMs) is taken out,
   * for a function that formats dates at init; else the same as ourShareCpu
   */
  ourShareCpuBeyondIntl: number;
}

export interface ColdStartResult {
  rounds: number;
  bareNodeMs: number;
  /**
   * CPU of Node's first Intl.DateTimeFormat in a process (ICU loads its locale and zone data), as a
   * bare process that constructs one in the configured zone, minus a bare one: paid by any code that
   * shows or computes local time, whichever library or line asks first
   */
  intlInitCpuMs: number;
  /** the zone that baseline formats in (the config's) */
  intlZone: string;
  bannerFrom: string;
  functions: ColdStartFunction[];
}

export async function measureColdStart(o: {
  root: string;
  outDir: string;
  config: MaildeskConfig;
  rounds: number;
  onProgress?: (line: string) => void;
}): Promise<ColdStartResult> {
  const { options, bannerFrom } = await cdkBundlingOptions(o.config);
  const outDir = resolve(o.outDir);
  const loader = join(outDir, 'load.mjs');
  await mkdir(outDir, { recursive: true });
  // Imports the bundle (or nothing: the bare baseline) and reports the import's wall time and the
  // whole process's CPU time so far (startup included; the bare run is subtracted).
  await writeFile(
    loader,
    [
      // BENCH_COUNT_DATE_FORMATS: count Intl.DateTimeFormat constructions during the import (untimed run)
      'let formats = 0;',
      'if (process.env.BENCH_COUNT_DATE_FORMATS) Intl.DateTimeFormat = new Proxy(Intl.DateTimeFormat, { ' +
        'construct(target, args) { formats++; return Reflect.construct(target, args); }, apply(target, self, args) { ' +
        'formats++; return Reflect.apply(target, self, args); } });',
      'const t = performance.now();',
      "if (process.env.BENCH_INTL_ZONE) new Intl.DateTimeFormat('en-US', { timeZone: process.env.BENCH_INTL_ZONE, " +
        "hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', " +
        "second: 'numeric' }).format(0);",
      "if (process.argv[2]) await import(new URL(process.argv[2], 'file://' + process.cwd() + '/').href);",
      'const importMs = performance.now() - t;',
      'const cpu = process.cpuUsage();',
      'process.stdout.write(JSON.stringify({ importMs, cpuMs: (cpu.user + cpu.system) / 1000, formats }));',
      '',
    ].join('\n'),
  );

  const built: Array<{
    name: string;
    fn: Built;
    libs: Built;
    libraries: string[];
    env: Record<string, string>;
    formatsDatesAtInit: boolean;
  }> = [];
  for (const { name, entry } of functionEntries(o.root)) {
    const fn = await bundle(options, entry, join(outDir, name));
    const imports = libraryImports(o.root, fn.metafile);
    const libsEntry = join(outDir, `${name}-libs`, 'entry.mjs');
    await mkdir(dirname(libsEntry), { recursive: true });
    await writeFile(libsEntry, libsEntrySource(imports));
    const libs = await bundle(options, libsEntry, join(outDir, `${name}-libs`));
    // The environment the function checks at init (requireEnv([...]) in its source, `env: [...]` of the adapters in
    // functions/wiring.ts), with dummy values; a variable it does not read does no harm.
    // functions/*.ts: wiring.ts and the adapters shared by some handlers (telegram-ssm.ts).
    const shared = readdirSync(join(o.root, 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(o.root, 'functions', f));
    const sources = [entry, ...shared].map((f) => readFileSync(f, 'utf8')).join('\n');
    const required = [...sources.matchAll(/(?:requireEnv\(|env: )\[([^\]]*)\]/g)].flatMap((m) =>
      [...m[1]!.matchAll(/'([A-Z0-9_]+)'/g)].map((x) => x[1]!),
    );
    const env = Object.fromEntries(required.map((k) => [k, `bench-${k.toLowerCase()}`]));
    const counted = spawnTimed(
      loader,
      relative(outDir, fn.file),
      [],
      { ...process.env, ...env, BENCH_COUNT_DATE_FORMATS: '1', AWS_REGION: 'eu-west-1' },
      outDir,
    );
    built.push({ name, fn, libs, libraries: [...imports.keys()].sort(), env, formatsDatesAtInit: counted.formats > 0 });
    o.onProgress?.(`bundled ${name}: ${fn.bytes} B (libraries only: ${libs.bytes} B)`);
  }

  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LOG_LEVEL: 'INFO',
  };
  const bare: number[] = [];
  const bareCpu = new Map<string, number[]>([
    ['sm', []],
    ['', []],
  ]);
  const intlCpu: number[] = [];
  const samples = new Map<string, { wall: number[]; imp: number[]; cpu: number[] }>();
  const sample = (key: string) => samples.get(key) ?? samples.set(key, { wall: [], imp: [], cpu: [] }).get(key)!;
  const rel = (f: string) => relative(outDir, f);
  for (let r = 0; r < o.rounds; r++) {
    bare.push(timeProcess(['-e', '0'], baseEnv).wallMs);
    bareCpu.get('sm')!.push(spawnTimed(loader, '', ['--enable-source-maps'], baseEnv, outDir).cpuMs!);
    bareCpu.get('')!.push(spawnTimed(loader, '', [], baseEnv, outDir).cpuMs!);
    intlCpu.push(
      spawnTimed(loader, '', ['--enable-source-maps'], { ...baseEnv, BENCH_INTL_ZONE: o.config.timezone }, outDir)
        .cpuMs!,
    );
    for (const b of built) {
      const env = { ...baseEnv, ...b.env };
      for (const [key, file, flags] of [
        [`${b.name}:fn:sm`, b.fn.file, ['--enable-source-maps']],
        [`${b.name}:libs:sm`, b.libs.file, ['--enable-source-maps']],
        [`${b.name}:fn`, b.fn.file, []],
        [`${b.name}:libs`, b.libs.file, []],
      ] as const) {
        const t = spawnTimed(loader, rel(file), [...flags], env, outDir);
        sample(key).wall.push(t.wallMs);
        if (t.importMs !== null) sample(key).imp.push(t.importMs);
        if (t.cpuMs !== null) sample(key).cpu.push(t.cpuMs);
      }
    }
    if ((r + 1) % 5 === 0) o.onProgress?.(`cold start: round ${r + 1}/${o.rounds}`);
  }
  const bareMs = median(bare);
  const init = (key: string) => round(median(samples.get(key)!.wall) - bareMs, 1);
  const imp = (key: string) => round(median(samples.get(key)!.imp), 1);
  const cpu = (key: string) =>
    round(median(samples.get(key)!.cpu) - median(bareCpu.get(key.endsWith(':sm') ? 'sm' : '')!), 1);
  /** median absolute deviation of a variant's CPU samples: the noise its median carries */
  const mad = (key: string) => {
    const v = samples.get(key)!.cpu;
    const m = median(v);
    return round(median(v.map((x) => Math.abs(x - m))), 1);
  };
  const intlInitCpuMs = round(median(intlCpu) - median(bareCpu.get('sm')!), 1);
  /**
   * Our share from the differences within each round (function minus its libraries, run back to
   * back): a machine that is slower in one round than another slows both alike, so the pairs carry
   * less of the drift than two medians taken apart. Median and quartiles over the rounds.
   */
  const paired = (name: string, libsCpu: number) => {
    const fn = samples.get(`${name}:fn:sm`)!.cpu;
    const libs = samples.get(`${name}:libs:sm`)!.cpu;
    const differences = fn.map((x, i) => x - libs[i]!).sort((a, b) => a - b);
    return {
      share: round(quantile(differences, 0.5) / libsCpu, 3),
      quartiles: [round(quantile(differences, 0.25) / libsCpu, 3), round(quantile(differences, 0.75) / libsCpu, 3)] as [
        number,
        number,
      ],
    };
  };
  return {
    rounds: o.rounds,
    bareNodeMs: round(bareMs, 1),
    intlInitCpuMs,
    intlZone: o.config.timezone,
    bannerFrom,
    functions: built.map((b) => {
      const initMs = init(`${b.name}:fn:sm`);
      const libsInitMs = init(`${b.name}:libs:sm`);
      const initNo = init(`${b.name}:fn`);
      const libsNo = init(`${b.name}:libs`);
      const initCpu = cpu(`${b.name}:fn:sm`);
      const libsCpu = cpu(`${b.name}:libs:sm`);
      const initCpuNo = cpu(`${b.name}:fn`);
      const libsCpuNo = cpu(`${b.name}:libs`);
      return {
        name: b.name,
        bytes: b.fn.bytes,
        gzipBytes: b.fn.gzipBytes,
        mapBytes: b.fn.mapBytes,
        libsBytes: b.libs.bytes,
        libsGzipBytes: b.libs.gzipBytes,
        libraries: b.libraries,
        initMs,
        libsInitMs,
        ourShare: round((initMs - libsInitMs) / libsInitMs, 3),
        initMsNoSourceMaps: initNo,
        libsInitMsNoSourceMaps: libsNo,
        ourShareNoSourceMaps: round((initNo - libsNo) / libsNo, 3),
        importMs: imp(`${b.name}:fn:sm`),
        libsImportMs: imp(`${b.name}:libs:sm`),
        initCpuMs: initCpu,
        libsInitCpuMs: libsCpu,
        initCpuMadMs: mad(`${b.name}:fn:sm`),
        libsInitCpuMadMs: mad(`${b.name}:libs:sm`),
        ourShareCpu: round((initCpu - libsCpu) / libsCpu, 3),
        pairedShareCpu: paired(b.name, libsCpu).share,
        pairedShareCpuQuartiles: paired(b.name, libsCpu).quartiles,
        initCpuMsNoSourceMaps: initCpuNo,
        libsInitCpuMsNoSourceMaps: libsCpuNo,
        ourShareCpuNoSourceMaps: round((initCpuNo - libsCpuNo) / libsCpuNo, 3),
        formatsDatesAtInit: b.formatsDatesAtInit,
        ourShareCpuBeyondIntl: round((initCpu - (b.formatsDatesAtInit ? intlInitCpuMs : 0) - libsCpu) / libsCpu, 3),
      };
    }),
  };
}

function spawnTimed(loader: string, file: string, flags: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...flags, loader, ...(file ? [file] : [])], { env, cwd, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(
      `cold start: ${file || 'bare loader'} failed at init (exit ${r.status}): ${r.stderr.slice(0, 600)}`,
    );
  const out = JSON.parse(r.stdout) as { importMs: number; cpuMs: number; formats: number };
  return { wallMs, importMs: file ? out.importMs : null, cpuMs: out.cpuMs, formats: out.formats };
}
