/**
 * The reads before an inbound mail is decided on, in one BatchGetItem: its inbound marker (was it processed?) and the
 * Message-ID items of its own id and its thread (which ticket each leads to). Consistent reads, as wasReceived's: the
 * marker of a mail processed a moment ago must be seen. The transaction's conditions keep the writes exactly once
 * anyway; this read only keeps a redelivered or resent mail from taking a ticket number.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboundLookup } from '../use-cases/ports';
import { batchGetItems } from './dynamo-batches';
import { keys } from './table-layout';

/** BatchGetItem reads at most 100 keys: the marker and the first 99 distinct Message-IDs. */
const MAX_MESSAGE_IDS = 99;

export async function lookupInbound(
  doc: DynamoDBDocumentClient,
  table: string,
  inboundId: string,
  messageIds: readonly string[],
): Promise<InboundLookup> {
  const marker = keys.inbound(inboundId);
  const idsByPk = new Map<string, string[]>();
  for (const id of messageIds) {
    const pk = keys.messageId(id).pk;
    const same = idsByPk.get(pk);
    if (same) same.push(id);
    else if (idsByPk.size < MAX_MESSAGE_IDS) idsByPk.set(pk, [id]);
  }
  const wanted = [marker, ...[...idsByPk.keys()].map((pk) => ({ pk, sk: 'MSGID' }))];
  const found = await batchGetItems(doc, table, {
    Keys: wanted,
    ConsistentRead: true,
    ProjectionExpression: 'pk, ticketKey',
  });
  const tickets = new Map<string, string>();
  let received = false;
  for (const item of found) {
    if (item.pk === marker.pk) received = true;
    else if (typeof item.ticketKey === 'string')
      for (const id of idsByPk.get(String(item.pk)) ?? []) tickets.set(id, item.ticketKey);
  }
  return { received, tickets };
}
