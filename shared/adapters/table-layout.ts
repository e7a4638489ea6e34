/**
 * The single-table layout: key names and index names in one place, used by the store, the
 * local stack's CreateTable and the CDK stack.
 *
 * item            pk                     sk                        other keys
 * ticket          TICKET#MG-42           TICKET                    gsi1pk TENANT#<id>, gsi1sk <createdAt>#MG-42;
 *                                                                  duePk DUE#<shard>, dueAt; listPages (when paged)
 * ticket page     TICKET#MG-42           TICKET#<LIST>#<00000>     list, index, hash, entries: the rest of a long
 *                                                                  list (ATTACHMENTS, PAUSES)
 * event (outbox)  TICKET#MG-42           EVENT#<at>#<eventId>      (MAIL#<inboundId> when there is no ticket)
 * Message-ID      MSGID#<message-id>     MSGID                     ticketKey (null for a mail without a ticket);
 *                                                                  token when it is an outgoing mail's send-once claim
 * inbound marker  INBOUND#<sesMessageId> INBOUND                   ticketKey, at
 * counter         COUNTER                TICKET                    n
 * claim           CLAIM#<marker>         CLAIM                     ttl, token (the owner)
 * rate counter    COUNT#<name>           COUNT                     n, ttl
 * feature slot    FEATURE#<tenant>       FEATURE                   holders (string set: the feature ticket in work)
 * ignored mail    IGNORED#<yyyy-mm-dd>   <at>#<inboundId>          reason, from, to, subject, mailKey (trimmed); ttl
 *
 * A ticket item stays under 64 KB whatever its history (ticket-bounds.ts): strings are capped,
 * participants (cc, the first 50) and links too, attachments listed at 1,000 (the rest stay in the
 * bucket and in their mail's event); the attachment list and the pauses keep their
 * first 4 KB in the ticket item and the rest in page items of up to 48 KB in the ticket's own
 * partition, sorted right after it, so one Query (pk, sk begins_with TICKET) reads the ticket
 * whole and a ticket without pages costs what a GetItem did. `listPages` in the ticket item names
 * each page by a hash of its content: a save writes only the pages whose hash changed (the last
 * ones: the lists only grow at the end), in the ticket's transaction, and a reader that meets a
 * page other than the one named reads again. The stream filter (EVENT#) never sees pages; the
 * indexes neither (pages have no index keys).
 */
import { createHash } from 'node:crypto';

export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;
/** Listing a tenant's tickets reads whole tickets from the index: it projects everything. */
export const TENANT_INDEX = { name: 'byTenant', partition: 'gsi1pk', sort: 'gsi1sk', projection: 'ALL' } as const;
/**
 * The sweep reads each due ticket from the table anyway (the index is eventually consistent), so the
 * index holds keys only: every ticket write then costs one small index write, not a second ticket.
 */
export const DUE_INDEX = { name: 'due', partition: 'duePk', sort: 'dueAt', projection: 'KEYS_ONLY' } as const;
export const TTL_ATTRIBUTE = 'ttl';
/** Write sharding of the sparse deadline index: a sweep queries each shard for what is due. */
export const DUE_SHARDS = 4;
export const EVENT_SK_PREFIX = 'EVENT#';
/** The ticket item's sort key; its pages' sort keys start with it. */
export const TICKET_SK = 'TICKET';
/** The ticket item's attribute naming its pages (ticket-bounds.ts PageManifest). */
export const PAGES_ATTRIBUTE = 'listPages';
const TICKET_PK_PREFIX = 'TICKET#';
export const ticketKeyOfPk = (pk: string) => pk.slice(TICKET_PK_PREFIX.length);

/**
 * Key values come partly from mail (Message-IDs, sender addresses in claim and counter names) and
 * DynamoDB refuses partition keys over 2048 bytes: a long value is replaced by its SHA-256.
 */
const MAX_KEY_VALUE_BYTES = 512;
export function boundedKeyValue(value: string): string {
  return Buffer.byteLength(value, 'utf8') <= MAX_KEY_VALUE_BYTES
    ? value
    : `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

export const keys = {
  ticket: (key: string) => ({ pk: `${TICKET_PK_PREFIX}${key}`, sk: TICKET_SK }),
  ticketPage: (key: string, list: string, index: number) => ({
    pk: `${TICKET_PK_PREFIX}${key}`,
    sk: `${TICKET_SK}#${list.toUpperCase()}#${String(index).padStart(5, '0')}`,
  }),
  event: (ticketKey: string | null, inboundId: string | null, at: string, id: string) => ({
    pk: ticketKey ? `TICKET#${ticketKey}` : `MAIL#${inboundId ?? id}`,
    sk: `${EVENT_SK_PREFIX}${at}#${id}`,
  }),
  messageId: (id: string) => ({ pk: `MSGID#${boundedKeyValue(id.toLowerCase())}`, sk: 'MSGID' }),
  inbound: (id: string) => ({ pk: `INBOUND#${boundedKeyValue(id)}`, sk: 'INBOUND' }),
  counter: () => ({ pk: 'COUNTER', sk: 'TICKET' }),
  claim: (marker: string) => ({ pk: `CLAIM#${boundedKeyValue(marker)}`, sk: 'CLAIM' }),
  count: (name: string) => ({ pk: `COUNT#${boundedKeyValue(name)}`, sk: 'COUNT' }),
  featureSlot: (tenant: string) => ({ pk: `FEATURE#${tenant}`, sk: 'FEATURE' }),
  /** One partition per UTC day: the log is read day by day, newest first (ignored-mail.ts). */
  ignoredMail: (at: string, inboundId: string) => ({
    pk: ignoredMailPartition(at),
    sk: `${at}#${boundedKeyValue(inboundId)}`,
  }),
};

export const ignoredMailPartition = (at: string) => `IGNORED#${at.slice(0, 10)}`;

export const dueShard = (ticketNumber: number) => `DUE#${ticketNumber % DUE_SHARDS}`;
