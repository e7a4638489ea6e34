/** SDK clients, created once per process (module scope in a Lambda) and injected into adapters. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** DynamoDB Local accepts any credentials; these fake ones keep the SDK from looking for real ones. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
