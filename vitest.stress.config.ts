import { defineConfig } from 'vitest/config';

/**
 * `npm run test:stress`: the long versions of the reliability suites (test/stress), against the
 * same DynamoDB Local global setup as `npm test`. One file at a time: each one loads DynamoDB
 * Local on its own. Bounded: every suite has a fixed size; the whole run takes tens of minutes.
 */
export default defineConfig({
  test: {
    include: ['test/stress/**/*.test.ts'],
    globalSetup: ['test/support/dynamodb-global-setup.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
