/**
 * deliverEvent: one outbox event in, its mails and bus events out.
 * 1 load the ticket the event belongs to (current state: deadlines as they are now)
 * 2 decide who is told: requester (+Cc), engineers, or the one sender concerned
 * 3 send each mail once (send-once.ts: the event's Message-IDs claimed together, each mail sent, SES's
 *   Message-IDs remembered together); the engineers' copy of a mail with files carries them
 *   (engineer-files.ts), never the customer's
 * 4 publish the event on the bus (consumers dedupe by event id)
 * The stream delivers at least once; the claims make each mail go out once. A failed send
 * releases its claim (and those of the mails after it) and rethrows, so the retry sends them; once
 * SES has a mail nothing releases its claim. The one double left: SES accepted a mail and the
 * answer was lost (a timeout); SES has no idempotency key, and a second copy beats a lost mail.
 */
import type { MaildeskConfig, Tenant } from '../config';
import type { TicketEvent } from '../domain/events';
import { TicketNotFoundError } from '../domain/errors';
import type { Ticket } from '../domain/ticket';
import type { Logger } from '../log';
import * as customer from '../mail/outbound/customer';
import { groupCommentCopy, withGroupSummary } from '../mail/outbound/clinic-group';
import * as engineers from '../mail/outbound/engineers';
import type { Letter, LetterOf } from '../mail/outbound/parts';
import { unauthenticatedNotice } from '../mail/outbound/unauthenticated';
import { groupSummaryLines } from './group-summary';
import { AUTO_ANSWER_MAX_CC } from './auto-answer-caps';
import { busEvent, busTypes } from './bus-events';
import { type EngineerFiles, engineerFiles } from './engineer-files';
import { type Draft, type Role, sendOnce } from './send-once';
import type { EventBus, MailSender, MailStore, RateCounters, SendOnceClaims, TicketReader } from './ports';

export { AUTO_ANSWER_MAX_CC };

export interface DeliverDeps {
  tickets: Pick<TicketReader, 'getTicket' | 'listEvents'> & SendOnceClaims & RateCounters;
  sender: MailSender;
  bus: EventBus;
  /** the customers' files, read (or linked) for the engineers' copy */
  mail: Pick<MailStore, 'get' | 'link'>;
  config: MaildeskConfig;
  log: Logger;
}

export interface Delivery {
  sent: string[];
  skipped: string[];
}

export async function deliverEvent(event: TicketEvent, deps: DeliverDeps): Promise<Delivery> {
  const { config, tickets } = deps;
  const tenant = config.tenants.find((t) => t.id === event.tenant);
  if (!tenant) {
    deps.log.error('event for an unknown tenant: dropped', { eventId: event.id, tenant: event.tenant });
    return { sent: [], skipped: ['unknown-tenant'] };
  }
  const ticket = event.ticketKey ? await tickets.getTicket(event.ticketKey) : null;
  if (event.ticketKey && !ticket) throw new TicketNotFoundError(event.ticketKey);

  // Intermediate steps of one mail (verified on the way to deploying) are history, not news.
  const silent = Boolean(event.data?.silent);
  const files = ticket && !silent && bringsFiles(event) ? await engineerFiles(event, ticket, deps) : NO_FILES;
  const drafts = silent ? [] : draftMails(event, ticket, tenant, config, files);
  // What the clinic's Telegram group said since the requester's last letter goes into the next one.
  const toRequester = drafts.filter((d) => d.role === 'requester');
  const group = toRequester.length ? await groupSummaryLines(event, tenant, tickets, config) : [];
  for (const draft of toRequester) draft.text = withGroupSummary(draft.text, group, tenant);
  const delivery: Delivery = { sent: [], skipped: [] };
  const outcomes = drafts.length ? await sendOnce(event, ticket, tenant, drafts, deps) : [];
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome === 'sent') delivery.sent.push(drafts[i]!.role);
    else delivery.skipped.push(`${drafts[i]!.role}:${outcome}`);
  }
  if (busTypes.has(event.type)) await deps.bus.publish([busEvent(event, ticket)]);
  return delivery;
}

const NO_FILES: EngineerFiles = { attached: [], listed: [] };
/** Events whose engineers' copy carries the customer's files. */
const bringsFiles = (event: TicketEvent) =>
  (event.type === 'ticket.created' || event.type === 'ticket.commented') && Boolean(event.attachmentKeys?.length);

/** Who gets what: roles, recipients and whether the mail answers someone (the cap); the words are outbound/'s. */
function draftMails(
  event: TicketEvent,
  ticket: Ticket | null,
  tenant: Tenant,
  config: MaildeskConfig,
  files: EngineerFiles,
): Draft[] {
  const team = config.engineers.map((e) => e.address);
  const to = (role: Role, addresses: string[], letter: Letter, autoReply = false, cc: string[] = []): Draft => ({
    role,
    to: addresses,
    cc,
    autoReply,
    ...letter,
  });
  if (!ticket) {
    // No ticket: only the polite refusal of a sender outside the tenant's allowed domains.
    if (event.type !== 'sender.refused' || !event.recipient) return [];
    return [to('recipient', [event.recipient], customer.refusal(tenant), true)];
  }

  const write = (letter: LetterOf) => letter(event, ticket, tenant, config);
  /** The requester and the ticket's Cc, in the thread of the acknowledgement. */
  const customers = (letter: LetterOf, autoReply = false) =>
    to('requester', [ticket.requester], write(letter), autoReply, ticket.cc);
  /** Every engineer, or every one but the one who acted. */
  const engineersBut = (letter: LetterOf, except?: string | null) =>
    to(
      'engineers',
      team.filter((a) => a !== except),
      write(letter),
    );
  /** The engineers' copy of what a customer sent: the letter lists the files, the mail carries those that fit. */
  const withFiles = (letter: engineers.FilesLetter, except?: string | null): Draft => ({
    ...engineersBut((...args) => letter(...args, files.listed), except),
    attachments: files.attached,
  });
  /** The one person concerned (refusals, final-reply answers, notices); `autoReply` when it answers their mail. */
  const only = (address: string, letter: LetterOf, autoReply = false) =>
    to('recipient', [address], write(letter), autoReply);

  const { recipient } = event;
  switch (event.type) {
    case 'ticket.created':
      return [customers(customer.acknowledgement, true), withFiles(engineers.newTicket)];
    case 'ticket.commented':
      return [withFiles(engineers.customerReply, event.actor.address)];
    case 'ticket.answered':
      return [customers(customer.answer)];
    case 'ticket.internal_note':
      return [engineersBut(engineers.internalNote, event.actor.address)];
    case 'ticket.group_comment':
      return [engineersBut(groupCommentCopy, event.actor.address)];
    case 'ticket.status_changed': {
      const byCustomer = event.actor.kind === 'requester';
      // Engineers hear of changes they did not make themselves: verdicts and the system's.
      const told = byCustomer || event.actor.kind === 'system' ? [engineersBut(engineers.statusChange)] : [];
      return [customers(customer.statusMail, byCustomer), ...told];
    }
    case 'ticket.priority_changed':
      return [customers(customer.priorityMail)];
    case 'ticket.deferred':
      return [customers(customer.deferralMail)];
    case 'ticket.assigned':
      // An engineer who took the ticket into work needs no "assigned to you": the others hear who took it.
      if (event.data?.taken) return [engineersBut(engineers.assignment, event.actor.address)];
      return [
        to(
          'engineers',
          team.filter((a) => a === recipient),
          write(engineers.assignment),
        ),
      ];
    case 'ticket.final_reply':
      if (!recipient) return [];
      // An engineer wrote text to a finished ticket: nothing went to the customer; say how to go on.
      if (event.actor.kind === 'engineer') return [only(recipient, engineers.finishedTicketToEngineer)];
      return [only(recipient, customer.finishedTicketNotice, true)];
    case 'ticket.auto_closed':
      return [customers(customer.autoClosedNotice), engineersBut(engineers.autoClosed)];
    case 'command.rejected':
      // Commands written in the clinic's Telegram group were answered there.
      if (event.data?.via === 'telegram') return [];
      return event.actor.address ? [to('actor', [event.actor.address], write(engineers.commandsRejected))] : [];
    case 'engineer.unauthenticated':
      // To the engineer's address in the config (never the mail's own From or Reply-To); capped like any auto-reply.
      return recipient && team.includes(recipient) ? [only(recipient, unauthenticatedNotice, true)] : [];
    case 'sla.escalated':
    case 'sla.warning':
    case 'sla.breached':
    case 'sla.respond_overdue':
      return [engineersBut(engineers.slaAlerts[event.type])];
    case 'sla.reminder':
      return [customers(customer.reminder)];
    default:
      return [];
  }
}
