/**
 * decideGroupMessage: what a message in a clinic's Telegram group does to the ticket it answers or
 * names. Pure, like decide: the ticket, the message as read, its author, the time and the policy in;
 * events out, folded by evolve and saved like a mail's.
 *
 * - the text becomes a `ticket.group_comment` with its Telegram author: a mapped engineer counts as
 *   that engineer, anyone else as the clinic's side; nothing is mailed to the requester for it (the
 *   requester's next letter lists the group's comments)
 * - a mapped engineer's `#command` lines are checked and applied all-or-nothing by decideCommands,
 *   as in a mail; rejected commands change nothing (not even the comment is kept)
 * - anyone else's `#command` lines are text: the comment is kept, nothing moves
 * - a final ticket changes nothing but by an engineer's reopening command
 */
import { decideCommands } from './decide-commands';
import {
  eventId,
  type DecidedEvent,
  type Decision,
  type DecisionPolicy,
  type InboundReading,
  type Sender,
} from './decision';
import type { TicketEvent } from './events';
import type { CommandReading } from './replies';
import { isFinal, type Ticket } from './ticket';

/** A text message of a clinic's group, as the webhook read it from Telegram's update. */
export interface GroupMessage {
  /** Telegram's update_id: the idempotency key (event ids are `telegram-<update_id>:<step>`) */
  updateId: number;
  chatId: number;
  messageId: number;
  text: string;
  /** the `#command` lines at the start of the text */
  commands: CommandReading;
  telegramUserId: number;
  /** the author as Telegram shows them (username, else first and last name) */
  authorName: string;
}

export type GroupAuthor = { kind: 'engineer'; address: string } | { kind: 'clinic' };

/** The inbound id of a group message: the same marker item as a mail's makes it once-only. */
export const groupInboundId = (updateId: number) => `telegram-${updateId}`;

export const hasCommandLines = (m: GroupMessage) => m.commands.commands.length + m.commands.problems.length > 0;

/** The message as decideCommands reads a mail: no Message-ID, no fields, no attachments. */
function asReading(message: GroupMessage, commands: CommandReading): InboundReading {
  return {
    inboundId: groupInboundId(message.updateId),
    mailKey: '',
    messageId: null,
    fromName: null,
    addressed: [],
    summary: '',
    department: null,
    fields: { cardNumber: null, caseHistoryNumber: null, login: null, recordName: null, buttonName: null },
    messageFields: null,
    priority: null,
    ticketKey: null,
    verdict: null,
    newText: message.text,
    commands,
    attachments: [],
  };
}

/** A mapped engineer: Telegram's secret token proves the update came from Telegram, the user id who wrote it. */
function engineerSender(address: string): Sender {
  return {
    address,
    fromProven: true,
    authFailed: false,
    engineerAddress: address,
    evidence: { fromDomain: 'telegram', spf: 'NONE', dkim: 'NONE', dmarc: 'NONE', dkimDomains: [] },
  };
}

function groupComment(
  ticket: Ticket,
  message: GroupMessage,
  author: GroupAuthor,
  text: string,
  at: string,
): TicketEvent {
  return {
    id: eventId(groupInboundId(message.updateId), 'group-comment'),
    type: 'ticket.group_comment',
    ticketKey: ticket.key,
    tenant: ticket.tenant,
    at,
    actor:
      author.kind === 'engineer' ? { kind: 'engineer', address: author.address } : { kind: 'requester', address: null },
    text,
    data: {
      via: 'telegram',
      role: author.kind,
      author: message.authorName,
      telegramUserId: message.telegramUserId,
      chatId: message.chatId,
      telegramMessageId: message.messageId,
    },
  };
}

export function decideGroupMessage(
  ticket: Ticket,
  message: GroupMessage,
  author: GroupAuthor,
  now: Date,
  policy: DecisionPolicy,
): Decision {
  const at = now.toISOString();
  if (author.kind === 'engineer' && hasCommandLines(message)) {
    // The text below the commands stays in the group (a comment), never an answer mailed on its own.
    const said = message.commands.message.trim();
    const commands = { ...message.commands, message: '' };
    const decided = decideCommands(ticket, asReading(message, commands), engineerSender(author.address), now, policy);
    const events = decided.events.map((e) =>
      e.type === 'command.rejected' ? { ...e, data: { ...e.data, via: 'telegram' } } : e,
    );
    if (decided.kind !== 'updated' || !said) return { kind: decided.kind, events };
    return { kind: 'updated', events: [...events, groupComment(ticket, message, author, said, at)] };
  }
  const text = message.text.trim();
  if (isFinal(ticket.status) || !text) return { kind: 'final-reply', events: [] };
  const events: DecidedEvent[] = [{ type: 'mail.received', at }, groupComment(ticket, message, author, text, at)];
  return { kind: 'updated', events };
}
