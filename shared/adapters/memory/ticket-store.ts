/** The TicketStore ports in memory (bench, tests): the same conditions as DynamoTicketStore, no I/O. */
import type { TicketEvent } from '../../domain/events';
import type { Ticket } from '../../domain/ticket';
import { newEventNonce } from '../../mail/outbound/message-ids';
import type { IgnoredMail, InboundLookup, TicketFilter, TicketStore, WriteResult } from '../../use-cases/ports';
import { boundIgnoredMail, newestIgnored } from '../ignored-mail';
import { boundTicket } from '../ticket-bounds';

/** Like DynamoTicketStore's eventItem: an event gets its Message-ID nonce when first written. */
export const withNonce = (events: TicketEvent[]): TicketEvent[] =>
  events.map((e) => (e.nonce ? e : { ...e, nonce: newEventNonce() }));

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
  private readonly ignored: IgnoredMail[] = [];

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
  async lookupInbound(inboundId: string, messageIds: readonly string[]): Promise<InboundLookup> {
    const tickets = new Map<string, string>();
    for (const id of messageIds) {
      const key = this.messageIds.get(id.toLowerCase());
      if (key) tickets.set(id, key);
    }
    return { received: this.inbound.has(inboundId), tickets };
  }
  async saveTicket(change: Parameters<TicketStore['saveTicket']>[0]): Promise<WriteResult> {
    const { ticket, expectedVersion, events, messageIds, inboundId, featureSlot } = change;
    const current = this.tickets.get(ticket.key);
    const holder = this.featureSlots.get(ticket.tenant);
    if (featureSlot === 'take' && holder !== undefined && holder !== ticket.key) {
      return { ok: false, reason: 'feature-busy', holder };
    }
    const stale = expectedVersion === null ? current !== undefined : current?.version !== expectedVersion;
    if (stale) return { ok: false, reason: 'conflict' };
    const ids = [...new Set(messageIds.map((m) => m.toLowerCase()))];
    const seen = (inboundId && this.inbound.has(inboundId)) || ids.some((id) => this.messageIds.has(id));
    if (seen) return { ok: false, reason: 'duplicate' };
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
    for (const e of withNonce(events)) {
      const key = e.ticketKey ?? `MAIL#${inboundId}`;
      this.events.set(key, [...(this.events.get(key) ?? []), e]);
    }
    return { ok: true };
  }
  async listEvents(ticketKey: string) {
    return this.events.get(ticketKey) ?? [];
  }
  async listTickets(filter: TicketFilter = {}) {
    return [...this.tickets.values()].filter(
      (t) =>
        (!filter.tenant || t.tenant === filter.tenant) &&
        (!filter.status || t.status === filter.status) &&
        (!filter.priority || t.priority === filter.priority),
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
  async claimMessageIds(messageIds: readonly string[], ticketKey: string | null) {
    // One claim per id in any case, as DynamoTicketStore's one item per key.
    const won = new Set<string>();
    for (const id of new Set(messageIds.map((m) => m.toLowerCase())))
      if (await this.claimMessageId(id, ticketKey)) won.add(id);
    return new Set(messageIds.filter((m) => won.has(m.toLowerCase())));
  }
  async rememberMessageIds(pairs: ReadonlyArray<{ messageId: string; ticketKey: string }>) {
    for (const { messageId, ticketKey } of pairs) await this.rememberMessageId(messageId, ticketKey);
  }
  async releaseMessageId(messageId: string) {
    const id = messageId.toLowerCase();
    this.messageIds.delete(id);
    this.claims.delete(`MSGID#${id}`);
  }
  async recordIgnored(mail: IgnoredMail) {
    this.ignored.push(boundIgnoredMail(mail));
  }
  async listIgnored(until: string, limit: number) {
    return newestIgnored(this.ignored, until, limit);
  }
  async increment(counter: string) {
    const n = (this.counts.get(counter) ?? 0) + 1;
    this.counts.set(counter, n);
    return n;
  }
}
