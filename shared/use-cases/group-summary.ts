/**
 * The requester's next letter after the clinic's Telegram group discussed the ticket: it lists the
 * group's comments since the requester's previous letter. Read from the ticket's history when the
 * letter is written, so every delivery of the event writes the same letter.
 */
import type { MaildeskConfig, Tenant } from '../config';
import type { TicketEvent } from '../domain/events';
import { groupSummary } from '../mail/outbound/clinic-group';
import type { TicketReader } from './ports';

/** Events whose letters go to the requester (deliverEvent's draftMails), so the summary starts after the last. */
const lettersToRequester = new Set<TicketEvent['type']>([
  'ticket.created',
  'ticket.answered',
  'ticket.status_changed',
  'ticket.priority_changed',
  'ticket.deferred',
  'ticket.auto_closed',
  'sla.reminder',
]);

const mailedRequester = (e: TicketEvent) => lettersToRequester.has(e.type) && !e.data?.silent;

/** The group's comments the requester has not had in a letter before this event's. */
export function groupCommentsFor(event: TicketEvent, history: readonly TicketEvent[]): TicketEvent[] {
  const before = history.filter((e) => e.at < event.at && e.id !== event.id);
  const since = before.filter(mailedRequester).reduce((last, e) => (e.at > last ? e.at : last), '');
  return history
    .filter((e) => e.type === 'ticket.group_comment' && e.at > since && e.at <= event.at)
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

/** The lines to add to the requester's letter (none when the clinic has no group or the group was silent). */
export async function groupSummaryLines(
  event: TicketEvent,
  tenant: Tenant,
  tickets: Pick<TicketReader, 'listEvents'>,
  config: MaildeskConfig,
): Promise<string[]> {
  // A ticket's opening comes before anything its group could say: no history to read (one Query per new ticket).
  if (!tenant.telegram || !event.ticketKey || event.type === 'ticket.created') return [];
  const comments = groupCommentsFor(event, await tickets.listEvents(event.ticketKey));
  return groupSummary(comments, config, tenant.language);
}
