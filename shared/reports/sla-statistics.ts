/**
 * The statistics of the SLA report (definitions in sla-report.ts): what one ticket contributes to its
 * tenant-and-priority row in a month, how rows add up, and the medians and p90s of their durations.
 */
import type { BusinessCalendar } from '../domain/business-calendar';
import type { TicketEvent } from '../domain/events';
import { type Priority, slaPolicy } from '../domain/priorities';
import { isFinal, type Ticket } from '../domain/ticket';

const HOUR_MS = 3_600_000;

export interface TicketHistory {
  ticket: Ticket;
  events: TicketEvent[];
}

export interface DurationStats {
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface SlaRow {
  tenant: string;
  /** 'all': the tenant's (or the whole report's) total */
  priority: Priority | 'all';
  opened: number;
  closed: number;
  breached: number;
  /** tickets with a deadline whose SLA outcome was settled in the month */
  settled: number;
  met: number;
  /** null when nothing was settled */
  metPercent: number | null;
  firstResponse: DurationStats;
  resolution: DurationStats;
  pausedHours: number;
  autoClosed: number;
}

export interface Breach {
  ticketKey: string;
  priority: Priority;
  /** when the sweep recorded the breach */
  at: string;
  /** the deadline that was missed, when the event carries it */
  deadline: string | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** A row being added up: counts, and the durations (business hours) whose median and p90 it reports. */
export interface Acc {
  opened: number;
  closed: number;
  breached: number;
  settled: number;
  met: number;
  firstResponse: number[];
  resolution: number[];
  pausedMs: number;
  autoClosed: number;
}

export const emptyAcc = (): Acc => ({
  opened: 0,
  closed: 0,
  breached: 0,
  settled: 0,
  met: 0,
  firstResponse: [],
  resolution: [],
  pausedMs: 0,
  autoClosed: 0,
});

export function merge(into: Acc, from: Acc): void {
  into.opened += from.opened;
  into.closed += from.closed;
  into.breached += from.breached;
  into.settled += from.settled;
  into.met += from.met;
  into.firstResponse.push(...from.firstResponse);
  into.resolution.push(...from.resolution);
  into.pausedMs += from.pausedMs;
  into.autoClosed += from.autoClosed;
}

export const isEmpty = (a: Acc) =>
  a.opened + a.closed + a.breached + a.settled + a.firstResponse.length + a.pausedMs + a.autoClosed === 0;

const stats = (hours: number[]): DurationStats => {
  const med = median(hours);
  const p90 = percentile(hours, 90);
  return {
    count: hours.length,
    medianHours: med === null ? null : round2(med),
    p90Hours: p90 === null ? null : round2(p90),
  };
};

export function toRow(tenant: string, priority: Priority | 'all', a: Acc): SlaRow {
  return {
    tenant,
    priority,
    opened: a.opened,
    closed: a.closed,
    breached: a.breached,
    settled: a.settled,
    met: a.met,
    metPercent: a.settled ? round2((a.met / a.settled) * 100) : null,
    firstResponse: stats(a.firstResponse),
    resolution: stats(a.resolution),
    pausedHours: round2(a.pausedMs / HOUR_MS),
    autoClosed: a.autoClosed,
  };
}

export const hasDeadline = (p: Priority): boolean =>
  slaPolicy[p].deadlineHours !== null || slaPolicy[p].deadlineWd !== null;

/** What one ticket contributes to its row. */
export function measure(
  h: TicketHistory,
  from: number,
  to: number,
  now: number,
  calendar: BusinessCalendar,
): { acc: Acc; breach: Breach | null } {
  const { ticket } = h;
  const acc = emptyAcc();
  const inMonth = (t: number | null): t is number => t !== null && t >= from && t < to;
  const events = [...h.events].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  const created = Date.parse(ticket.createdAt);
  const firstAt = (pred: (e: TicketEvent) => boolean): number | null => {
    const e = events.find(pred);
    return e ? Date.parse(e.at) : null;
  };
  const respondedAt = firstAt((e) => e.from === 'open' && e.to !== undefined && e.to !== 'open');
  const resolvedAt = firstAt((e) => e.to !== undefined && isFinal(e.to));
  const breachEvent = events.find((e) => e.type === 'sla.breached') ?? null;
  const breachedAt = breachEvent ? Date.parse(breachEvent.at) : null;
  const hours = (a: number, b: number) => calendar.businessMsBetween(new Date(a), new Date(b)) / HOUR_MS;

  if (inMonth(created)) acc.opened = 1;
  if (inMonth(respondedAt)) acc.firstResponse.push(hours(created, respondedAt));
  if (inMonth(resolvedAt)) {
    acc.closed = 1;
    acc.resolution.push(hours(created, resolvedAt));
  }
  if (inMonth(breachedAt)) acc.breached = 1;
  if (hasDeadline(ticket.priority)) {
    const settledAt =
      breachedAt === null ? resolvedAt : resolvedAt === null ? breachedAt : Math.min(breachedAt, resolvedAt);
    if (inMonth(settledAt)) {
      acc.settled = 1;
      if (breachedAt === null || (resolvedAt !== null && resolvedAt < breachedAt)) acc.met = 1;
    }
  }
  for (const p of ticket.pauses) {
    const start = Math.max(Date.parse(p.from), from);
    const end = Math.min(p.to === null ? now : Date.parse(p.to), to);
    if (end > start) acc.pausedMs += calendar.businessMsBetween(new Date(start), new Date(end));
  }
  if (events.some((e) => e.type === 'ticket.auto_closed' && inMonth(Date.parse(e.at)))) acc.autoClosed = 1;
  const deadline = breachEvent?.data?.deadline;
  const breach =
    breachEvent && inMonth(breachedAt)
      ? {
          ticketKey: ticket.key,
          priority: ticket.priority,
          at: breachEvent.at,
          deadline: typeof deadline === 'string' ? deadline : null,
        }
      : null;
  return { acc, breach };
}
