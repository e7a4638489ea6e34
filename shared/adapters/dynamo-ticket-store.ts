/** TicketStore on one DynamoDB table (layout in table-layout.ts). Tested against DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketEvent } from '../domain/events';
import { mapLimit } from '../map-limit';
import type { Ticket } from '../domain/ticket';
import type { DueTicket, IgnoredMail, InboundLookup, TicketFilter, TicketStore, WriteResult } from '../use-cases/ports';
import { batchGetItems } from './dynamo-batches';
import { putIgnoredMail, queryIgnoredMail } from './dynamo-ignored-mail';
import { lookupInbound } from './dynamo-inbound-lookup';
import { deleteWithRetry, putOnce } from './dynamo-once';
import { claimMessageIds, rememberMessageIds } from './dynamo-send-once';
import { clean, pageItem, stripKeys, ticketItems } from './dynamo-ticket-items';
import { dueTickets, queryAll, ticketListItems } from './dynamo-ticket-queries';
import { featureSlotUpdate, ticketPut, transactWrite, type TransactItem } from './dynamo-ticket-transaction';
import { EVENT_SK_PREFIX, PAGES_ATTRIBUTE, TICKET_SK, keys, ticketKeyOfPk } from './table-layout';
import { joinTicket, type PageManifest, type TicketPage } from './ticket-bounds';

export { eventItem, ticketItem, ticketItems } from './dynamo-ticket-items';

/** The pages a ticket item names were not found with it, read after read. */
export class TornTicketError extends Error {
  constructor(readonly ticketKey: string) {
    super(`ticket ${ticketKey}: its page items do not match the ticket item`);
    this.name = 'TornTicketError';
  }
}

/** How many thread ids one mail may make us look up (In-Reply-To first, then References newest first). */
const MAX_THREAD_LOOKUPS = 50;
export class DynamoTicketStore implements TicketStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async nextTicketNumber(): Promise<number> {
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.counter(),
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.n);
  }

  /**
   * One Query on the ticket's partition (sk begins_with TICKET) reads the ticket item and its pages,
   * if any: for a ticket without pages it costs what a GetItem did. A read that meets a page other
   * than the one the ticket item names (a save landed between the items) reads again.
   */
  async getTicket(key: string): Promise<Ticket | null> {
    for (let attempt = 1; ; attempt++) {
      const items = await queryAll(this.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': keys.ticket(key).pk, ':sk': TICKET_SK },
        ConsistentRead: true,
      });
      const item = items.find((i) => i.sk === TICKET_SK);
      if (!item) return null;
      const ticket = this.joined(item, items);
      if (ticket) return ticket;
      if (attempt >= 3) throw new TornTicketError(key);
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }

  /**
   * The ticket of `item` with its pages (from `pages`), remembering which pages it had; null when they do not match.
   */
  private joined(item: Record<string, unknown>, pages: readonly Record<string, unknown>[]): Ticket | null {
    const manifest = (item[PAGES_ATTRIBUTE] ?? {}) as PageManifest;
    const ticket = joinTicket(
      stripKeys<Ticket>(item),
      manifest,
      pages.filter((p) => p.itemType === 'ticket-page') as unknown as TicketPage[],
    );
    if (ticket) this.remember(ticket.key, ticket.version, manifest);
    return ticket;
  }

  /**
   * Which pages the store saw at each ticket version it read or wrote, so that a save knows which
   * pages it must write without reading them again; a few hundred entries (one Lambda handles one
   * mail at a time). The version condition of the save keeps a stale entry harmless.
   */
  private readonly seenPages = new Map<string, PageManifest>();
  private remember(key: string, version: number, manifest: PageManifest): void {
    this.seenPages.set(`${key}#${version}`, manifest);
    if (this.seenPages.size > 256) this.seenPages.delete(this.seenPages.keys().next().value!);
  }

  /** The pages the ticket item at `expectedVersion` names; 'conflict' when the ticket is at another version. */
  private async storedPages(key: string, expectedVersion: number | null): Promise<PageManifest | 'conflict'> {
    if (expectedVersion === null) return {};
    const seen = this.seenPages.get(`${key}#${expectedVersion}`);
    if (seen) return seen;
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.ticket(key),
        ConsistentRead: true,
        ProjectionExpression: '#p, #v',
        ExpressionAttributeNames: { '#p': PAGES_ATTRIBUTE, '#v': 'version' },
      }),
    );
    if (result.Item?.version !== expectedVersion) return 'conflict';
    return (result.Item[PAGES_ATTRIBUTE] ?? {}) as PageManifest;
  }

  /**
   * One BatchGetItem for the first ids (a mail may carry thousands in References); the first known id in the given
   * order wins.
   */
  async findByMessageIds(ids: readonly string[]): Promise<string | null> {
    const wanted = [...new Map(ids.map((id) => [keys.messageId(id).pk, id])).keys()].slice(0, MAX_THREAD_LOOKUPS);
    if (wanted.length === 0) return null;
    if (wanted.length === 1) {
      const result = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk: wanted[0], sk: 'MSGID' } }),
      );
      return typeof result.Item?.ticketKey === 'string' ? result.Item.ticketKey : null;
    }
    const found = new Map<string, string>();
    const keysWanted = wanted.map((pk) => ({ pk, sk: 'MSGID' }));
    for (const item of await batchGetItems(this.doc, this.table, {
      Keys: keysWanted,
      ProjectionExpression: 'pk, ticketKey',
    }))
      if (typeof item.ticketKey === 'string') found.set(String(item.pk), item.ticketKey);
    for (const pk of wanted) if (found.has(pk)) return found.get(pk)!;
    return null;
  }

  async wasReceived(inboundId: string): Promise<boolean> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.inbound(inboundId), ConsistentRead: true }),
    );
    return Boolean(result.Item);
  }

  async lookupInbound(inboundId: string, messageIds: readonly string[]): Promise<InboundLookup> {
    return lookupInbound(this.doc, this.table, inboundId, messageIds);
  }

  async saveTicket(change: Parameters<TicketStore['saveTicket']>[0]): Promise<WriteResult> {
    const { ticket, expectedVersion, events, messageIds, inboundId, featureSlot } = change;
    const { item, pages, manifest } = ticketItems(ticket);
    // Only pages whose content changed are written: the lists grow at the end, so the last ones.
    const stored = pages.length ? await this.storedPages(ticket.key, expectedVersion) : {};
    if (stored === 'conflict') return { ok: false, reason: 'conflict' };
    const items: TransactItem[] = [];
    items.push(ticketPut(this.table, clean(item), expectedVersion));
    for (const page of pages) {
      if (stored[page.list]?.[page.index] !== page.hash)
        items.push({ Put: { TableName: this.table, Item: clean(pageItem(ticket.key, page)) } });
    }
    const slotAt = featureSlot ? items.length : -1;
    if (featureSlot) items.push(featureSlotUpdate(this.table, ticket.tenant, ticket.key, featureSlot));
    const result = await transactWrite(
      this.doc,
      this.table,
      items,
      events,
      messageIds,
      ticket.key,
      inboundId,
      ticket.createdAt,
      slotAt,
    );
    if (result.ok) this.remember(ticket.key, ticket.version, manifest);
    return result;
  }

  async saveEvents(events: TicketEvent[], inboundId: string | null): Promise<WriteResult> {
    return transactWrite(
      this.doc,
      this.table,
      [],
      events,
      [],
      null,
      inboundId,
      events[0]?.at ?? new Date(0).toISOString(),
    );
  }

  async listEvents(ticketKey: string): Promise<TicketEvent[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.ticket(ticketKey).pk, ':prefix': EVENT_SK_PREFIX },
      ConsistentRead: true,
    });
    return items.map((item) => stripKeys<TicketEvent>(item));
  }

  async listTickets(filter: TicketFilter = {}): Promise<Ticket[]> {
    const items = await ticketListItems(this.doc, this.table, filter.tenant);
    // A ticket with pages is read whole (its own Query): what the listing's readers (reports: pauses) need.
    const tickets = await mapLimit(items, 8, async (item) =>
      item[PAGES_ATTRIBUTE] ? this.getTicket(ticketKeyOfPk(String(item.pk))) : stripKeys<Ticket>(item),
    );
    return tickets
      .filter((t): t is Ticket => t !== null)
      .filter(
        (t) => (!filter.status || t.status === filter.status) && (!filter.priority || t.priority === filter.priority),
      )
      .sort((a, b) => a.number - b.number);
  }

  async findDue(now: string, limit = 100): Promise<DueTicket[]> {
    return dueTickets(this.doc, this.table, now, limit);
  }

  async rememberMessageId(messageId: string, ticketKey: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.messageId(messageId), ticketKey } }));
  }

  /**
   * A once-only marker carrying its owner's token (a fresh one per call unless `owner` is given), so
   * an attempt whose answer was lost (a timeout or 500 after the write, or the SDK retrying a write
   * that had succeeded) tells its own claim from an earlier one: its own is still "claimed".
   */
  async claim(marker: string, ttlSeconds?: number, owner?: string): Promise<boolean> {
    return putOnce(
      this.doc,
      this.table,
      keys.claim(marker),
      ttlSeconds ? { ttl: Math.floor(Date.now() / 1000) + ttlSeconds } : {},
      owner ?? randomUUID(),
    );
  }

  /** The Message-ID lookup doubles as the send-once claim: one conditional put instead of two puts. */
  async claimMessageId(messageId: string, ticketKey: string | null): Promise<boolean> {
    return putOnce(this.doc, this.table, keys.messageId(messageId), { ticketKey }, randomUUID());
  }

  async claimMessageIds(messageIds: readonly string[], ticketKey: string | null): Promise<Set<string>> {
    return claimMessageIds(this.doc, this.table, messageIds, ticketKey);
  }

  async rememberMessageIds(pairs: ReadonlyArray<{ messageId: string; ticketKey: string }>): Promise<void> {
    await rememberMessageIds(this.doc, this.table, pairs);
  }

  async release(marker: string): Promise<void> {
    await deleteWithRetry(this.doc, this.table, keys.claim(marker));
  }

  async releaseMessageId(messageId: string): Promise<void> {
    await deleteWithRetry(this.doc, this.table, keys.messageId(messageId));
  }

  async recordIgnored(mail: IgnoredMail): Promise<void> {
    await putIgnoredMail(this.doc, this.table, mail);
  }

  async listIgnored(until: string, limit: number): Promise<IgnoredMail[]> {
    return queryIgnoredMail(this.doc, this.table, until, limit);
  }

  async increment(counter: string, ttlSeconds: number): Promise<number> {
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.count(counter),
        UpdateExpression: 'ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#n': 'n', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': Math.floor(Date.now() / 1000) + ttlSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.n);
  }
}
