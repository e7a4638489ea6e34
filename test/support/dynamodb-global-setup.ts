/** One DynamoDB Local per test run, on a free port; tests create their own tables (unique names). */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../shared/adapters/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', db.endpoint);
  return async () => db.stop();
}
