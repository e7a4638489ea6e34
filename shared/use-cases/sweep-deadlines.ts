/**
 * sweepDeadlines: what is due now, acted on once.
 * 1 query the sparse `due` index (every shard) for tickets whose next action is due: cost follows
 *   the tickets due, not the tickets stored
 * 2 for each, reload and work out every action due by `now`; act on the latest state only
 *   (a late sweep closes; it does not send a stale reminder or warning first)
 * 3 write the ticket (flags, next due) and the event in one transaction; event ids are
 *   `<ticket>:<kind>:<deadline>`, so two sweeps at once, or one run twice, act once
 */
import type { MaildeskConfig } from '../config';
import type { BusinessCalendar } from '../domain/business-calendar';
import type { EventType, TicketEvent } from '../domain/events';
import { isFinal, type DueKind, type Ticket } from '../domain/ticket';
import { moveTo, withDeadlines } from '../domain/workflow';
import type { Logger } from '../log';
import type { TicketStore } from './ports';

export interface SweepDeps {
  tickets: TicketStore;
  config: MaildeskConfig;
  calendar: BusinessCalendar;
  log: Logger;
}

export interface SweepAction {
  ticketKey: string;
  kind: DueKind;
  event: EventType | null;
}

export interface SweepResult {
  due: number;
  acted: SweepAction[];
}

const eventFor: Record<DueKind, EventType> = {
  respond: 'sla.respond_overdue',
  warn: 'sla.warning',
  breach: 'sla.breached',
  remind: 'sla.reminder',
  auto_close: 'ticket.auto_closed',
};

/** Which of the actions due together is reported: the one that supersedes the others. */
const severity: Record<DueKind, number> = { respond: 0, warn: 1, remind: 1, breach: 2, auto_close: 3 };

/** Marks one action as done on the ticket, so the next due moves on. */
function markDone(ticket: Ticket, kind: DueKind, at: string): Ticket {
  switch (kind) {
    case 'respond':
      return { ...ticket, respondOverdue: true };
    case 'warn':
      return { ...ticket, warned: true };
    case 'breach':
      return { ...ticket, warned: true, breached: true };
    case 'remind':
      return { ...ticket, reminded: true };
    case 'auto_close':
      return moveTo(ticket, 'closed_no_response', at);
  }
}

export async function sweepDeadlines(now: Date, deps: SweepDeps, options: { dryRun?: boolean } = {}): Promise<SweepResult> {
  const ctx = { calendar: deps.calendar, sla: deps.config.sla };
  const nowIso = now.toISOString();
  const candidates = await deps.tickets.findDue(nowIso);
  const acted: SweepAction[] = [];
  for (const candidate of candidates) {
    const ticket = await deps.tickets.getTicket(candidate.key);
    if (!ticket) continue;
    let next = withDeadlines(ticket, ctx, now);
    const due: Array<{ kind: DueKind; at: string }> = [];
    // Each action's deadline is its own instant; collect all that passed, in order.
    for (let guard = 0; guard < 6 && next.nextDue && next.nextDue.at <= nowIso && !isFinal(next.status); guard++) {
      due.push(next.nextDue);
      next = withDeadlines(markDone(next, next.nextDue.kind, nowIso), ctx, now);
    }
    const events: TicketEvent[] = [];
    const top = due.reduce<{ kind: DueKind; at: string } | null>((best, d) => (!best || severity[d.kind] >= severity[best.kind] ? d : best), null);
    const reported = due.filter((d) => d === top || (d.kind === 'respond' && top?.kind !== 'auto_close'));
    for (const d of reported) {
      const type = eventFor[d.kind];
      events.push({
        id: `${ticket.key}:${d.kind}:${d.at}`,
        type,
        ticketKey: ticket.key,
        tenant: ticket.tenant,
        at: nowIso,
        actor: { kind: 'system', address: null },
        priority: ticket.priority,
        ...(d.kind === 'auto_close' ? { from: ticket.status, to: 'closed_no_response' as const } : {}),
        reason: describe(d.kind, ticket, now),
        data: { deadline: d.at },
      });
      acted.push({ ticketKey: ticket.key, kind: d.kind, event: type });
    }
    if (options.dryRun) continue;
    if (!due.length && next.nextDue?.at === ticket.nextDue?.at) continue;
    const result = await deps.tickets.saveTicket({ ticket: { ...next, version: ticket.version + 1, updatedAt: events.length ? nowIso : ticket.updatedAt }, expectedVersion: ticket.version, events, messageIds: [], inboundId: null });
    if (!result.ok) deps.log.info('sweep lost a race: the next sweep retries', { ticketKey: ticket.key, reason: result.reason });
    else if (events.length) deps.log.info('deadline acted on', { ticketKey: ticket.key, events: events.map((e) => e.type) });
  }
  return { due: candidates.length, acted };
}

function describe(kind: DueKind, ticket: Ticket, now: Date): string {
  const due = ticket.deadlines.dueAt ? Date.parse(ticket.deadlines.dueAt) - now.getTime() : null;
  const hours = due === null ? null : Math.round(Math.abs(due) / 360000) / 10;
  switch (kind) {
    case 'respond':
      return 'not taken into work within 72 hours';
    case 'warn':
      return hours === null ? 'deadline approaching' : `${hours} h left until the deadline`;
    case 'breach':
      return hours === null ? 'deadline passed' : `overdue by ${hours} h`;
    case 'remind':
      return 'waiting for the customer; auto-close approaching';
    case 'auto_close':
      return 'no answer from the customer within the waiting period';
  }
}
