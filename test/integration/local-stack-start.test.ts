/**
 * Issue 17, "the local stack must never lie or leak": `npm start` (infra/local/start.ts) run as a
 * process, as a person runs it. A busy port is refused with the port, the variable to change and
 * what answered; a failed start leaves no Java behind; no Java on PATH says what to install.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../shared/adapters/clients';
import { freePort, startDynamoDbLocal } from '../../shared/adapters/dynamodb-local';

const TSX = resolve('node_modules/tsx/dist/cli.mjs');
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const listenOnLoopback = async <S extends HttpServer | TcpServer>(server: S): Promise<number> => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  cleanups.push(() => new Promise((done) => server.close(done)));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
};

/** Environment of a child process: ours minus vitest's own variables, plus the stack's. */
function stackEnv(dataDir: string, overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  return { ...env, MAILDESK_DATA: dataDir, MAILDESK_CONFIG: 'maildesk.config.example.json', MAILDESK_SWEEP_SECONDS: '0', ...overrides };
}

/** Runs `npm start`'s script until it exits or says it is ready (then stops it: that is a failure here). */
async function runStart(overrides: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'maildesk-start-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [TSX, 'infra/local/start.ts'], { env: stackEnv(dataDir, overrides), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (stdout.includes('maildesk ready')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  return { code, stdout, stderr, dataDir };
}

/** Java processes whose command line names this folder (a stack's DynamoDB Local runs with -dbPath inside it). */
async function javaProcessesUsing(folder: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(folder) && cmdline.includes('LoopbackLauncher')) pids.push(Number(entry));
  }
  return pids;
}

/** A folder for PATH holding `node` and, when given, a fake `java` script: the real Java is not on it. */
async function pathWithout(fakeJava?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'maildesk-path-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await symlink(process.execPath, join(dir, 'node'));
  if (fakeJava) {
    await writeFile(join(dir, 'java'), fakeJava);
    await chmod(join(dir, 'java'), 0o755);
  }
  return dir;
}

describe('npm start never talks to a database it did not start', () => {
  it('refuses a DynamoDB port held by another DynamoDB Local, naming the port and MAILDESK_DYNAMODB_PORT, and writes nothing there', async () => {
    // given: the first stack's DynamoDB Local
    const first = await startDynamoDbLocal();
    cleanups.push(() => first.stop());
    // when
    const run = await runStart({ MAILDESK_DYNAMODB_PORT: String(first.port), MAILDESK_SMTP_PORT: String(await freePort()) });
    // then
    expect(run.stdout).not.toContain('maildesk ready');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`port ${first.port}`);
    expect(run.stderr).toContain('MAILDESK_DYNAMODB_PORT');
    expect(run.stderr).toContain('DynamoDB');
    const client = localDynamoClient(first.endpoint);
    const tables = await client.send(new ListTablesCommand({}));
    client.destroy();
    expect(tables.TableNames ?? []).not.toContain('maildesk');
  }, 180_000);

  it('a database port held by a web server: names the port and what answered, not a JSON parse error', async () => {
    // given
    const web = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>dev server</body></html>'));
    const port = await listenOnLoopback(web);
    // when
    const run = await runStart({ MAILDESK_DYNAMODB_PORT: String(port), MAILDESK_SMTP_PORT: String(await freePort()) });
    // then
    expect(run.stdout).not.toContain('maildesk ready');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`port ${port}`);
    expect(run.stderr).toContain('MAILDESK_DYNAMODB_PORT');
    expect(run.stderr).toContain('text/html');
    expect(run.stderr).toContain('<!DOCTYPE html>');
    expect(run.stderr).not.toContain('Unexpected token');
  }, 180_000);
});

describe('a failed start stops what it started', () => {
  it('SMTP port in use: exits naming MAILDESK_SMTP_PORT, and its DynamoDB Local is gone', async () => {
    // given
    const smtpPort = await listenOnLoopback(createTcpServer((socket) => socket.end()));
    // when
    const run = await runStart({ MAILDESK_SMTP_PORT: String(smtpPort), MAILDESK_DYNAMODB_PORT: String(await freePort()) });
    // then
    expect(run.stdout).not.toContain('maildesk ready');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`SMTP port ${smtpPort}`);
    expect(run.stderr).toContain('MAILDESK_SMTP_PORT');
    expect(await javaProcessesUsing(run.dataDir)).toEqual([]);
  }, 180_000);
});

describe('Java missing or too old', () => {
  it('without java on PATH: says to install Java 17 headless, no ENOENT and no stack dump', async () => {
    // when
    const run = await runStart({ PATH: await pathWithout(), MAILDESK_SMTP_PORT: String(await freePort()), MAILDESK_DYNAMODB_PORT: String(await freePort()) });
    // then
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('openjdk-17-jre-headless');
    expect(run.stderr).not.toContain('ENOENT');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('a java older than 17: says which Java is needed', async () => {
    // given: a java that fails the way Java 11 does on DynamoDB Local's classes
    const oldJava = '#!/bin/sh\necho "Error: LinkageError occurred while loading main class LoopbackLauncher" >&2\necho "\tjava.lang.UnsupportedClassVersionError: class file version 61.0, this version of the Java Runtime only recognizes class file versions up to 55.0" >&2\nexit 1\n';
    // when
    const run = await runStart({ PATH: await pathWithout(oldJava), MAILDESK_SMTP_PORT: String(await freePort()), MAILDESK_DYNAMODB_PORT: String(await freePort()) });
    // then
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Java 17 or newer');
    expect(run.stderr).toContain('openjdk-17-jre-headless');
  }, 120_000);
});
