/**
 * The letters of one event, each sent once: their Message-IDs claimed together (one round trip; a redelivery learns
 * which are already claimed), then each letter counted against the caps (answers to someone's mail) and sent, and the
 * provider's Message-IDs of the mails sent remembered together at the end (one round trip), so replies to them thread.
 * A failed send releases its claim and those of the letters not sent yet, and rethrows: the retry sends exactly them.
 * Once SES has a mail nothing releases its claim (a lost provider id is only logged); a capped mail keeps its claim.
 */
import { isSupportAddress, type MaildeskConfig, type Tenant } from '../config';
import type { TicketEvent } from '../domain/events';
import type { Ticket } from '../domain/ticket';
import type { Logger } from '../log';
import { mailbox } from '../mail/outbound/compose';
import { eventMessageId } from '../mail/outbound/message-ids';
import type { Letter } from '../mail/outbound/parts';
import { withinCaps } from './auto-answer-caps';
import type { MailSender, OutgoingMail, RateCounters, SendOnceClaims } from './ports';

export type Role = 'requester' | 'engineers' | 'recipient' | 'actor';

/** A letter (subject, text) and who gets it. */
export interface Draft extends Letter {
  role: Role;
  to: string[];
  cc: string[];
  /** automatic answers to an inbound mail count against the per-sender hourly cap */
  autoReply: boolean;
  /** the customer's files (engineers' copies only) */
  attachments?: OutgoingMail['attachments'];
}

export type SendOutcome = 'sent' | 'already-sent' | 'capped' | 'no-recipients';

export interface SendDeps {
  tickets: SendOnceClaims & RateCounters;
  sender: MailSender;
  config: MaildeskConfig;
  log: Logger;
}

const domainOf = (address: string) => address.split('@')[1] ?? 'maildesk.local';
const safeId = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 150);

/**
 * The Message-ID of one mail of an event, the same on every delivery: recording it is the claim that
 * sends the mail once, and the lookup that threads replies to it. From the event's random nonce, so it
 * names nothing and cannot be guessed (a cited id lets a reply find its ticket). Events stored before
 * the nonce existed keep the old form, derived from the event id, so their claims still match.
 */
const messageIdOf = (event: TicketEvent, role: Role, from: string) =>
  event.nonce ? eventMessageId(event.nonce, role, from) : `${safeId(event.id)}.${role}@${domainOf(from)}`;

/**
 * Answers to an inbound mail (acknowledgements, refusals, "already finished") are sent because
 * someone wrote, so whoever can forge a From could aim them: they reach few, and every address
 * they reach counts against its own hourly cap.
 */
const answersMail = (draft: Draft) => draft.autoReply || draft.role === 'recipient';

/** A draft addressed: the desk's own addresses and repeats taken out, its Message-ID. */
interface Addressed {
  draft: Draft;
  to: string[];
  cc: string[];
  messageId: string;
}

function addressed(event: TicketEvent, draft: Draft, from: string, config: MaildeskConfig): Addressed | null {
  const to = draft.to.filter((a) => !isSupportAddress(config, a));
  if (to.length === 0) return null;
  const seen = new Set(to.map((a) => a.toLowerCase()));
  const cc = draft.cc.filter((a) => {
    const lower = a.toLowerCase();
    if (seen.has(lower) || isSupportAddress(config, a)) return false;
    seen.add(lower);
    return true;
  });
  return { draft, to, cc, messageId: messageIdOf(event, draft.role, from) };
}

/** Sends each draft once; the outcome of each, in order. */
export async function sendOnce(
  event: TicketEvent,
  ticket: Ticket | null,
  tenant: Tenant,
  drafts: Draft[],
  deps: SendDeps,
): Promise<SendOutcome[]> {
  const from = tenant.addresses[0]!;
  const letters = drafts.map((draft) => addressed(event, draft, from, deps.config));
  const ids = letters.flatMap((l) => (l ? [l.messageId] : []));
  const claimed = ids.length ? await deps.tickets.claimMessageIds(ids, ticket?.key ?? null) : new Set<string>();
  const outcomes: SendOutcome[] = letters.map((l) =>
    !l ? 'no-recipients' : claimed.has(l.messageId) ? 'sent' : 'already-sent',
  );
  const providerIds: string[] = [];
  try {
    for (const [i, letter] of letters.entries()) {
      if (!letter || outcomes[i] !== 'sent') continue;
      try {
        const mail = await capped(event, ticket, tenant, letter, deps);
        if (!mail) {
          outcomes[i] = 'capped';
          continue;
        }
        const { providerMessageId } = await deps.sender.send(mail);
        if (providerMessageId) providerIds.push(providerMessageId);
      } catch (error) {
        // This letter and the ones after it are not out: their claims go, so the retry sends them.
        const unsent = letters.slice(i).flatMap((l, j) => (l && outcomes[i + j] === 'sent' ? [l.messageId] : []));
        await release(unsent, event, deps);
        throw error;
      }
      deps.log.info('mail sent', {
        eventId: event.id,
        eventType: event.type,
        ticketKey: event.ticketKey,
        role: letter.draft.role,
      });
    }
  } finally {
    // The mails are out: from here nothing may release their claims, or the retry would send them again.
    // Without SES's id a reply to such a mail still threads by our Message-ID and the [MG-n] tag.
    if (ticket && providerIds.length) await remember(providerIds, ticket.key, event, deps);
  }
  return outcomes;
}

/** The mail of a letter, counted against the caps first when it answers someone; null when the cap keeps it. */
async function capped(
  event: TicketEvent,
  ticket: Ticket | null,
  tenant: Tenant,
  letter: Addressed,
  deps: SendDeps,
): Promise<OutgoingMail | null> {
  let { to, cc } = letter;
  const { draft, messageId } = letter;
  if (answersMail(draft)) {
    // Counted after the claim, so a second delivery of the event counts nothing; a capped mail keeps its claim.
    const kept = await withinCaps(to, cc, event, deps);
    if (!kept) return null;
    ({ to, cc } = kept);
  }
  const from = tenant.addresses[0]!;
  // Threaded under the customer's first mail. The mail that caused the event is added only when
  // the recipients have it: the customer's own mail, or any mail for the engineers; an engineer's
  // Message-ID never goes to the customer.
  const causeKnown = draft.role !== 'requester' || event.actor.kind === 'requester';
  const cause = causeKnown && event.messageId ? event.messageId : null;
  const first = ticket ? [ticket.rootMessageId] : [];
  const thread = [...first, ...(cause && cause !== ticket?.rootMessageId ? [cause] : [])];
  return {
    from: mailbox(tenant.name, from),
    to,
    cc,
    replyTo: from,
    subject: draft.subject,
    text: draft.text,
    messageId,
    inReplyTo: thread.at(-1) ?? null,
    references: thread,
    // RFC 3834: answers to a person's mail are auto-replied, the rest auto-generated; both stop loops.
    headers: {
      'Auto-Submitted': draft.autoReply ? 'auto-replied' : 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-Maildesk-Event': event.type,
      ...(event.ticketKey ? { 'X-Maildesk-Ticket': event.ticketKey } : {}),
    },
    attachments: draft.role === 'engineers' ? (draft.attachments ?? []) : [],
  };
}

/** Gives back the claims of mails not sent; a claim that stays would drop its mail, so that is logged as an error. */
async function release(messageIds: string[], event: TicketEvent, deps: SendDeps): Promise<void> {
  const results = await Promise.allSettled(messageIds.map((id) => deps.tickets.releaseMessageId(id)));
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed)
    deps.log.error('claims of unsent mails not released: those mails will not go', { eventId: event.id, failed });
}

async function remember(ids: string[], ticketKey: string, event: TicketEvent, deps: SendDeps): Promise<void> {
  try {
    await deps.tickets.rememberMessageIds(ids.map((messageId) => ({ messageId, ticketKey })));
  } catch (error) {
    const fields = { eventId: event.id, ticketKey: event.ticketKey, error: (error as Error).name };
    deps.log.warn('mail sent, its provider Message-ID not remembered', fields);
  }
}
