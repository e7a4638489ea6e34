import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Two projects. Most files share their workers' module cache (`isolate: false` cuts the suite's import
 * time from minutes to seconds on 2 cores). A file keeps a fresh worker when it would leak into the
 * next one: the hostile-mail suite asserts the process's peak RSS against the inbound Lambda's memory
 * (other files' heap would count), and aws-sdk-client-mock patches an SDK client's prototype `send`
 * for the whole worker (the strict SES/EventBridge doubles, the fault injection, the doctor's mocks).
 */
const leaks =
  /aws-sdk-client-mock|support\/(strict-ses|strict-eventbridge|direct-env|fault-injection)'|strict-ses-receipt|\.suite'/;
const testFiles = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts') && !f.startsWith('stress'))
  .map((f) => join('test', f));
const isolated = ['test/reliability/hostile.test.ts', ...testFiles.filter((f) => leaks.test(readFileSync(f, 'utf8')))];

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
