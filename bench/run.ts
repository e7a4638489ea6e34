/**
 * `npm run bench` (full, several minutes) and `npm run bench -- --quick` (about a minute).
 *
 * One run: corpus -> DynamoDB Local (in memory, started here) -> 1 ingest at each concurrency,
 * 3 store cost, 4 sweep scaling -> DynamoDB Local stopped -> 2 floor ratio, 5 cold start,
 * 6 memory -> targets -> bench/results.json + BENCHMARKS.md (full run), or
 * bench/out/results.quick.json + bench/out/BENCHMARKS.quick.md (--quick, so a quick run never
 * replaces the committed figures). 7, Request Tracker side by side, is bench/peer-rt.sh; its last
 * result (bench/peer-rt-results.json) is shown when present.
 *
 * Every measurement checks what the pipeline did (tickets created, replies commented, due tickets
 * acted on); a failed check stops the run with exit code 1 and writes no figures.
 *
 * 8, outside in, runs `npm start`'s entry as a child and feeds it the corpus over SMTP (bench/outside-in.ts).
 *
 * Options: --quick, --only ingest,cost,sweep,outside,sdk,floor,cold,memory (for working on one part), --cpu-prof
 * (profile the stack child of part 8: bench/out/profile/, summarised in the report)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../shared/adapters/clients';
import { startDynamoDbLocal } from '../shared/adapters/dynamodb-local';
import { CapacityMeter, meterClient } from './capacity';
import { measureColdStart, type ColdStartResult } from './cold-start';
import { corpusStats, generateCorpus } from './corpus';
import { measureFloor, type FloorResult } from './floor';
import { measureIngest, type IngestRun } from './ingest';
import { childCpuMs, machine, versions } from './machine';
import { measureMemory, type MemoryResult } from './memory';
import { measureOutsideIn, type OutsideInResult } from './outside-in';
import { measureSdkFloor, type SdkFloorResult } from './sdk-floor';
import { summariseProfile, type ProfileSummary } from './profile-summary';
import { exampleConfig } from './pipeline';
import { benchProfile, corpusOptions } from './profile';
import { renderMarkdown } from './report';
import { measureStoreCost, type StoreCostResult } from './store-cost';
import { measureSweep, type SweepResult } from './sweep';
import { evaluateTargets, type PeerRt } from './targets';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? new Set((onlyArg.includes('=') ? onlyArg.split('=')[1]! : (args[args.indexOf(onlyArg) + 1] ?? '')).split(','))
  : null;
const wants = (part: string) => !only || only.has(part);
const profile = benchProfile(quick);
const outDir = join(root, 'bench/out');
const started = Date.now();
const log = (line: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);

async function main(): Promise<number> {
  await mkdir(outDir, { recursive: true });
  const config = exampleConfig(root);
  const host = machine();
  log(`${profile.name} run on ${host.cpu}, ${host.cores} cores, load ${host.loadAverageAtStart.join(' ')}`);

  const corpus = await generateCorpus(corpusOptions(profile));
  const stats = corpusStats(corpus);
  log(
    `corpus: ${stats.mails} mails, ${(stats.bytes / 1024 / 1024).toFixed(1)} MB, ${stats.withAttachment} with ` +
      `attachments (${stats.with10MB} of 10 MB)`,
  );

  let ingest: IngestRun[] = [];
  let storeCost: StoreCostResult | null = null;
  let sweep: SweepResult | null = null;
  // A fresh DynamoDB Local for each part: it keeps every stream record, even of deleted tables, and
  // slows down as they pile up, which would make a later run pay for an earlier one.
  const withDynamo = async <T>(
    fn: (client: DynamoDBClient, meter: CapacityMeter, meteredClient: DynamoDBClient) => Promise<T>,
  ): Promise<T> => {
    const db = await startDynamoDbLocal();
    const client = localDynamoClient(db.endpoint);
    const meteredClient = localDynamoClient(db.endpoint);
    const meter = new CapacityMeter();
    meterClient(meteredClient, meter);
    try {
      return await fn(client, meter, meteredClient);
    } finally {
      client.destroy();
      meteredClient.destroy();
      await db.stop();
    }
  };
  if (wants('ingest')) {
    for (const concurrency of profile.concurrency) {
      const run = await withDynamo(async (client) => {
        // Warm-up on its own table: JIT, connection pool, DynamoDB Local's own warm-up.
        const warm = await generateCorpus({
          seed: profile.seed + 1,
          newTickets: 10,
          smallAttachmentShare: 0,
          largeAttachmentShare: 0,
        });
        await measureIngest({
          client,
          config,
          newMails: warm.newMails,
          replies: warm.replies,
          concurrency: 4,
          scratch: tmpdir(),
          tablePrefix: 'bench-warmup',
        });
        return measureIngest({
          client,
          config,
          newMails: corpus.newMails,
          replies: corpus.replies,
          concurrency,
          scratch: tmpdir(),
          dynamoCpuMs: () => childCpuMs('java'),
        });
      });
      ingest.push(run);
      log(
        `ingest c=${concurrency}: new ${run.newTickets.mailsPerSecond}/s p50 ${run.newTickets.p50Ms} ms, replies ` +
          `${run.replies.mailsPerSecond}/s p50 ${run.replies.p50Ms} ms, check ${run.check.ok ? 'ok' : 'FAILED'}`,
      );
      if (!run.check.ok) throw new CheckFailed(`ingest c=${concurrency}: ${run.check.problems.join('; ')}`);
    }
    // The same runs over the port in memory: our code's own throughput, without DynamoDB Local and the SDK.
    for (const concurrency of profile.concurrency) {
      const run = await measureIngest({
        config,
        newMails: corpus.newMails,
        replies: corpus.replies,
        concurrency,
        scratch: tmpdir(),
        store: 'memory',
      });
      ingest.push(run);
      log(
        `ingest in memory c=${concurrency}: new ${run.newTickets.mailsPerSecond}/s p50 ${run.newTickets.p50Ms} ms, ` +
          `replies ${run.replies.mailsPerSecond}/s, check ${run.check.ok ? 'ok' : 'FAILED'}`,
      );
      if (!run.check.ok) throw new CheckFailed(`ingest in memory c=${concurrency}: ${run.check.problems.join('; ')}`);
    }
  }
  if (wants('cost')) {
    storeCost = await withDynamo((_client, meter, meteredClient) =>
      measureStoreCost({
        client: meteredClient,
        meter,
        config,
        newMails: corpus.newMails.slice(0, profile.cost.newTickets),
        replies: corpus.replies.slice(0, profile.cost.replies),
        commands: corpus.commands,
      }),
    );
    log(
      `store cost: new ticket ${storeCost.newTicket.wcu.mean} WCU, reply ${storeCost.reply.wcu.mean} WCU, command ` +
        `${storeCost.engineerCommand.wcu.mean} WCU, empty sweep ${storeCost.emptySweep.rcuPerShard} RCU/shard`,
    );
  }
  if (wants('sweep')) {
    sweep = await withDynamo((_client, meter, meteredClient) =>
      measureSweep({
        client: meteredClient,
        meter,
        config,
        templateMail: corpus.newMails[0]!,
        sizes: profile.sweepSizes,
        onProgress: log,
      }),
    );
    log(`sweep ${sweep.ratio.stored}: time x${sweep.ratio.sweepTime}, RCU x${sweep.ratio.sweepRcu}`);
  }
  let outsideIn: OutsideInResult | null = null;
  let outsideInProfile: Record<string, ProfileSummary> | null = null;
  if (wants('outside')) {
    const o = profile.outsideIn;
    const [measured, warmUp] = await Promise.all([
      generateCorpus({ seed: profile.seed, newTickets: o.newTickets }),
      generateCorpus({
        seed: profile.seed + 1,
        newTickets: o.warmUp,
        smallAttachmentShare: 0,
        largeAttachmentShare: 0,
      }),
    ]);
    const cpuProfDir = args.includes('--cpu-prof') ? join(outDir, 'profile') : undefined;
    if (cpuProfDir) await rm(cpuProfDir, { recursive: true, force: true });
    outsideIn = await measureOutsideIn({
      root,
      newMails: measured.newMails,
      replies: measured.replies,
      warmUp,
      concurrency: o.concurrency,
      cpuProfDir,
      onProgress: log,
    });
    // The main thread's profile (the loader's thread writes one too), cut to each phase.
    const main = cpuProfDir && readdirSync(cpuProfDir).find((f) => f.endsWith('.001.cpuprofile'));
    if (cpuProfDir && main) {
      const file = join(cpuProfDir, main);
      outsideInProfile = {
        'new tickets': summariseProfile(file, 25, outsideIn.windows.newTickets),
        replies: summariseProfile(file, 25, outsideIn.windows.replies),
        idle: summariseProfile(file, 25, outsideIn.windows.idle),
      };
    }
    log(
      `outside in: new ticket ${outsideIn.newTickets.nodeCpuMsPerMail} ms node CPU (stand-ins ` +
        `${outsideIn.newTickets.standinCpuMsPerMail}, DynamoDB Local ${outsideIn.newTickets.dynamoCpuMsPerMail}), ` +
        `reply ${outsideIn.replies.nodeCpuMsPerMail} ms (stand-ins ${outsideIn.replies.standinCpuMsPerMail}), ` +
        `${outsideIn.newTickets.mailsPerSecond} mails/s, p50 ${outsideIn.newTickets.p50Ms} ms`,
    );
  }

  let sdkFloor: SdkFloorResult | null = null;
  if (wants('outside') || wants('sdk')) {
    sdkFloor = await measureSdkFloor(profile.sdkFloor);
    log(
      `SDK floor: ${sdkFloor.sdkMsPerCall} ms node CPU per DynamoDB call through the SDK, ` +
        `${sdkFloor.bareHttpMsPerCall} ms over bare node:http (x${sdkFloor.ratio})`,
    );
  }

  let floor: FloorResult | null = null;
  if (wants('floor')) {
    const floorCorpus = {
      newMails: corpus.newMails.slice(0, profile.floor.newTickets),
      replies: corpus.replies.slice(0, profile.floor.newTickets),
    };
    floor = await measureFloor(config, floorCorpus.newMails, floorCorpus.replies, profile.floor.rounds);
    log(
      `floor: median ratio ${floor.all.medianRatio} (strict ${floor.all.medianRatioStrict}), CPU ratio ` +
        `${floor.cpu.ratio} (strict ${floor.cpu.ratioStrict})`,
    );
  }

  let coldStart: ColdStartResult | null = null;
  if (wants('cold')) {
    coldStart = await measureColdStart({
      root,
      outDir: join(outDir, 'bundles'),
      config,
      rounds: profile.coldStartRounds,
      onProgress: log,
    });
    log(`cold start: ${coldStart.functions.map((f) => `${f.name} +${Math.round(f.ourShare * 100)}%`).join(', ')}`);
  }

  let memory: MemoryResult | null = null;
  if (wants('memory')) {
    memory = await measureMemory({
      root,
      outDir: join(outDir, 'memory'),
      config,
      sizesMb: profile.memory.sizesMb,
      runs: profile.memory.runs,
    });
    log(`memory: ${memory.points.map((p) => `${p.mailMb} MB mail -> ${p.pipelineMb} MB peak RSS`).join(', ')}`);
  }

  const peerFile = join(root, 'bench/peer-rt-results.json');
  const peerRt = existsSync(peerFile) ? (JSON.parse(readFileSync(peerFile, 'utf8')) as PeerRt) : null;
  const results = {
    date: new Date().toISOString(),
    profile,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: { ...host, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
    versions: versions(root),
    corpus: stats,
    ingest,
    floor,
    storeCost,
    sweep,
    coldStart,
    memory,
    outsideIn,
    outsideInProfile,
    sdkFloor,
    peerRt,
    targets: [] as ReturnType<typeof evaluateTargets>,
  };
  results.targets = evaluateTargets(results);
  const jsonFile = quick ? join(outDir, 'results.quick.json') : join(root, 'bench/results.json');
  const mdFile = quick ? join(outDir, 'BENCHMARKS.quick.md') : join(root, 'BENCHMARKS.md');
  await writeFile(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  if (!only) await writeFile(mdFile, renderMarkdown(results));
  log(`written: ${jsonFile}${only ? '' : `, ${mdFile}`}`);
  for (const t of results.targets) log(`${t.met === null ? 'n/a ' : t.met ? 'MET ' : 'NOT '} ${t.name}: ${t.measured}`);
  return 0;
}

class CheckFailed extends Error {}

main()
  .then((code) => process.exit(code))
  .catch((error: Error) => {
    console.error(
      error instanceof CheckFailed ? `bench: correctness check failed, no figures written: ${error.message}` : error,
    );
    process.exit(1);
  });
