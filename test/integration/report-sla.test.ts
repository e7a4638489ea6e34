/**
 * `maildesk report sla` against DynamoDB Local holding a known November 2026 history
 * (test/support/fixture-history.ts). Every expected figure below is computed by hand from that
 * history; the comments there give the business hours of each ticket.
 */
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UsageError, type CliIo } from '../../shared/cli/io';
import { runReportCommand } from '../../shared/cli/report-command';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { median, monthWindow, percentile, previousMonth, type SlaReport, type SlaRow } from '../../shared/reports/sla-report';
import { exampleConfig, uniqueTable } from '../support/harness';
import { FIXTURE_NOW, openFixtureTable } from '../support/fixture-history';

const CONFIG = ['--config', 'maildesk.config.example.json'];

function collector(extra: Partial<CliIo> = {}) {
  const out = { stdout: '', stderr: '', raw: '' };
  const io: CliIo = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), ...extra };
  return { io, out };
}

async function report(...argv: string[]): Promise<string> {
  const { io, out } = collector();
  expect(await runReportCommand(['sla', ...argv, ...CONFIG], io, FIXTURE_NOW)).toBe(0);
  return out.stdout;
}

type Figures = Omit<SlaRow, 'tenant' | 'priority'>;
const row = (
  opened: number,
  closed: number,
  breached: number,
  settled: number,
  met: number,
  metPercent: number | null,
  fr: [number, number | null, number | null],
  res: [number, number | null, number | null],
  pausedHours: number,
  autoClosed: number,
): Figures => ({
  opened,
  closed,
  breached,
  settled,
  met,
  metPercent,
  firstResponse: { count: fr[0], medianHours: fr[1], p90Hours: fr[2] },
  resolution: { count: res[0], medianHours: res[1], p90Hours: res[2] },
  pausedHours,
  autoClosed,
});

// Hand-computed from the fixture (business hours; Nov 3 short, Nov 4 holiday).
const north = {
  blocking: row(2, 2, 1, 2, 1, 50, [2, 0.25, 0.5], [2, 5, 6], 0, 0), // MG-3 met, MG-4 breached; FR 0.5, 0; res 4, 6
  error: row(3, 3, 1, 3, 2, 66.67, [3, 2.5, 6], [3, 27, 50], 8, 0), // MG-1, MG-2 (breached), MG-9; FR 2.5, 6, 1; res 27, 50, 10
  minor: row(1, 1, 0, 1, 1, 100, [1, 2, 2], [1, 86, 86], 80, 1), // MG-5 auto-closed after 80 bh waiting
  settings: row(1, 0, 1, 1, 0, 0, [1, 0.5, 0.5], [0, null, null], 40, 0), // MG-8 (MG-7 is December's)
  feature: row(0, 1, 0, 0, 0, null, [0, null, null], [1, 118, 118], 0, 0), // MG-6 opened in October
  all: row(7, 7, 3, 7, 4, 57.14, [7, 1, 6], [7, 27, 118], 128, 1),
};
const south = {
  partial: row(1, 1, 0, 1, 1, 100, [1, 0.5, 0.5], [1, 12, 12], 6, 0), // MG-10
  error: row(2, 1, 0, 1, 1, 100, [1, 1, 1], [1, 1, 1], 0, 0), // MG-11 still open, MG-12 duplicate
  all: row(3, 2, 0, 2, 2, 100, [2, 0.75, 1], [2, 6.5, 12], 6, 0),
};
const everyone = row(10, 9, 3, 9, 6, 66.67, [9, 1, 6], [9, 12, 118], 134, 1);

const figures = (r: SlaRow): Figures => {
  const { tenant: _t, priority: _p, ...rest } = r;
  return rest;
};

let close: () => void = () => {};
beforeAll(async () => {
  ({ close } = await openFixtureTable(inject('dynamoEndpoint'), exampleConfig(), uniqueTable('report')));
});
afterAll(() => close());

describe('report sla: figures from the event history', () => {
  it('matches the hand-computed November figures per tenant and priority (JSON)', async () => {
    const r = JSON.parse(await report('--month', '2026-11', '--format', 'json')) as SlaReport;
    expect(r.month).toBe('2026-11');
    // the month is Moscow's: Nov 1 00:00 to Dec 1 00:00 at UTC+3
    expect([r.from, r.to]).toEqual(['2026-10-31T21:00:00.000Z', '2026-11-30T21:00:00.000Z']);
    expect(r.tenants.map((t) => t.id)).toEqual(['clinic-north', 'clinic-south']);
    const [n, s] = r.tenants as [SlaReport['tenants'][number], SlaReport['tenants'][number]];
    expect(n.rows.map((x) => x.priority)).toEqual(['blocking', 'error', 'minor', 'settings', 'feature']);
    expect(Object.fromEntries(n.rows.map((x) => [x.priority, figures(x)]))).toEqual({
      blocking: north.blocking,
      error: north.error,
      minor: north.minor,
      settings: north.settings,
      feature: north.feature,
    });
    expect(figures(n.total)).toEqual(north.all);
    expect(n.breaches).toEqual([
      { ticketKey: 'MG-2', priority: 'error', at: '2026-11-16T15:01:00.000Z', deadline: '2026-11-16T15:00:00.000Z' },
      { ticketKey: 'MG-8', priority: 'settings', at: '2026-11-17T08:01:00.000Z', deadline: '2026-11-17T08:00:00.000Z' },
      { ticketKey: 'MG-4', priority: 'blocking', at: '2026-11-23T11:01:00.000Z', deadline: '2026-11-23T11:00:00.000Z' },
    ]);
    expect(s.rows.map((x) => x.priority)).toEqual(['partial', 'error']);
    expect(figures(s.rows[0]!)).toEqual(south.partial);
    expect(figures(s.rows[1]!)).toEqual(south.error);
    expect(figures(s.total)).toEqual(south.all);
    expect(s.breaches).toEqual([]);
    expect(figures(r.total)).toEqual(everyone);
  });

  it('filters one tenant', async () => {
    const r = JSON.parse(await report('--month', '2026-11', '--tenant', 'clinic-south', '--format', 'json')) as SlaReport;
    expect(r.tenants.map((t) => t.id)).toEqual(['clinic-south']);
    expect(figures(r.total)).toEqual(south.all);
  });

  it('counts October on its own: MG-13 and MG-6 opened, MG-13 closed; November tickets absent', async () => {
    const r = JSON.parse(await report('--month', '2026-10', '--tenant', 'clinic-north', '--format', 'json')) as SlaReport;
    const t = r.tenants[0]!;
    // MG-13: FR 1, resolution 8 + 1 = 9 (Oct 5 10:00 -> Oct 6 11:00); MG-6: FR 8 (Oct 20 10:00 -> Oct 21 10:00), still open at October's end
    expect(Object.fromEntries(t.rows.map((x) => [x.priority, figures(x)]))).toEqual({
      error: row(1, 1, 0, 1, 1, 100, [1, 1, 1], [1, 9, 9], 0, 0),
      feature: row(1, 0, 0, 0, 0, null, [1, 8, 8], [0, null, null], 0, 0),
    });
  });

  it('without --month reports the current month in the config zone to date, and says so first', async () => {
    // Nov 30 22:30 UTC is Dec 1 01:30 in Moscow: December to date, which holds MG-7 (created Dec 1 01:00)
    const { io, out } = collector();
    expect(await runReportCommand(['sla', '--format', 'json', ...CONFIG], io, new Date('2026-11-30T22:30:00Z'))).toBe(0);
    const r = JSON.parse(out.stdout) as SlaReport;
    expect(r.month).toBe('2026-12');
    expect(r.total.opened).toBe(1);
    expect(out.stderr).toBe('report sla: 2026-12, с начала месяца по 01.12.2026 01:30 (month to date), Europe/Moscow');
  });

  it('a month to date has the same figures as the month, and its Markdown says up to when in its first line', async () => {
    const lastMinute = new Date('2026-11-30T23:59:00+03:00');
    const run = async (...argv: string[]) => {
      const { io, out } = collector();
      expect(await runReportCommand(['sla', ...argv, ...CONFIG], io, lastMinute)).toBe(0);
      return out;
    };
    const toDate = await run('--format', 'json');
    const whole = await run('--month', '2026-11', '--format', 'json');
    expect(whole.stderr).toBe('');
    expect((JSON.parse(toDate.stdout) as SlaReport).tenants).toEqual((JSON.parse(whole.stdout) as SlaReport).tenants);
    const mdRun = await run();
    expect(mdRun.stderr).toBe(''); // the title says it: not twice on the terminal
    const md = mdRun.stdout.split('\n');
    expect(md[0]).toBe('# Отчёт о соблюдении SLA (SLA compliance report) — 2026-11, с начала месяца по 30.11.2026 23:59 (month to date)');
    expect(md[2]).toMatch(/^Период \(period\): 01\.11\.2026 — 30\.11\.2026, Europe\/Moscow\./);
    // mid-month: the period ends today, not on the 30th
    const { io, out } = collector();
    expect(await runReportCommand(['sla', '--format', 'html', ...CONFIG], io, new Date('2026-11-20T12:00:00+03:00'))).toBe(0);
    expect(out.stdout).toContain('<span id="period">01.11.2026 — 20.11.2026</span>');
    expect(out.stdout).toContain('SLA compliance report 2026-11, с начала месяца по 20.11.2026 12:00 (month to date)</span></h1>');
  });

  it('renders the same figures as Markdown', async () => {
    const md = await report('--month', '2026-11');
    expect(md).toContain('# Отчёт о соблюдении SLA (SLA compliance report) — 2026-11');
    expect(md).toContain('Период (period): 01.11.2026 — 30.11.2026, Europe/Moscow.');
    expect(md).toContain('## Северная клиника (clinic-north)');
    const lines = md.split('\n');
    expect(lines).toContain('| Блокировка (blocking) | 2 | 2 | 1 | 50% (1/2) | 0.25 | 0.5 | 5 | 6 | 0 | 0 |');
    expect(lines).toContain('| Ошибка работы (error) | 3 | 3 | 1 | 66.7% (2/3) | 2.5 | 6 | 27 | 50 | 8 | 0 |');
    expect(lines).toContain('| Мелкое исправление (minor) | 1 | 1 | 0 | 100% (1/1) | 2 | 2 | 86 | 86 | 80 | 1 |');
    expect(lines).toContain('| Дополнительные настройки (settings) | 1 | 0 | 1 | 0% (0/1) | 0.5 | 0.5 | — | — | 40 | 0 |');
    expect(lines).toContain('| Новые функции, доработки (feature) | 0 | 1 | 0 | — | — | — | 118 | 118 | 0 | 0 |');
    expect(lines).toContain('| Итого (all) | 7 | 7 | 3 | 57.1% (4/7) | 1 | 6 | 27 | 118 | 128 | 1 |');
    expect(lines).toContain('| Итого (all) | 3 | 2 | 0 | 100% (2/2) | 0.75 | 1 | 6.5 | 12 | 6 | 0 |');
    expect(lines).toContain('| Итого (all) | 10 | 9 | 3 | 66.7% (6/9) | 1 | 6 | 12 | 118 | 134 | 1 |');
    expect(lines).toContain('- MG-2, Ошибка работы (error): срок 16.11.2026 18:00, нарушение зафиксировано 16.11.2026 18:01');
  });

  it('renders the same figures as CSV', async () => {
    const csv = await report('--month', '2026-11', '--format', 'csv');
    expect(csv.split('\r\n')).toEqual([
      'month,tenant,priority,opened,closed,breached,settled,met,met_percent,first_response_count,first_response_median_bh,first_response_p90_bh,resolution_count,resolution_median_bh,resolution_p90_bh,paused_bh,auto_closed',
      '2026-11,clinic-north,blocking,2,2,1,2,1,50,2,0.25,0.5,2,5,6,0,0',
      '2026-11,clinic-north,error,3,3,1,3,2,66.67,3,2.5,6,3,27,50,8,0',
      '2026-11,clinic-north,minor,1,1,0,1,1,100,1,2,2,1,86,86,80,1',
      '2026-11,clinic-north,settings,1,0,1,1,0,0,1,0.5,0.5,0,,,40,0',
      '2026-11,clinic-north,feature,0,1,0,0,0,,0,,,1,118,118,0,0',
      '2026-11,clinic-north,all,7,7,3,7,4,57.14,7,1,6,7,27,118,128,1',
      '2026-11,clinic-south,partial,1,1,0,1,1,100,1,0.5,0.5,1,12,12,6,0',
      '2026-11,clinic-south,error,2,1,0,1,1,100,1,1,1,1,1,1,0,0',
      '2026-11,clinic-south,all,3,2,0,2,2,100,2,0.75,1,2,6.5,12,6,0',
      '2026-11,all,all,10,9,3,9,6,66.67,9,1,6,9,12,118,134,1',
      '',
    ]);
  });

  it('writes --out FILE and says so on stderr; shows progress on stderr only when it is a terminal', async () => {
    const file = join(tmpdir(), `maildesk-report-${process.pid}.csv`);
    const quiet = collector();
    expect(await runReportCommand(['sla', '--month', '2026-11', '--format', 'csv', '--out', file, ...CONFIG], quiet.io, FIXTURE_NOW)).toBe(0);
    expect(quiet.out.stdout).toBe('');
    expect(quiet.out.stderr).toMatch(/^wrote .*maildesk-report-\d+\.csv \(csv, \d+ bytes\): 2026-11, clinic-north, clinic-south$/);
    expect((await readFile(file, 'utf8')).split('\r\n')[2]).toBe('2026-11,clinic-north,error,3,3,1,3,2,66.67,3,2.5,6,3,27,50,8,0');
    await rm(file);

    let raw = '';
    const tty = collector({ stderrIsTty: true, stderrRaw: (t) => void (raw += t) });
    expect(await runReportCommand(['sla', '--month', '2026-11', '--format', 'json', ...CONFIG], tty.io, FIXTURE_NOW)).toBe(0);
    // 11 tickets can count: all of November's, MG-6 (closed in November); not MG-7 (December) or MG-13 (October)
    expect(raw).toContain('report sla 2026-11: loading ticket history 11/11 (100%)');
    expect(raw.endsWith('\r\u001b[K')).toBe(true);
    expect(tty.out.stderr).toBe('');
  });

  it.each([
    [['--month', '2026-13'], /--month: expected a month as YYYY-MM/],
    [['--month', '2026-11', '--format', 'pdf'], /--format: expected one of md, csv, html, json/],
    [['--month', '2026-11', '--tenant', 'nowhere'], /--tenant: unknown tenant "nowhere"; known: clinic-north, clinic-south/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j with a usage error', async (argv, message) => {
    const { io } = collector();
    await expect(runReportCommand(['sla', ...argv, ...CONFIG], io, FIXTURE_NOW)).rejects.toThrow(message);
    await expect(runReportCommand(['sla', ...argv, ...CONFIG], io, FIXTURE_NOW)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('report sla: the arithmetic', () => {
  it('median is the middle value (mean of the two middle ones); p90 is the nearest rank', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([1, 9, 2, 8])).toBe(5);
    expect(percentile([], 90)).toBeNull();
    expect(percentile([3, 1, 2], 90)).toBe(3);
    expect(percentile(Array.from({ length: 10 }, (_, i) => i + 1), 90)).toBe(9);
    expect(percentile(Array.from({ length: 11 }, (_, i) => i + 1), 90)).toBe(10);
  });

  it('months are local: Moscow has no DST, Berlin changes its offset inside March', () => {
    expect(monthWindow('2026-12', 'Europe/Moscow')).toEqual({ from: new Date('2026-11-30T21:00:00Z'), to: new Date('2026-12-31T21:00:00Z') });
    expect(monthWindow('2026-03', 'Europe/Berlin')).toEqual({ from: new Date('2026-02-28T23:00:00Z'), to: new Date('2026-03-31T22:00:00Z') });
    const calendar = new BusinessCalendar({ timezone: 'Europe/Moscow' });
    // Jan 1 00:30 in Moscow is still Dec 31 in UTC: the previous month is December
    expect(previousMonth(new Date('2026-12-31T21:30:00Z'), calendar)).toBe('2026-12');
    expect(previousMonth(new Date('2026-12-31T20:30:00Z'), calendar)).toBe('2026-11');
  });
});
