/** The same TicketStore contract against DynamoTicketStore (DynamoDB Local) and MemoryTicketStore. */
import { afterAll, beforeAll, inject } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { MemoryTicketStore } from '../../shared/adapters/memory';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import { uniqueTable } from '../support/harness';
import { ticketStoreContract } from '../support/ticket-store-contract';

let client: DynamoDBClient;
let dynamo: DynamoTicketStore;

beforeAll(async () => {
  client = localDynamoClient(inject('dynamoEndpoint'));
  const table = uniqueTable('contract');
  await ensureTicketTable(client, table);
  dynamo = new DynamoTicketStore(client, table);
});
afterAll(() => client?.destroy());

ticketStoreContract('DynamoTicketStore', () => dynamo);
const memory = new MemoryTicketStore();
ticketStoreContract('MemoryTicketStore', () => memory);
