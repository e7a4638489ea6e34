/**
 * evolve: a ticket plus one event is the next ticket. A mail's effect on its ticket is the fold of
 * evolve over the events decide returned, then the deadlines recomputed (ticketAfter). Pure.
 */
import type { DecidedEvent, Decision } from './decision';
import { documentationOf, withDocumentation } from './documentation';
import { newTicket, type Ticket } from './ticket';
import { moveTo, withDeadlines, type SlaContext } from './workflow';

export class NoTicketError extends Error {
  constructor(readonly eventType: string) {
    super(`${eventType} needs a ticket; only mail.received with opens starts one`);
    this.name = 'NoTicketError';
  }
}

export function evolve(ticket: Ticket | null, event: DecidedEvent): Ticket {
  if (event.type === 'mail.received') {
    const base = event.opens ? newTicket(event.opens) : ticket;
    if (!base) throw new NoTicketError(event.type);
    const next: Ticket = { ...base, updatedAt: event.at, version: event.opens ? base.version : base.version + 1 };
    if (event.lastMessageId) next.lastMessageId = event.lastMessageId;
    if (event.attachments?.length && !event.opens) next.attachments = [...next.attachments, ...event.attachments];
    if (event.participant) next.cc = [...next.cc, event.participant];
    // An answer without a verdict restarts the wait for the customer's test (and its reminder); the pause goes on.
    if (event.restartsWait) Object.assign(next, { waitingSince: event.at, reminded: false });
    if (event.requester) next.requester = event.requester;
    if (event.duplicateOf) next.duplicateOf = event.duplicateOf;
    return next;
  }
  if (!ticket) throw new NoTicketError(event.type);
  switch (event.type) {
    case 'ticket.status_changed':
      return event.to ? moveTo(ticket, event.to, event.at) : ticket;
    case 'ticket.priority_changed':
      // A new priority is a new SLA: its warning and breach are still ahead.
      return event.priority ? { ...ticket, priority: event.priority, warned: false, breached: false } : ticket;
    case 'ticket.assigned':
      return typeof event.data?.assignee === 'string' ? { ...ticket, assignee: event.data.assignee } : ticket;
    case 'ticket.deferred':
      return typeof event.data?.days === 'number'
        ? { ...ticket, deferredWd: ticket.deferredWd + event.data.days }
        : ticket;
    case 'ticket.documented':
      return typeof event.data?.url === 'string'
        ? { ...ticket, documentation: withDocumentation(documentationOf(ticket), event.data.url) }
        : ticket;
    case 'ticket.auto_closed':
      return moveTo(ticket, 'closed_no_response', event.at);
    case 'sla.respond_overdue':
      return { ...ticket, respondOverdue: true };
    case 'sla.warning':
      return { ...ticket, warned: true };
    case 'sla.breached':
      return { ...ticket, warned: true, breached: true };
    case 'sla.reminder':
      return { ...ticket, reminded: true };
    // Mails only: what people wrote, refusals, explanations and alerts leave the ticket as it is.
    case 'ticket.created':
    case 'ticket.commented':
    case 'ticket.answered':
    case 'ticket.internal_note':
    case 'ticket.group_comment':
    case 'ticket.final_reply':
    case 'command.rejected':
    case 'sender.refused':
    case 'engineer.unauthenticated':
    case 'sla.escalated':
      return ticket;
  }
}

/**
 * The ticket after a decision: the fold of its events, with deadlines and the next due action
 * recomputed at `now` when the ticket changed. Rejected commands change nothing but the version (the
 * check ran against it), so their deadlines stay as they were. Null: the decision writes no ticket.
 */
export function ticketAfter(ticket: Ticket | null, decision: Decision, sla: SlaContext, now: Date): Ticket | null {
  if (decision.kind === 'final-reply' || decision.kind === 'refused') return null;
  const after = decision.events.reduce<Ticket | null>(evolve, ticket);
  if (!after) return null;
  return decision.kind === 'rejected-commands' ? after : withDeadlines(after, sla, now);
}
