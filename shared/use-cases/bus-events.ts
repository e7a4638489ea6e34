/** What deliverEvent publishes on the EventBridge bus: which events, and what each says (keys, codes, times). */
import type { TicketEvent } from '../domain/events';
import type { Ticket } from '../domain/ticket';
import type { BusEvent } from './ports';

/** Events that go on the EventBridge bus (others are internal). */
export const busTypes = new Set<TicketEvent['type']>([
  'ticket.created',
  'ticket.status_changed',
  'ticket.priority_changed',
  'ticket.auto_closed',
  'sla.escalated',
  'sla.warning',
  'sla.breached',
  'sla.respond_overdue',
]);

export function busEvent(event: TicketEvent, ticket: Ticket | null): BusEvent {
  // Keys, codes and times only: no bodies or field values leave the table.
  return {
    type: event.type,
    id: event.id,
    detail: {
      ticketKey: event.ticketKey,
      tenant: event.tenant,
      at: event.at,
      priority: ticket?.priority ?? event.priority ?? null,
      status: ticket?.status ?? null,
      from: event.from ?? null,
      to: event.to ?? null,
      dueAt: ticket?.deadlines.dueAt ?? null,
    },
  };
}
