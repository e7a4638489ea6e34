/**
 * The one transaction of a write: the given head items (ticket, pages, feature slot), the inbound marker, the
 * Message-ID lookups and the event items, all or nothing; a cancellation read back as duplicate, conflict or a busy
 * feature slot.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketEvent } from '../domain/events';
import type { WriteResult } from '../use-cases/ports';
import { clean, eventItem } from './dynamo-ticket-items';
import { keys } from './table-layout';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** The ticket item's put: new (no item yet) or over the version it was read at. */
export function ticketPut(table: string, item: Record<string, unknown>, expectedVersion: number | null): TransactItem {
  return expectedVersion === null
    ? { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }
    : {
        Put: {
          TableName: table,
          Item: item,
          ConditionExpression: '#v = :expected',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      };
}

/** The tenant's feature slot taken by or given back from the ticket `ticketKey`. */
export function featureSlotUpdate(
  table: string,
  tenant: string,
  ticketKey: string,
  op: 'take' | 'release',
): TransactItem {
  if (op === 'take') {
    // The set holds at most one key: adding ours only where it is empty (or ours already).
    return {
      Update: {
        TableName: table,
        Key: keys.featureSlot(tenant),
        UpdateExpression: 'ADD holders :me',
        ConditionExpression: 'attribute_not_exists(holders) OR contains(holders, :key)',
        ExpressionAttributeValues: { ':me': new Set([ticketKey]), ':key': ticketKey },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }
  // Unconditional: giving back a slot that is not ours (or empty) changes nothing.
  return {
    Update: {
      TableName: table,
      Key: keys.featureSlot(tenant),
      UpdateExpression: 'DELETE holders :me',
      ExpressionAttributeValues: { ':me': new Set([ticketKey]) },
    },
  };
}

/** `slotAt`: the index of the feature slot's item in `head`, whose refusal means the slot is busy (-1: none). */
export async function transactWrite(
  doc: DynamoDBDocumentClient,
  table: string,
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
        TableName: table,
        Item: { ...keys.inbound(inboundId), ticketKey, at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  for (const id of new Set(messageIds.map((m) => m.toLowerCase()))) {
    if (ticketKey)
      items.push({
        Put: {
          TableName: table,
          Item: { ...keys.messageId(id), ticketKey },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
  }
  const markerEnd = items.length;
  for (const event of events) {
    items.push({
      Put: {
        TableName: table,
        Item: clean(eventItem(event, inboundId)),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  if (items.length === 0) return { ok: true };
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: items }));
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
