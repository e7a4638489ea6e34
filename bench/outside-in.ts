/**
 * 8 Outside in: the local stack as `npm start` runs it (infra/local/start.ts in a child process, its own data dir
 * and free ports), fed the bench corpus over SMTP. CPU is read from /proc (user + system, so neighbours on a shared
 * machine barely move it) apart for the stack's own node process (what Lambda would bill), for its AWS stand-ins'
 * node process (SES receiving's SMTP and the SES v2 endpoint: SES's work on AWS) and for DynamoDB Local's java, from
 * the first mail of a phase to the last mail it causes in the outbox; latency is from the SMTP `250` to the
 * acknowledgement's file (new tickets) or the engineers' copy (replies). A few warm-up mails of another seed go
 * first (JIT, connections, DynamoDB Local's own warm-up), so the figures are the steady cost per mail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { readdirSync, readFileSync, watch } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { STANDINS_SCRIPT } from '../infra/local/aws-standins-process';
import { mapLimit } from '../shared/map-limit';
import type { CorpusMail } from './corpus';

export interface OutsideInPhase {
  mails: number;
  seconds: number;
  mailsPerSecond: number;
  /** CPU of the stack's own node process per mail (what Lambda would bill): inbound, notify, the stream poller */
  nodeCpuMsPerMail: number;
  /** CPU of the AWS stand-ins' node process per mail (SMTP receiving, the SES v2 endpoint): SES's on AWS */
  standinCpuMsPerMail: number;
  /** CPU of DynamoDB Local (java) per mail: not ours on AWS */
  dynamoCpuMsPerMail: number;
  /** SMTP 250 -> the mail's acknowledgement (new) / engineers' copy (reply) in the outbox */
  p50Ms: number;
  p99Ms: number;
  loadAverage: number;
}

export interface OutsideInResult {
  concurrency: number;
  warmUpMails: number;
  newTickets: OutsideInPhase;
  replies: OutsideInPhase;
  /** the stack with nothing to do (stream polling, timers), per second of wall time */
  idleNodeCpuMsPerSecond: number;
  idleStandinCpuMsPerSecond: number;
  idleDynamoCpuMsPerSecond: number;
  /** when each part ran, in µs of the monotonic clock (to cut the child's CPU profile to the measured phases) */
  windows: Record<'idle' | 'newTickets' | 'replies', { fromUs: number; toUs: number }>;
}

export interface OutsideInOptions {
  root: string;
  newMails: CorpusMail[];
  replies: CorpusMail[];
  warmUp: { newMails: CorpusMail[]; replies: CorpusMail[] };
  concurrency: number;
  /** a folder for the stack child's --cpu-prof (start-up, warm-up and the measured phases) */
  cpuProfDir?: string;
  onProgress?: (line: string) => void;
}

const TICK_MS = 10; // USER_HZ 100
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** A process's command line ('' once it is gone). */
const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};
const standinsName = STANDINS_SCRIPT.slice(STANDINS_SCRIPT.lastIndexOf('/') + 1);

/**
 * CPU ms of `root` and its descendants, by kind: java (DynamoDB Local), the AWS stand-ins' node process (its
 * command line names aws-standins.ts) and everything else (the stack's own node).
 */
export function treeCpuMs(root: number): { node: number; standins: number; java: number } {
  const parent = new Map<number, number>();
  const stats = new Map<number, { comm: string; ms: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let line: string;
    try {
      line = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    const pid = Number(name);
    parent.set(pid, Number(fields[1]));
    const comm = line.slice(line.indexOf('(') + 1, line.lastIndexOf(')'));
    stats.set(pid, { comm, ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS });
  }
  const ancestry = (pid: number): number[] => {
    const line: number[] = [];
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) line.push(p);
    return line;
  };
  const standins = new Map<number, boolean>();
  const isStandins = (pid: number) => {
    if (!standins.has(pid)) standins.set(pid, commandLine(pid).includes(standinsName));
    return standins.get(pid)!;
  };
  const out = { node: 0, standins: 0, java: 0 };
  for (const [pid, s] of stats) {
    const line = ancestry(pid);
    const below = line.indexOf(root);
    if (below < 0) continue;
    // The stand-ins' process and what it started (tsx's esbuild) are theirs.
    const kind = s.comm === 'java' ? 'java' : line.slice(0, below + 1).some(isStandins) ? 'standins' : 'node';
    out[kind] += s.ms;
  }
  return out;
}

const bare = (id: string) => id.trim().replace(/^<|>$/g, '').toLowerCase();

/** The outbox, read as files appear: for each Message-ID a mail answers, when each answering file was written. */
class OutboxWatch {
  private readonly seen = new Set<string>();
  /** cited id -> files citing it: written at, and whether addressed to `to` */
  readonly citing = new Map<string, Array<{ at: number; to: string }>>();
  private readonly timer: NodeJS.Timeout;
  private readonly watcher: ReturnType<typeof watch>;
  private scanning: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {
    this.watcher = watch(dir, () => this.scan());
    this.timer = setInterval(() => this.scan(), 250);
  }

  scan(): Promise<void> {
    this.scanning = this.scanning.then(async () => {
      for (const name of await readdir(this.dir)) {
        if (!name.endsWith('.eml') || this.seen.has(name)) continue;
        const file = join(this.dir, name);
        const [raw, info] = await Promise.all([readFile(file, 'latin1'), stat(file)]);
        // A file being written: read again on the next scan, once its header block is whole.
        const end = raw.search(/\r?\n\r?\n/);
        if (end < 0) continue;
        this.seen.add(name);
        const head = raw.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
        const header = (n: string) => new RegExp(`^${n}:(.*)$`, 'im').exec(head)?.[1] ?? '';
        const to = header('To').toLowerCase();
        const cited = `${header('In-Reply-To')} ${header('References')}`.match(/<[^>]+>/g) ?? [];
        for (const id of new Set(cited.map(bare))) {
          const list = this.citing.get(id) ?? [];
          list.push({ at: info.mtimeMs, to });
          this.citing.set(id, list);
        }
      }
    });
    return this.scanning;
  }

  close(): void {
    clearInterval(this.timer);
    this.watcher.close();
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function startStack(o: OutsideInOptions, dataDir: string) {
  const args = [...(o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []), '--import', 'tsx'];
  const child = spawn(process.execPath, [...args, 'infra/local/start.ts'], {
    cwd: o.root,
    env: {
      ...process.env,
      MAILDESK_DATA: dataDir,
      MAILDESK_SMTP_PORT: '0',
      MAILDESK_DYNAMODB_PORT: '0',
      // The sweep's timer is not per mail; monthly reports check once at start, before the measurement.
      MAILDESK_SWEEP_SECONDS: '0',
      MAILDESK_CONFIG: join(o.root, 'maildesk.config.example.json'),
      MAILDESK_TELEGRAM_TOKEN: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const ready = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /maildesk ready [^\n]*/.exec(out)?.[0];
      if (line && out.includes('\n')) done(line);
    });
    child.once('exit', (code) => fail(new Error(`local stack exited (${code}) before ready: ${stderr}`)));
  });
  const smtpPort = Number(/smtp=127\.0\.0\.1:(\d+)/.exec(ready)?.[1]);
  const outbox = /outbox=(\S+)/.exec(ready)?.[1];
  if (!smtpPort || !outbox) throw new Error(`unexpected ready line: ${ready}`);
  return { child, smtpPort, outbox, stderr: () => stderr };
}

async function stopStack(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

export async function measureOutsideIn(o: OutsideInOptions): Promise<OutsideInResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'maildesk-outside-in-'));
  const stack = await startStack(o, dataDir);
  const watcher = new OutboxWatch(stack.outbox);
  const transport = createTransport({
    host: '127.0.0.1',
    port: stack.smtpPort,
    pool: true,
    maxConnections: o.concurrency,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  const cpu = () => treeCpuMs(stack.child.pid!);
  try {
    // One phase: send at the concurrency, then wait until every mail's answers are in the outbox.
    const phase = async (mails: CorpusMail[], answers: (m: CorpusMail) => { done: boolean; at: number | null }) => {
      const cpu0 = cpu();
      const t0 = Date.now();
      const fromUs = nowUs();
      const accepted = new Map<string, number>();
      await mapLimit(mails, o.concurrency, async (m) => {
        await transport.sendMail({ envelope: { from: m.from, to: [m.to] }, raw: m.raw });
        accepted.set(m.id, Date.now());
      });
      const deadline = Date.now() + 120_000 + mails.length * 2_000;
      for (;;) {
        await watcher.scan();
        if (mails.every((m) => answers(m).done)) break;
        if (Date.now() > deadline || stack.child.exitCode !== null) {
          const missing = mails.filter((m) => !answers(m).done).map((m) => m.id);
          throw new Error(`outside-in: no answer in the outbox for ${missing.join(', ')}: ${stack.stderr()}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const last = Math.max(...mails.map((m) => answers(m).at ?? 0));
      const cpu1 = cpu();
      const window = { fromUs, toUs: nowUs() };
      const seconds = (Math.max(last, Date.now()) - t0) / 1000;
      const latencies = mails.map((m) => answers(m).at! - accepted.get(m.id)!).sort((a, b) => a - b);
      return {
        mails: mails.length,
        seconds: round(seconds, 2),
        mailsPerSecond: round(mails.length / seconds, 1),
        nodeCpuMsPerMail: round((cpu1.node - cpu0.node) / mails.length),
        standinCpuMsPerMail: round((cpu1.standins - cpu0.standins) / mails.length),
        dynamoCpuMsPerMail: round((cpu1.java - cpu0.java) / mails.length),
        p50Ms: Math.round(percentile(latencies, 50)),
        p99Ms: Math.round(percentile(latencies, 99)),
        loadAverage: round(loadavg()[0]!, 2),
        window,
      };
    };
    const citing = (m: CorpusMail) => watcher.citing.get(bare(m.messageId)) ?? [];
    // A new ticket: the acknowledgement to the requester and the engineers' copy (at least two mails cite it).
    const opened = (m: CorpusMail) => {
      const files = citing(m);
      const ack = files.find((f) => f.to.includes(m.from.toLowerCase()));
      return { done: Boolean(ack) && files.length >= 2, at: ack?.at ?? null };
    };
    // A reply: the engineers' copy.
    const answered = (m: CorpusMail) => ({ done: citing(m).length >= 1, at: citing(m)[0]?.at ?? null });

    await phase(o.warmUp.newMails, opened);
    await phase(o.warmUp.replies, answered);
    o.onProgress?.(`outside-in: stack up (smtp ${stack.smtpPort}), warmed up`);
    const idle0 = cpu();
    const idleStart = Date.now();
    const idleFromUs = nowUs();
    await new Promise((r) => setTimeout(r, 3_000));
    const idle1 = cpu();
    const idleWindow = { fromUs: idleFromUs, toUs: nowUs() };
    const idleSeconds = (Date.now() - idleStart) / 1000;
    const { window: newWindow, ...newTickets } = await phase(o.newMails, opened);
    o.onProgress?.(`outside-in: ${o.newMails.length} new tickets, ${newTickets.nodeCpuMsPerMail} ms node CPU each`);
    const { window: repliesWindow, ...replies } = await phase(o.replies, answered);
    return {
      concurrency: o.concurrency,
      warmUpMails: o.warmUp.newMails.length + o.warmUp.replies.length,
      newTickets,
      replies,
      idleNodeCpuMsPerSecond: round((idle1.node - idle0.node) / idleSeconds),
      idleStandinCpuMsPerSecond: round((idle1.standins - idle0.standins) / idleSeconds),
      idleDynamoCpuMsPerSecond: round((idle1.java - idle0.java) / idleSeconds),
      windows: { idle: idleWindow, newTickets: newWindow, replies: repliesWindow },
    };
  } finally {
    transport.close();
    watcher.close();
    await stopStack(stack.child);
    await rm(dataDir, { recursive: true, force: true });
  }
}
