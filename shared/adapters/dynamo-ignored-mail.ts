/**
 * IgnoredMailLog on the one table: an item per mail in a partition per UTC day (table-layout.ts
 * `keys.ignoredMail`), expiring after IGNORED_MAIL_DAYS through the table's TTL.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IgnoredMail } from '../use-cases/ports';
import { boundIgnoredMail, DAY_MS, IGNORED_MAIL_DAYS, newestIgnored } from './ignored-mail';
import { ignoredMailPartition, keys, TTL_ATTRIBUTE } from './table-layout';

export async function putIgnoredMail(doc: DynamoDBDocumentClient, table: string, mail: IgnoredMail): Promise<void> {
  const item = boundIgnoredMail(mail);
  const expires = Math.floor(Date.parse(item.at) / 1000) + IGNORED_MAIL_DAYS * (DAY_MS / 1000);
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { ...keys.ignoredMail(item.at, item.inboundId), itemType: 'ignored', ...item, [TTL_ATTRIBUTE]: expires },
    }),
  );
}

/** Day partitions from `until`'s day back, newest first, until `limit` mails are found. */
export async function queryIgnoredMail(
  doc: DynamoDBDocumentClient,
  table: string,
  until: string,
  limit: number,
): Promise<IgnoredMail[]> {
  const found: IgnoredMail[] = [];
  const end = Date.parse(until);
  // The sort key starts with the ISO time: everything below `<until>$` ('$' follows '#') is at or before it.
  const bound = `${until}$`;
  for (let day = 0; day <= IGNORED_MAIL_DAYS && newestIgnored(found, until, limit).length < limit; day++) {
    const pk = ignoredMailPartition(new Date(end - day * DAY_MS).toISOString());
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk < :bound',
          ExpressionAttributeValues: { ':pk': pk, ':bound': bound },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []).map(ignoredMailOf));
      start = page.LastEvaluatedKey;
    } while (start && newestIgnored(found, until, limit).length < limit);
  }
  return newestIgnored(found, until, limit);
}

function ignoredMailOf(item: Record<string, unknown>): IgnoredMail {
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    at: String(item.at),
    inboundId: String(item.inboundId),
    reason: String(item.reason),
    from: text(item.from),
    to: Array.isArray(item.to) ? item.to.map(String) : [],
    subject: text(item.subject),
    mailKey: String(item.mailKey),
  };
}
