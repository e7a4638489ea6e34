/**
 * One DynamoDB Local per test run, behind a loopback endpoint that starts it on first use
 * (test/support/lazy-dynamodb.ts): a run of unit tests alone never starts Java, and needs none.
 * A run with any test outside test/unit starts it at once, in the background, so its start-up
 * (seconds of Java) is not charged to the first test's timeout. Tests create their own tables.
 */
import { relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLazyDynamoDbLocal } from './lazy-dynamodb';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** Whether this run's test files are all unit tests (the CLI filters, as vitest resolves them). */
async function onlyUnitTests(project: TestProject): Promise<boolean> {
  try {
    // vitest keeps the CLI's file filters on `filenamePattern` (not in its types); absent: every file runs.
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
    const specs = await project.vitest.globTestSpecifications(filters);
    return (
      specs.length > 0 && specs.every((spec) => relative(project.config.root, spec.moduleId).startsWith('test/unit/'))
    );
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject) {
  const db = await startLazyDynamoDbLocal({ onFailure: (message) => process.stderr.write(`\n${message}\n\n`) });
  if (!(await onlyUnitTests(project))) db.prewarm();
  project.provide('dynamoEndpoint', db.endpoint);
  return async () => db.stop();
}
