/**
 * `maildesk sweep [--now ISO] [--dry-run]` against the local stack's table in DynamoDB Local: the
 * dry run reports what would fire and changes nothing; the real run acts once; a bad --now is a
 * usage error (exit 2, one clear line, no stack trace).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../shared/cli/io';
import { runSweepCommand } from '../../shared/cli/sweep-command';
import { startHarness, type Harness } from '../support/harness';

const DESK = 'clinic-north@support.example';
const msk = (moscow: string) => new Date(`${moscow}+03:00`);
const utc = (moscow: string) => msk(moscow).toISOString();

let h: Harness;
let clock = msk('2026-03-16T12:00:00').getTime();
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startHarness({ now: () => new Date(clock) });
  const port = new URL(h.stack.dynamoEndpoint).port;
  // what `maildesk` reads to find the local stack's table
  env = { ...process.env, MAILDESK_DYNAMODB_PORT: port, MAILDESK_TABLE: h.stack.table, MAILDESK_CONFIG: 'maildesk.config.example.json' };
  await h.send({ from: 'anna@clinic-north.example', to: DESK, subject: 'Не сохраняется протокол', text: 'Ошибка при сохранении.', messageId: '<cli-1@clinic-north.example>' });
  clock = msk('2026-03-16T13:00:00').getTime();
  await h.send({ from: 'boris@clinic-north.example', to: DESK, subject: '[Блокировка] Не работает касса', text: 'Касса не принимает оплату.', messageId: '<cli-2@clinic-north.example>' });
  await h.newMail();
});
afterAll(async () => h?.close());

async function sweep(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runSweepCommand(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) }, env);
  return { code, out, err, json: JSON.parse(out) as Record<string, unknown> };
}

const snapshot = async () => ({
  tickets: await h.stack.store.listTickets(),
  events: [...(await h.stack.store.listEvents('MG-1')), ...(await h.stack.store.listEvents('MG-2'))],
});

describe('maildesk sweep', () => {
  it('--dry-run reports what would fire and changes nothing', async () => {
    const before = await snapshot();
    const r = await sweep('--now', '2026-03-16T18:30:00+03:00', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    // blocking MG-2 (13:00): past its warning (17:00) and its deadline (18:00): the breach only;
    // times in the desk's zone (Moscow wall time with its offset), each named for what it is
    expect(r.json).toEqual({
      now: '2026-03-16T18:30:00+03:00',
      timezone: 'Europe/Moscow',
      utcOffset: '+03:00',
      dryRun: true,
      due: 1,
      wouldAct: [{ ticketKey: 'MG-2', kind: 'breach', event: 'sla.breached', deadline: '2026-03-16T18:00:00+03:00' }],
      raced: 0,
      failed: 0,
    });
    expect(await snapshot()).toEqual(before);
    expect(await h.newMail()).toHaveLength(0);
  });

  it('minute precision and any offset are accepted; a dry run far ahead lists every ticket due', async () => {
    const r = await sweep('--now', '2026-03-30T07:00Z', '--dry-run');
    expect(r.code).toBe(0);
    const acts = (r.json.wouldAct as Array<{ ticketKey: string; kind: string }>).map((a) => `${a.ticketKey}:${a.kind}`).sort();
    // error MG-1: its 72 h (19 March) come before its deadline, so both are due; blocking MG-2's respond by
    // is its 5 h deadline (honest deadlines, docs/sla.md): the breach is its one alarm
    expect(acts).toEqual(['MG-1:breach', 'MG-1:respond', 'MG-2:breach']);
    expect(r.json.due).toBe(2);
    // an instant given in UTC is printed in the desk's zone; every time says what it is
    expect(r.json.now).toBe('2026-03-30T10:00:00+03:00');
    const mg1 = (r.json.wouldAct as Array<Record<string, string>>).filter((a) => a.ticketKey === 'MG-1');
    expect(mg1.find((a) => a.kind === 'respond')).toEqual({ ticketKey: 'MG-1', kind: 'respond', event: 'sla.respond_overdue', respondBy: '2026-03-19T12:00:00+03:00' });
    expect(Object.keys(mg1.find((a) => a.kind === 'breach')!)).toEqual(['ticketKey', 'kind', 'event', 'deadline']);
  });

  it('a dry run in a desk on another zone prints that zone, e.g. Berlin in summer time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maildesk-sweep-zone-'));
    const config = JSON.parse(await readFile('maildesk.config.example.json', 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'berlin.json'), JSON.stringify({ ...config, timezone: 'Europe/Berlin' }));
    const r = await sweep('--now', '2026-03-30T07:00Z', '--dry-run', '--config', join(dir, 'berlin.json'));
    await rm(dir, { recursive: true, force: true });
    expect(r.json).toMatchObject({ now: '2026-03-30T09:00:00+02:00', timezone: 'Europe/Berlin', utcOffset: '+02:00' });
    for (const a of r.json.wouldAct as Array<Record<string, string>>) {
      const time = Object.entries(a).find(([k]) => !['ticketKey', 'kind', 'event'].includes(k))!;
      expect(time[1]).toMatch(/^2026-03-\d\dT\d\d:\d\d:00\+0[12]:00$/);
    }
  });

  it('without --dry-run it acts once; run again, nothing more', async () => {
    const r = await sweep('--now', '2026-03-16T18:30:00+03:00');
    expect(r.json).toMatchObject({ dryRun: false, due: 1, acted: [{ ticketKey: 'MG-2', kind: 'breach', event: 'sla.breached' }] });
    const mails = await h.newMail();
    expect(mails.map((m) => m.subject)).toEqual(['[MG-2] Срок нарушен: Не работает касса']);
    expect(await h.stack.store.getTicket('MG-2')).toMatchObject({ breached: true });

    const again = await sweep('--now', '2026-03-16T18:31:00+03:00');
    expect(again.json).toMatchObject({ due: 0, acted: [] });
    expect(await h.newMail()).toHaveLength(0);
  });

  it('a ticket the engine cannot read does not hold up the others: reported on stderr, exit 1', async () => {
    const good = (await h.stack.store.getTicket('MG-1'))!;
    // a damaged item, due long ago (say, written by hand with a bad date)
    const broken = { ...good, key: 'MG-99', number: 99, createdAt: 'not-a-date', nextDue: { kind: 'warn' as const, at: utc('2026-03-01T10:00:00') }, version: 1 };
    expect(await h.stack.store.saveTicket({ ticket: broken, expectedVersion: null, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });

    const r = await sweep('--now', '2026-03-20T12:00:00+03:00');
    expect(r.code).toBe(1);
    // MG-2 (blocking) was breached above and its respond by is that deadline: nothing is due for it
    expect(await h.stack.store.getTicket('MG-2')).toMatchObject({ breached: true, respondOverdue: false, nextDue: null });
    expect(r.json).toMatchObject({ due: 2, failed: 1, raced: 0 });
    // the other due ticket was still handled: MG-1's missed 72 h and warning
    expect((r.json.acted as Array<{ ticketKey: string; kind: string }>).map((a) => `${a.ticketKey}:${a.kind}`).sort()).toEqual(['MG-1:respond', 'MG-1:warn']);
    expect(JSON.parse(r.err)).toEqual({ level: 'error', message: 'sweep could not handle a ticket', ticketKey: 'MG-99', error: 'RangeError' });
    expect((await h.newMail()).map((m) => m.headers['x-maildesk-event']).sort()).toEqual(['sla.respond_overdue', 'sla.warning']);
  });

  it.each([
    ['a word', 'tomorrow'],
    ['a date without a time', '2026-03-16'],
    ['a local time without an offset', '2026-03-16T12:00:00'],
    ['a day that does not exist', '2026-02-30T10:00:00Z'],
  ])('--now as %s is a usage error that says what is expected', async (_name, value) => {
    await expect(runSweepCommand(['--now', value], { stdout: () => {}, stderr: () => {} }, env)).rejects.toThrow(UsageError);
    await expect(runSweepCommand(['--now', value], { stdout: () => {}, stderr: () => {} }, env)).rejects.toThrow(
      `--now: expected an ISO instant with an offset, like 2026-03-02T09:30:00+03:00, got "${value}"`,
    );
  });

  it('unknown flags and stray arguments are usage errors too', async () => {
    await expect(runSweepCommand(['--nw', '2026-03-16T12:00:00Z'], { stdout: () => {}, stderr: () => {} }, env)).rejects.toThrow(UsageError);
    await expect(runSweepCommand(['now'], { stdout: () => {}, stderr: () => {} }, env)).rejects.toThrow(UsageError);
  });

  it('the binary exits 2 with one line on stderr and no stack trace', () => {
    const r = spawnSync(process.execPath, ['bin/maildesk.mjs', 'sweep', '--now', 'yesterday'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^--now: expected an ISO instant with an offset, like 2026-03-02T09:30:00\+03:00, got "yesterday"\nusage: maildesk sweep /);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
