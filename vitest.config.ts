import { defineConfig } from 'vitest/config';

/**
 * Two projects: most files share their workers' module cache (`isolate: false` cuts the suite's import
 * time from minutes to seconds on 2 cores); the hostile-mail suite keeps a fresh worker because it
 * asserts the process's peak RSS against the inbound Lambda's memory, which other files' heap would skew.
 */
const isolated = ['test/reliability/hostile.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/dynamodb-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep workers few so DynamoDB Local (Java) keeps a core.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ['test/stress/**', 'node_modules/**', ...isolated],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: isolated, isolate: true } },
    ],
  },
});
