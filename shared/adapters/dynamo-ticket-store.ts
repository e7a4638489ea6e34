/** TicketStore on one DynamoDB table (layout in table-layout.ts). Tested against DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { TicketEvent } from '../domain/events';
import { newEventNonce } from '../mail/outbound/message-ids';
import { mapLimit } from '../map-limit';
import type { Ticket } from '../domain/ticket';
import type { DueTicket, IgnoredMail, TicketFilter, TicketStore, WriteResult } from '../use-cases/ports';
import { putIgnoredMail, queryIgnoredMail } from './dynamo-ignored-mail';
import {
  DUE_INDEX,
  DUE_SHARDS,
  EVENT_SK_PREFIX,
  PAGES_ATTRIBUTE,
  TENANT_INDEX,
  TICKET_SK,
  dueShard,
  keys,
  ticketKeyOfPk,
} from './table-layout';
import { boundEvent, boundTicket, joinTicket, splitTicket, type PageManifest, type TicketPage } from './ticket-bounds';

/** The pages a ticket item names were not found with it, read after read. */
export class TornTicketError extends Error {
  constructor(readonly ticketKey: string) {
    super(`ticket ${ticketKey}: its page items do not match the ticket item`);
    this.name = 'TornTicketError';
  }
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** Attributes of the store's own, never part of a Ticket or an event. */
const INTERNAL_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'duePk',
  'dueAt',
  'ttl',
  'itemType',
  PAGES_ATTRIBUTE,
] as const;

function stripKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const attribute of INTERNAL_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

/** The ticket item and its page items (ticket-bounds.ts says what goes where). */
export function ticketItems(ticket: Ticket): {
  item: Record<string, unknown>;
  pages: TicketPage[];
  manifest: PageManifest;
} {
  const { inline, pages, manifest } = splitTicket(boundTicket(ticket));
  const item = {
    ...keys.ticket(ticket.key),
    itemType: 'ticket',
    gsi1pk: `TENANT#${ticket.tenant}`,
    gsi1sk: `${ticket.createdAt}#${ticket.key}`,
    ...(ticket.nextDue ? { duePk: dueShard(ticket.number), dueAt: ticket.nextDue.at } : {}),
    ...(pages.length ? { [PAGES_ATTRIBUTE]: manifest } : {}),
    ...inline,
  };
  return { item, pages, manifest };
}

export const ticketItem = (ticket: Ticket): Record<string, unknown> => ticketItems(ticket).item;

const pageItem = (ticketKey: string, page: TicketPage) => ({
  ...keys.ticketPage(ticketKey, page.list, page.index),
  itemType: 'ticket-page',
  ...page,
});

export function eventItem(event: TicketEvent, inboundId: string | null): Record<string, unknown> {
  // The nonce seeds the event's outgoing Message-IDs; the put is conditional, so the first write's stays.
  return {
    ...keys.event(event.ticketKey, inboundId, event.at, event.id),
    itemType: 'event',
    ...boundEvent(event),
    nonce: event.nonce ?? newEventNonce(),
  };
}

/** How many thread ids one mail may make us look up (In-Reply-To first, then References newest first). */
const MAX_THREAD_LOOKUPS = 50;

/** Strips undefined (DynamoDB rejects it) while keeping nulls. */
const clean = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

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
      const items = await this.queryAll({
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

  /** The ticket of `item` with its pages (from `pages`), remembering which pages it had; null when they do not match. */
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

  /** One BatchGetItem for the first ids (a mail may carry thousands in References); the first known id in the given order wins. */
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
    let request: BatchGetCommandInput['RequestItems'] = {
      [this.table]: { Keys: wanted.map((pk) => ({ pk, sk: 'MSGID' })), ProjectionExpression: 'pk, ticketKey' },
    };
    for (let round = 0; request && Object.keys(request).length > 0; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** round)));
      const page: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of page.Responses?.[this.table] ?? [])
        if (typeof item.ticketKey === 'string') found.set(String(item.pk), item.ticketKey);
      request = page.UnprocessedKeys;
    }
    for (const pk of wanted) if (found.has(pk)) return found.get(pk)!;
    return null;
  }

  async wasReceived(inboundId: string): Promise<boolean> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.inbound(inboundId), ConsistentRead: true }),
    );
    return Boolean(result.Item);
  }

  async saveTicket(change: Parameters<TicketStore['saveTicket']>[0]): Promise<WriteResult> {
    const { ticket, expectedVersion, events, messageIds, inboundId, featureSlot } = change;
    const { item, pages, manifest } = ticketItems(ticket);
    // Only pages whose content changed are written: the lists grow at the end, so the last ones.
    const stored = pages.length ? await this.storedPages(ticket.key, expectedVersion) : {};
    if (stored === 'conflict') return { ok: false, reason: 'conflict' };
    const items: TransactItem[] = [];
    items.push(
      expectedVersion === null
        ? { Put: { TableName: this.table, Item: clean(item), ConditionExpression: 'attribute_not_exists(pk)' } }
        : {
            Put: {
              TableName: this.table,
              Item: clean(item),
              ConditionExpression: '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            },
          },
    );
    for (const page of pages) {
      if (stored[page.list]?.[page.index] !== page.hash)
        items.push({ Put: { TableName: this.table, Item: clean(pageItem(ticket.key, page)) } });
    }
    const slotAt = featureSlot ? items.length : -1;
    if (featureSlot === 'take') {
      // The set holds at most one key: adding ours only where it is empty (or ours already).
      items.push({
        Update: {
          TableName: this.table,
          Key: keys.featureSlot(ticket.tenant),
          UpdateExpression: 'ADD holders :me',
          ConditionExpression: 'attribute_not_exists(holders) OR contains(holders, :key)',
          ExpressionAttributeValues: { ':me': new Set([ticket.key]), ':key': ticket.key },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    } else if (featureSlot === 'release') {
      // Unconditional: giving back a slot that is not ours (or empty) changes nothing.
      items.push({
        Update: {
          TableName: this.table,
          Key: keys.featureSlot(ticket.tenant),
          UpdateExpression: 'DELETE holders :me',
          ExpressionAttributeValues: { ':me': new Set([ticket.key]) },
        },
      });
    }
    const result = await this.transact(items, events, messageIds, ticket.key, inboundId, ticket.createdAt, slotAt);
    if (result.ok) this.remember(ticket.key, ticket.version, manifest);
    return result;
  }

  async saveEvents(events: TicketEvent[], inboundId: string | null): Promise<WriteResult> {
    return this.transact([], events, [], null, inboundId, events[0]?.at ?? new Date(0).toISOString());
  }

  private async transact(
    head: TransactItem[],
    events: TicketEvent[],
    messageIds: string[],
    ticketKey: string | null,
    inboundId: string | null,
    at: string,
    slotAt = -1,
  ): Promise<WriteResult> {
    const items = [...head];
    const markerStart = items.length;
    if (inboundId) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...keys.inbound(inboundId), ticketKey, at },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    for (const id of new Set(messageIds.map((m) => m.toLowerCase()))) {
      if (ticketKey)
        items.push({
          Put: {
            TableName: this.table,
            Item: { ...keys.messageId(id), ticketKey },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
    }
    const markerEnd = items.length;
    for (const event of events) {
      items.push({
        Put: {
          TableName: this.table,
          Item: clean(eventItem(event, inboundId)),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (items.length === 0) return { ok: true };
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const slot = slotAt >= 0 ? reasons[slotAt] : undefined;
      if (slot?.Code === 'ConditionalCheckFailed') {
        const holders = slot.Item?.holders?.SS ?? [];
        return { ok: false, reason: 'feature-busy', holder: holders[0] ?? null };
      }
      const failedMarker = reasons.slice(markerStart, markerEnd).some((r) => r.Code === 'ConditionalCheckFailed');
      const failedEvent = reasons.slice(markerEnd).some((r) => r.Code === 'ConditionalCheckFailed');
      if (failedMarker || failedEvent) return { ok: false, reason: 'duplicate' };
      const retryable = reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
      if (retryable) return { ok: false, reason: 'conflict' };
      throw error;
    }
  }

  async listEvents(ticketKey: string): Promise<TicketEvent[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.ticket(ticketKey).pk, ':prefix': EVENT_SK_PREFIX },
      ConsistentRead: true,
    });
    return items.map((item) => stripKeys<TicketEvent>(item));
  }

  async listTickets(filter: TicketFilter = {}): Promise<Ticket[]> {
    let items: Record<string, unknown>[];
    if (filter.tenant) {
      items = await this.queryAll({
        TableName: this.table,
        IndexName: TENANT_INDEX.name,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': TENANT_INDEX.partition },
        ExpressionAttributeValues: { ':p': `TENANT#${filter.tenant}` },
      });
    } else {
      items = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.doc.send(
          new ScanCommand({
            TableName: this.table,
            FilterExpression: 'itemType = :type',
            ExpressionAttributeValues: { ':type': 'ticket' },
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
    }
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
    const shards = Array.from({ length: DUE_SHARDS }, (_, i) => `DUE#${i}`);
    const pages = await Promise.all(
      shards.map((shard) =>
        this.queryAll(
          {
            TableName: this.table,
            IndexName: DUE_INDEX.name,
            KeyConditionExpression: '#p = :p AND #d <= :now',
            ExpressionAttributeNames: { '#p': DUE_INDEX.partition, '#d': DUE_INDEX.sort },
            ExpressionAttributeValues: { ':p': shard, ':now': now },
            Limit: limit,
          },
          limit,
        ),
      ),
    );
    return pages.flat().map((item) => ({ key: ticketKeyOfPk(String(item.pk)), dueAt: String(item[DUE_INDEX.sort]) }));
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
    return this.putOnce(
      keys.claim(marker),
      ttlSeconds ? { ttl: Math.floor(Date.now() / 1000) + ttlSeconds } : {},
      owner ?? randomUUID(),
    );
  }

  /** The Message-ID lookup doubles as the send-once claim: one conditional put instead of two puts. */
  async claimMessageId(messageId: string, ticketKey: string | null): Promise<boolean> {
    return this.putOnce(keys.messageId(messageId), { ticketKey }, randomUUID());
  }

  async release(marker: string): Promise<void> {
    await this.deleteWithRetry(keys.claim(marker));
  }

  async releaseMessageId(messageId: string): Promise<void> {
    await this.deleteWithRetry(keys.messageId(messageId));
  }

  private async putOnce(
    key: { pk: string; sk: string },
    attributes: Record<string, unknown>,
    token: string,
  ): Promise<boolean> {
    const item = { ...key, ...attributes, token };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return error.Item?.token?.S === token;
      // The answer was lost: read back whether the write happened.
      const existing = await this.doc
        .send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }))
        .catch(() => null);
      if (existing?.Item) return existing.Item.token === token;
      throw error;
    }
  }

  /** Deleting is idempotent, so it is retried here: a claim left behind by a failed send would drop that mail. */
  private async deleteWithRetry(key: { pk: string; sk: string }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(new DeleteCommand({ TableName: this.table, Key: key }));
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
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

  private async queryAll(input: QueryCommandInput, max = Number.POSITIVE_INFINITY): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && items.length < max);
    return items;
  }
}
