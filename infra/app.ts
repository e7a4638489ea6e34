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
 *
 * The region is `deployment.region`, else the CDK environment's; with neither, synth stops
 * (never a silent us-east-1), and a region without SES receiving is refused (infra/ses-regions.ts).
 *
 * It says which config file it builds from, and refuses the shipped example (or any config on
 * `.example` names) unless `--context allowExample=true` (infra/example-guard.ts).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig, resolveConfigPath, type MaildeskConfig } from '../shared/config';
import { MaildeskStack, requireDeployment } from './maildesk-stack';
import { ALLOW_EXAMPLE_CONTEXT, allowsExample, exampleConfigReasons, exampleRefusal } from './example-guard';
import { chooseRegion, type ChosenRegion } from './ses-regions';

export const DEFAULT_STACK_NAME = 'Maildesk';

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`\nmaildesk: ${error.message}\n\n`);
    process.exit(1);
  }
  throw error;
}

let config: MaildeskConfig;
let region: ChosenRegion;
const configPath = resolveConfigPath();
// Said on every synth and deploy: which file the desk is built from.
process.stderr.write(`maildesk: config ${configPath}\n`);
try {
  config = loadConfig(configPath);
  const deployment = requireDeployment(config, configPath);
  region = chooseRegion(deployment.region, process.env.CDK_DEFAULT_REGION, configPath);
} catch (error) {
  fail(error);
}
// Said on every synth: the CDK CLI falls back to us-east-1 when no profile names a region.
process.stderr.write(
  `maildesk: region ${region.region} (from ` +
    `${region.source === 'deployment.region' ? 'deployment.region' : 'the CDK environment'})\n`,
);

const app = new App();
// The shipped sample (or any config on .example names) is refused unless asked for by name.
const exampleReasons = exampleConfigReasons(config, configPath);
if (exampleReasons.length > 0) {
  if (!allowsExample(app.node.tryGetContext(ALLOW_EXAMPLE_CONTEXT))) {
    process.stderr.write(`\nmaildesk: ${exampleRefusal(configPath, exampleReasons)}\n\n`);
    process.exit(1);
  }
  process.stderr.write(
    `maildesk: the example config, synthesized by request (${ALLOW_EXAMPLE_CONTEXT}): never deploy it\n`,
  );
}
try {
  new MaildeskStack(app, app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME, {
    config,
    configSource: configPath,
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: region.region,
    },
  });
} catch (error) {
  fail(error);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
