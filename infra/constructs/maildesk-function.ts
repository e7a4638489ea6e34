/**
 * "A NodejsFunction with our settings", for every maildesk function (the core ones and the Telegram bridge's):
 * bundled locally by esbuild (no Docker), ESM, minified, source maps, the SDK bundled, Node.js 22 pinned, arm64,
 * JSON logs in its own log group with a retention, and its own role that starts with only its log statement
 * (the caller adds exactly what the function uses). The config is baked in at build time (see functions.ts).
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import type { MaildeskConfig } from '../../shared/config';
import { ESM_REQUIRE_BANNER, RUNTIME } from './function-settings';

/** What every function of a stack shares (MaildeskFunctions' and TelegramBridge's props have it). */
export interface FunctionSource {
  config: MaildeskConfig;
  /** Repository root: package-lock.json and functions/ live here. */
  projectRoot: string;
  /** Handler files; defaults to functions/<name>/handler.ts under projectRoot. */
  entries?: Partial<Record<string, string>>;
  logRetention: logs.RetentionDays;
}

export interface MaildeskFunctionProps {
  /** functions/<name>/handler.ts; construct ids <Name>, <Name>Logs, <Name>Role (PascalCase) */
  name: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  /** POWERTOOLS_SERVICE_NAME and NODE_OPTIONS are added */
  environment: Record<string, string>;
  /** statements the role holds before the function is made, after its log statement */
  statements?: iam.PolicyStatement[];
  /** retries, destinations and the like */
  extra?: Partial<nodejs.NodejsFunctionProps>;
}

export interface MaildeskFunction {
  fn: nodejs.NodejsFunction;
  role: iam.Role;
  logGroup: logs.LogGroup;
}

export function maildeskFunction(
  scope: Construct,
  source: FunctionSource,
  props: MaildeskFunctionProps,
): MaildeskFunction {
  const { name } = props;
  const { projectRoot } = source;
  const id = pascal(name);
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: source.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `maildesk ${name}: least-privilege execution role`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'Logs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  for (const statement of props.statements ?? []) role.addToPolicy(statement);
  const fn = new nodejs.NodejsFunction(scope, id, {
    description: props.description,
    entry: source.entries?.[name] ?? join(projectRoot, 'functions', name, 'handler.ts'),
    handler: 'handler',
    projectRoot,
    depsLockFilePath: join(projectRoot, 'package-lock.json'),
    runtime: RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
    systemLogLevelV2: lambda.SystemLogLevel.WARN,
    environment: {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: `maildesk-${name}`,
      // Stack traces through the source maps (NodejsFunction does not set this by itself).
      NODE_OPTIONS: '--enable-source-maps',
    },
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      // Bundle the SDK: the versions in package-lock.json are the ones tested, not the runtime's.
      bundleAwsSDK: true,
      banner: ESM_REQUIRE_BANNER,
      define: { 'process.env.MAILDESK_CONFIG_JSON': JSON.stringify(JSON.stringify(source.config)) },
      logLevel: nodejs.LogLevel.WARNING,
    },
    ...props.extra,
  });
  return { fn, role, logGroup };
}

/** telegram-webhook -> TelegramWebhook */
function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
