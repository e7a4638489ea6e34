/**
 * One DynamoDB Local per test run, started when the first test connects (test/support/lazy-dynamodb.ts):
 * a run of unit tests alone never starts Java. Tests create their own tables (unique names).
 */
import type { TestProject } from 'vitest/node';
import { startLazyDynamoDbLocal } from './lazy-dynamodb';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await startLazyDynamoDbLocal({ onFailure: (message) => process.stderr.write(`\n${message}\n\n`) });
  project.provide('dynamoEndpoint', db.endpoint);
  return async () => db.stop();
}
