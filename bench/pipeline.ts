/**
 * The pipeline under measurement and its local stand-ins.
 *
 * processMail = receiveMail (the inbound Lambda's use case) + deliverEvent for every outbox event
 * that mail wrote (the notify Lambda's use case), in that order, as the table's stream would hand
 * them over. The events are taken from the store's successful writes (CapturingStore), so the
 * bench does not wait on a stream poller's interval; the events are the same items the stream
 * carries.
 *
 * Stand-ins: MemoryMailStore (bucket), MemoryMailSender (composes the MIME, keeps only counts),
 * MemoryBus, MemoryTicketStore (the TicketStore port in memory: the floor ratio measures our CPU
 * without DynamoDB round trips).
 */
import { readFileSync } from 'node:fs';
import { boundTicket } from '../shared/adapters/ticket-bounds';
import { parseConfig, type MaildeskConfig } from '../shared/config';
import { BusinessCalendar } from '../shared/domain/business-calendar';
import { MailNotFoundError } from '../shared/domain/errors';
import type { TicketEvent } from '../shared/domain/events';
import type { Ticket } from '../shared/domain/ticket';
import { jsonLogger, type Logger } from '../shared/log';
import { composeMail } from '../shared/mail/compose';
import { newEventNonce } from '../shared/mail/message-ids';
import { sesEventFor, parseSesEvent } from '../shared/ses-event';
import { deliverEvent, type DeliverDeps } from '../shared/use-cases/deliver-event';
import type { BusEvent, EventBus, MailSender, MailStore, OutgoingMail, TicketFilter, TicketStore, WriteResult } from '../shared/use-cases/ports';
import { receiveMail, type InboundMail, type Outcome, type ReceiveDeps } from '../shared/use-cases/receive-mail';
import type { CorpusMail } from './corpus';

export const exampleConfig = (root = process.cwd()): MaildeskConfig => parseConfig(JSON.parse(readFileSync(`${root}/maildesk.config.example.json`, 'utf8')), 'maildesk.config.example.json');

/** Formats every entry as the Lambdas do (JSON), then drops it: the cost stays, the noise goes. */
export const benchLogger = (): Logger => jsonLogger(() => {});

export class MemoryMailStore implements MailStore {
  readonly objects = new Map<string, Buffer>();
  async get(key: string): Promise<Buffer> {
    const body = this.objects.get(key);
    if (!body) throw new MailNotFoundError(key);
    return body;
  }
  async put(key: string, body: Buffer): Promise<void> {
    this.objects.set(key, body);
  }
}

/** Composes every mail's MIME like the SES and outbox senders, keeps counts only. */
export class MemoryMailSender implements MailSender {
  sent = 0;
  bytes = 0;
  /** wall ms spent composing MIME (no I/O: CPU) */
  composeMs = 0;
  readonly byRecipient = new Map<string, number>();
  async send(mail: OutgoingMail): Promise<{ providerMessageId: string | null }> {
    const t0 = performance.now();
    const raw = await composeMail(mail);
    this.composeMs += performance.now() - t0;
    this.sent++;
    this.bytes += raw.length;
    for (const to of mail.to) this.byRecipient.set(to, (this.byRecipient.get(to) ?? 0) + 1);
    return { providerMessageId: null };
  }
}

export class MemoryBus implements EventBus {
  published = 0;
  async publish(events: BusEvent[]): Promise<void> {
    this.published += events.length;
  }
}

/**
 * The store, passing every call through, that also records the events of each successful write
 * by inbound id (null for the sweep's writes). A Proxy, so methods added to the port later pass
 * through untouched.
 */
export type CapturingStore = TicketStore & { take(inboundId: string | null): TicketEvent[] };

/** Like DynamoTicketStore's eventItem: an event gets its Message-ID nonce when first written. */
const withNonce = (events: TicketEvent[]): TicketEvent[] => events.map((e) => (e.nonce ? e : { ...e, nonce: newEventNonce() }));

export function capturingStore(inner: TicketStore): CapturingStore {
  const captured = new Map<string, TicketEvent[]>();
  const keep = (inboundId: string | null, events: TicketEvent[], result: WriteResult): WriteResult => {
    if (result.ok && events.length) captured.set(inboundId ?? '', [...(captured.get(inboundId ?? '') ?? []), ...events]);
    return result;
  };
  const extra = {
    take(inboundId: string | null): TicketEvent[] {
      const events = captured.get(inboundId ?? '') ?? [];
      captured.delete(inboundId ?? '');
      return events;
    },
    // Nonces set here, before the write, so the captured events are the ones the store (and the stream) carry.
    async saveTicket(change: Parameters<TicketStore['saveTicket']>[0]) {
      const events = withNonce(change.events);
      return keep(change.inboundId, events, await inner.saveTicket({ ...change, events }));
    },
    async saveEvents(plain: TicketEvent[], inboundId: string | null, ...rest: unknown[]) {
      const events = withNonce(plain);
      return keep(inboundId, events, await (inner.saveEvents as (...a: unknown[]) => Promise<WriteResult>)(events, inboundId, ...rest));
    },
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop in extra) return extra[prop as keyof typeof extra];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as CapturingStore;
}

/** The TicketStore port in memory, with the same conditions as DynamoTicketStore. */
export class MemoryTicketStore implements TicketStore {
  private counter = 0;
  readonly tickets = new Map<string, Ticket>();
  readonly events = new Map<string, TicketEvent[]>();
  private readonly messageIds = new Map<string, string>();
  private readonly inbound = new Set<string>();
  private readonly claims = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  private readonly featureSlots = new Map<string, string>();

  async nextTicketNumber() {
    return ++this.counter;
  }
  async getTicket(key: string) {
    return this.tickets.get(key) ?? null;
  }
  async findByMessageIds(ids: readonly string[]) {
    for (const id of ids) {
      const key = this.messageIds.get(id.toLowerCase());
      if (key) return key;
    }
    return null;
  }
  async wasReceived(inboundId: string) {
    return this.inbound.has(inboundId);
  }
  async saveTicket(change: Parameters<TicketStore['saveTicket']>[0]): Promise<WriteResult> {
    const { ticket, expectedVersion, events, messageIds, inboundId, featureSlot } = change;
    const current = this.tickets.get(ticket.key);
    const holder = this.featureSlots.get(ticket.tenant);
    if (featureSlot === 'take' && holder !== undefined && holder !== ticket.key) return { ok: false, reason: 'feature-busy', holder };
    if (expectedVersion === null ? current : current?.version !== expectedVersion) return { ok: false, reason: 'conflict' };
    const ids = [...new Set(messageIds.map((m) => m.toLowerCase()))];
    if ((inboundId && this.inbound.has(inboundId)) || ids.some((id) => this.messageIds.has(id))) return { ok: false, reason: 'duplicate' };
    if (featureSlot === 'take') this.featureSlots.set(ticket.tenant, ticket.key);
    if (featureSlot === 'release' && holder === ticket.key) this.featureSlots.delete(ticket.tenant);
    // The caps DynamoTicketStore applies (participants, links, strings), so readers see the same ticket.
    this.tickets.set(ticket.key, boundTicket(ticket));
    if (inboundId) this.inbound.add(inboundId);
    for (const id of ids) this.messageIds.set(id, ticket.key);
    this.events.set(ticket.key, [...(this.events.get(ticket.key) ?? []), ...withNonce(events)]);
    return { ok: true };
  }
  async saveEvents(events: TicketEvent[], inboundId: string | null): Promise<WriteResult> {
    if (inboundId && this.inbound.has(inboundId)) return { ok: false, reason: 'duplicate' };
    if (inboundId) this.inbound.add(inboundId);
    for (const e of withNonce(events)) this.events.set(e.ticketKey ?? `MAIL#${inboundId}`, [...(this.events.get(e.ticketKey ?? `MAIL#${inboundId}`) ?? []), e]);
    return { ok: true };
  }
  async listEvents(ticketKey: string) {
    return this.events.get(ticketKey) ?? [];
  }
  async listTickets(filter: TicketFilter = {}) {
    return [...this.tickets.values()].filter(
      (t) => (!filter.tenant || t.tenant === filter.tenant) && (!filter.status || t.status === filter.status) && (!filter.priority || t.priority === filter.priority),
    );
  }
  async findDue(now: string, limit = 100) {
    return [...this.tickets.values()]
      .filter((t) => t.nextDue && t.nextDue.at <= now)
      .slice(0, limit * 4)
      .map((t) => ({ key: t.key, dueAt: t.nextDue!.at }));
  }
  async rememberMessageId(messageId: string, ticketKey: string) {
    this.messageIds.set(messageId.toLowerCase(), ticketKey);
  }
  async claim(marker: string, _ttlSeconds?: number, owner?: string) {
    const held = this.claims.get(marker);
    if (held !== undefined) return owner !== undefined && held === owner;
    this.claims.set(marker, owner ?? `${Math.random()}`);
    return true;
  }
  async release(marker: string) {
    this.claims.delete(marker);
  }
  async claimMessageId(messageId: string, ticketKey: string | null) {
    const id = messageId.toLowerCase();
    if (this.messageIds.has(id) || this.claims.has(`MSGID#${id}`)) return false;
    if (ticketKey) this.messageIds.set(id, ticketKey);
    else this.claims.set(`MSGID#${id}`, 'held');
    return true;
  }
  async releaseMessageId(messageId: string) {
    const id = messageId.toLowerCase();
    this.messageIds.delete(id);
    this.claims.delete(`MSGID#${id}`);
  }
  async increment(counter: string) {
    const n = (this.counts.get(counter) ?? 0) + 1;
    this.counts.set(counter, n);
    return n;
  }
}

export interface Pipeline {
  store: CapturingStore;
  mail: MailStore;
  sender: MemoryMailSender;
  bus: MemoryBus;
  receiveDeps: ReceiveDeps;
  deliverDeps: DeliverDeps;
}

export function makePipeline(tickets: TicketStore, mail: MailStore, config: MaildeskConfig, log: Logger = benchLogger()): Pipeline {
  const store = capturingStore(tickets);
  const sender = new MemoryMailSender();
  const bus = new MemoryBus();
  const calendar = BusinessCalendar.fromConfig(config);
  return {
    store,
    mail,
    sender,
    bus,
    receiveDeps: { mail, tickets: store, config, calendar, now: () => new Date(), log },
    deliverDeps: { tickets: store, sender, bus, config, log },
  };
}

/** The SES event the inbound Lambda would get for this mail (DKIM/SPF PASS), as InboundMail. */
export function inboundFor(mail: CorpusMail, inboundId: string): InboundMail {
  return parseSesEvent(sesEventFor(inboundId, [mail.to]))[0]!;
}

export interface Processed {
  outcome: Outcome;
  events: TicketEvent[];
  /** mails handed to the sender by deliverEvent */
  sent: number;
  /** wall ms of receiveMail (the inbound Lambda's work) and of the deliveries (notify's) */
  receiveMs: number;
  deliverMs: number;
}

/** One mail through the inbound use case, then each of its outbox events through the notify use case. */
export async function processMail(p: Pipeline, inbound: InboundMail): Promise<Processed> {
  const t0 = performance.now();
  const outcome = await receiveMail(inbound, p.receiveDeps);
  const t1 = performance.now();
  const events = p.store.take(inbound.inboundId);
  let sent = 0;
  for (const event of events) sent += (await deliverEvent(event, p.deliverDeps)).sent.length;
  return { outcome, events, sent, receiveMs: t1 - t0, deliverMs: performance.now() - t1 };
}

// ---------------------------------------------------------------------------------------------
// statistics

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => quantile([...values].sort((a, b) => a - b), 0.5);

export function summary(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(quantile(sorted, 0.5)), p95: round(quantile(sorted, 0.95)), p99: round(quantile(sorted, 0.99)), max: round(sorted.at(-1) ?? Number.NaN) };
}

export const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);
