/**
 * SLA compliance of one month, computed from tickets and their event history. Pure: the caller
 * loads the history (load-history.ts) and passes `now` (it ends pauses still open).
 *
 * Definitions (the month is [1st 00:00, next 1st 00:00) in the config's time zone; every duration
 * is business time by the configured calendar, in hours; rows group tickets by their current
 * tenant and priority):
 * - opened: tickets created in the month;
 * - closed: tickets whose FIRST final status (closed, duplicate, infeasible, cancelled,
 *   closed_no_response) was reached in the month; they are the resolution-time sample;
 * - first response: created -> first status change out of `open`, for tickets first answered in
 *   the month; resolution: created -> first final status, for the tickets closed in the month;
 *   median (mean of the two middle values for an even count) and p90 (nearest rank);
 * - breached: tickets whose first `sla.breached` event is in the month;
 * - met %: of the tickets with a deadline (priorities with a deadline in the policy table) whose
 *   SLA outcome was settled in the month (first of: first breach, first final status), the share
 *   resolved before any breach;
 * - paused: business hours the tickets spent waiting for the customer (ticket.pauses) inside the
 *   month (an open pause runs until `now`);
 * - auto-closed: tickets with a `ticket.auto_closed` event in the month.
 */
import type { MaildeskConfig } from '../config';
import type { BusinessCalendar } from '../domain/business-calendar';
import type { TicketEvent } from '../domain/events';
import { priorityCodes, slaPolicy, type Priority } from '../domain/priorities';
import { isFinal, type Ticket } from '../domain/ticket';
import { type BlockingTimeline, blockingTimelines } from './blocking-timeline';
import { type GateSection, gateSection } from './gates-report';

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

export interface TenantSection {
  id: string;
  name: string;
  rows: SlaRow[];
  total: SlaRow;
  breaches: Breach[];
  /** code changes closed with their documentation, tickets outside the support contract (gates-report.ts) */
  gates?: GateSection;
  /** the month's blocking incidents, with the clinic's Telegram group comments (blocking-timeline.ts) */
  timelines?: BlockingTimeline[];
}

export interface SlaReport {
  month: string;
  timezone: string;
  /** the month as UTC instants: [from, to) */
  from: string;
  to: string;
  generatedAt: string;
  tenants: TenantSection[];
  /** all tenants of the report together */
  total: SlaRow;
}

export interface SlaReportOptions {
  month: string;
  /** tenant ids to report on; default every tenant of the config */
  tenants?: readonly string[];
  now: Date;
}

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The zone's UTC offset at an instant, in ms (local wall time minus UTC). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const f: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') f[p.type] = Number(p.value);
  const wall = Date.UTC(f.year ?? 1970, (f.month ?? 1) - 1, f.day ?? 1, f.hour ?? 0, f.minute ?? 0, f.second ?? 0);
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/** The UTC instant of local midnight starting a civil date in a zone. */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(guess, timeZone));
}

/** A month (YYYY-MM) as the UTC instants [from, to) of its local midnights. */
export function monthWindow(month: string, timeZone: string): { from: Date; to: Date } {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new RangeError(`expected a month as YYYY-MM, got "${month}"`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  return {
    from: zonedMidnight(year, mon, 1, timeZone),
    to: mon === 12 ? zonedMidnight(year + 1, 1, 1, timeZone) : zonedMidnight(year, mon + 1, 1, timeZone),
  };
}

/** The month before the one `now` falls in, in the calendar's zone. */
export function previousMonth(now: Date, calendar: BusinessCalendar): string {
  const [y, m] = calendar.localDate(now).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
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

interface Acc {
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

const emptyAcc = (): Acc => ({
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

function merge(into: Acc, from: Acc): void {
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

const isEmpty = (a: Acc) =>
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

function toRow(tenant: string, priority: Priority | 'all', a: Acc): SlaRow {
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
function measure(
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

export function buildSlaReport(
  histories: readonly TicketHistory[],
  config: Pick<MaildeskConfig, 'tenants' | 'timezone'> & Partial<Pick<MaildeskConfig, 'documentationRequiredFor'>>,
  calendar: BusinessCalendar,
  options: SlaReportOptions,
): SlaReport {
  const { from, to } = monthWindow(options.month, config.timezone);
  const wanted = options.tenants ?? config.tenants.map((t) => t.id);
  const tenants = config.tenants.filter((t) => wanted.includes(t.id));
  const byTenant = new Map(tenants.map((t) => [t.id, { acc: new Map<Priority, Acc>(), breaches: [] as Breach[] }]));
  for (const h of histories) {
    const section = byTenant.get(h.ticket.tenant);
    // Outside a support contract no SLA applies: such tickets are listed apart (gates), not measured.
    if (!section || h.ticket.outsideContract) continue;
    const { acc, breach } = measure(h, from.getTime(), to.getTime(), options.now.getTime(), calendar);
    const row = section.acc.get(h.ticket.priority) ?? emptyAcc();
    merge(row, acc);
    section.acc.set(h.ticket.priority, row);
    if (breach) section.breaches.push(breach);
  }
  const grand = emptyAcc();
  const sections: TenantSection[] = tenants.map((t) => {
    const s = byTenant.get(t.id)!;
    const total = emptyAcc();
    const rows: SlaRow[] = [];
    for (const p of priorityCodes) {
      const a = s.acc.get(p);
      if (!a || isEmpty(a)) continue;
      rows.push(toRow(t.id, p, a));
      merge(total, a);
    }
    merge(grand, total);
    s.breaches.sort((a, b) => a.at.localeCompare(b.at) || a.ticketKey.localeCompare(b.ticketKey));
    const gates = gateSection(histories, t.id, from.getTime(), to.getTime(), config.documentationRequiredFor);
    const timelines = blockingTimelines(histories, t.id, from.getTime(), to.getTime());
    return {
      id: t.id,
      name: t.name,
      rows,
      total: toRow(t.id, 'all', total),
      breaches: s.breaches,
      gates,
      ...(timelines.length ? { timelines } : {}),
    };
  });
  return {
    month: options.month,
    timezone: config.timezone,
    from: from.toISOString(),
    to: to.toISOString(),
    generatedAt: options.now.toISOString(),
    tenants: sections,
    total: toRow('all', 'all', grand),
  };
}
