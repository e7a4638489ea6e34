/**
 * Issue 17: the response deadline never lies after the resolution deadline. A blocking ticket must
 * not say "respond by" 72 h away next to a 5 h deadline, and a response deadline that is the same
 * as the resolution deadline (or later, so moot) is never scheduled as an alarm of its own.
 * One table over every priority and several opening instants (weekday, Friday evening, weekend,
 * before the January holidays).
 */
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { priorityCodes, slaPolicy } from '../../shared/domain/priorities';
import { computeDeadlines, nextDue, type SlaInput, type SlaSettings, type SlaTicket } from '../../shared/domain/sla-policy';

const calendar = new BusinessCalendar();
const sla: SlaSettings = { warnAt: 0.8, autoCloseWorkingDays: 10, reminderWorkingDaysBefore: 3, maxDeferWorkingDays: 14, respondWithinHours: 72 };
const HOUR = 3_600_000;
const openings = ['2026-03-16T12:00:00+03:00', '2026-03-13T17:00:00+03:00', '2026-03-14T15:00:00+03:00', '2025-12-30T14:00:00+03:00'];

const input = (priority: SlaInput['priority'], createdAt: string): SlaInput => ({
  priority,
  createdAt,
  pauses: [],
  startedAt: priority === 'feature' ? createdAt : null,
  deferredWd: 0,
  waitingSince: null,
});
const cases = priorityCodes.flatMap((priority) => openings.map((createdAt) => ({ priority, createdAt })));

describe('respond by never after the deadline, for every priority', () => {
  it.each(cases)('$priority opened $createdAt', ({ priority, createdAt }) => {
    const d = computeDeadlines(input(priority, createdAt), calendar, sla);
    const wall72 = Date.parse(createdAt) + sla.respondWithinHours * HOUR;
    const due = d.dueAt === null ? null : Date.parse(d.dueAt);
    // the 72 h, unless the ticket must be solved before that: then solving it is the answer
    const expected = due !== null && due < wall72 ? due : wall72;
    expect(Date.parse(d.respondBy!)).toBe(expected);
    if (due !== null) expect(Date.parse(d.respondBy!)).toBeLessThanOrEqual(due);
  });

  it('blocking: respond by is the 5 h deadline, not 72 h away', () => {
    const d = computeDeadlines(input('blocking', '2026-03-16T12:00:00+03:00'), calendar, sla);
    expect(d).toMatchObject({ respondBy: '2026-03-16T14:00:00.000Z', dueAt: '2026-03-16T14:00:00.000Z' });
  });

  it('a defer moves the deadline, and the 72 h stay where they are', () => {
    const d = computeDeadlines({ ...input('error', '2026-03-16T12:00:00+03:00'), deferredWd: 3 }, calendar, sla);
    expect(d.respondBy).toBe('2026-03-19T09:00:00.000Z');
  });
});

describe('the response check is an alarm only when it comes before the deadline', () => {
  const open = (priority: SlaInput['priority'], createdAt: string, over: Partial<SlaTicket> = {}): SlaTicket => ({
    ...input(priority, createdAt),
    startedAt: null,
    status: 'open',
    respondedAt: null,
    warned: false,
    breached: false,
    reminded: false,
    ...over,
  });

  it.each(cases)('$priority opened $createdAt, left open: every scheduled respond precedes the deadline', ({ priority, createdAt }) => {
    // walk the schedule as the sweep does, marking each action done, and collect what it would raise
    let t = open(priority, createdAt);
    const kinds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const due = nextDue(t, calendar, sla);
      if (!due) break;
      kinds.push(due.kind);
      if (due.kind === 'respond') t = { ...t, respondOverdue: true };
      if (due.kind === 'warn') t = { ...t, warned: true };
      if (due.kind === 'breach') t = { ...t, warned: true, breached: true };
    }
    const d = computeDeadlines(t, calendar, sla);
    const respondMatters = d.dueAt === null || Date.parse(d.respondBy!) < Date.parse(d.dueAt);
    expect(kinds.filter((k) => k === 'respond')).toHaveLength(respondMatters ? 1 : 0);
    expect(kinds.filter((k) => k === 'breach')).toHaveLength(d.dueAt === null ? 0 : 1);
    // calendar priorities solve within the 72 h: the breach is their only late alarm
    if (slaPolicy[priority].clock === 'calendar') expect(kinds).toEqual(['warn', 'breach']);
  });

  it('blocking, breached: no response alarm days later', () => {
    const t = open('blocking', '2026-03-16T12:00:00+03:00', { warned: true, breached: true });
    expect(nextDue(t, calendar, sla, new Date('2026-03-25T12:00:00+03:00'))).toBeNull();
  });
});
