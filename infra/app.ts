/**
 * CDK app: `npx cdk synth|deploy` runs this (cdk.json: `npx tsx infra/app.ts`).
 *
 * The config is the same maildesk.config.json the functions use, found by resolveConfigPath():
 * MAILDESK_CONFIG=path, else ./maildesk.config.json, else the shipped example. An invalid config
 * stops synth before anything is built or deployed: the zod messages, one line per key, and
 * exit code 1 (no stack trace: the message is the whole story).
 *
 * cdk-nag's AwsSolutions checks run on every synth as a CDK policy-validation plugin (cdk-nag 3);
 * any unacknowledged finding fails the synth. Acknowledgments, each with its reason, are in
 * infra/constructs/nag-suppressions.ts.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig, resolveConfigPath, type MaildeskConfig } from '../shared/config';
import { MaildeskStack, requireDeployment } from './maildesk-stack';

export const DEFAULT_STACK_NAME = 'Maildesk';

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`\nmaildesk: ${error.message}\n\n`);
    process.exit(1);
  }
  throw error;
}

let config: MaildeskConfig;
const configPath = resolveConfigPath();
try {
  config = loadConfig(configPath);
  requireDeployment(config, configPath);
} catch (error) {
  fail(error);
}

const app = new App();
try {
  new MaildeskStack(app, app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME, {
    config,
    configSource: configPath,
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: config.deployment?.region ?? process.env.CDK_DEFAULT_REGION,
    },
  });
} catch (error) {
  fail(error);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
