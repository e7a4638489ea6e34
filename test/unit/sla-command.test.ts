import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSlaCommand } from '../../shared/cli/sla-command';

const CONFIG = 'maildesk.config.example.json';
const iso = (s: string): string => new Date(s).toISOString();

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runSlaCommand(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {}, cwd: process.cwd() });
  return { code, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'maildesk-sla-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('maildesk sla: the contract', () => {
  it.each([
    {
      name: 'error, no pauses',
      argv: ['--priority', 'error', '--created', '2026-03-16T12:00:00+03:00'],
      out: { respondBy: '2026-03-19T12:00:00+03:00', targetAt: '2026-03-19T12:00:00+03:00', dueAt: '2026-03-23T12:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'Russian name in any case, minute precision, a pause',
      argv: ['--priority', 'БЛОКИРОВКА', '--created', '2026-03-14T22:00+03:00', '--pause', '2026-03-14T23:00:00+03:00/2026-03-15T01:00:00+03:00'],
      out: { respondBy: '2026-03-15T05:00:00+03:00', targetAt: null, dueAt: '2026-03-15T05:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'two pauses, given in Z',
      argv: ['--priority', 'minor', '--created', '2026-03-16T07:00:00Z', '--pause', '2026-03-17T07:00:00Z/2026-03-17T11:00:00Z', '--pause', '2026-03-18T07:00:00Z/2026-03-18T11:00:00Z'],
      out: { respondBy: '2026-03-19T15:00:00Z', targetAt: '2026-03-19T15:00:00Z', dueAt: '2026-03-23T15:00:00Z', autoCloseAt: null },
    },
    {
      name: 'feature counts from --started',
      argv: ['--priority', 'feature', '--created', '2026-03-02T10:00:00+03:00', '--started', '2026-03-16T10:00:00+03:00'],
      out: { respondBy: '2026-03-05T10:00:00+03:00', targetAt: '2026-04-03T18:00:00+03:00', dueAt: null, autoCloseAt: null },
    },
    {
      name: 'report with --waiting-since: only respondBy and autoCloseAt',
      argv: ['--priority', 'report', '--created', '2026-03-16T10:00:00+03:00', '--waiting-since', '2026-03-16T15:00:00+03:00'],
      out: { respondBy: '2026-03-19T10:00:00+03:00', targetAt: null, dueAt: null, autoCloseAt: '2026-03-30T15:00:00+03:00' },
    },
  ])('$name', ({ argv, out }) => {
    const r = run(...argv, '--config', CONFIG);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.endsWith('\n')).toBe(true);
    expect(r.out.trimEnd().split('\n')).toHaveLength(1);
    const json: unknown = JSON.parse(r.out);
    expect(Object.keys(json as object)).toEqual(['respondBy', 'targetAt', 'dueAt', 'autoCloseAt']);
    expect(json).toEqual({
      respondBy: iso(out.respondBy),
      targetAt: out.targetAt === null ? null : iso(out.targetAt),
      dueAt: out.dueAt === null ? null : iso(out.dueAt),
      autoCloseAt: out.autoCloseAt === null ? null : iso(out.autoCloseAt),
    });
  });

  it("uses the config's calendar lists", () => {
    const example = JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, unknown>;
    const path = join(tmp, 'holiday.json');
    writeFileSync(path, JSON.stringify({ ...example, holidays: ['2026-03-17'] }));
    const r = run('--priority', 'error', '--created', '2026-03-16T10:00:00+03:00', '--config', path);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).targetAt).toBe(iso('2026-03-19T18:00:00+03:00'));
  });

  it('--help prints the usage', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: maildesk sla --priority P --created ISO/);
  });
});

describe('maildesk sla: bad input exits 2 naming the flag', () => {
  it.each([
    { name: 'unknown priority', argv: ['--priority', 'urgent', '--created', '2026-03-16T10:00:00+03:00'], err: /--priority: unknown priority "urgent"/ },
    { name: 'missing --priority', argv: ['--created', '2026-03-16T10:00:00+03:00'], err: /--priority: is required/ },
    { name: 'missing --created', argv: ['--priority', 'error'], err: /--created: is required/ },
    { name: 'no offset', argv: ['--priority', 'error', '--created', '2026-03-16T10:00:00'], err: /--created: expected an ISO instant with an offset/ },
    { name: 'impossible date', argv: ['--priority', 'error', '--created', '2026-02-30T10:00:00Z'], err: /--created: expected an ISO instant/ },
    { name: 'pause without a slash', argv: ['--priority', 'error', '--created', '2026-03-16T10:00:00Z', '--pause', '2026-03-16T10:00:00Z'], err: /--pause: expected FROM\/TO/ },
    { name: 'pause ending before it starts', argv: ['--priority', 'error', '--created', '2026-03-16T10:00:00Z', '--pause', '2026-03-17T10:00:00Z/2026-03-16T10:00:00Z'], err: /--pause: the pause .* must end after it starts/ },
    { name: 'bad --started', argv: ['--priority', 'feature', '--created', '2026-03-16T10:00:00Z', '--started', 'monday'], err: /--started: expected an ISO instant/ },
    { name: 'bad --waiting-since', argv: ['--priority', 'error', '--created', '2026-03-16T10:00:00Z', '--waiting-since', '2026-03-16'], err: /--waiting-since: expected an ISO instant/ },
    { name: 'unknown flag', argv: ['--priority', 'error', '--created', '2026-03-16T10:00:00Z', '--now', '2026-03-16T10:00:00Z'], err: /Unknown option '--now'/ },
    { name: 'flag without its value', argv: ['--priority'], err: /--priority/ },
    { name: 'stray argument', argv: ['error'], err: /positional/i },
  ])('$name', ({ argv, err }) => {
    const r = run(...argv, '--config', CONFIG);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(err);
  });

  it('a missing config file', () => {
    const r = run('--priority', 'error', '--created', '2026-03-16T10:00:00Z', '--config', join(tmp, 'nope.json'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/cannot read config file .*nope\.json/);
  });

  it('an invalid config names the key', () => {
    const path = join(tmp, 'bad.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(CONFIG, 'utf8')), timezone: 'Mars/Olympus' }));
    const r = run('--priority', 'error', '--created', '2026-03-16T10:00:00Z', '--config', path);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/timezone: expected an IANA time zone/);
  });
});
