/**
 * The send-once claims of one event's mails in one round trip (a transaction of conditional puts of their Message-ID
 * items), and the providers' Message-IDs of the mails sent remembered in one (a batch of unconditional puts).
 * A redelivery's transaction is cancelled: its cancellation reasons say which mails are already claimed, and only the
 * rest is claimed again. Each claim carries its owner's token, as putOnce's do, so a claim whose answer was lost is
 * still told from an earlier delivery's.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteItems } from './dynamo-batches';
import { deleteWithRetry, putOnce } from './dynamo-once';
import { keys } from './table-layout';

/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;
/** Transactions tried before the claims left (conflicting with other writers) are made one by one. */
const MAX_TRANSACTION_ROUNDS = 3;

interface Claim {
  id: string;
  pk: string;
  token: string;
}

/**
 * Claims the Message-IDs of `ids` for `ticketKey`; returns the ones this call claimed (as given). A failure releases
 * what this call had claimed, so that a retry sends those mails.
 */
export async function claimMessageIds(
  doc: DynamoDBDocumentClient,
  table: string,
  ids: readonly string[],
  ticketKey: string | null,
): Promise<Set<string>> {
  // One item per key: the same id spelled twice is one claim.
  const byPk = new Map<string, Claim>();
  for (const id of ids) {
    const pk = keys.messageId(id).pk;
    if (!byPk.has(pk)) byPk.set(pk, { id, pk, token: randomUUID() });
  }
  const won = new Set<Claim>();
  try {
    let pending = [...byPk.values()];
    for (let round = 0; pending.length > 1 && pending.length <= MAX_TRANSACTION_ITEMS; round++) {
      if (round >= MAX_TRANSACTION_ROUNDS) break;
      const outcome = await claimTogether(doc, table, pending, ticketKey);
      if (outcome === 'unknown') break;
      for (const claim of outcome.won) won.add(claim);
      pending = outcome.undecided;
    }
    // One left, too many, or the transaction's answer was lost: conditional puts with the same tokens tell.
    for (const claim of pending) {
      if (await putOnce(doc, table, keys.messageId(claim.id), { ticketKey }, claim.token)) won.add(claim);
    }
  } catch (error) {
    await Promise.allSettled([...won].map((claim) => deleteWithRetry(doc, table, keys.messageId(claim.id))));
    throw error;
  }
  const wonPks = new Set([...won].map((claim) => claim.pk));
  return new Set(ids.filter((id) => wonPks.has(keys.messageId(id).pk)));
}

/**
 * One transaction of the claims: all won, or (cancelled) those already held by another owner are lost and the rest
 * undecided. 'unknown': the answer was lost or refused as a whole; the claims may or may not have been written.
 */
async function claimTogether(
  doc: DynamoDBDocumentClient,
  table: string,
  claims: Claim[],
  ticketKey: string | null,
): Promise<{ won: Claim[]; undecided: Claim[] } | 'unknown'> {
  const items = claims.map((claim) => ({
    Put: {
      TableName: table,
      Item: { ...keys.messageId(claim.id), ticketKey, token: claim.token },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  }));
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: items }));
    return { won: claims, undecided: [] };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) return 'unknown';
    const reasons = error.CancellationReasons ?? [];
    const won: Claim[] = [];
    const undecided: Claim[] = [];
    claims.forEach((claim, i) => {
      const reason = reasons[i];
      if (reason?.Code !== 'ConditionalCheckFailed') undecided.push(claim);
      // Our own token: a write of this very call that the SDK retried after a lost answer.
      else if (reason.Item?.token?.S === claim.token) won.push(claim);
    });
    // Nothing decided (a conflict with another writer): the next round or the single puts decide.
    return { won, undecided };
  }
}

/**
 * Records the providers' Message-IDs of sent mails so that replies to them find their tickets: unconditional puts in
 * batches (dynamo-batches.ts).
 */
export async function rememberMessageIds(
  doc: DynamoDBDocumentClient,
  table: string,
  pairs: ReadonlyArray<{ messageId: string; ticketKey: string }>,
): Promise<void> {
  const byPk = new Map(pairs.map((p) => [keys.messageId(p.messageId).pk, p]));
  const puts = [...byPk.values()].map((p) => ({
    PutRequest: { Item: { ...keys.messageId(p.messageId), ticketKey: p.ticketKey } },
  }));
  await batchWriteItems(doc, table, puts);
}
