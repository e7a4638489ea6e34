/**
 * Issue 12 item 7: every listener of the local stack and of the tests is reachable from 127.0.0.1
 * only (the table holds card numbers). Read from the kernel's socket table, not from our own code.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../shared/adapters/dynamodb-local';
import { startHarness } from '../support/harness';
import { listenersOn } from '../support/listening-sockets';

const running: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
afterAll(async () => {
  for (const r of running) await ('stop' in r ? r.stop() : r.close());
});

describe('local listeners bind loopback only', () => {
  it('DynamoDB Local listens on a loopback address only, with telemetry off', async () => {
    // given
    const db: RunningDynamoDbLocal = await startDynamoDbLocal();
    running.push(db);
    // when
    const sockets = listenersOn(db.port);
    // then
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((s) => !s.loopback)).toEqual([]);
    expect(new URL(db.endpoint).hostname).toBe('127.0.0.1');
    const cmdline = readFileSync(`/proc/${db.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('-disableTelemetry');
  }, 120_000);

  it("the stack's SMTP listener and the tests' database endpoint listen on loopback only", async () => {
    // given
    const h = await startHarness();
    running.push(h);
    // when
    const smtp = listenersOn(h.stack.smtpPort);
    const database = listenersOn(Number(new URL(inject('dynamoEndpoint')).port));
    // then
    expect(smtp.length).toBeGreaterThan(0);
    expect(smtp.filter((s) => !s.loopback)).toEqual([]);
    expect(database.length).toBeGreaterThan(0);
    expect(database.filter((s) => !s.loopback)).toEqual([]);
  }, 120_000);
});
