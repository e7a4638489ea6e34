/**
 * 6 Memory: peak RSS of a fresh node process taking one big mail through the pipeline, next to
 * mailparser alone and to loading the code only. The child is bundled with the Lambda build
 * settings, so the code loaded is what a Lambda loads. Peak RSS is the child's VmHWM: its
 * process.resourceUsage().maxRSS inherits the bench's own RSS across fork+exec (kept as
 * `maxRssReportedMb` to show it).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { MaildeskConfig } from '../shared/config';
import { cdkBundlingOptions } from './cold-start';
import { bigMail } from './corpus';
import { median, round } from './pipeline';

export interface MemoryPoint {
  mailMb: number;
  /** peak RSS, median of `runs` processes */
  pipelineMb: number;
  mailparserMb: number;
  baselineMb: number;
  pipelineMs: number;
  /** the child's process.resourceUsage().maxRSS: inflated by the parent's RSS (see above) */
  maxRssReportedMb: number;
  outcome: string;
}

export interface MemoryResult {
  runs: number;
  points: MemoryPoint[];
  /** the stack's memory sizes (infra/constructs/functions.ts MEMORY_MB), when it loads */
  lambdaMemoryMb: Record<string, number> | null;
}

export async function measureMemory(o: {
  root: string;
  outDir: string;
  config: MaildeskConfig;
  sizesMb: number[];
  runs: number;
}): Promise<MemoryResult> {
  const outDir = resolve(o.outDir);
  await mkdir(outDir, { recursive: true });
  const { options } = await cdkBundlingOptions(o.config);
  const child = join(outDir, 'memory-child.mjs');
  await build({ ...options, metafile: false, entryPoints: [join(o.root, 'bench/memory-child.ts')], outfile: child });
  const run = (file: string, mode: string) => {
    const r = spawnSync(process.execPath, [child, file, mode, o.root], {
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    if (r.status !== 0) throw new Error(`memory: ${mode} failed: ${r.stderr.slice(0, 600)}`);
    return JSON.parse(r.stdout) as {
      peakRssMb: number;
      maxRssMb: number;
      afterLoadRssMb: number;
      ms: number;
      outcome: string;
    };
  };
  const points: MemoryPoint[] = [];
  for (const mb of o.sizesMb) {
    const raw = await bigMail(mb, mb * 1024 * 1024);
    const file = join(outDir, `mail-${mb}mb.eml`);
    await writeFile(file, raw);
    const samples = {
      pipeline: [] as number[],
      mailparser: [] as number[],
      baseline: [] as number[],
      ms: [] as number[],
      reported: [] as number[],
    };
    let outcome = '';
    for (let i = 0; i < o.runs; i++) {
      const p = run(file, 'pipeline');
      if (p.outcome !== 'created')
        throw new Error(`memory: the ${mb} MB mail gave ${p.outcome}, expected a new ticket`);
      outcome = p.outcome;
      samples.pipeline.push(p.peakRssMb);
      samples.reported.push(p.maxRssMb);
      samples.ms.push(p.ms);
      samples.mailparser.push(run(file, 'mailparser').peakRssMb);
      samples.baseline.push(run(file, 'baseline').peakRssMb);
    }
    points.push({
      mailMb: round(raw.length / 1024 / 1024, 1),
      pipelineMb: round(median(samples.pipeline), 0),
      mailparserMb: round(median(samples.mailparser), 0),
      baselineMb: round(median(samples.baseline), 0),
      pipelineMs: round(median(samples.ms), 0),
      maxRssReportedMb: round(median(samples.reported), 0),
      outcome,
    });
  }
  let lambdaMemoryMb: Record<string, number> | null = null;
  try {
    lambdaMemoryMb =
      ((await import('../infra/constructs/functions')) as { MEMORY_MB?: Record<string, number> }).MEMORY_MB ?? null;
  } catch {
    /* infra not loadable right now: reported as unknown */
  }
  return { runs: o.runs, points, lambdaMemoryMb };
}
