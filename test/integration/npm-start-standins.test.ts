/**
 * Issue 18: `npm start` runs the stand-ins for AWS's own work (SES receiving's SMTP, the SES v2 endpoint) in a
 * node process of their own (infra/local/aws-standins.ts), so the stack's process spends only what Lambda would
 * bill. Run as a person runs it: mail over SMTP still gets its acknowledgement in the outbox; the stand-ins'
 * process dies with the stack, on Ctrl-C and on SIGKILL alike (no orphan holding the SMTP port); a busy SMTP port
 * is still refused in one clear line, leaving no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../shared/adapters/dynamodb-local';
import { exampleConfig, startHarness } from '../support/harness';
import { listenersOn } from '../support/listening-sockets';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Processes whose command line has `needle` and whose environment is this run's data dir. */
async function processesOf(dataDir: string, needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(needle)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(`MAILDESK_DATA=${dataDir}`)) pids.push(Number(entry));
  }
  return pids;
}
const standinsOf = (dataDir: string) => processesOf(dataDir, 'aws-standins.ts');

const parentOf = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const portIsFree = (port: number) =>
  new Promise<boolean>((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });

interface Started {
  child: ChildProcess;
  dataDir: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `npm start`'s entry as the bench runs it (node --import tsx), with its own data dir and ports. */
async function start(env: Record<string, string>): Promise<Started> {
  const dataDir = await mkdtemp(join(tmpdir(), 'maildesk-standins-'));
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    env: { ...base, MAILDESK_DATA: dataDir, MAILDESK_CONFIG: 'maildesk.config.example.json', MAILDESK_SWEEP_SECONDS: '0', MAILDESK_DYNAMODB_PORT: '0', MAILDESK_TELEGRAM_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const pid of [...(await standinsOf(dataDir)), ...(await processesOf(dataDir, 'LoopbackLauncher'))]) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });
  return { child, dataDir, stdout: () => stdout, stderr: () => stderr, exited };
}

async function ready(s: Started): Promise<{ smtpPort: number; sesPort: number; outbox: string; standins: number }> {
  const line = await until('maildesk ready', async () => /maildesk ready [^\n]*\n/.exec(s.stdout())?.[0] ?? (s.child.exitCode !== null ? `exited: ${s.stderr()}` : undefined), 120_000);
  expect(line).toContain('maildesk ready');
  const [standins, ...more] = await standinsOf(s.dataDir);
  expect(more).toEqual([]);
  return { smtpPort: Number(/smtp=127\.0\.0\.1:(\d+)/.exec(line)![1]), sesPort: Number(/ses=http:\/\/127\.0\.0\.1:(\d+)/.exec(line)![1]), outbox: /outbox=(\S+)/.exec(line)![1]!, standins: standins! };
}

const alive = (pid: number) => readFile(`/proc/${pid}/stat`, 'utf8').then((stat) => !/^\d+ \(.*\) Z /.test(stat), () => false);

describe('npm start: the AWS stand-ins in their own process', () => {
  it('a mail over SMTP is stored as SES stores it and acknowledged in the outbox; Ctrl-C (SIGINT) stops both processes', async () => {
    // given
    const s = await start({ MAILDESK_SMTP_PORT: String(await freePort()) });
    const { smtpPort, sesPort, outbox, standins } = await ready(s);
    expect(await parentOf(standins)).toBe(s.child.pid);
    // its listeners, like every other, on loopback only
    for (const port of [smtpPort, sesPort]) {
      expect(listenersOn(port).length).toBeGreaterThan(0);
      expect(listenersOn(port).filter((socket) => !socket.loopback)).toEqual([]);
    }
    // when
    const transport = createTransport({ host: '127.0.0.1', port: smtpPort });
    const sent = await transport.sendMail({ from: 'anna@clinic-north.example', to: 'clinic-north@support.example', subject: 'Не открывается карта пациента - Терапия', text: 'Номер амбулаторной карты: 123456\nЛогин в системе: ivanova_a' });
    transport.close();
    // then: the raw mail under inbound/<id> (the id SMTP answered) with SES's receipt block, and the acknowledgement
    const id = /queued as (\S+)/.exec(sent.response)![1]!;
    const stored = await readFile(join(s.dataDir, 'mail', 'inbound', id), 'utf8');
    expect(stored).toMatch(/^X-SES-Spam-Verdict: PASS\r\n/);
    expect(stored).toContain(`X-SES-RECEIPT: local-${id}`);
    const ack = await until('the acknowledgement', async () => {
      for (const name of await readdir(outbox)) {
        const raw = await readFile(join(outbox, name), 'utf8');
        if (/^To: .*anna@clinic-north\.example/im.test(raw) && raw.includes(sent.messageId)) return name;
      }
      return undefined;
    });
    expect(ack).toMatch(/-0102[0-9a-f]+-[0-9a-f]+-000000\.eml$/); // written by the SES v2 stand-in
    // when: Ctrl-C
    s.child.kill('SIGINT');
    // then
    expect(await s.exited).toBe(0);
    await until('the stand-ins gone', async () => ((await alive(standins)) ? undefined : true), 10_000);
    expect(await portIsFree(smtpPort)).toBe(true);
  }, 180_000);

  it('the stack killed with SIGKILL: its stand-ins exit too, and the SMTP port is free again', async () => {
    // given
    const s = await start({ MAILDESK_SMTP_PORT: String(await freePort()) });
    const { smtpPort, standins } = await ready(s);
    expect(await portIsFree(smtpPort)).toBe(false);
    // when
    s.child.kill('SIGKILL');
    await s.exited;
    // then
    await until('the stand-ins gone', async () => ((await alive(standins)) ? undefined : true), 10_000);
    expect(await standinsOf(s.dataDir)).toEqual([]);
    expect(await portIsFree(smtpPort)).toBe(true);
  }, 180_000);

  it('a busy SMTP port: the same one-line refusal, and no stand-ins process left', async () => {
    // given
    const holder = createServer((socket) => socket.end());
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', () => done()));
    cleanups.push(() => new Promise((done) => holder.close(done)));
    const port = (holder.address() as { port: number }).port;
    // when
    const s = await start({ MAILDESK_SMTP_PORT: String(port) });
    // then
    expect(await s.exited).toBe(1);
    expect(s.stdout()).not.toContain('maildesk ready');
    expect(s.stderr()).toContain(`maildesk could not start: SMTP port ${port} on 127.0.0.1 is in use: set MAILDESK_SMTP_PORT to a free port`);
    await until('no stand-ins left', async () => ((await standinsOf(s.dataDir)).length === 0 ? true : undefined), 10_000);
  }, 180_000);

  it("the library's stack with standins: 'process': the outcome is recorded when SMTP answers 250, SES refusals still land in failed/", async () => {
    // given: the desk's verified identity is another domain than the tenants' (the From of every mail): SES refuses
    const example = exampleConfig();
    const h = await startHarness({ sesEndpoint: true, standins: 'process', config: { ...example, deployment: { ...example.deployment!, domain: 'elsewhere.example' } } });
    cleanups.push(() => h.close());
    // when
    await h.send({ from: 'a.smirnova@clinic-north.example', to: 'clinic-north@support.example', subject: 'Не печатается направление', text: 'Номер амбулаторной карты: 12345\nЛогин в системе: smirnova' });
    // then: inbound ran in this process before the 250
    expect(h.stack.outcomes.map((o) => o.kind)).toEqual(['created']);
    expect(await h.newMail()).toEqual([]);
    expect((await readdir(join(h.stack.dataDir, 'failed'))).length).toBeGreaterThan(0);
    expect((await readdir(join(h.stack.dataDir, 'mail', 'inbound'))).length).toBe(1);
  }, 180_000);
});
