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
import { type Priority, priorityCodes } from '../domain/priorities';
import { type BlockingTimeline, blockingTimelines } from './blocking-timeline';
import { type GateSection, gateSection } from './gates-report';
import { monthWindow } from './report-month';
import {
  type Acc,
  type Breach,
  emptyAcc,
  isEmpty,
  measure,
  merge,
  type SlaRow,
  type TicketHistory,
  toRow,
} from './sla-statistics';

// The report's readers import its parts from here: the month arithmetic and the row statistics live apart.
export { MONTH_PATTERN, monthWindow, previousMonth } from './report-month';
export {
  type Breach,
  type DurationStats,
  hasDeadline,
  median,
  percentile,
  type SlaRow,
  type TicketHistory,
} from './sla-statistics';

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
