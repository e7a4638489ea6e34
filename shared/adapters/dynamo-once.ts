/**
 * Once-only markers (claims, Message-ID lookups that double as send-once claims): a conditional put carrying its
 * owner's token, read back when the answer was lost; and their deletion, retried because it is idempotent.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

export async function putOnce(
  doc: DynamoDBDocumentClient,
  table: string,
  key: { pk: string; sk: string },
  attributes: Record<string, unknown>,
  token: string,
): Promise<boolean> {
  const item = { ...key, ...attributes, token };
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return error.Item?.token?.S === token;
    // The answer was lost: read back whether the write happened.
    const existing = await doc
      .send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))
      .catch(() => null);
    if (existing?.Item) return existing.Item.token === token;
    throw error;
  }
}

/** Deleting is idempotent, so it is retried here: a claim left behind by a failed send would drop that mail. */
export async function deleteWithRetry(
  doc: DynamoDBDocumentClient,
  table: string,
  key: { pk: string; sk: string },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await doc.send(new DeleteCommand({ TableName: table, Key: key }));
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
