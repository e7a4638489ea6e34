/**
 * DynamoDB Local's own stream of a table, read as Lambda's event source mapping reads it (every
 * shard from TRIM_HORIZON, then after the last record seen) and shaped as the records Lambda hands
 * the function (`aws:dynamodb`, attribute values in their wire JSON: binaries base64).
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';

export interface LambdaStreamRecord {
  eventID: string;
  eventName: string;
  eventVersion: string;
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: Record<string, unknown>;
}

export interface TableStream {
  /** the records written since the last call, in shard order */
  next(): Promise<LambdaStreamRecord[]>;
  close(): void;
}

/** Binaries as base64, as the Lambda event carries them (the SDK hands back Uint8Array). */
const wireJson = (value: unknown): Record<string, unknown> =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)),
  ) as Record<string, unknown>;

export async function openTableStream(
  dynamo: DynamoDBClient,
  table: string,
  endpoint: string,
  region: string,
): Promise<TableStream> {
  const described = await dynamo.send(new DescribeTableCommand({ TableName: table }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${table} has no stream`);
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const after = new Map<string, string>();

  const toLambda = (record: _Record): LambdaStreamRecord => {
    const { ApproximateCreationDateTime, ...dynamodb } = record.dynamodb ?? {};
    return {
      eventID: record.eventID ?? '',
      eventName: record.eventName ?? '',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      eventSourceARN: streamArn,
      dynamodb: wireJson({
        ...dynamodb,
        ...(ApproximateCreationDateTime
          ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
          : {}),
      }),
    };
  };

  return {
    async next() {
      const out: LambdaStreamRecord[] = [];
      const stream = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of stream.StreamDescription?.Shards ?? []) {
        const shardId = shard.ShardId!;
        const last = after.get(shardId);
        let iterator = (
          await streams.send(
            new GetShardIteratorCommand(
              last
                ? {
                    StreamArn: streamArn,
                    ShardId: shardId,
                    ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
                    SequenceNumber: last,
                  }
                : { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' },
            ),
          )
        ).ShardIterator;
        // An open shard always hands back a next iterator: stop at the first empty page.
        while (iterator) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
          const records = page.Records ?? [];
          if (records.length === 0) break;
          for (const record of records) {
            out.push(toLambda(record));
            after.set(shardId, record.dynamodb!.SequenceNumber!);
          }
          iterator = page.NextShardIterator;
        }
      }
      return out;
    },
    close: () => streams.destroy(),
  };
}
