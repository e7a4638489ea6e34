/** Which table the CLI reads: the local stack's DynamoDB Local by default, the deployed one with --aws. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../adapters/clients';
import { DynamoTicketStore } from '../adapters/dynamo-ticket-store';

export interface StoreTarget {
  aws: boolean;
  table?: string;
}

export function openStore(target: StoreTarget, env: NodeJS.ProcessEnv = process.env): { store: DynamoTicketStore; close(): void } {
  if (target.aws) {
    const table = target.table ?? env.MAILDESK_TABLE ?? env.TABLE_NAME;
    if (!table) throw new Error('--aws needs the table name: --table NAME or MAILDESK_TABLE (see the stack output TableName)');
    const client = new DynamoDBClient({});
    return { store: new DynamoTicketStore(client, table), close: () => client.destroy() };
  }
  const port = Number(env.MAILDESK_DYNAMODB_PORT ?? 8000);
  const client = localDynamoClient(`http://127.0.0.1:${port}`);
  return { store: new DynamoTicketStore(client, target.table ?? env.MAILDESK_TABLE ?? 'maildesk'), close: () => client.destroy() };
}
