/**
 * receiveTelegramUpdate: one webhook request from Telegram becomes a comment (and an engineer's
 * commands) on the ticket it answers, or nothing. The rules are the decider's (decideGroupMessage);
 * this use case checks, reads, finds, decides and saves, like receiveMail.
 * 1 the secret token header, compared in constant time: else 401 and nothing read or stored
 * 2 read the update (zod); anything but a person's text in a group is acknowledged and ignored
 * 3 the chat must be a clinic's group; the update is handled once (its inbound marker, update_id)
 * 4 find the ticket: a reply to a bot post, else the key the text names; only that clinic's ticket
 * 5 author: a mapped engineer (telegramUserId) or the clinic's side; decide; save ticket + events +
 *   the marker in one transaction, deciding again when another writer was first
 * 6 commands: the answer (applied, or every problem) is posted back in the group
 * Storage faults throw (Telegram delivers the update again; the marker keeps it once-only).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isSupportAddress, type MaildeskConfig, type Tenant } from '../config';
import type { BusinessCalendar } from '../domain/business-calendar';
import {
  decideGroupMessage,
  groupInboundId,
  hasCommandLines,
  type GroupAuthor,
  type GroupMessage,
} from '../domain/decide-group-message';
import { isOutboxEvent, type DecisionPolicy } from '../domain/decision';
import { ConcurrentUpdateError } from '../domain/errors';
import { ticketAfter } from '../domain/evolve';
import type { Ticket } from '../domain/ticket';
import { featureSlotChange } from '../domain/workflow';
import type { Logger } from '../log';
import { commandAnswer } from '../mail/outbound/clinic-group';
import { rejectionLines } from '../mail/outbound/rejections';
import { type ClinicGroupChat, groupPostRef } from './clinic-group-ports';
import type { TicketReader, TicketWriter } from './ports';
import { readTelegramUpdate } from './read-telegram-update';

export interface TelegramUpdateDeps {
  tickets: TicketReader & TicketWriter;
  chat: ClinicGroupChat;
  /** the secret given to setWebhook: SSM in AWS, MAILDESK_TELEGRAM_WEBHOOK_SECRET locally */
  webhookSecret: () => Promise<string>;
  config: MaildeskConfig;
  calendar: BusinessCalendar;
  now: () => Date;
  log: Logger;
}

export interface WebhookRequest {
  /** the X-Telegram-Bot-Api-Secret-Token header, if any */
  secretToken: string | undefined;
  body: string;
}

export interface WebhookAnswer {
  status: 200 | 401;
  outcome: string;
  ticketKey?: string;
}

const MAX_ATTEMPTS = 10;
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Equal-length digests, so neither the length nor the first differing byte of the secret shows in the time. */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (!expected) return false;
  return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined;
}

export async function receiveTelegramUpdate(request: WebhookRequest, deps: TelegramUpdateDeps): Promise<WebhookAnswer> {
  const { config, log } = deps;
  // 1
  if (!secretMatches(request.secretToken, await deps.webhookSecret())) {
    log.security('telegram webhook: wrong or missing secret token', {});
    return { status: 401, outcome: 'unauthorized' };
  }
  // 2
  const reading = readTelegramUpdate(request.body, config.ticketPrefix);
  const ignore = (reason: string, fields: Record<string, unknown> = {}): WebhookAnswer => {
    log.info('telegram update ignored', { reason, ...fields });
    return { status: 200, outcome: `ignored:${reason}` };
  };
  if (reading.kind === 'ignored') return ignore(reading.reason, { updateId: reading.updateId });
  const { message } = reading;
  const fields = { updateId: message.updateId, chatId: message.chatId };
  // 3
  const tenant = config.tenants.find((t) => t.telegram?.chatId === message.chatId);
  if (!tenant) return ignore('not-a-clinic-group', fields);
  if (await deps.tickets.wasReceived(groupInboundId(message.updateId))) return ignore('duplicate', fields);
  // 4
  const byReply = reading.replyTo
    ? await deps.tickets.findByMessageIds([groupPostRef(message.chatId, reading.replyTo)])
    : null;
  const ticketKey = byReply ?? reading.ticketKey;
  if (!ticketKey) return ignore('no-ticket', fields);
  const found = await deps.tickets.getTicket(ticketKey);
  if (!found) return ignore('no-ticket', { ...fields, ticketKey });
  if (found.tenant !== tenant.id) {
    log.security('telegram message names a ticket of another clinic: nothing changed', { ...fields, ticketKey });
    return ignore('other-clinic', { ...fields, ticketKey });
  }
  // 5
  const engineer = config.engineers.find((e) => e.telegramUserId === message.telegramUserId);
  const author: GroupAuthor = engineer ? { kind: 'engineer', address: engineer.address } : { kind: 'clinic' };
  let featureHolder: string | null = null;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const ticket = await deps.tickets.getTicket(ticketKey);
    if (!ticket) return ignore('no-ticket', { ...fields, ticketKey });
    const saved = await decideAndSave(ticket, message, author, tenant, featureHolder, deps);
    if (saved === 'duplicate') return ignore('duplicate', fields);
    if (typeof saved === 'object' && 'holder' in saved) {
      featureHolder = saved.holder;
      continue;
    }
    if (saved === 'conflict') {
      await new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
      continue;
    }
    // 6
    await answerCommands(saved, message, author, ticket, tenant, deps);
    log.info('telegram message recorded', { ...fields, ticketKey, kind: saved.kind, role: author.kind });
    return { status: 200, outcome: saved.kind, ticketKey };
  }
  throw new ConcurrentUpdateError(ticketKey);
}

type Saved =
  | { kind: 'updated' | 'rejected-commands' | 'unchanged'; reasons: string }
  | 'duplicate'
  | 'conflict'
  | { holder: string };

async function decideAndSave(
  ticket: Ticket,
  message: GroupMessage,
  author: GroupAuthor,
  tenant: Tenant,
  featureHolder: string | null,
  deps: TelegramUpdateDeps,
): Promise<Saved> {
  const now = deps.now();
  const decision = decideGroupMessage(
    ticket,
    message,
    author,
    now,
    await policyOf(ticket, message, tenant, featureHolder, deps),
  );
  const events = decision.events.filter(isOutboxEvent);
  if (decision.kind === 'final-reply') return { kind: 'unchanged', reasons: '' };
  const next = ticketAfter(ticket, decision, { calendar: deps.calendar, sla: deps.config.sla }, now);
  if (!next) return { kind: 'unchanged', reasons: '' };
  const result = await deps.tickets.saveTicket({
    ticket: next,
    expectedVersion: ticket.version,
    events,
    messageIds: [],
    inboundId: groupInboundId(message.updateId),
    featureSlot: featureSlotChange(ticket, next),
  });
  if (!result.ok) {
    if (result.reason === 'feature-busy') return { holder: result.holder ?? 'another ticket' };
    return result.reason;
  }
  const rejected = events.find((e) => e.type === 'command.rejected');
  // Codes from the decider, words from the wording table, in the clinic's language.
  const reasons = rejected ? rejectionLines(rejected, tenant.language).join('\n') : '';
  return { kind: decision.kind === 'rejected-commands' ? 'rejected-commands' : 'updated', reasons };
}

/** The decider's policy, with the #duplicate targets of the same clinic looked up first. */
async function policyOf(
  ticket: Ticket,
  message: GroupMessage,
  tenant: Tenant,
  featureHolder: string | null,
  deps: TelegramUpdateDeps,
): Promise<DecisionPolicy> {
  const { config } = deps;
  const duplicateTargets = new Set<string>();
  for (const command of message.commands.commands) {
    if (command.name !== 'duplicate' || !command.args[0]) continue;
    const target = await deps.tickets.getTicket(command.args[0].toUpperCase());
    if (target && target.tenant === ticket.tenant) duplicateTargets.add(target.key);
  }
  return {
    ticketPrefix: config.ticketPrefix,
    engineers: config.engineers,
    sla: { calendar: deps.calendar, sla: config.sla },
    isDeskAddress: (address) => isSupportAddress(config, address),
    tenant,
    documentationRequiredFor: config.documentationRequiredFor,
    known: { newTicket: null, linked: [], duplicateTargets, featureHolder },
  };
}

/** Commands get their answer in the group, as a reply; a failed post is logged (the change is saved). */
async function answerCommands(
  saved: Exclude<Saved, 'duplicate' | 'conflict' | { holder: string }>,
  message: GroupMessage,
  author: GroupAuthor,
  ticket: Ticket,
  tenant: Tenant,
  deps: TelegramUpdateDeps,
): Promise<void> {
  if (!hasCommandLines(message) || saved.kind === 'unchanged') return;
  const outcome = author.kind === 'clinic' ? 'not-engineer' : saved.kind === 'updated' ? 'applied' : 'rejected';
  try {
    await deps.chat.send(message.chatId, commandAnswer(outcome, ticket.key, tenant, saved.reasons), message.messageId);
  } catch (error) {
    const fields = { updateId: message.updateId, ticketKey: ticket.key, error: (error as Error).name };
    deps.log.warn('telegram command answer not posted', fields);
  }
}
