/**
 * BatchGetItem and BatchWriteItem on one table until DynamoDB has done all of it: what it leaves unprocessed
 * (throttling, the 16 MB answer limit) is sent again with a growing pause, for a bounded number of rounds.
 */
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

type GetRequest = NonNullable<BatchGetCommandInput['RequestItems']>;
type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

const MAX_ROUNDS = 8;
/** DynamoDB's limit of puts and deletes in one BatchWriteItem. */
const MAX_BATCH_WRITES = 25;

async function untilProcessed<R extends object>(
  first: R,
  send: (request: R) => Promise<R | undefined>,
  what: string,
): Promise<void> {
  let request: R | undefined = first;
  for (let round = 0; request && Object.keys(request).length > 0; round++) {
    if (round >= MAX_ROUNDS) throw new Error(`${what} not done after ${round} rounds (throttled)`);
    if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** round)));
    request = await send(request);
  }
}

/** The items of `table` that `keys` name (at most 100 keys), every key read. */
export async function batchGetItems(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: GetRequest[string],
): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  await untilProcessed<GetRequest>(
    { [table]: keys },
    async (request) => {
      const page = await doc.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(page.Responses?.[table] ?? []));
      return page.UnprocessedKeys;
    },
    'BatchGetItem',
  );
  return found;
}

/** Every write of `writes` done, in batches of 25. */
export async function batchWriteItems(
  doc: DynamoDBDocumentClient,
  table: string,
  writes: readonly WriteRequest[],
): Promise<void> {
  for (let i = 0; i < writes.length; i += MAX_BATCH_WRITES) {
    await untilProcessed<NonNullable<BatchWriteCommandInput['RequestItems']>>(
      { [table]: writes.slice(i, i + MAX_BATCH_WRITES) },
      async (request) => (await doc.send(new BatchWriteCommand({ RequestItems: request }))).UnprocessedItems,
      'BatchWriteItem',
    );
  }
}
