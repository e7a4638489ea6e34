/** TicketStore on one DynamoDB table (layout in table-layout.ts). Tested against DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
import { newEventNonce } from '../mail/message-ids';
import type { Ticket } from '../domain/ticket';
import type { DueTicket, TicketFilter, TicketStore, WriteResult } from '../use-cases/ports';
import { DUE_INDEX, DUE_SHARDS, EVENT_SK_PREFIX, TENANT_INDEX, dueShard, keys, ticketKeyOfPk } from './table-layout';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const INTERNAL_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'duePk', 'dueAt', 'ttl', 'itemType'] as const;

function stripKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const attribute of INTERNAL_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

/**
 * A DynamoDB item holds at most 400 KB, and mail is unbounded: what people wrote (an event's
 * `text`, a `reason`) is cut at 64 K characters, any other string at 2 K (subjects, names, field
 * values, Message-IDs), any list at 500 entries. The raw mail stays in the bucket, whole.
 */
const MAX_TEXT_CHARS = 65_536;
const MAX_STRING_CHARS = 2_048;
const MAX_LIST_ENTRIES = 500;
const LONG_TEXT_FIELDS = new Set(['text', 'reason']);
export const CUT_MARK = ' [...]';

function fit<T>(value: T, field = ''): T {
  if (typeof value === 'string') {
    const max = LONG_TEXT_FIELDS.has(field) ? MAX_TEXT_CHARS : MAX_STRING_CHARS;
    return (value.length > max ? value.slice(0, max) + CUT_MARK : value) as T;
  }
  if (Array.isArray(value)) return value.slice(0, MAX_LIST_ENTRIES).map((v) => fit(v, field)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fit(v, k)])) as T;
  return value;
}

export function ticketItem(ticket: Ticket): Record<string, unknown> {
  return {
    ...keys.ticket(ticket.key),
    itemType: 'ticket',
    gsi1pk: `TENANT#${ticket.tenant}`,
    gsi1sk: `${ticket.createdAt}#${ticket.key}`,
    ...(ticket.nextDue ? { duePk: dueShard(ticket.number), dueAt: ticket.nextDue.at } : {}),
    ...fit(ticket),
  };
}

export function eventItem(event: TicketEvent, inboundId: string | null): Record<string, unknown> {
  // The nonce seeds the event's outgoing Message-IDs; the put is conditional, so the first write's stays.
  return { ...keys.event(event.ticketKey, inboundId, event.at, event.id), itemType: 'event', ...fit(event), nonce: event.nonce ?? newEventNonce() };
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

  async getTicket(key: string): Promise<Ticket | null> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.ticket(key), ConsistentRead: true }));
    return result.Item ? stripKeys<Ticket>(result.Item) : null;
  }

  /** One BatchGetItem for the first ids (a mail may carry thousands in References); the first known id in the given order wins. */
  async findByMessageIds(ids: readonly string[]): Promise<string | null> {
    const wanted = [...new Map(ids.map((id) => [keys.messageId(id).pk, id])).keys()].slice(0, MAX_THREAD_LOOKUPS);
    if (wanted.length === 0) return null;
    if (wanted.length === 1) {
      const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: wanted[0], sk: 'MSGID' } }));
      return typeof result.Item?.ticketKey === 'string' ? result.Item.ticketKey : null;
    }
    const found = new Map<string, string>();
    let request: BatchGetCommandInput['RequestItems'] = { [this.table]: { Keys: wanted.map((pk) => ({ pk, sk: 'MSGID' })), ProjectionExpression: 'pk, ticketKey' } };
    for (let round = 0; request && Object.keys(request).length > 0; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** round)));
      const page: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of page.Responses?.[this.table] ?? []) if (typeof item.ticketKey === 'string') found.set(String(item.pk), item.ticketKey);
      request = page.UnprocessedKeys;
    }
    for (const pk of wanted) if (found.has(pk)) return found.get(pk)!;
    return null;
  }

  async wasReceived(inboundId: string): Promise<boolean> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.inbound(inboundId), ConsistentRead: true }));
    return Boolean(result.Item);
  }

  async saveTicket(change: Parameters<TicketStore['saveTicket']>[0]): Promise<WriteResult> {
    const { ticket, expectedVersion, events, messageIds, inboundId, featureSlot } = change;
    const items: TransactItem[] = [];
    items.push(
      expectedVersion === null
        ? { Put: { TableName: this.table, Item: clean(ticketItem(ticket)), ConditionExpression: 'attribute_not_exists(pk)' } }
        : {
            Put: {
              TableName: this.table,
              Item: clean(ticketItem(ticket)),
              ConditionExpression: '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            },
          },
    );
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
      items.push({ Update: { TableName: this.table, Key: keys.featureSlot(ticket.tenant), UpdateExpression: 'DELETE holders :me', ExpressionAttributeValues: { ':me': new Set([ticket.key]) } } });
    }
    return this.transact(items, events, messageIds, ticket.key, inboundId, ticket.createdAt, slotAt);
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
      items.push({ Put: { TableName: this.table, Item: { ...keys.inbound(inboundId), ticketKey, at }, ConditionExpression: 'attribute_not_exists(pk)' } });
    }
    for (const id of new Set(messageIds.map((m) => m.toLowerCase()))) {
      if (ticketKey) items.push({ Put: { TableName: this.table, Item: { ...keys.messageId(id), ticketKey }, ConditionExpression: 'attribute_not_exists(pk)' } });
    }
    const markerEnd = items.length;
    for (const event of events) {
      items.push({ Put: { TableName: this.table, Item: clean(eventItem(event, inboundId)), ConditionExpression: 'attribute_not_exists(pk)' } });
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
          new ScanCommand({ TableName: this.table, FilterExpression: 'itemType = :type', ExpressionAttributeValues: { ':type': 'ticket' }, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return items
      .map((item) => stripKeys<Ticket>(item))
      .filter((t) => (!filter.status || t.status === filter.status) && (!filter.priority || t.priority === filter.priority))
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
    return this.putOnce(keys.claim(marker), ttlSeconds ? { ttl: Math.floor(Date.now() / 1000) + ttlSeconds } : {}, owner ?? randomUUID());
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

  private async putOnce(key: { pk: string; sk: string }, attributes: Record<string, unknown>, token: string): Promise<boolean> {
    const item = { ...key, ...attributes, token };
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return error.Item?.token?.S === token;
      // The answer was lost: read back whether the write happened.
      const existing = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true })).catch(() => null);
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
