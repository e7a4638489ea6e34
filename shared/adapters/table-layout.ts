/**
 * The single-table layout: key names and index names in one place, used by the store, the
 * local stack's CreateTable and the CDK stack.
 *
 * item            pk                     sk                        other keys
 * ticket          TICKET#MG-42           TICKET                    gsi1pk TENANT#<id>, gsi1sk <createdAt>#MG-42; duePk DUE#<shard>, dueAt
 * event (outbox)  TICKET#MG-42           EVENT#<at>#<eventId>      (MAIL#<inboundId> when there is no ticket)
 * Message-ID      MSGID#<message-id>     MSGID                     ticketKey
 * inbound marker  INBOUND#<sesMessageId> INBOUND                   ticketKey, at
 * counter         COUNTER                TICKET                    n
 * claim           CLAIM#<marker>         CLAIM                     ttl, token (the owner)
 * rate counter    COUNT#<name>           COUNT                     n, ttl
 */
import { createHash } from 'node:crypto';

export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;
export const TENANT_INDEX = { name: 'byTenant', partition: 'gsi1pk', sort: 'gsi1sk' } as const;
export const DUE_INDEX = { name: 'due', partition: 'duePk', sort: 'dueAt' } as const;
export const TTL_ATTRIBUTE = 'ttl';
/** Write sharding of the sparse deadline index: a sweep queries each shard for what is due. */
export const DUE_SHARDS = 4;
export const EVENT_SK_PREFIX = 'EVENT#';

/**
 * Key values come partly from mail (Message-IDs, sender addresses in claim and counter names) and
 * DynamoDB refuses partition keys over 2048 bytes: a long value is replaced by its SHA-256.
 */
const MAX_KEY_VALUE_BYTES = 512;
export function boundedKeyValue(value: string): string {
  return Buffer.byteLength(value, 'utf8') <= MAX_KEY_VALUE_BYTES ? value : `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

export const keys = {
  ticket: (key: string) => ({ pk: `TICKET#${key}`, sk: 'TICKET' }),
  event: (ticketKey: string | null, inboundId: string | null, at: string, id: string) => ({
    pk: ticketKey ? `TICKET#${ticketKey}` : `MAIL#${inboundId ?? id}`,
    sk: `${EVENT_SK_PREFIX}${at}#${id}`,
  }),
  messageId: (id: string) => ({ pk: `MSGID#${boundedKeyValue(id.toLowerCase())}`, sk: 'MSGID' }),
  inbound: (id: string) => ({ pk: `INBOUND#${boundedKeyValue(id)}`, sk: 'INBOUND' }),
  counter: () => ({ pk: 'COUNTER', sk: 'TICKET' }),
  claim: (marker: string) => ({ pk: `CLAIM#${boundedKeyValue(marker)}`, sk: 'CLAIM' }),
  count: (name: string) => ({ pk: `COUNT#${boundedKeyValue(name)}`, sk: 'COUNT' }),
};

export const dueShard = (ticketNumber: number) => `DUE#${ticketNumber % DUE_SHARDS}`;
