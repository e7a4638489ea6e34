/**
 * receiveMail's reads (steps 4 and 5): which ticket a mail belongs to, and what the decider needs from
 * the stores before it decides (a new ticket's number and links, #duplicate targets, the feature
 * slot's holder, the stored attachments). Reads only, and the attachments' upload; no rule is decided here.
 */
import { isSupportAddress, type Tenant } from '../config';
import { wouldTakeFeatureSlot } from '../domain/decide-commands';
import {
  duplicateKeys,
  mayJoin,
  mentionedKeys,
  opening,
  type DecisionPolicy,
  type InboundReading,
  type Sender,
} from '../domain/decision';
import { isFinal, type Attachment, type Ticket } from '../domain/ticket';
import { holdsFeatureSlot } from '../domain/workflow';
import type { ParsedMail } from '../mail/inbound/types';
import type { InboundMail, ReceiveDeps } from './receive-mail';

/** One mail's state across the attempts of its write. */
export interface MailInWork {
  inbound: InboundMail;
  parsed: ParsedMail;
  mail: InboundReading;
  sender: Sender;
  tenant: Tenant;
  deps: ReceiveDeps;
  /** the attachments' upload, started by the first attempt that needs it */
  storedAttachments?: Promise<Attachment[]>;
  /** the feature ticket whose slot a lost race showed (the tenant listing may not show it yet) */
  featureHolder: string | null;
  /** the ticket as findTicket read it: the first attempt decides on it instead of reading it again */
  found?: Ticket;
  /** what the store knew of the mail's Message-IDs when it arrived (lookupSeen) */
  seen: Seen;
}

/**
 * The mail's thread ids and what the store knew of them and of its own Message-ID, read with its inbound marker.
 * `ownFresh`: the own id's answer has not served an attempt yet (a later attempt reads again).
 */
export interface Seen {
  received: boolean;
  threadIds: string[];
  tickets: Map<string, string>;
  ownFresh: boolean;
}

/** How many thread ids one mail may make us look up (In-Reply-To first, then References newest first). */
const MAX_THREAD_LOOKUPS = 50;

/**
 * One read before anything is decided: was this mail processed (a redelivery), which ticket its thread leads to, and
 * whether its own Message-ID is already a ticket's (the same mail resent). The marker read comes after parsing, so a
 * redelivery pays a parse; every other mail saves a round trip.
 */
export async function lookupSeen(inboundId: string, parsed: ParsedMail, deps: ReceiveDeps): Promise<Seen> {
  const cited = [...parsed.inReplyTo, ...[...parsed.references].reverse()].flatMap(expandMessageId);
  const threadIds = [...new Map(cited.map((id) => [id.toLowerCase(), id])).values()].slice(0, MAX_THREAD_LOOKUPS);
  const own = parsed.messageId ? [parsed.messageId] : [];
  const { received, tickets } = await deps.tickets.lookupInbound(inboundId, [...threadIds, ...own]);
  return { received, threadIds, tickets, ownFresh: true };
}

/** The ticket `key` for an attempt: findTicket's read for the first one, a fresh read after a lost race. */
export async function loadTicket(ctx: MailInWork, key: string): Promise<Ticket | null> {
  const found = ctx.found;
  ctx.found = undefined;
  return found?.key === key ? found : ctx.deps.tickets.getTicket(key);
}

export async function findTicket(ctx: MailInWork): Promise<string | null> {
  const { mail, deps, tenant, sender } = ctx;
  const fields = { inboundId: ctx.inbound.inboundId, tenant: tenant.id };
  const byThread = ctx.seen.threadIds.map((id) => ctx.seen.tickets.get(id)).find(Boolean) ?? null;
  if (byThread) {
    const ticket = await deps.tickets.getTicket(byThread);
    if (ticket && ticket.tenant !== tenant.id)
      deps.log.security('thread points to another tenant: not followed', fields);
    else if (ticket && mayJoin(ticket, sender, tenant)) {
      ctx.found = ticket;
      return byThread;
    } else if (ticket)
      deps.log.security('thread cited by a sender who may not join the ticket: not followed', {
        ...fields,
        ticketKey: ticket.key,
      });
  }
  if (mail.ticketKey) {
    const ticket = await deps.tickets.getTicket(mail.ticketKey);
    if (ticket && ticket.tenant === tenant.id && mayJoin(ticket, sender, tenant)) {
      ctx.found = ticket;
      return ticket.key;
    }
    if (ticket && ticket.tenant !== tenant.id) deps.log.security('subject tag of another tenant: not followed', fields);
  }
  return null;
}

/** SES rewrites Message-IDs as <id@region.amazonses.com>; we remember the bare id too. */
function expandMessageId(id: string): string[] {
  const match = /^([^@]+)@(?:[a-z0-9-]+\.)?amazonses\.com$/i.exec(id);
  return match ? [id, match[1]!] : [id];
}

/** Stores the mail's attachments once per mail, however many times a lost race retries the write. */
export function storeAttachments(ctx: MailInWork): Promise<Attachment[]> {
  ctx.storedAttachments ??= (async () => {
    const stored: Attachment[] = [];
    for (const [i, attachment] of ctx.parsed.attachments.entries()) {
      // Keyed by the inbound mail, not the ticket: a retry that gets another ticket number overwrites, never orphans.
      const key = `attachments/${ctx.inbound.inboundId}/${i + 1}-${attachment.filename}`;
      await ctx.deps.mail.put(key, attachment.content, attachment.contentType);
      stored.push({ filename: attachment.filename, contentType: attachment.contentType, size: attachment.size, key });
    }
    return stored;
  })();
  // A failed upload is not kept: the next attempt (or Lambda's retry) uploads again.
  ctx.storedAttachments.catch(() => (ctx.storedAttachments = undefined));
  return ctx.storedAttachments;
}

export function policyOf(ctx: MailInWork, known: Partial<DecisionPolicy['known']> = {}): DecisionPolicy {
  const { config, calendar } = ctx.deps;
  return {
    ticketPrefix: config.ticketPrefix,
    engineers: config.engineers,
    sla: { calendar, sla: config.sla },
    isDeskAddress: (address) => isSupportAddress(config, address),
    tenant: ctx.tenant,
    documentationRequiredFor: config.documentationRequiredFor,
    known: { newTicket: null, linked: [], duplicateTargets: new Set(), featureHolder: ctx.featureHolder, ...known },
  };
}

/** What the decider is told from the store, and whether this attempt needs the attachments stored. */
export interface Lookups {
  known: Partial<DecisionPolicy['known']>;
  storeAttachments: boolean;
}

/** A new ticket: its number and the tickets its text cites, unless the sender is refused or the mail was seen. */
export async function lookupsForOpening(ctx: MailInWork): Promise<Lookups | 'duplicate'> {
  const { deps, mail, sender, tenant } = ctx;
  const start = opening(mail, sender, tenant);
  if (start.refused) return { known: {}, storeAttachments: false };
  // Someone resending the same Message-ID (or SES delivering twice) must not open a second ticket.
  if (mail.messageId && (await ownIdKnown(ctx, mail.messageId))) return 'duplicate';
  const number = await deps.tickets.nextTicketNumber();
  const key = `${deps.config.ticketPrefix}-${number}`;
  const linked: string[] = [];
  for (const candidate of mentionedKeys(start.text, deps.config.ticketPrefix, key)) {
    const other = await deps.tickets.getTicket(candidate);
    if (other && other.tenant === tenant.id) linked.push(candidate);
  }
  return { known: { newTicket: { key, number }, linked }, storeAttachments: true };
}

/** Is the mail's own Message-ID a ticket's? The first attempt asks what lookupSeen read, a later one the store. */
async function ownIdKnown(ctx: MailInWork, messageId: string): Promise<boolean> {
  const fresh = ctx.seen.ownFresh;
  ctx.seen.ownFresh = false;
  return fresh ? ctx.seen.tickets.has(messageId) : Boolean(await ctx.deps.tickets.findByMessageIds([messageId]));
}

/** A reply: the #duplicate targets of the same tenant, and who holds the feature slot the commands would take. */
export async function lookupsForReply(ctx: MailInWork, ticket: Ticket): Promise<Lookups> {
  const { deps, mail, sender } = ctx;
  const duplicateTargets = new Set<string>();
  for (const key of duplicateKeys(mail, sender)) {
    const target = await deps.tickets.getTicket(key);
    if (target && target.tenant === ticket.tenant) duplicateTargets.add(key);
  }
  let featureHolder = ctx.featureHolder;
  // Only commands that put a feature ticket into work read the tenant's listing, to name the ticket in the way.
  if (!featureHolder && wouldTakeFeatureSlot(ticket, mail, sender, policyOf(ctx, { duplicateTargets }))) {
    featureHolder =
      (await deps.tickets.listTickets({ tenant: ticket.tenant, priority: 'feature' })).find(
        (t) => t.key !== ticket.key && holdsFeatureSlot(t),
      )?.key ?? null;
  }
  return { known: { duplicateTargets, featureHolder }, storeAttachments: !isFinal(ticket.status) };
}
