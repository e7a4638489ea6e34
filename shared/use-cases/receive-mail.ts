/**
 * receiveMail: one inbound mail (as SES hands it over) becomes a ticket, a change of a ticket,
 * or a logged rejection with its reason. Never throws on what is inside the mail; only storage
 * faults are rethrown (Lambda retries them, the DLQ keeps the rest). The rules are the decider's
 * (shared/domain/decide.ts); this use case reads, routes, loads, decides and saves.
 *
 * 1 drop SES spam/virus FAIL (kept in the bucket, logged)
 * 2 read the raw mail and route it to its tenant (routeTenant, envelope first); drop auto-generated
 *   mail and mail to no tenant; one read (lookupSeen): a mail already processed ends here, and what its
 *   thread and its own Message-ID lead to is kept for 4 and 5
 * 3 what the mail proves about its From domain (SES's DMARC, or aligned DKIM from SES's receipt block)
 * 4 find its ticket: Message-ID threading first, then the [MG-n] tag; either only for a sender who may
 *   join it (same tenant; mayJoin)
 * 5 load the ticket and what the decider needs from the store (number, links, #duplicate targets, the
 *   feature slot's holder), store the attachments, decide
 * 6 write ticket + events + Message-ID lookups + inbound marker in one transaction (idempotent),
 *   reloading and deciding again when another writer got there first
 */
import { engineerByAddress, isSupportAddress, tenantById, type MaildeskConfig } from '../config';
import type { BusinessCalendar } from '../domain/business-calendar';
import { decide } from '../domain/decide';
import { isOutboxEvent, type InboundReading, type Sender } from '../domain/decision';
import { ConcurrentUpdateError } from '../domain/errors';
import { NoTicketError, ticketAfter } from '../domain/evolve';
import { featureSlotChange } from '../domain/workflow';
import type { Logger } from '../log';
import { authenticateSender, dkimDomainsFromStoredMail, type SesVerdict } from '../mail/inbound/authentication';
import { readCommands } from '../mail/inbound/commands';
import { parseMail } from '../mail/inbound/parse-mail';
import { readMail } from '../mail/inbound/read-mail';
import { readTemplateFields } from '../mail/inbound/template-fields';
import type { MailReading, ParsedMail } from '../mail/inbound/types';
import { ignoredMail } from './ignored-mail';
import type { Claims, IgnoredMailLog, MailStore, TicketReader, TicketWriter } from './ports';
import {
  findTicket,
  loadTicket,
  lookupsForOpening,
  lookupSeen,
  lookupsForReply,
  policyOf,
  storeAttachments,
  type MailInWork,
} from './receive-load';

export type { SesVerdict };

/** What SES tells us about a received mail (or the local SMTP server in its place). */
export interface InboundMail {
  /** SES message id: the object key is `inbound/<id>` and the idempotency key of this mail */
  inboundId: string;
  mailKey: string;
  /** envelope recipients */
  recipients: string[];
  verdicts: { spam: SesVerdict; virus: SesVerdict; spf: SesVerdict; dkim: SesVerdict; dmarc: SesVerdict };
}

export interface ReceiveDeps {
  mail: MailStore;
  tickets: TicketReader & TicketWriter & Claims & IgnoredMailLog;
  config: MaildeskConfig;
  calendar: BusinessCalendar;
  now: () => Date;
  log: Logger;
}

export type Outcome =
  | { kind: 'created'; ticketKey: string }
  | { kind: 'updated'; ticketKey: string; events: string[] }
  | { kind: 'rejected-commands'; ticketKey: string }
  | { kind: 'final-reply'; ticketKey: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'duplicate' };

/**
 * Optimistic locking: a writer that lost the race reloads the ticket and tries again. Backoff is
 * exponential with full jitter (capped), so a burst of replies to one ticket (a whole department
 * answering at once) queues up instead of colliding in lockstep; 30 rounds outlast dozens of
 * writers. After that the mail fails and Lambda retries it (the inbound marker keeps it once-only).
 * The backoff counts in lengths of the attempt that just lost (at least 10 ms): when writes slow
 * down (throttling, a busy table) the writers spread out as far in time as they need to, instead of
 * colliding again within a fixed second.
 */
const MAX_ATTEMPTS = 30;
const backoffMs = (attempt: number, attemptMs: number) => {
  const unit = Math.max(10, attemptMs);
  return Math.random() * Math.min(Math.max(1000, 20 * unit), unit * 2 ** attempt);
};

export async function receiveMail(inbound: InboundMail, deps: ReceiveDeps): Promise<Outcome> {
  const { log, config } = deps;
  // Kept in the ignored-mail log too (`maildesk log`): SES accepted the mail, so its sender saw no bounce.
  const ignore = async (reason: string, parsed?: ParsedMail): Promise<Outcome> => {
    log.info('mail ignored', { inboundId: inbound.inboundId, reason });
    await deps.tickets.recordIgnored(ignoredMail(inbound, reason, deps.now(), parsed));
    return { kind: 'ignored', reason };
  };

  // 1
  if (inbound.verdicts.virus === 'FAIL') return ignore('virus');
  if (inbound.verdicts.spam === 'FAIL') return ignore('spam');

  // 2
  const raw = await deps.mail.get(inbound.mailKey);
  const parsed = await parseMail(raw);
  const reading = readMail(parsed, config, inbound.recipients);
  if (reading.autoGenerated) return ignore(`auto-generated:${reading.autoGenerated}`, parsed);
  const from = parsed.from?.address ?? null;
  if (!from || !/^[^\s@]+@[^\s@]+$/.test(from)) return ignore('no-sender', parsed);
  if (isSupportAddress(config, from)) return ignore('loop:own-address', parsed);
  // Reading routed the mail (routeTenant: envelope first), so this is the tenant whose departments it read.
  const tenant = tenantById(config, reading.tenant);
  if (!tenant) return ignore('unknown-tenant', parsed);
  // Was it processed (a redelivery), where does its thread lead, is it a resend: one read.
  const seen = await lookupSeen(inbound.inboundId, parsed, deps);
  if (seen.received) return { kind: 'duplicate' };

  // 3
  const sender = senderOf(from, inbound, raw, config);
  const { evidence } = sender;
  const authFields = { inboundId: inbound.inboundId, tenant: tenant.id, ...evidence };
  if (sender.engineerAddress && !sender.fromProven) {
    const why =
      'engineer address without proof of its From domain: commands ignored, treated as a comment, engineer told';
    log.security(why, authFields);
  } else if (sender.authFailed) log.security('mail failed authentication: it may only comment', authFields);
  const mail = inboundReading(inbound, parsed, reading, config.ticketPrefix);
  const ctx: MailInWork = { inbound, parsed, mail, sender, tenant, deps, featureHolder: null, seen };

  // 4
  const ticketKey = await findTicket(ctx);
  if (reading.ticketKey && !ticketKey) {
    const fields = { inboundId: inbound.inboundId, tenant: tenant.id };
    log.info('subject tag names no ticket reachable by this sender', fields);
  }

  // 5 + 6
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const started = Date.now();
    const outcome = await decideAndSave(ctx, ticketKey);
    if (outcome !== 'conflict') {
      if (outcome.kind === 'duplicate') log.info('mail already processed', { inboundId: inbound.inboundId });
      return outcome;
    }
    await new Promise((r) => setTimeout(r, backoffMs(attempt, Date.now() - started)));
  }
  throw new ConcurrentUpdateError(ticketKey ?? 'new');
}

/** 5 + 6 once: load, look up what the decider needs, decide, save. 'conflict': another writer was first. */
async function decideAndSave(ctx: MailInWork, ticketKey: string | null): Promise<Outcome | 'conflict'> {
  const { deps, inbound, sender, tenant } = ctx;
  const { tickets, log } = deps;
  const ticket = ticketKey ? await loadTicket(ctx, ticketKey) : null;
  const lookups = ticket ? await lookupsForReply(ctx, ticket) : await lookupsForOpening(ctx);
  if (lookups === 'duplicate') return { kind: 'duplicate' };
  const mail = { ...ctx.mail, attachments: lookups.storeAttachments ? await storeAttachments(ctx) : [] };
  const now = deps.now();
  const policy = policyOf(ctx, lookups.known);
  const decision = decide(ticket, mail, sender, now, policy);
  const events = decision.events.filter(isOutboxEvent);
  const fields = { inboundId: inbound.inboundId, tenant: tenant.id };

  if (decision.kind === 'refused') {
    // No ticket: logged with the ignored mail (the sender is told; ops see why no ticket came of it).
    await tickets.recordIgnored(ignoredMail(inbound, 'refused:sender-domain', now, ctx.parsed));
    if (!(await tickets.saveEvents(events, inbound.inboundId)).ok) return { kind: 'duplicate' };
    log.info('sender outside allowed domains: refused', fields);
    return { kind: 'refused', reason: 'sender-domain' };
  }
  if (decision.kind === 'final-reply' && ticket) {
    // One explanation per ticket, sender and day; further replies only mark the mail as processed. The claim
    // is owned by this inbound mail: its retries (and a concurrent second delivery) claim it again.
    const explains = await tickets.claim(
      `final-reply#${ticket.key}#${sender.address}#${now.toISOString().slice(0, 10)}`,
      2 * 86400,
      inbound.inboundId,
    );
    if (!(await tickets.saveEvents(explains ? events : [], inbound.inboundId)).ok) return { kind: 'duplicate' };
    log.info('reply to a final ticket: nothing changed', { ...fields, ticketKey: ticket.key, explained: explains });
    return { kind: 'final-reply', ticketKey: ticket.key };
  }
  const next = ticketAfter(ticket, decision, policy.sla, now);
  if (!next) throw new NoTicketError(decision.kind);
  const featureSlot = ticket ? featureSlotChange(ticket, next) : undefined;
  const result = await tickets.saveTicket({
    ticket: next,
    expectedVersion: ticket?.version ?? null,
    events,
    messageIds: ctx.parsed.messageId ? [ctx.parsed.messageId] : [],
    inboundId: inbound.inboundId,
    ...(ticket ? { featureSlot } : {}),
  });
  if (!result.ok) {
    if (result.reason === 'duplicate') return { kind: 'duplicate' };
    // Another feature ticket went into work first: the next attempt rejects the commands, naming it.
    if (result.reason === 'feature-busy') ctx.featureHolder = result.holder ?? 'another ticket';
    return 'conflict';
  }
  const types = events.map((e) => e.type);
  if (decision.kind === 'created') {
    log.info('ticket created', {
      ...fields,
      ticketKey: next.key,
      priority: next.priority,
      attachments: next.attachments.length,
    });
    return { kind: 'created', ticketKey: next.key };
  }
  log.info(decision.kind === 'rejected-commands' ? 'engineer commands rejected' : 'ticket updated', {
    inboundId: inbound.inboundId,
    ticketKey: next.key,
    events: types,
  });
  return decision.kind === 'rejected-commands'
    ? { kind: 'rejected-commands', ticketKey: next.key }
    : { kind: 'updated', ticketKey: next.key, events: types };
}

/**
 * What the mail proves about its From domain: SES's verdicts come with the event, the DKIM signing
 * domains only from SES's block above the mail.
 */
function senderOf(from: string, inbound: InboundMail, raw: Buffer, config: MaildeskConfig): Sender {
  const auth = authenticateSender(from, inbound.verdicts, dkimDomainsFromStoredMail(raw));
  const { spf, dkim, dmarc } = inbound.verdicts;
  return {
    address: from,
    fromProven: auth.proof !== null,
    authFailed: auth.failed,
    engineerAddress: engineerByAddress(config, from)?.address ?? null,
    evidence: { fromDomain: auth.fromDomain, spf, dkim, dmarc, dkimDomains: auth.dkimDomains },
  };
}

/** The mail as the decider reads it; the attachments are added once stored. */
function inboundReading(
  inbound: InboundMail,
  parsed: ParsedMail,
  reading: MailReading,
  ticketPrefix: string,
): InboundReading {
  const commands = readCommands(reading.newText, ticketPrefix);
  return {
    inboundId: inbound.inboundId,
    mailKey: inbound.mailKey,
    messageId: parsed.messageId,
    fromName: parsed.from?.name ?? null,
    addressed: [...parsed.to, ...parsed.cc].map((a) => a.address),
    summary: reading.summary,
    department: reading.department,
    fields: reading.fields,
    // An engineer's first mail naming #requester opens the ticket with the text below the command lines.
    messageFields: commands.commands.some((c) => c.name === 'requester') ? readTemplateFields(commands.message) : null,
    priority: reading.priority,
    ticketKey: reading.ticketKey,
    verdict: reading.verdict,
    newText: reading.newText,
    commands,
    attachments: [],
  };
}
