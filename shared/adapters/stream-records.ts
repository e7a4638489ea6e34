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
