/**
 * The SLA engine: deadlines from the policy table in priorities.ts, the business calendar and the
 * ticket's pauses. Pure: pass `now` where an open pause has to end somewhere.
 *
 * Both clocks stop during pauses (the ticket waits for the customer):
 * - calendar clock: N hours of wall time not inside a pause;
 * - business clock: N wd of business time not inside a pause.
 */
import type { MaildeskConfig } from '../config';
import type { BusinessCalendar } from './business-calendar';
import { slaPolicy, type Priority } from './priorities';
import type { CommandRejection } from './replies';
import { isFinal, isWaiting, type Deadlines, type DueKind, type NextDue, type Pause, type Ticket } from './ticket';

const HOUR_MS = 3_600_000;

export type SlaSettings = MaildeskConfig['sla'];

export interface SlaInput {
  priority: Priority;
  createdAt: string;
  /** Time waiting for the customer; `to` null = still waiting (ends at `now`, or never without it). */
  pauses: Pause[];
  /** First `in_progress`: the start of the feature clock. */
  startedAt: string | null;
  /** Working days added by `#defer` (business clock only). */
  deferredWd: number;
  waitingSince: string | null;
}

interface Interval {
  from: number;
  to: number;
}

/** A clock with pauses cut out, starting at `start`. */
interface ActiveClock {
  start: number;
  pauses: Interval[];
}

function instant(iso: string, what: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`${what} is not an ISO instant: "${iso}"`);
  return t;
}

const toIso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

/**
 * Pauses as sorted, merged intervals after `start`. An open pause ends at `now`; without `now`
 * it never ends (Infinity), so anything it would delay is unknown and reported as null.
 */
function activeClock(start: number, pauses: readonly Pause[], now: Date | undefined): ActiveClock {
  const intervals = pauses
    .map((p, i) => ({
      from: instant(p.from, `pauses[${i}].from`),
      to: p.to === null ? (now ? now.getTime() : Infinity) : instant(p.to, `pauses[${i}].to`),
    }))
    .map((p) => ({ from: Math.max(p.from, start), to: p.to }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const p of intervals) {
    const last = merged[merged.length - 1];
    if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else merged.push({ ...p });
  }
  return { start, pauses: merged };
}

/** The earliest instant with `ms` of wall time elapsed on the clock; null if a never-ending pause comes first. */
function addWallMs(clock: ActiveClock, ms: number): number | null {
  let cursor = clock.start;
  let remaining = ms;
  for (const p of clock.pauses) {
    if (p.from > cursor) {
      const span = p.from - cursor;
      if (remaining <= span) return cursor + remaining;
      remaining -= span;
    }
    cursor = Math.max(cursor, p.to);
    if (cursor === Infinity) return null;
  }
  return cursor + remaining;
}

/** The earliest instant with `ms` of business time elapsed on the clock; null if a never-ending pause comes first. */
function addBusinessMs(clock: ActiveClock, ms: number, calendar: BusinessCalendar): number | null {
  let cursor = clock.start;
  let remaining = ms;
  for (const p of clock.pauses) {
    if (p.from > cursor) {
      const span = calendar.businessMsBetween(new Date(cursor), new Date(p.from));
      if (remaining <= span) return calendar.addBusinessMs(new Date(cursor), remaining).getTime();
      remaining -= span;
    }
    cursor = Math.max(cursor, p.to);
    if (cursor === Infinity) return null;
  }
  return calendar.addBusinessMs(new Date(cursor), remaining).getTime();
}

/** Where the SLA clock of a ticket starts; null when it has not started (feature not yet in progress). */
function clockStart(input: SlaInput): number | null {
  const policy = slaPolicy[input.priority];
  if (policy.startsAt === 'first_in_progress')
    return input.startedAt === null ? null : instant(input.startedAt, 'startedAt');
  return instant(input.createdAt, 'createdAt');
}

/** The deadline's active duration and how to add it, or null when the priority has no deadline. */
function deadlineSpan(
  input: SlaInput,
  calendar: BusinessCalendar,
  fraction: number,
  now: Date | undefined,
): number | null {
  const policy = slaPolicy[input.priority];
  const start = clockStart(input);
  if (start === null) return null;
  const clock = activeClock(start, input.pauses, now);
  if (policy.clock === 'calendar' && policy.deadlineHours !== null) {
    return addWallMs(clock, Math.round(policy.deadlineHours * HOUR_MS * fraction));
  }
  if (policy.clock === 'business' && policy.deadlineWd !== null) {
    return addBusinessMs(
      clock,
      Math.round((policy.deadlineWd + input.deferredWd) * calendar.wdMs * fraction),
      calendar,
    );
  }
  return null;
}

export function computeDeadlines(input: SlaInput, calendar: BusinessCalendar, sla: SlaSettings, now?: Date): Deadlines {
  const policy = slaPolicy[input.priority];
  const created = instant(input.createdAt, 'createdAt');
  // The 72 h to take a ticket into work count for every priority, and stop while waiting too.
  const within = addWallMs(activeClock(created, input.pauses, now), sla.respondWithinHours * HOUR_MS);

  let targetAt: number | null = null;
  const start = clockStart(input);
  if (policy.clock === 'business' && policy.targetWd !== null && start !== null) {
    targetAt = addBusinessMs(
      activeClock(start, input.pauses, now),
      (policy.targetWd + input.deferredWd) * calendar.wdMs,
      calendar,
    );
  }
  const dueAt = deadlineSpan(input, calendar, 1, now);
  // Never "respond by" after "solve by": a ticket due in 5 h must be answered within those 5 h.
  const respondBy = within !== null && dueAt !== null ? Math.min(within, dueAt) : within;

  // Auto-close counts the wait itself, so no pause applies to it.
  const autoCloseAt =
    input.waitingSince === null
      ? null
      : calendar
          .addWorkingDays(new Date(instant(input.waitingSince, 'waitingSince')), sla.autoCloseWorkingDays)
          .getTime();

  return {
    respondBy: toIso(respondBy),
    targetAt: toIso(targetAt),
    dueAt: toIso(dueAt),
    autoCloseAt: toIso(autoCloseAt),
  };
}

/**
 * When engineers are warned: `sla.warnAt` of the deadline's active time (wall hours for calendar
 * priorities, business ms for business ones). Null without a deadline: feature work has only a
 * target ("from 15 wd"), reports have no SLA.
 */
export function warnAt(input: SlaInput, calendar: BusinessCalendar, sla: SlaSettings, now?: Date): string | null {
  return toIso(deadlineSpan(input, calendar, sla.warnAt, now));
}

export type SlaTicket = Pick<
  Ticket,
  | 'priority'
  | 'createdAt'
  | 'pauses'
  | 'startedAt'
  | 'deferredWd'
  | 'waitingSince'
  | 'status'
  | 'respondedAt'
  | 'warned'
  | 'breached'
  | 'reminded'
> &
  /** engineers were already told it was not taken into work within 72 h: that check is done */
  Partial<Pick<Ticket, 'respondOverdue'>>;

/** Later actions of a chain make the earlier ones stale once both are due. */
const supersededBy: Partial<Record<DueKind, DueKind>> = { warn: 'breach', remind: 'auto_close' };

/**
 * The earliest pending scheduled action of a ticket, or null. While the ticket waits for the
 * customer its SLA clock is stopped, so only the reminder and the auto-close are scheduled.
 * With `now`, an action already overtaken by a due later one of its chain (warn by breach,
 * remind by auto_close) is dropped: a late sweep acts on the latest state only.
 */
export function nextDue(ticket: SlaTicket, calendar: BusinessCalendar, sla: SlaSettings, now?: Date): NextDue | null {
  if (isFinal(ticket.status)) return null;
  const candidates: { kind: DueKind; at: number }[] = [];
  const add = (kind: DueKind, at: string | null): void => {
    if (at !== null) candidates.push({ kind, at: Date.parse(at) });
  };
  const input: SlaInput = ticket;

  if (ticket.status === 'open' && ticket.respondedAt === null && !ticket.respondOverdue) {
    // A response deadline at the resolution deadline is moot: the breach is the one alarm then.
    const { respondBy, dueAt } = computeDeadlines(input, calendar, sla, now);
    if (respondBy !== null && (dueAt === null || respondBy < dueAt)) add('respond', respondBy);
  }
  if (isWaiting(ticket.status)) {
    const since = ticket.waitingSince ?? ticket.pauses.find((p) => p.to === null)?.from ?? null;
    if (since !== null) {
      const start = new Date(instant(since, 'waitingSince'));
      const closeAt = calendar.addWorkingDays(start, sla.autoCloseWorkingDays);
      // A reminder of 0 wd before would go out with the closing mail: none is sent.
      if (!ticket.reminded && sla.reminderWorkingDaysBefore > 0) {
        const remindAt = calendar.addWorkingDays(
          start,
          Math.max(0, sla.autoCloseWorkingDays - sla.reminderWorkingDaysBefore),
        );
        add('remind', remindAt.toISOString());
      }
      add('auto_close', closeAt.toISOString());
    }
  } else if (!ticket.breached) {
    if (!ticket.warned) add('warn', warnAt(input, calendar, sla, now));
    add('breach', computeDeadlines(input, calendar, sla, now).dueAt);
  }

  let pending = candidates;
  if (now) {
    const due = new Set(candidates.filter((c) => c.at <= now.getTime()).map((c) => c.kind));
    pending = candidates.filter((c) => {
      const later = supersededBy[c.kind];
      return !(later && due.has(c.kind) && due.has(later));
    });
  }
  // Stable: on a tie the action listed first (respond, warn, breach, remind, auto_close) wins.
  const first = pending.reduce<{ kind: DueKind; at: number } | null>(
    (best, c) => (best === null || c.at < best.at ? c : best),
    null,
  );
  return first === null ? null : { kind: first.kind, at: new Date(first.at).toISOString() };
}

/** Null when `#defer n` is allowed, else why not (the words are outbound's). */
export function validateDefer(
  priority: Priority,
  alreadyDeferredWd: number,
  n: number,
  sla: SlaSettings,
): CommandRejection | null {
  if (!slaPolicy[priority].deferrable) return { code: 'not-deferrable', priority };
  if (!Number.isInteger(n) || n < 1) return { code: 'defer-syntax' };
  const left = sla.maxDeferWorkingDays - alreadyDeferredWd;
  if (n > left) {
    return { code: 'defer-budget', max: sla.maxDeferWorkingDays, deferred: alreadyDeferredWd, left: Math.max(0, left) };
  }
  return null;
}
