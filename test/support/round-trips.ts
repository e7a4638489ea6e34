/** Round trips a DynamoDB client makes, counted by operation (refused ones too: the middleware runs before the call). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export function countRoundTrips(client: DynamoDBClient, into: string[]): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      into.push(String((context as { commandName?: string }).commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'countRoundTrips' },
  );
}
