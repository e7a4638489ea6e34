/**
 * sweepDeadlines: what is due now, acted on once.
 * 1 query the sparse `due` index (every shard) for tickets whose next action is due: cost follows
 *   the tickets due, not the tickets stored
 * 2 for each, reload and work out every action due by `now`; act on the latest state only
 *   (a late sweep closes; it does not send a stale reminder or warning first)
 * 3 write the ticket (flags, next due) and the event in one transaction, on the version read; event
 *   ids are `<ticket>:<kind>:<deadline>`, so two sweeps at once, or one run twice, act once
 *   (the loser of a race changes nothing and reports nothing; the next sweep sees the new state)
 */
import type { MaildeskConfig } from '../config';
import type { BusinessCalendar } from '../domain/business-calendar';
import type { EventType, TicketEvent } from '../domain/events';
import { evolve } from '../domain/evolve';
import { slaPolicy } from '../domain/priorities';
import { isFinal, type DueKind, type NextDue, type Ticket } from '../domain/ticket';
import { featureSlotChange, withDeadlines } from '../domain/workflow';
import type { Logger } from '../log';
import { formatInstant, type Language } from '../mail/outbound/parts';
import { wordsOf } from '../mail/outbound/wording';
import type { DueIndex, TicketReader, TicketWriter } from './ports';

export interface SweepDeps {
  tickets: DueIndex & Pick<TicketReader, 'getTicket'> & Pick<TicketWriter, 'saveTicket'>;
  config: MaildeskConfig;
  calendar: BusinessCalendar;
  log: Logger;
}

export interface SweepAction {
  ticketKey: string;
  kind: DueKind;
  event: EventType;
  /** the deadline that passed (ISO) */
  deadline: string;
}

export interface SweepResult {
  /** tickets the index returned as due (what the sweep read) */
  due: number;
  /** actions written (or, in a dry run, that would be) */
  acted: SweepAction[];
  /** tickets another writer changed first: the next sweep looks again */
  raced: number;
  /** tickets that could not be handled (logged with the ticket key; then SweepIncompleteError is thrown) */
  failed: number;
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

/** Marks one action as done on the ticket, so the next due moves on: the ticket after its event. */
function markDone(ticket: Ticket, kind: DueKind, at: string): Ticket {
  return evolve(ticket, {
    id: `${ticket.key}:${kind}`,
    type: eventFor[kind],
    ticketKey: ticket.key,
    tenant: ticket.tenant,
    at,
    actor: { kind: 'system', address: null },
  });
}

interface Plan {
  /** the ticket as it is after every due action */
  next: Ticket;
  /** the actions that are reported (mailed); the others are only marked done */
  reported: NextDue[];
}

/**
 * Every action due by `now`, applied in deadline order. Only the most severe one is reported,
 * plus the missed 72 h response (a separate fact) unless the ticket is closed anyway.
 */
function plan(ticket: Ticket, deps: SweepDeps, now: Date): Plan {
  const ctx = { calendar: deps.calendar, sla: deps.config.sla };
  const nowIso = now.toISOString();
  let next = withDeadlines(ticket, ctx, now);
  const due: NextDue[] = [];
  // Each action's deadline is its own instant; collect all that passed, in order. Each step marks
  // one flag or closes the ticket, so a handful of steps is all there can be.
  for (let guard = 0; guard < 6 && next.nextDue && next.nextDue.at <= nowIso && !isFinal(next.status); guard++) {
    due.push(next.nextDue);
    next = withDeadlines(markDone(next, next.nextDue.kind, nowIso), ctx, now);
  }
  const top = due.reduce<NextDue | null>(
    (best, d) => (!best || severity[d.kind] >= severity[best.kind] ? d : best),
    null,
  );
  const reported = due.filter((d) => d === top || (d.kind === 'respond' && top?.kind !== 'auto_close'));
  return { next, reported };
}

/**
 * Some tickets could not be handled (a storage fault, a ticket the engine cannot read). Thrown after
 * every other due ticket was handled, so the scheduled invocation fails visibly and is retried,
 * while one bad ticket never holds up the rest. `result` says what was done.
 */
export class SweepIncompleteError extends Error {
  constructor(
    readonly result: SweepResult,
    readonly causes: Error[],
  ) {
    super(
      `sweep: ${result.failed} of ${result.due} due tickets could not be handled ` +
        `(${causes.map((c) => c.name).join(', ')}); they stay due`,
      { cause: causes[0] },
    );
    this.name = 'SweepIncompleteError';
  }
}

export async function sweepDeadlines(
  now: Date,
  deps: SweepDeps,
  options: { dryRun?: boolean } = {},
): Promise<SweepResult> {
  const nowIso = now.toISOString();
  const candidates = await deps.tickets.findDue(nowIso);
  const result: SweepResult = { due: candidates.length, acted: [], raced: 0, failed: 0 };
  const causes: Error[] = [];
  for (const candidate of candidates) {
    try {
      // The index is eventually consistent and may be a sweep behind: decide on the ticket itself.
      const ticket = await deps.tickets.getTicket(candidate.key);
      if (!ticket) continue;
      const { next, reported } = plan(ticket, deps, now);
      const actions = reported.map((d) => ({
        ticketKey: ticket.key,
        kind: d.kind,
        event: eventFor[d.kind],
        deadline: d.at,
      }));
      if (options.dryRun) {
        result.acted.push(...actions);
        continue;
      }
      const changed =
        reported.length > 0 || next.nextDue?.at !== ticket.nextDue?.at || next.nextDue?.kind !== ticket.nextDue?.kind;
      if (!changed) continue;
      const events = reported.map((d) => sweepEvent(ticket, next, d, deps, now));
      const saved = await deps.tickets.saveTicket({
        ticket: { ...next, version: ticket.version + 1, updatedAt: events.length ? nowIso : ticket.updatedAt },
        expectedVersion: ticket.version,
        events,
        messageIds: [],
        inboundId: null,
        // an auto-closed feature ticket gives its tenant's feature slot back
        featureSlot: featureSlotChange(ticket, next),
      });
      if (!saved.ok) {
        result.raced++;
        deps.log.info('sweep lost a race: the next sweep looks again', { ticketKey: ticket.key, reason: saved.reason });
        continue;
      }
      result.acted.push(...actions);
      if (events.length)
        deps.log.info('deadline acted on', { ticketKey: ticket.key, events: events.map((e) => e.type) });
    } catch (error) {
      // One ticket the sweep cannot handle must not hold up the others; it stays due and is retried.
      result.failed++;
      causes.push(error as Error);
      deps.log.error('sweep could not handle a ticket', { ticketKey: candidate.key, error: (error as Error).name });
    }
  }
  if (causes.length) throw new SweepIncompleteError(result, causes);
  return result;
}

function sweepEvent(ticket: Ticket, next: Ticket, d: NextDue, deps: SweepDeps, now: Date): TicketEvent {
  const lang: Language = deps.config.tenants.find((t) => t.id === ticket.tenant)?.language ?? 'ru';
  return {
    id: `${ticket.key}:${d.kind}:${d.at}`,
    type: eventFor[d.kind],
    ticketKey: ticket.key,
    tenant: ticket.tenant,
    at: now.toISOString(),
    actor: { kind: 'system', address: null },
    priority: ticket.priority,
    ...(d.kind === 'auto_close' ? { from: ticket.status, to: 'closed_no_response' as const } : {}),
    reason: describe(d.kind, ticket, next, deps, now, lang),
    data: { kind: d.kind, deadline: d.at },
  };
}

/** A short line for the engineers' mail: what happened and how much time is left or over (words: team.sweep). */
function describe(kind: DueKind, ticket: Ticket, next: Ticket, deps: SweepDeps, now: Date, lang: Language): string {
  const w = wordsOf(lang).team.sweep;
  const at = (iso: string | null) => formatInstant(iso, deps.config.timezone, lang) ?? '-';
  const dueAt = next.deadlines.dueAt;
  const business = slaPolicy[ticket.priority].clock === 'business';
  // Business priorities count support hours, calendar ones wall hours: say which. To the minute.
  const span = (from: Date, to: Date) => {
    const ms = business ? deps.calendar.businessMsBetween(from, to) : to.getTime() - from.getTime();
    const minutes = Math.round(Math.abs(ms) / 60_000);
    return w.span(Math.floor(minutes / 60), minutes % 60, business);
  };
  switch (kind) {
    case 'respond':
      return w.respond(at(next.deadlines.respondBy));
    case 'warn':
      // a warning always has a deadline; the heading says it all otherwise
      return dueAt ? w.warn(span(now, new Date(dueAt))) : '';
    case 'breach':
      return dueAt ? w.breach(span(new Date(dueAt), now)) : '';
    case 'remind':
      return w.remind(at(next.deadlines.autoCloseAt));
    case 'auto_close':
      return w.autoClose(wordsOf(lang).workingDays(deps.config.sla.autoCloseWorkingDays), at(ticket.waitingSince));
  }
}
