/**
 * A ticket as the CLI shows it: where it stands against its deadline (time left on its own SLA clock),
 * times in the desk's zone, its fields in a fixed order, and everyone on it. Pure: no store, no I/O.
 */
import type { MaildeskConfig } from '../config';
import type { BusinessCalendar } from '../domain/business-calendar';
import type { TicketEvent } from '../domain/events';
import { slaPolicy } from '../domain/priorities';
import { computeDeadlines } from '../domain/sla-policy';
import { isFinal, isWaiting, templateFieldNames, type Ticket } from '../domain/ticket';
import { wallTime } from './zone-time';

export const HOUR_MS = 3_600_000;

/** Where a ticket stands against its deadline right now. */
export interface TimeLeft {
  /** the deadline in force now (dueAt, else the target); moves while the ticket waits for the customer */
  deadline: string | null;
  /**
   * hours left on the ticket's own SLA clock (business hours, or wall hours for blocking/partial), waits for the
   * customer excluded; negative when overdue
   */
  hoursLeft: number | null;
  clock: 'business' | 'calendar' | null;
  overdue: boolean;
  /** waiting for the customer: the SLA clock is stopped */
  paused: boolean;
}

/**
 * The current deadline recomputed at `now` (an open pause lasts until now, so a waiting ticket's
 * deadline moves with the clock stopped) and the time left on the ticket's clock. Final tickets
 * have no time left.
 */
export function timeLeft(ticket: Ticket, config: MaildeskConfig, calendar: BusinessCalendar, now: Date): TimeLeft {
  // Finished, or outside a support contract (no SLA at all): no time left to show.
  if (isFinal(ticket.status) || ticket.outsideContract)
    return { deadline: null, hoursLeft: null, clock: null, overdue: false, paused: false };
  const deadlines = computeDeadlines(ticket, calendar, config.sla, now);
  const due = deadlines.dueAt ?? deadlines.targetAt;
  const paused = isWaiting(ticket.status);
  if (!due) return { deadline: null, hoursLeft: null, clock: null, overdue: false, paused };
  const dueAt = new Date(due);
  const clock = slaPolicy[ticket.priority].clock === 'calendar' ? 'calendar' : 'business';
  const overdue = dueAt.getTime() < now.getTime();
  // Time on the SLA clock: wall or business time, minus the waits for the customer in between.
  const span = (a: number, b: number) =>
    clock === 'calendar' ? b - a : calendar.businessMsBetween(new Date(a), new Date(b));
  const clockMs = (a: number, b: number) =>
    ticket.pauses.reduce(
      (total, p) => {
        const from = Math.max(a, Date.parse(p.from));
        const to = Math.min(b, p.to === null ? now.getTime() : Date.parse(p.to));
        return to > from ? total - span(from, to) : total;
      },
      span(a, b),
    );
  const ms = overdue ? -clockMs(dueAt.getTime(), now.getTime()) : clockMs(now.getTime(), dueAt.getTime());
  const hoursLeft = Math.round((ms / HOUR_MS) * 10) / 10;
  return { deadline: due, hoursLeft: hoursLeft === 0 ? 0 : hoursLeft, clock, overdue, paused };
}

/** 2026-11-02T08:00:00Z -> "2026-11-02 11:00" in the zone. */
export function localTime(iso: string | null, timeZone: string): string {
  if (!iso) return '-';
  const f = wallTime(new Date(iso), timeZone);
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}`;
}

/** The ticket's fields in the order of the Ticket type (DynamoDB returns a map in any order), then any others. */
const ticketFieldOrder: ReadonlyArray<keyof Ticket> = [
  'key',
  'number',
  'tenant',
  'requester',
  'requesterName',
  'cc',
  'summary',
  'department',
  'fields',
  'priority',
  'status',
  'statusBeforeWait',
  'assignee',
  'createdAt',
  'updatedAt',
  'respondedAt',
  'startedAt',
  'waitingSince',
  'pauses',
  'deferredWd',
  'deadlines',
  'breached',
  'warned',
  'respondOverdue',
  'reminded',
  'linkedTo',
  'duplicateOf',
  'attachments',
  'rootMessageId',
  'lastMessageId',
  'closedAt',
  'nextDue',
  'version',
];
export function orderedTicket(ticket: Ticket): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const source = ticket as unknown as Record<string, unknown>;
  for (const k of ticketFieldOrder) if (k in source) out[k] = source[k];
  for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
  const fields = out.fields as Record<string, unknown> | undefined;
  if (fields) out.fields = Object.fromEntries(templateFieldNames.map((f) => [f, fields[f] ?? null]));
  const d = ticket.deadlines;
  out.deadlines = { respondBy: d.respondBy, targetAt: d.targetAt, dueAt: d.dueAt, autoCloseAt: d.autoCloseAt };
  return out;
}

export interface Participant {
  address: string;
  role: 'requester' | 'cc' | 'customer' | 'engineer';
}

/** Everyone on the ticket: requester, Cc, the assignee, and whoever wrote to it. */
export function participantsOf(ticket: Ticket, events: TicketEvent[], config: MaildeskConfig): Participant[] {
  const out = new Map<string, Participant['role']>();
  const add = (address: string | null | undefined, role: Participant['role']) => {
    if (address && !out.has(address)) out.set(address, role);
  };
  add(ticket.requester, 'requester');
  for (const a of ticket.cc) add(a, 'cc');
  add(config.engineers.find((e) => e.login === ticket.assignee)?.address, 'engineer');
  for (const e of events) {
    if (!e.actor.address) continue;
    add(
      e.actor.address,
      e.actor.kind === 'engineer' || config.engineers.some((x) => x.address === e.actor.address)
        ? 'engineer'
        : 'customer',
    );
  }
  return [...out].map(([address, role]) => ({ address, role }));
}
