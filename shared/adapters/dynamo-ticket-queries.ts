/** Reads over many items: every page of a Query, a tenant's tickets (or all of them), the tickets due by now. */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DueTicket } from '../use-cases/ports';
import { DUE_INDEX, DUE_SHARDS, TENANT_INDEX, ticketKeyOfPk } from './table-layout';

/** Every page of a Query, up to about `max` items. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  max = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && items.length < max);
  return items;
}

/** The ticket items of a tenant (its index), or of every tenant (a Scan): without their pages. */
export async function ticketListItems(
  doc: DynamoDBDocumentClient,
  table: string,
  tenant: string | undefined,
): Promise<Record<string, unknown>[]> {
  if (tenant) {
    return queryAll(doc, {
      TableName: table,
      IndexName: TENANT_INDEX.name,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': TENANT_INDEX.partition },
      ExpressionAttributeValues: { ':p': `TENANT#${tenant}` },
    });
  }
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'itemType = :type',
        ExpressionAttributeValues: { ':type': 'ticket' },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** One Query per shard of the `due` index: the tickets with an action due at or before `now`. */
export async function dueTickets(
  doc: DynamoDBDocumentClient,
  table: string,
  now: string,
  limit: number,
): Promise<DueTicket[]> {
  const shards = Array.from({ length: DUE_SHARDS }, (_, i) => `DUE#${i}`);
  const pages = await Promise.all(
    shards.map((shard) =>
      queryAll(
        doc,
        {
          TableName: table,
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
