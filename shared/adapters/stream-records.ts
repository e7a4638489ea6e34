/** DynamoDB stream records -> outbox events. Only INSERTs of event items carry news. */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EVENT_SK_PREFIX } from './table-layout';
import type { TicketEvent } from '../domain/events';

export interface StreamRecordLike {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, unknown>; SequenceNumber?: string };
}

export function eventFromStreamRecord(record: StreamRecordLike): TicketEvent | null {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return null;
  const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
  if (typeof item.sk !== 'string' || !item.sk.startsWith(EVENT_SK_PREFIX)) return null;
  const { pk: _pk, sk: _sk, itemType: _type, ...event } = item;
  return event as TicketEvent;
}

export interface StreamBatchOutcome {
  /** Lambda's partial batch response: the first failed record, from which Lambda retries */
  batchItemFailures: Array<{ itemIdentifier: string }>;
  delivered: number;
  /** the failure that stopped the batch (its record's position in `records`) */
  failed: { event: TicketEvent; error: Error; index: number } | null;
}

/**
 * A stream batch through `deliver`, in order: records that are not new outbox events are skipped;
 * the first failure stops the batch and is reported by its sequence number, because stream order
 * matters per shard (Lambda retries from that record; the records after it wait). The notify
 * Lambda and the local stack's stream poller both deliver through this.
 */
export async function deliverStreamBatch(
  records: readonly StreamRecordLike[],
  deliver: (event: TicketEvent) => Promise<unknown>,
): Promise<StreamBatchOutcome> {
  let delivered = 0;
  for (const [index, record] of records.entries()) {
    const event = eventFromStreamRecord(record);
    if (!event) continue;
    try {
      await deliver(event);
      delivered++;
    } catch (error) {
      const failed = { event, error: error instanceof Error ? error : new Error(String(error)), index };
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }], delivered, failed };
    }
  }
  return { batchItemFailures: [], delivered, failed: null };
}
