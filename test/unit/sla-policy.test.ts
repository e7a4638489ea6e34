import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { computeDeadlines, nextDue, validateDefer, warnAt, type SlaInput, type SlaSettings, type SlaTicket } from '../../shared/domain/sla-policy';
import type { Deadlines } from '../../shared/domain/ticket';

const calendar = new BusinessCalendar();
const sla: SlaSettings = { warnAt: 0.8, autoCloseWorkingDays: 10, reminderWorkingDaysBefore: 3, maxDeferWorkingDays: 14, respondWithinHours: 72 };
const HOUR = 3_600_000;

const iso = (s: string | null): string | null => (s === null ? null : new Date(s).toISOString());
const input = (over: Partial<SlaInput>): SlaInput => ({
  priority: 'error',
  createdAt: '2026-03-16T10:00:00+03:00', // a Monday opening, no holidays for weeks
  pauses: [],
  startedAt: null,
  deferredWd: 0,
  waitingSince: null,
  ...over,
});
const expected = (d: { [K in keyof Deadlines]: string | null }): Deadlines => ({
  respondBy: iso(d.respondBy),
  targetAt: iso(d.targetAt),
  dueAt: iso(d.dueAt),
  autoCloseAt: iso(d.autoCloseAt),
});

describe('computeDeadlines', () => {
  it.each([
    {
      name: 'error from Monday 12:00: 3 wd target, 5 wd deadline, 72 h to respond',
      in: input({ createdAt: '2026-03-16T12:00:00+03:00' }),
      out: { respondBy: '2026-03-19T12:00:00+03:00', targetAt: '2026-03-19T12:00:00+03:00', dueAt: '2026-03-23T12:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'minor from Friday 17:00',
      in: input({ priority: 'minor', createdAt: '2026-03-13T17:00:00+03:00' }),
      out: { respondBy: '2026-03-16T17:00:00+03:00', targetAt: '2026-03-18T17:00:00+03:00', dueAt: '2026-03-20T17:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'settings: 10 wd deadline, results at closing stay at 18:00',
      in: input({ priority: 'settings' }),
      out: { respondBy: '2026-03-19T10:00:00+03:00', targetAt: '2026-03-18T18:00:00+03:00', dueAt: '2026-03-27T18:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'created on a Saturday: the business clock starts Monday 10:00',
      in: input({ createdAt: '2026-03-14T15:00:00+03:00' }),
      out: { respondBy: '2026-03-17T15:00:00+03:00', targetAt: '2026-03-18T18:00:00+03:00', dueAt: '2026-03-20T18:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'created before the January holidays, counted in +05:00',
      in: input({ createdAt: '2025-12-30T14:00:00+05:00' }),
      out: { respondBy: '2026-01-02T12:00:00+03:00', targetAt: '2026-01-14T12:00:00+03:00', dueAt: '2026-01-16T12:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'pause of one business day moves target and deadline by one wd',
      in: input({ pauses: [{ from: '2026-03-17T10:00:00+03:00', to: '2026-03-18T10:00:00+03:00' }] }),
      out: { respondBy: '2026-03-20T10:00:00+03:00', targetAt: '2026-03-19T18:00:00+03:00', dueAt: '2026-03-23T18:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'a pause over a weekend only moves the wall clock',
      in: input({ createdAt: '2026-03-13T10:00:00+03:00', pauses: [{ from: '2026-03-14T00:00:00+03:00', to: '2026-03-16T00:00:00+03:00' }] }),
      out: { respondBy: '2026-03-18T10:00:00+03:00', targetAt: '2026-03-17T18:00:00+03:00', dueAt: '2026-03-19T18:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'overlapping pauses count once',
      in: input({
        pauses: [
          { from: '2026-03-17T10:00:00+03:00', to: '2026-03-17T16:00:00+03:00' },
          { from: '2026-03-17T14:00:00+03:00', to: '2026-03-18T10:00:00+03:00' },
        ],
      }),
      out: { respondBy: '2026-03-20T10:00:00+03:00', targetAt: '2026-03-19T18:00:00+03:00', dueAt: '2026-03-23T18:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'a pause inside another counts once',
      in: input({
        pauses: [
          { from: '2026-03-17T10:00:00+03:00', to: '2026-03-18T10:00:00+03:00' },
          { from: '2026-03-17T12:00:00+03:00', to: '2026-03-17T14:00:00+03:00' },
        ],
      }),
      out: { respondBy: '2026-03-20T10:00:00+03:00', targetAt: '2026-03-19T18:00:00+03:00', dueAt: '2026-03-23T18:00:00+03:00', autoCloseAt: null },
    },
    {
      name: '#defer 5 adds 5 wd to target and deadline',
      in: input({ deferredWd: 5 }),
      out: { respondBy: '2026-03-19T10:00:00+03:00', targetAt: '2026-03-25T18:00:00+03:00', dueAt: '2026-03-27T18:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'blocking: 5 h of wall time, a 2 h pause moves it, night and weekend count; respond by no later than that',
      in: input({ priority: 'blocking', createdAt: '2026-03-14T22:00:00+03:00', pauses: [{ from: '2026-03-14T23:00:00+03:00', to: '2026-03-15T01:00:00+03:00' }] }),
      out: { respondBy: '2026-03-15T05:00:00+03:00', targetAt: null, dueAt: '2026-03-15T05:00:00+03:00', autoCloseAt: null },
    },
    {
      name: 'partial: 48 h of wall time, within the 72 h to respond',
      in: input({ priority: 'partial', createdAt: '2026-03-13T17:00:00Z' }),
      out: { respondBy: '2026-03-15T17:00:00Z', targetAt: null, dueAt: '2026-03-15T17:00:00Z', autoCloseAt: null },
    },
    {
      name: 'feature: 15 wd from the first in_progress, no deadline',
      in: input({ priority: 'feature', createdAt: '2026-03-02T10:00:00+03:00', startedAt: '2026-03-16T10:00:00+03:00' }),
      out: { respondBy: '2026-03-05T10:00:00+03:00', targetAt: '2026-04-03T18:00:00+03:00', dueAt: null, autoCloseAt: null },
    },
    {
      name: 'feature not started: no target yet',
      in: input({ priority: 'feature' }),
      out: { respondBy: '2026-03-19T10:00:00+03:00', targetAt: null, dueAt: null, autoCloseAt: null },
    },
    {
      name: 'feature: pauses before the start do not count',
      in: input({ priority: 'feature', createdAt: '2026-03-02T10:00:00+03:00', startedAt: '2026-03-16T10:00:00+03:00', pauses: [{ from: '2026-03-03T10:00:00+03:00', to: '2026-03-10T10:00:00+03:00' }] }),
      out: { respondBy: '2026-03-12T10:00:00+03:00', targetAt: '2026-04-03T18:00:00+03:00', dueAt: null, autoCloseAt: null },
    },
    {
      name: 'report: no SLA but the 72 h to respond',
      in: input({ priority: 'report', deferredWd: 3 }),
      out: { respondBy: '2026-03-19T10:00:00+03:00', targetAt: null, dueAt: null, autoCloseAt: null },
    },
    {
      name: 'waiting: auto-close 10 wd after waiting started',
      in: input({ waitingSince: '2026-03-16T15:00:00+03:00', pauses: [{ from: '2026-03-16T15:00:00+03:00', to: '2026-03-17T15:00:00+03:00' }] }),
      out: { respondBy: '2026-03-20T10:00:00+03:00', targetAt: '2026-03-19T18:00:00+03:00', dueAt: '2026-03-23T18:00:00+03:00', autoCloseAt: '2026-03-30T15:00:00+03:00' },
    },
    {
      name: 'year boundary 2026 to 2027: 5 wd from Dec 28',
      in: input({ createdAt: '2026-12-28T10:00:00+03:00' }),
      out: { respondBy: '2026-12-31T10:00:00+03:00', targetAt: '2026-12-30T18:00:00+03:00', dueAt: '2027-01-12T18:00:00+03:00', autoCloseAt: null },
    },
  ])('$name', ({ in: given, out }) => {
    expect(computeDeadlines(given, calendar, sla)).toEqual(expected(out));
  });

  it('a priority change is a recomputation from the creation time', () => {
    const asError = computeDeadlines(input({}), calendar, sla);
    const asBlocking = computeDeadlines(input({ priority: 'blocking' }), calendar, sla);
    expect(asError.dueAt).toBe(iso('2026-03-20T18:00:00+03:00'));
    expect(asBlocking.dueAt).toBe(iso('2026-03-16T15:00:00+03:00'));
    // the 72 h to respond hold for error; blocking must be answered within its 5 h
    expect(asError.respondBy).toBe(iso('2026-03-19T10:00:00+03:00'));
    expect(asBlocking.respondBy).toBe(asBlocking.dueAt);
  });

  it('an open pause ends at now; without now it never ends and what it delays is unknown', () => {
    const open = input({ pauses: [{ from: '2026-03-17T10:00:00+03:00', to: null }] });
    const closed = input({ pauses: [{ from: '2026-03-17T10:00:00+03:00', to: '2026-03-18T10:00:00+03:00' }] });
    expect(computeDeadlines(open, calendar, sla, new Date('2026-03-18T10:00:00+03:00'))).toEqual(computeDeadlines(closed, calendar, sla));
    expect(computeDeadlines(open, calendar, sla)).toEqual({ respondBy: null, targetAt: null, dueAt: null, autoCloseAt: null });
    // A deadline reached before the open pause starts is known regardless.
    const late = input({ priority: 'blocking', pauses: [{ from: '2026-03-16T20:00:00+03:00', to: null }] });
    expect(computeDeadlines(late, calendar, sla).dueAt).toBe(iso('2026-03-16T15:00:00+03:00'));
  });

  it('rejects a bad instant with the field name', () => {
    expect(() => computeDeadlines(input({ createdAt: 'yesterday' }), calendar, sla)).toThrow(/createdAt/);
  });

  it('property: pauses never bring a deadline earlier, and a pause outside business hours leaves business deadlines alone', () => {
    const start = Date.parse('2026-03-16T10:00:00+03:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * 24 }), fc.integer({ min: 1, max: 72 }), (offsetH, lengthH) => {
        const from = new Date(start + offsetH * HOUR).toISOString();
        const to = new Date(start + (offsetH + lengthH) * HOUR).toISOString();
        const base = computeDeadlines(input({}), calendar, sla);
        const paused = computeDeadlines(input({ pauses: [{ from, to }] }), calendar, sla);
        expect(Date.parse(paused.dueAt!)).toBeGreaterThanOrEqual(Date.parse(base.dueAt!));
        const business = calendar.businessMsBetween(new Date(from), new Date(to));
        const before = Date.parse(from) < Date.parse(base.dueAt!);
        // The deadline moves by exactly the business time paused before it was reached.
        const moved = calendar.businessMsBetween(new Date(base.dueAt!), new Date(paused.dueAt!));
        expect(moved).toBe(before ? business : 0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('warnAt', () => {
  it.each([
    { name: 'blocking: 4 of 5 h', in: input({ priority: 'blocking' }), at: '2026-03-16T14:00:00+03:00' },
    { name: 'blocking with a 1 h pause', in: input({ priority: 'blocking', pauses: [{ from: '2026-03-16T11:00:00+03:00', to: '2026-03-16T12:00:00+03:00' }] }), at: '2026-03-16T15:00:00+03:00' },
    { name: 'partial: 38.4 of 48 h', in: input({ priority: 'partial' }), at: '2026-03-18T00:24:00+03:00' },
    { name: 'error: 4 of 5 wd', in: input({}), at: '2026-03-19T18:00:00+03:00' },
    { name: 'error deferred 5: 8 of 10 wd', in: input({ deferredWd: 5 }), at: '2026-03-25T18:00:00+03:00' },
    { name: 'settings: 8 of 10 wd', in: input({ priority: 'settings' }), at: '2026-03-25T18:00:00+03:00' },
    { name: 'feature has no deadline', in: input({ priority: 'feature', startedAt: '2026-03-16T10:00:00+03:00' }), at: null },
    { name: 'report has no SLA', in: input({ priority: 'report' }), at: null },
  ])('$name', ({ in: given, at }) => {
    expect(warnAt(given, calendar, sla)).toBe(iso(at));
  });
});

describe('nextDue', () => {
  const ticket = (over: Partial<SlaTicket>): SlaTicket => ({
    ...input({}),
    status: 'in_progress',
    respondedAt: '2026-03-16T11:00:00+03:00',
    warned: false,
    breached: false,
    reminded: false,
    ...over,
  });

  it.each([
    { name: 'open, not taken into work: the 72 h check comes first', t: ticket({ status: 'open', respondedAt: null }), now: undefined, due: { kind: 'respond', at: '2026-03-19T10:00:00+03:00' } },
    {
      name: 'open, the missed 72 h already reported: the check is not repeated, the warning is next',
      t: ticket({ status: 'open', respondedAt: null, respondOverdue: true }),
      now: '2026-03-19T12:00:00+03:00',
      due: { kind: 'warn', at: '2026-03-19T18:00:00+03:00' },
    },
    { name: 'blocking open: the warning at 4 h comes before the 72 h check', t: ticket({ priority: 'blocking', status: 'open', respondedAt: null }), now: undefined, due: { kind: 'warn', at: '2026-03-16T14:00:00+03:00' } },
    { name: 'in progress: warn at 80 %', t: ticket({}), now: undefined, due: { kind: 'warn', at: '2026-03-19T18:00:00+03:00' } },
    { name: 'warned: breach at the deadline', t: ticket({ warned: true }), now: undefined, due: { kind: 'breach', at: '2026-03-20T18:00:00+03:00' } },
    { name: 'breached: nothing more', t: ticket({ warned: true, breached: true }), now: undefined, due: null },
    {
      name: 'waiting: the reminder 3 wd before the auto-close',
      t: ticket({ status: 'info_requested', waitingSince: '2026-03-16T15:00:00+03:00', pauses: [{ from: '2026-03-16T15:00:00+03:00', to: null }] }),
      now: undefined,
      due: { kind: 'remind', at: '2026-03-25T15:00:00+03:00' },
    },
    {
      name: 'waiting, reminded: the auto-close',
      t: ticket({ status: 'awaiting_test', reminded: true, waitingSince: '2026-03-16T15:00:00+03:00', pauses: [{ from: '2026-03-16T15:00:00+03:00', to: null }] }),
      now: undefined,
      due: { kind: 'auto_close', at: '2026-03-30T15:00:00+03:00' },
    },
    {
      name: 'a late sweep breaches instead of sending a stale warning',
      t: ticket({}),
      now: '2026-03-23T12:00:00+03:00',
      due: { kind: 'breach', at: '2026-03-20T18:00:00+03:00' },
    },
    {
      name: 'a sweep between warning and deadline still warns',
      t: ticket({}),
      now: '2026-03-20T12:00:00+03:00',
      due: { kind: 'warn', at: '2026-03-19T18:00:00+03:00' },
    },
    {
      name: 'a late sweep closes instead of sending a stale reminder',
      t: ticket({ status: 'info_requested', waitingSince: '2026-03-16T15:00:00+03:00', pauses: [{ from: '2026-03-16T15:00:00+03:00', to: null }] }),
      now: '2026-04-06T12:00:00+03:00',
      due: { kind: 'auto_close', at: '2026-03-30T15:00:00+03:00' },
    },
    { name: 'report in progress: nothing scheduled', t: ticket({ priority: 'report' }), now: undefined, due: null },
    { name: 'feature in progress: no deadline to warn about', t: ticket({ priority: 'feature', startedAt: '2026-03-16T10:00:00+03:00' }), now: undefined, due: null },
    { name: 'final status: nothing', t: ticket({ status: 'closed' }), now: undefined, due: null },
    { name: 'closed for no response: nothing', t: ticket({ status: 'closed_no_response', waitingSince: '2026-03-16T15:00:00+03:00' }), now: undefined, due: null },
  ] as const)('$name', ({ t, now, due }) => {
    const got = nextDue(t, calendar, sla, now === undefined ? undefined : new Date(now));
    expect(got).toEqual(due === null ? null : { kind: due.kind, at: iso(due.at) });
  });

  it('no reminder when reminderWorkingDaysBefore is 0', () => {
    const waiting = ticket({ status: 'info_requested', waitingSince: '2026-03-16T15:00:00+03:00' });
    expect(nextDue(waiting, calendar, { ...sla, reminderWorkingDaysBefore: 0 })).toEqual({ kind: 'auto_close', at: iso('2026-03-30T15:00:00+03:00') });
  });
});

describe('validateDefer', () => {
  it.each([
    { name: 'error, first defer of 14', p: 'error', already: 0, n: 14, ok: true, reason: null },
    { name: 'error, 10 + 4 fits exactly', p: 'error', already: 10, n: 4, ok: true, reason: null },
    { name: 'feature may be deferred', p: 'feature', already: 0, n: 3, ok: true, reason: null },
    { name: 'error, 10 + 5 is over 14', p: 'error', already: 10, n: 5, ok: false, reason: { code: 'defer-budget', max: 14, deferred: 10, left: 4 } },
    { name: 'blocking never', p: 'blocking', already: 0, n: 1, ok: false, reason: { code: 'not-deferrable', priority: 'blocking' } },
    { name: 'partial never', p: 'partial', already: 0, n: 1, ok: false, reason: { code: 'not-deferrable', priority: 'partial' } },
    { name: 'zero days', p: 'minor', already: 0, n: 0, ok: false, reason: { code: 'defer-syntax' } },
    { name: 'fractional days', p: 'minor', already: 0, n: 1.5, ok: false, reason: { code: 'defer-syntax' } },
  ] as const)('$name', ({ p, already, n, ok, reason }) => {
    const got = validateDefer(p, already, n, sla);
    if (ok) expect(got).toBeNull();
    else expect(got).toEqual(reason);
  });
});
