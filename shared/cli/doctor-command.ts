/**
 * `maildesk doctor [--aws] [--dns HOST[:PORT]] [--stack NAME] [--config FILE] [--json]`: the
 * pre-flight and health check ops run before go-live and when mail stops. One line per check,
 * ok / warn / fail, each warn and fail with its fix. Exit code 0 when nothing failed (warnings do
 * not fail), 1 when something did, 2 for bad flags.
 *
 *   always      config valid; region receives mail; alarm and engineer addresses reachable
 *   DNS         (with --aws, or without it when --dns names a resolver) MX of the desk domain ->
 *               the region's SES inbound endpoint; DMARC of the desk domain and of each engineer's
 *               domain (their #commands count only when their domain authenticates)
 *   local       (without --aws) the local stack's DynamoDB Local and SMTP ports answer
 *   --aws       the stack's outputs (CloudFormation); out of the SES sandbox, identity verified
 *               with DKIM (SESv2); our
 *               receipt rule set active, with every tenant address, and which other sets exist
 *               (SES v1); the Telegram token parameter (SSM, never read decrypted); the alarm
 *               subscription confirmed (SNS); DLQ depths (SQS)
 *
 * Read-only: it calls only Describe/Get/List APIs, and prints no secret and no mail.
 */
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { z } from 'zod';
import { ConfigError, loadConfig, resolveConfigPath, type MaildeskConfig } from '../config';
import { awsFindings, defaultClients, type DoctorClients } from './doctor/aws-checks';
import { addressFindings, regionFinding } from './doctor/config-checks';
import { dmarcFinding, engineerDmarcFindings, mxFinding } from './doctor/dns-checks';
import { fail, formatFindings, ok, warn, type Finding } from './doctor/findings';
import { commandFlags, type CliIo } from './io';
import { terminalJson } from './terminal-text';

export { defaultClients, type DoctorClients } from './doctor/aws-checks';
export { formatFindings, type Finding, type Status } from './doctor/findings';
export { REPLACED_MARK } from './doctor/ses-checks';

export const DOCTOR_USAGE =
  'usage: maildesk doctor [--aws] [--dns HOST[:PORT]] [--stack NAME] [--config FILE] [--json]';
const DEFAULT_STACK = 'Maildesk';

export interface DoctorOptions {
  aws: boolean;
  configPath: string;
  stackName: string;
  /** `host` or `host:port` of the resolver to ask; absent: the system's */
  dnsServer?: string;
  /** the region when the config names none (AWS_REGION, AWS_DEFAULT_REGION) */
  environmentRegion?: string;
  localPorts: { dynamodb: number; smtp: number };
  clients?: (region: string) => DoctorClients;
}

/** 1 config 2 region 3 addresses 4 DNS 5 local stack or AWS. Never throws for a failed check. */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  let config: MaildeskConfig;
  try {
    config = loadConfig(options.configPath);
    findings.push(
      ok(
        'config',
        `${options.configPath} is valid: ${config.tenants.length} tenants, ${config.engineers.length} engineers`,
      ),
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    findings.push(
      fail('config', error.message, 'correct the config (docs/configuration.md); nothing else can be checked before'),
    );
    return findings;
  }
  const deployment = config.deployment;
  if (!deployment) {
    const check = 'deployment';
    const fix =
      'add a "deployment" block: {"domain": "support.example.com", "region": "eu-west-1", "alarmEmail": ' +
      '"ops@example.com"}';
    findings.push(
      options.aws
        ? fail(check, 'the config has no "deployment" block', fix)
        : warn(check, 'no "deployment" block: fine for the local stack, cdk deploy needs one', fix),
    );
  }

  const region = deployment?.region ?? options.environmentRegion;
  findings.push(
    regionFinding(
      region,
      deployment?.region ? 'deployment.region' : 'AWS_REGION',
      deployment?.allowUnlistedRegion === true,
      options.aws || Boolean(deployment),
    ),
  );
  if (deployment) findings.push(...addressFindings(config, deployment.domain));

  if (options.aws || options.dnsServer) {
    const resolver = new Resolver({ timeout: 3000, tries: 2 });
    if (options.dnsServer) resolver.setServers([options.dnsServer]);
    if (deployment) {
      findings.push(await mxFinding(resolver, deployment.domain, region));
      findings.push(await dmarcFinding(resolver, deployment.domain, 'desk'));
    }
    findings.push(...(await engineerDmarcFindings(resolver, config)));
  }

  if (!options.aws) {
    findings.push(await portFinding('local DynamoDB', options.localPorts.dynamodb));
    findings.push(await portFinding('local SMTP', options.localPorts.smtp));
    return findings;
  }
  if (!deployment || !region) return findings;
  const clients = (options.clients ?? defaultClients)(region);
  findings.push(...(await awsFindings(clients, config, deployment, options.stackName, region)));
  return findings;
}

function portFinding(what: string, port: number): Promise<Finding> {
  const check = what;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (finding: Finding) => {
      socket.destroy();
      resolve(finding);
    };
    socket.setTimeout(2000, () =>
      done(warn(check, `127.0.0.1:${port} does not answer`, 'start the local stack: npm start')),
    );
    socket.once('connect', () => done(ok(check, `127.0.0.1:${port} answers`)));
    socket.once('error', (error) =>
      done(
        warn(
          check,
          `127.0.0.1:${port}: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
          'start the local stack: npm start',
        ),
      ),
    );
  });
}

const flagsSchema = z.object({
  aws: z.boolean().default(false),
  json: z.boolean().default(false),
  config: z.string().optional(),
  stack: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a CloudFormation stack name')
    .default(DEFAULT_STACK),
  dns: z
    .string()
    .regex(
      /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/,
      'an IP address, optionally with :PORT (e.g. 127.0.0.1:5353)',
    )
    .optional(),
});

export async function runDoctorCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  clients?: DoctorOptions['clients'],
): Promise<number> {
  const flags = commandFlags(
    argv,
    {
      aws: { type: 'boolean' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      stack: { type: 'string' },
      dns: { type: 'string' },
    },
    flagsSchema,
  );
  const findings = await runDoctor({
    aws: flags.aws,
    configPath: resolveConfigPath(flags.config, env),
    stackName: flags.stack,
    dnsServer: flags.dns,
    environmentRegion: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    localPorts: { dynamodb: Number(env.MAILDESK_DYNAMODB_PORT ?? 8000), smtp: Number(env.MAILDESK_SMTP_PORT ?? 2525) },
    clients,
  });
  io.stdout(flags.json ? terminalJson({ findings }, 2) : formatFindings(findings));
  return findings.some((f) => f.status === 'fail') ? 1 : 0;
}
