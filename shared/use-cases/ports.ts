/** The ports the use cases need; adapters in shared/adapters implement them for AWS and for the local stack. */
import type { TicketEvent } from '../domain/events';
import type { Priority } from '../domain/priorities';
import type { Status, Ticket } from '../domain/ticket';

export interface MailStore {
  /** Raw bytes stored under `key`; throws MailNotFoundError when absent. */
  get(key: string): Promise<Buffer>;
  put(key: string, body: Buffer, contentType?: string): Promise<void>;
  /**
   * Where an engineer can fetch the object at `key` without access to the store: an S3 presigned
   * GET URL (valid `validForSeconds`, or less when the signing credentials expire sooner), locally
   * the file's path. `filename` names the download.
   */
  link(key: string, options: { validForSeconds: number; filename?: string }): Promise<FileLink>;
}

/** A link to one stored file; `expiresAt` (ISO) is when it stops working, null when it does not expire. */
export interface FileLink {
  url: string;
  expiresAt: string | null;
}

export interface OutgoingMail {
  from: string;
  to: string[];
  cc: string[];
  replyTo: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  headers: Record<string, string>;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

export interface MailSender {
  /** Returns the provider's id for the sent mail (SES message id), if any, so replies to it thread too. */
  send(mail: OutgoingMail): Promise<{ providerMessageId: string | null }>;
}

export interface BusEvent {
  type: string;
  id: string;
  detail: Record<string, unknown>;
}

export interface EventBus {
  publish(events: BusEvent[]): Promise<void>;
}

export interface TicketFilter {
  tenant?: string;
  status?: Status;
  priority?: Priority;
}

export interface DueTicket {
  key: string;
  dueAt: string;
}

/** `feature-busy`: the change would take the tenant's feature slot, which `holder` has. */
export type WriteResult =
  | { ok: true }
  | { ok: false; reason: 'duplicate' | 'conflict' }
  | { ok: false; reason: 'feature-busy'; holder: string | null };

/*
 * The ticket store, split by what each use case needs (receiveMail: reader, writer, claims;
 * deliverEvent: reader, send-once claims, counters; sweepDeadlines: due index, getTicket,
 * saveTicket; alerts and reports: claims). One adapter implements them all: TicketStore.
 */

/** Reads of tickets and their history. */
export interface TicketReader {
  /**
   * The ticket as stored: whole lists of attachments (the first 1,000) and pauses, and the caps
   * every store applies so a ticket stays bounded whatever its history (at most 50 participants,
   * 50 links, capped strings: shared/adapters/ticket-bounds.ts).
   */
  getTicket(key: string): Promise<Ticket | null>;
  /** Ticket key of the first of these Message-IDs that is known (ours, SES's or the customer's). */
  findByMessageIds(ids: readonly string[]): Promise<string | null>;
  listEvents(ticketKey: string): Promise<TicketEvent[]>;
  listTickets(filter?: TicketFilter): Promise<Ticket[]>;
}

/** Writes of tickets and events, each with its inbound marker in one transaction. */
export interface TicketWriter {
  nextTicketNumber(): Promise<number>;
  /** Was this inbound mail (by SES message id) already processed? */
  wasReceived(inboundId: string): Promise<boolean>;
  /**
   * wasReceived and findByMessageIds in one read (one round trip where the store can): whether this inbound mail
   * was already processed, and the ticket key of each of `messageIds` that is known (keyed by the id as given).
   */
  lookupInbound(inboundId: string, messageIds: readonly string[]): Promise<InboundLookup>;
  /**
   * Writes ticket (new, or the next version of an existing one), its events, its Message-ID
   * lookups and the inbound marker in ONE transaction. `duplicate`: the inbound mail was already
   * processed; `conflict`: someone else changed the ticket first (reload and retry).
   * `featureSlot` (from workflow's featureSlotChange) takes or gives back the tenant's one feature
   * slot in the same transaction, so two feature tickets can never both be in work.
   */
  saveTicket(change: {
    ticket: Ticket;
    expectedVersion: number | null;
    events: TicketEvent[];
    messageIds: string[];
    inboundId: string | null;
    featureSlot?: 'take' | 'release' | null;
  }): Promise<WriteResult>;
  /** Events without a ticket change (refusals, explanations): written once per inbound id. */
  saveEvents(events: TicketEvent[], inboundId: string | null): Promise<WriteResult>;
}

/** What the store knows of an inbound mail before it is decided on: see TicketWriter.lookupInbound. */
export interface InboundLookup {
  received: boolean;
  tickets: Map<string, string>;
}

/** The sparse index of next deadlines. */
export interface DueIndex {
  /**
   * Keys of the tickets whose next deadline is at or before `now`, across all shards. Only keys:
   * the index is eventually consistent, so the caller reads each ticket itself.
   */
  findDue(now: string, limit?: number): Promise<DueTicket[]>;
}

/** Outgoing Message-IDs: the send-once claim of a mail and the lookup that threads replies to it. */
export interface SendOnceClaims {
  /** Records an outgoing Message-ID (ours or the provider's) so that replies to it find the ticket. */
  rememberMessageId(messageId: string, ticketKey: string): Promise<void>;
  /**
   * Records the Message-ID of a mail about to be sent, once: false when it is already recorded (the
   * mail was sent, or is being sent, by an earlier delivery). One write is both the send-once
   * claim and the lookup that threads replies to the mail, with `claim()`'s owner semantics.
   */
  claimMessageId(messageId: string, ticketKey: string | null): Promise<boolean>;
  /**
   * claimMessageId for the mails of one event together (one round trip where the store can): returns the ids this
   * call claimed. When it fails, it leaves none of its claims behind.
   */
  claimMessageIds(messageIds: readonly string[], ticketKey: string | null): Promise<Set<string>>;
  /** rememberMessageId for several mails together (one round trip where the store can). */
  rememberMessageIds(pairs: ReadonlyArray<{ messageId: string; ticketKey: string }>): Promise<void>;
  /** Undoes claimMessageId after a failed send, so the retry sends the mail. */
  releaseMessageId(messageId: string): Promise<void>;
}

/** Once-only markers (a report per tenant and month, a Telegram post per event...). */
export interface Claims {
  /**
   * Sets a once-only marker; false when it was already set. `ttlSeconds` lets markers expire.
   * `owner` makes the claim idempotent for one piece of work: the same owner claiming again (a retry
   * of the same inbound mail) gets true again; without it, every call is a new owner.
   */
  claim(marker: string, ttlSeconds?: number, owner?: string): Promise<boolean>;
  release(marker: string): Promise<void>;
}

/** Counters that expire (auto-reply caps per sender). */
export interface RateCounters {
  /** Atomically adds one to a counter that expires; returns the new value. */
  increment(counter: string, ttlSeconds: number): Promise<number>;
}

/**
 * A mail the desk accepted (SES does) and then acted on in no way, with its reason, so nobody wonders
 * where it went. Bounded: no body, the sender, recipients and subject trimmed (ignored-mail.ts).
 */
export interface IgnoredMail {
  at: string;
  inboundId: string;
  /** receiveMail's reason: `unknown-tenant`, `auto-generated:<kind>`, `loop:own-address`, `spam`... */
  reason: string;
  from: string | null;
  /** envelope recipients (the first few) */
  to: string[];
  subject: string | null;
  /** the raw mail's key in the bucket: `maildesk replay <key>` runs it again */
  mailKey: string;
}

/** The log of ignored mail: kept 30 days (IGNORED_MAIL_DAYS), read newest first. */
export interface IgnoredMailLog {
  recordIgnored(mail: IgnoredMail): Promise<void>;
  /** The last `limit` ignored mails at or before `until` (ISO) within the days kept, newest first. */
  listIgnored(until: string, limit: number): Promise<IgnoredMail[]>;
}

/** Every port of the store together: what the adapters (DynamoDB, memory) implement. */
export interface TicketStore
  extends TicketReader,
    TicketWriter,
    DueIndex,
    SendOnceClaims,
    Claims,
    RateCounters,
    IgnoredMailLog {}
