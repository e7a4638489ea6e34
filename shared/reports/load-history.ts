/** Loads the tickets (and their event history) that can count in a month's SLA report. */
import type { MaildeskConfig } from '../config';
import { mapLimit } from '../map-limit';
import type { BusinessCalendar } from '../domain/business-calendar';
import type { TicketStore } from '../use-cases/ports';
import { buildSlaReport, monthWindow, type SlaReport, type SlaReportOptions, type TicketHistory } from './sla-report';

export interface LoadHistoryOptions {
  tenants: readonly string[];
  from: Date;
  to: Date;
  /** called after each ticket's events are loaded (progress on a terminal) */
  onProgress?: (done: number, total: number) => void;
  /** parallel event queries */
  concurrency?: number;
}

/**
 * Tickets of the tenants (byTenant index), then the events of those that can matter: created
 * before the month ends, and changed since it began (every change writes `updatedAt` in the same
 * transaction as its events) or still waiting for the customer (an open pause counts).
 */
export async function loadHistory(
  store: Pick<TicketStore, 'listTickets' | 'listEvents'>,
  options: LoadHistoryOptions,
): Promise<TicketHistory[]> {
  const fromMs = options.from.getTime();
  const toMs = options.to.getTime();
  const tickets = (await Promise.all(options.tenants.map((tenant) => store.listTickets({ tenant })))).flat();
  const relevant = tickets.filter(
    (t) => Date.parse(t.createdAt) < toMs && (Date.parse(t.updatedAt) >= fromMs || t.pauses.some((p) => p.to === null)),
  );
  let done = 0;
  options.onProgress?.(0, relevant.length);
  return mapLimit(relevant, options.concurrency ?? 8, async (ticket) => {
    const history = { ticket, events: await store.listEvents(ticket.key) };
    options.onProgress?.(++done, relevant.length);
    return history;
  });
}

/** Loads what a month's report needs and builds it. */
export async function loadSlaReport(
  store: Pick<TicketStore, 'listTickets' | 'listEvents'>,
  config: MaildeskConfig,
  calendar: BusinessCalendar,
  options: SlaReportOptions & { onProgress?: (done: number, total: number) => void },
): Promise<SlaReport> {
  const tenants = options.tenants ?? config.tenants.map((t) => t.id);
  const { from, to } = monthWindow(options.month, config.timezone);
  const histories = await loadHistory(store, { tenants, from, to, onProgress: options.onProgress });
  return buildSlaReport(histories, config, calendar, { ...options, tenants });
}
