/** The items of a ticket, its pages and its events as the store writes them (layout in table-layout.ts). */
import type { TicketEvent } from '../domain/events';
import type { Ticket } from '../domain/ticket';
import { newEventNonce } from '../mail/outbound/message-ids';
import { dueShard, keys, PAGES_ATTRIBUTE } from './table-layout';
import { boundEvent, boundTicket, splitTicket, type PageManifest, type TicketPage } from './ticket-bounds';

/** Attributes of the store's own, never part of a Ticket or an event. */
const INTERNAL_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'duePk',
  'dueAt',
  'ttl',
  'itemType',
  PAGES_ATTRIBUTE,
] as const;

export function stripKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const attribute of INTERNAL_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

/** The ticket item and its page items (ticket-bounds.ts says what goes where). */
export function ticketItems(ticket: Ticket): {
  item: Record<string, unknown>;
  pages: TicketPage[];
  manifest: PageManifest;
} {
  const { inline, pages, manifest } = splitTicket(boundTicket(ticket));
  const item = {
    ...keys.ticket(ticket.key),
    itemType: 'ticket',
    gsi1pk: `TENANT#${ticket.tenant}`,
    gsi1sk: `${ticket.createdAt}#${ticket.key}`,
    ...(ticket.nextDue ? { duePk: dueShard(ticket.number), dueAt: ticket.nextDue.at } : {}),
    ...(pages.length ? { [PAGES_ATTRIBUTE]: manifest } : {}),
    ...inline,
  };
  return { item, pages, manifest };
}

export const ticketItem = (ticket: Ticket): Record<string, unknown> => ticketItems(ticket).item;

export const pageItem = (ticketKey: string, page: TicketPage) => ({
  ...keys.ticketPage(ticketKey, page.list, page.index),
  itemType: 'ticket-page',
  ...page,
});

export function eventItem(event: TicketEvent, inboundId: string | null): Record<string, unknown> {
  // The nonce seeds the event's outgoing Message-IDs; the put is conditional, so the first write's stays.
  return {
    ...keys.event(event.ticketKey, inboundId, event.at, event.id),
    itemType: 'event',
    ...boundEvent(event),
    nonce: event.nonce ?? newEventNonce(),
  };
}

/** Strips undefined (DynamoDB rejects it) while keeping nulls. */
export const clean = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
