/**
 * postToClinicGroup: a subscriber of the maildesk bus. A blocking ticket is worked in its clinic's
 * Telegram group (config tenants[].telegram.chatId), so the bot posts it there when it opens, and on
 * each of its status changes, escalation and breach.
 * 1 which post the event makes, if any (blocking tickets only; the clinic must have a group)
 * 2 claim it once per event (`tggroup#<event id>`); a new blocking ticket raises ticket.created and
 *   sla.escalated in one transaction: one post for the pair
 * 3 load the ticket, post key, priority, summary, status, deadline (never fields or mail text)
 * 4 remember the post's message_id as a lookup of the ticket, so a reply to it lands on the ticket
 * A failed post releases its claims and throws: the bus's retry posts it.
 */
import type { MaildeskConfig } from '../config';
import { isStatus } from '../domain/ticket';
import type { Logger } from '../log';
import { groupPost, type GroupPostKind } from '../mail/outbound/clinic-group';
import { type ClinicGroupChat, groupPostRef } from './clinic-group-ports';
import type { BusEvent, Claims, SendOnceClaims, TicketReader } from './ports';

export interface ClinicGroupDeps {
  tickets: Pick<TicketReader, 'getTicket'> & Claims & Pick<SendOnceClaims, 'rememberMessageId'>;
  chat: ClinicGroupChat;
  config: MaildeskConfig;
  log: Logger;
}

export type GroupPostOutcome = 'posted' | 'ignored' | 'already-posted' | 'no-group';

const CLAIM_TTL_SECONDS = 30 * 24 * 3600;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

const kindOf: Record<string, GroupPostKind> = {
  'ticket.created': 'opened',
  'ticket.status_changed': 'status',
  'sla.escalated': 'escalated',
  'sla.breached': 'breached',
};

export async function postToClinicGroup(event: BusEvent, deps: ClinicGroupDeps): Promise<GroupPostOutcome> {
  // 1
  const kind = kindOf[event.type];
  const key = str(event.detail.ticketKey);
  if (!kind || !key) return 'ignored';
  const tenant = deps.config.tenants.find((t) => t.id === event.detail.tenant);
  const chatId = tenant?.telegram?.chatId;
  if (!tenant || chatId === undefined) return 'no-group';
  const ticket = await deps.tickets.getTicket(key);
  if (!ticket || ticket.priority !== 'blocking') return 'ignored';

  // 2
  const markers = [`tggroup#${event.id}`];
  if (kind === 'opened' || kind === 'escalated') markers.push(`tggroup#opened#${key}#${str(event.detail.at) ?? ''}`);
  const taken: string[] = [];
  for (const marker of markers) {
    if (!(await deps.tickets.claim(marker, CLAIM_TTL_SECONDS))) return 'already-posted';
    taken.push(marker);
  }

  // 3
  const to = str(event.detail.to);
  const status = kind === 'status' && to && isStatus(to) ? to : ticket.status;
  let messageId: number;
  try {
    messageId = await deps.chat.send(chatId, groupPost(kind, ticket, status, tenant, deps.config));
  } catch (error) {
    for (const marker of taken) await deps.tickets.release(marker);
    deps.log.warn('clinic group post failed: will retry', {
      eventId: event.id,
      ticketKey: key,
      error: (error as Error).name,
    });
    throw error;
  }

  // 4 The post is out: a lost lookup only means replies to it must name the key.
  try {
    await deps.tickets.rememberMessageId(groupPostRef(chatId, messageId), key);
  } catch (error) {
    deps.log.warn('clinic group post not remembered', {
      eventId: event.id,
      ticketKey: key,
      error: (error as Error).name,
    });
  }
  deps.log.info('clinic group post sent', {
    eventId: event.id,
    eventType: event.type,
    ticketKey: key,
    tenant: tenant.id,
  });
  return 'posted';
}
