/** CreateTable for the local stack and the tests: the same layout the CDK stack deploys. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DUE_INDEX, TENANT_INDEX, TABLE_KEYS } from './table-layout';

/** `stream: false` only for bulk benchmark tables: DynamoDB Local slows down as stream records pile up. */
export async function ensureTicketTable(
  client: DynamoDBClient,
  table: string,
  options: { stream?: boolean } = {},
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partition, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sort, AttributeType: 'S' },
          { AttributeName: TENANT_INDEX.partition, AttributeType: 'S' },
          { AttributeName: TENANT_INDEX.sort, AttributeType: 'S' },
          { AttributeName: DUE_INDEX.partition, AttributeType: 'S' },
          { AttributeName: DUE_INDEX.sort, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [TENANT_INDEX, DUE_INDEX].map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partition, KeyType: 'HASH' as const },
            { AttributeName: index.sort, KeyType: 'RANGE' as const },
          ],
          Projection: { ProjectionType: index.projection },
        })),
        ...(options.stream === false
          ? {}
          : { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const } }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await client.send(new DescribeTableCommand({ TableName: table }));
}
