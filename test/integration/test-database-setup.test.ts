/**
 * Issue 17: unit tests need no Java. The tests' database endpoint starts DynamoDB Local on first
 * use only, and without Java it answers with what to install; a unit-test run never touches it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../shared/adapters/clients';
import { startLazyDynamoDbLocal } from '../support/lazy-dynamodb';
import { listenersOn } from '../support/listening-sockets';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A PATH holding only `node`: no java. */
async function pathWithoutJava(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'maildesk-nojava-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await symlink(process.execPath, join(dir, 'node'));
  return dir;
}

describe("the tests' DynamoDB Local starts on first use", () => {
  it('without Java: nothing starts until a test connects, then a database call fails saying what to install', async () => {
    // given
    const failures: string[] = [];
    const lazy = await startLazyDynamoDbLocal({ env: { ...process.env, PATH: await pathWithoutJava() }, onFailure: (m) => failures.push(m) });
    cleanups.push(() => lazy.stop());
    expect(lazy.started()).toBe(false);
    expect(listenersOn(Number(new URL(lazy.endpoint).port)).every((s) => s.loopback)).toBe(true);
    // when
    const client = localDynamoClient(lazy.endpoint);
    const error = await client.send(new ListTablesCommand({})).then(
      () => null,
      (e: Error) => e,
    );
    client.destroy();
    // then
    expect(lazy.started()).toBe(true);
    expect(error?.name).toBe('DynamoDbLocalUnavailable');
    expect(error?.message).toContain('openjdk-17-jre-headless');
    expect(failures).toHaveLength(1);
  }, 60_000);

  it('a unit-test run passes with no java on PATH', async () => {
    // given: vitest run on a unit test file, as `npx vitest run test/unit/...` on a machine without Java
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
    const child = spawn(process.execPath, [resolve('node_modules/vitest/vitest.mjs'), 'run', 'test/unit/status-machine.test.ts'], {
      env: { ...env, PATH: await pathWithoutJava(), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    // when
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    // then
    expect(output).not.toContain('ENOENT');
    expect(output).not.toContain('DynamoDB Local could not start'); // a unit-only run does not even try
    expect(output).toMatch(/Test Files\s+1 passed/);
    expect(code).toBe(0);
  }, 120_000);
});
