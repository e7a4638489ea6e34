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
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeActiveReceiptRuleSetCommand,
  ListReceiptRuleSetsCommand,
  SESClient,
  type DescribeActiveReceiptRuleSetCommandOutput,
  type ReceiptRuleSetMetadata,
} from '@aws-sdk/client-ses';
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  SESv2Client,
  type GetAccountCommandOutput,
  type GetEmailIdentityCommandOutput,
} from '@aws-sdk/client-sesv2';
import { ListSubscriptionsByTopicCommand, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { z } from 'zod';
import { SES_RECEIVING_DOC, SES_RECEIVING_REGIONS } from '../../infra/ses-regions';
import { ConfigError, loadConfig, resolveConfigPath, type MaildeskConfig } from '../config';
import { checkedFlags, parseFlags, type CliIo } from './io';
import { terminalJson, terminalLine } from './terminal-text';

export const DOCTOR_USAGE =
  'usage: maildesk doctor [--aws] [--dns HOST[:PORT]] [--stack NAME] [--config FILE] [--json]';
const DEFAULT_STACK = 'Maildesk';

export type Status = 'ok' | 'warn' | 'fail';
export interface Finding {
  status: Status;
  /** short name of the check, e.g. `dmarc engineers:corp.example` */
  check: string;
  detail: string;
  /** what to do, for warn and fail */
  fix?: string;
}

/** The SDK clients, one per service, all in the stack's region. */
export interface DoctorClients {
  cloudFormation: CloudFormationClient;
  sesv2: SESv2Client;
  /** classic SES: receipt rule sets exist only there */
  ses: SESClient;
  ssm: SSMClient;
  sns: SNSClient;
  sqs: SQSClient;
}

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

const ok = (check: string, detail: string): Finding => ({ status: 'ok', check, detail });
const warn = (check: string, detail: string, fix: string): Finding => ({ status: 'warn', check, detail, fix });
const fail = (check: string, detail: string, fix: string): Finding => ({ status: 'fail', check, detail, fix });

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
const errorName = (error: unknown) => (error instanceof Error ? error.name : String(error));
const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export function defaultClients(region: string): DoctorClients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    sesv2: new SESv2Client({ region }),
    ses: new SESClient({ region }),
    ssm: new SSMClient({ region }),
    sns: new SNSClient({ region }),
    sqs: new SQSClient({ region }),
  };
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
      'add a "deployment" block: {"domain": "support.example.com", "region": "eu-west-1", "alarmEmail": "ops@example.com"}';
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

function regionFinding(region: string | undefined, source: string, allowUnlisted: boolean, needed: boolean): Finding {
  if (!region) {
    const fix = 'set "deployment.region" (e.g. "eu-west-1") in the config';
    return needed
      ? fail('region', 'no region in the config nor AWS_REGION', fix)
      : warn('region', 'no region (not needed locally)', fix);
  }
  if (SES_RECEIVING_REGIONS.includes(region)) return ok('region', `${region} (from ${source}) receives mail`);
  const detail = `${region} (from ${source}) is not on the list of regions with SES email receiving`;
  if (allowUnlisted)
    return warn(
      'region',
      `${detail}; allowUnlistedRegion is set`,
      `make sure ${region} is listed on ${SES_RECEIVING_DOC}`,
    );
  return fail('region', detail, `choose one of ${SES_RECEIVING_REGIONS.join(', ')} (${SES_RECEIVING_DOC})`);
}

/**
 * Mail to the desk domain goes to SES receiving, whose only rule takes the tenant addresses: an
 * alarm or engineer address there is bounced, so the alarm subscription can never be confirmed
 * and engineers never see a ticket.
 */
function addressFindings(config: MaildeskConfig, deskDomain: string): Finding[] {
  const tenantAddresses = new Set(config.tenants.flatMap((t) => t.addresses.map((a) => a.toLowerCase())));
  const unreachable = (address: string) =>
    domainOf(address) === deskDomain.toLowerCase() && !tenantAddresses.has(address.toLowerCase());
  const fix = `use an address on another domain (a mailbox a person reads): ${deskDomain}'s MX points at SES, whose receipt rule takes only the tenant addresses`;
  const findings: Finding[] = [];
  const alarm = config.deployment?.alarmEmail;
  if (!alarm)
    findings.push(
      warn(
        'alarm address',
        'no deployment.alarmEmail: alarms and SLA breaches reach nobody by mail',
        'set "deployment.alarmEmail" to a mailbox a person reads, outside the desk domain',
      ),
    );
  else if (unreachable(alarm))
    findings.push(
      fail(
        'alarm address',
        `${alarm} is on the desk domain: the subscription mail bounces, so it can never be confirmed`,
        fix,
      ),
    );
  else findings.push(ok('alarm address', `${alarm} is outside the desk domain`));
  const engineers = config.engineers.filter((e) => unreachable(e.address));
  if (engineers.length) {
    findings.push(
      fail(
        'engineer addresses',
        `${engineers.map((e) => `${e.login} <${e.address}>`).join(', ')} on the desk domain: their copies of tickets bounce`,
        fix,
      ),
    );
  } else {
    findings.push(ok('engineer addresses', `all ${config.engineers.length} outside the desk domain`));
  }
  return findings;
}

const dnsMissing = (error: unknown) => ['ENOTFOUND', 'ENODATA'].includes((error as { code?: string }).code ?? '');

async function mxFinding(resolver: Resolver, domain: string, region: string | undefined): Promise<Finding> {
  const check = `mx ${domain}`;
  if (!region) return warn(check, 'not checked: no region to compare with', 'set "deployment.region"');
  const expected = `inbound-smtp.${region}.amazonaws.com`;
  const fix = `publish "${domain}. MX 10 ${expected}" (stack output DnsMxRecord), and no other MX`;
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (error) {
    if (dnsMissing(error)) return fail(check, `${domain} has no MX record: mail to the desk is not delivered`, fix);
    return fail(check, `DNS lookup failed (${errorText(error)})`, 'check the resolver (--dns) and the domain');
  }
  if (records.length === 0) return fail(check, `${domain} has no MX record`, fix);
  const hosts = records.map((r) => ({ host: r.exchange.toLowerCase().replace(/\.$/, ''), priority: r.priority }));
  const list = hosts.map((h) => `${h.priority} ${h.host}`).join(', ');
  const ours = hosts.filter((h) => h.host === expected);
  if (ours.length === 0) return fail(check, `MX ${list}: none is ${expected}`, fix);
  const best = Math.min(...hosts.map((h) => h.priority));
  if (hosts.some((h) => h.host !== expected)) {
    if (ours[0]!.priority > best) return fail(check, `MX ${list}: another host is preferred to ${expected}`, fix);
    return warn(check, `MX ${list}: other hosts besides ${expected} get mail when SES is busy`, fix);
  }
  return ok(check, `MX ${list}`);
}

/**
 * The DMARC record of a domain: `_dmarc.<domain>`, else (RFC 7489 6.6.3) the organizational
 * domain's, approximated here by the parents of the domain down to two labels.
 */
async function dmarcRecord(resolver: Resolver, domain: string): Promise<{ at: string; records: string[] } | undefined> {
  const labels = domain.split('.');
  for (let i = 0; i <= labels.length - 2; i++) {
    const at = labels.slice(i).join('.');
    try {
      const txt = await resolver.resolveTxt(`_dmarc.${at}`);
      const records = txt.map((chunks) => chunks.join('')).filter((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t));
      if (records.length) return { at, records };
    } catch (error) {
      if (!dnsMissing(error)) throw error;
    }
  }
  return undefined;
}

async function dmarcFinding(
  resolver: Resolver,
  domain: string,
  role: 'desk' | 'engineers',
  who = '',
): Promise<Finding> {
  const check = `dmarc ${domain}`;
  const publish = `publish "_dmarc.${domain}. TXT \\"v=DMARC1; p=none\\"" or stricter, with SPF or DKIM aligned to ${domain}`;
  let found: Awaited<ReturnType<typeof dmarcRecord>>;
  try {
    found = await dmarcRecord(resolver, domain);
  } catch (error) {
    return fail(check, `DNS lookup failed (${errorText(error)})`, 'check the resolver (--dns) and the domain');
  }
  if (!found) {
    return role === 'desk'
      ? warn(
          check,
          `${domain} publishes no DMARC: mail forged in the desk's name is not refused`,
          'publish the record of the stack output DnsDmarcRecord (docs/deploy.md, step 5)',
        )
      : warn(
          check,
          `${domain} (${who}) publishes no DMARC: their #commands apply only if their mail is DKIM-signed as d=${domain}`,
          publish,
        );
  }
  if (found.records.length > 1)
    return fail(
      check,
      `${found.records.length} DMARC records at _dmarc.${found.at}: receivers then apply none (RFC 7489 6.6.3)`,
      'keep exactly one',
    );
  const policy = /(?:^|;)\s*p\s*=\s*(\w+)/i.exec(found.records[0]!)?.[1]?.toLowerCase() ?? '?';
  const where = found.at === domain ? '' : ` (inherited from ${found.at})`;
  return ok(check, `${role === 'engineers' ? `${who}: ` : ''}p=${policy}${where}`);
}

async function engineerDmarcFindings(resolver: Resolver, config: MaildeskConfig): Promise<Finding[]> {
  const byDomain = new Map<string, string[]>();
  for (const e of config.engineers)
    byDomain.set(domainOf(e.address), [...(byDomain.get(domainOf(e.address)) ?? []), e.login]);
  return Promise.all(
    [...byDomain].map(([domain, logins]) =>
      dmarcFinding(resolver, domain, 'engineers', `engineers ${logins.join(', ')}`),
    ),
  );
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

type Deployment = NonNullable<MaildeskConfig['deployment']>;

async function awsFindings(
  clients: DoctorClients,
  config: MaildeskConfig,
  deployment: Deployment,
  stackName: string,
  region: string,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  let outputs: Record<string, string> = {};
  try {
    const { Stacks } = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
    const status = stack?.StackStatus ?? 'unknown';
    findings.push(
      /_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status)
        ? ok('stack', `${stackName} in ${region}: ${status}`)
        : fail(
            'stack',
            `${stackName} in ${region}: ${status}`,
            'see the stack events in the CloudFormation console, fix, npx cdk deploy',
          ),
    );
  } catch (error) {
    findings.push(
      fail(
        'stack',
        `${stackName} not readable in ${region} (${errorText(error)})`,
        `npx cdk deploy (or --stack NAME if it has another name)`,
      ),
    );
  }
  const replaced = await replacedRuleSet(clients.cloudFormation, stackName);
  findings.push(await accountFinding(clients.sesv2, region));
  findings.push(await identityFinding(clients.sesv2, deployment));
  findings.push(
    ...(await ruleSetFindings(clients.ses, config, outputs.ReceiptRuleSetName ?? `${stackName}-inbound`, replaced)),
  );
  if (config.telegram) findings.push(await telegramFinding(clients.ssm, config.telegram.botTokenParameter));
  if (deployment.alarmEmail)
    findings.push(await subscriptionFinding(clients.sns, outputs.AlertsTopicArn, deployment.alarmEmail));
  findings.push(...(await dlqFindings(clients.sqs, outputs)));
  return findings;
}

/** In the SES sandbox mail goes only to verified addresses: every customer's acknowledgement would be refused. */
async function accountFinding(sesv2: SESv2Client, region: string): Promise<Finding> {
  const check = 'ses account';
  let account: GetAccountCommandOutput;
  try {
    account = await sesv2.send(new GetAccountCommand({}));
  } catch (error) {
    return fail(check, `not readable (${errorText(error)})`, 'check the credentials (ses:GetAccount)');
  }
  if (account.SendingEnabled === false)
    return fail(
      check,
      `sending is paused for the account in ${region}`,
      'see the SES console, Account dashboard (reputation, enforcement status)',
    );
  if (!account.ProductionAccessEnabled) {
    return fail(
      check,
      `in the SES sandbox in ${region}: mail goes only to verified addresses, so customers get no answers`,
      'request production access: aws sesv2 put-account-details --production-access-enabled ... (docs/deploy.md, 1. Prerequisites)',
    );
  }
  return ok(check, `production access, sending enabled in ${region}`);
}

async function identityFinding(sesv2: SESv2Client, deployment: Deployment): Promise<Finding> {
  const domain = deployment.domain;
  const check = `identity ${domain}`;
  let identity: GetEmailIdentityCommandOutput;
  try {
    identity = await sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') {
      return fail(
        check,
        `${domain} is not an SES identity in this region`,
        deployment.existingIdentity
          ? 'existingIdentity is set: create and verify the identity in SES, or unset it so the stack creates it'
          : 'npx cdk deploy creates it',
      );
    }
    return fail(check, `not readable (${errorText(error)})`, 'check the credentials (ses:GetEmailIdentity)');
  }
  const dkim = identity.DkimAttributes;
  if (dkim?.Status !== 'SUCCESS') {
    return fail(
      check,
      `DKIM ${dkim?.Status ?? 'NOT_STARTED'}: SES does not verify or sign for ${domain} yet`,
      'publish the three DKIM CNAMEs (stack outputs DnsDkimRecord1-3, or the SES console) and wait for SES to find them (up to 72 h)',
    );
  }
  if (!identity.VerifiedForSendingStatus)
    return fail(check, 'not verified for sending', 'check the identity in the SES console');
  if (dkim.SigningEnabled === false)
    return fail(
      check,
      'DKIM verified but signing disabled: mail fails DMARC',
      `aws sesv2 put-email-identity-dkim-attributes --email-identity ${domain} --signing-enabled`,
    );
  if (!identity.ConfigurationSetName) {
    return warn(
      check,
      'verified, DKIM signing; no default configuration set (an adopted identity?)',
      `aws sesv2 put-email-identity-configuration-set-attributes --email-identity ${domain} --configuration-set-name <the stack's configuration set>`,
    );
  }
  const origin =
    dkim.SigningAttributesOrigin === 'AWS_SES'
      ? 'Easy DKIM'
      : `DKIM (${dkim.SigningAttributesOrigin ?? 'unknown origin'})`;
  return ok(check, `verified, ${origin} signing, configuration set ${identity.ConfigurationSetName}`);
}

/**
 * The rule set the stack's activation replaced at deploy (deployment.replaceActiveRuleSet), read
 * from the custom resource's physical id `<ours>;replaced=<theirs>` (the format of
 * ACTIVATE_RULE_SET_SOURCE in infra/constructs/inbound-mail.ts). Undefined when none or unreadable.
 */
export const REPLACED_MARK = ';replaced=';
async function replacedRuleSet(cloudFormation: CloudFormationClient, stackName: string): Promise<string | undefined> {
  try {
    let token: string | undefined;
    do {
      const page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
      const activation = (page.StackResourceSummaries ?? []).find(
        (r) => r.ResourceType === 'Custom::SesActiveReceiptRuleSet',
      );
      if (activation) {
        const id = activation.PhysicalResourceId ?? '';
        const at = id.indexOf(REPLACED_MARK);
        return at < 0 ? undefined : id.slice(at + REPLACED_MARK.length);
      }
      token = page.NextToken;
    } while (token);
  } catch {
    // the stack line reports an unreadable stack
  }
  return undefined;
}

async function ruleSetFindings(
  ses: SESClient,
  config: MaildeskConfig,
  ours: string,
  replaced: string | undefined,
): Promise<Finding[]> {
  const check = 'receipt rule set';
  let active: DescribeActiveReceiptRuleSetCommandOutput;
  const others: string[] = [];
  try {
    active = await ses.send(new DescribeActiveReceiptRuleSetCommand({}));
    let token: string | undefined;
    do {
      const page = await ses.send(new ListReceiptRuleSetsCommand({ NextToken: token }));
      others.push(
        ...(page.RuleSets ?? []).map((s: ReceiptRuleSetMetadata) => s.Name ?? '').filter((n) => n && n !== ours),
      );
      token = page.NextToken;
    } while (token);
  } catch (error) {
    return [
      fail(
        check,
        `not readable (${errorText(error)})`,
        'check the credentials (ses:DescribeActiveReceiptRuleSet, ses:ListReceiptRuleSets)',
      ),
    ];
  }
  const activeName = active.Metadata?.Name;
  const replacedText = replaced
    ? `; it replaced ${replaced} at deploy (made active again when the stack is deleted)`
    : '';
  const otherText = `${replacedText}${others.length ? `; other sets here (inactive): ${others.join(', ')}` : ''}`;
  const activate = `aws ses set-active-receipt-rule-set --rule-set-name ${ours}`;
  if (!activeName)
    return [fail(check, `no rule set is active: SES accepts no mail in this region${otherText}`, activate)];
  if (activeName !== ours) {
    return [
      fail(
        check,
        `${activeName} is active, not ${ours}: the desk receives nothing${otherText}`,
        `move ${activeName}'s rules into one set, or ${activate} (this switches ${activeName} off)`,
      ),
    ];
  }
  const findings = [ok(check, `${ours} active${otherText}`)];
  const recipients = new Set((active.Rules ?? []).flatMap((r) => r.Recipients ?? []).map((r) => r.toLowerCase()));
  const missing = config.tenants.flatMap((t) => t.addresses).filter((a) => !recipients.has(a.toLowerCase()));
  findings.push(
    missing.length
      ? fail(
          'rule recipients',
          `${missing.join(', ')} not in the active rule: mail to them is rejected`,
          'npx cdk deploy (the config changed since the last deploy)',
        )
      : ok('rule recipients', 'every tenant address'),
  );
  return findings;
}

async function telegramFinding(ssm: SSMClient, name: string): Promise<Finding> {
  const check = 'telegram token';
  const fix = `aws ssm put-parameter --name ${name} --type SecureString --value <bot token>`;
  try {
    // Not decrypted: the check needs the parameter to exist, never its value.
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    if (Parameter?.Type !== 'SecureString')
      return warn(
        check,
        `${name} is a ${Parameter?.Type ?? 'parameter of unknown type'}, readable in clear`,
        `store it again as SecureString: ${fix} --overwrite`,
      );
    return ok(check, `${name} exists (SecureString)`);
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound')
      return fail(check, `${name} does not exist: no blocking ticket reaches Telegram`, fix);
    return fail(check, `${name} not readable (${errorText(error)})`, 'check the credentials (ssm:GetParameter)');
  }
}

async function subscriptionFinding(sns: SNSClient, topicArn: string | undefined, alarmEmail: string): Promise<Finding> {
  const check = 'alarm subscription';
  // No output: the stack line already failed; one cause, one failing line.
  if (!topicArn) return warn(check, 'not checked: the stack has no AlertsTopicArn output', 'npx cdk deploy');
  const subscriptions: Subscription[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
      subscriptions.push(...(page.Subscriptions ?? []));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    return fail(check, `not readable (${errorText(error)})`, 'check the credentials (sns:ListSubscriptionsByTopic)');
  }
  const mine = subscriptions.find(
    (s) => s.Protocol === 'email' && s.Endpoint?.toLowerCase() === alarmEmail.toLowerCase(),
  );
  if (!mine) return fail(check, `${alarmEmail} is not subscribed to the alerts topic`, 'npx cdk deploy');
  if (mine.SubscriptionArn === 'PendingConfirmation') {
    return fail(
      check,
      `${alarmEmail} has not confirmed: alarms reach nobody`,
      `open "AWS Notification - Subscription Confirmation" in ${alarmEmail}'s mailbox and confirm (the link expires after 3 days; then remove and re-add alarmEmail, or aws sns subscribe)`,
    );
  }
  return ok(check, `${alarmEmail} confirmed`);
}

const DLQ_OUTPUTS = {
  InboundDlqUrl: 'inbound',
  NotifyDlqUrl: 'notify',
  MonthlyReportDlqUrl: 'monthly-report',
  TelegramAlertDlqUrl: 'telegram-alert',
} as const;

async function dlqFindings(sqs: SQSClient, outputs: Record<string, string>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [output, name] of Object.entries(DLQ_OUTPUTS)) {
    const url = outputs[output];
    if (!url) continue;
    const check = `dlq ${name}`;
    try {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const depth =
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      findings.push(
        depth === 0
          ? ok(check, 'empty')
          : fail(
              check,
              `${depth} message(s): work that failed every retry`,
              `read them (aws sqs receive-message --queue-url ${url}), fix the cause, replay (docs/deploy.md, 7. Operate: ${name} DLQ)`,
            ),
      );
    } catch (error) {
      findings.push(
        fail(check, `not readable (${errorText(error)})`, 'check the credentials (sqs:GetQueueAttributes)'),
      );
    }
  }
  if (findings.length === 0)
    findings.push(warn('dlq', 'no DLQ URLs in the stack outputs: depths not checked', 'npx cdk deploy'));
  return findings;
}

const MARK: Record<Status, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** One line per finding (`fix:` indented under it) and a count; everything terminal-safe (DNS answers are outside text). */
export function formatFindings(findings: readonly Finding[]): string {
  const width = Math.min(28, Math.max(...findings.map((f) => f.check.length)));
  const lines = findings.flatMap((f) => {
    const line = `${MARK[f.status]}  ${terminalLine(f.check).padEnd(width)}  ${terminalLine(f.detail)}`;
    return f.fix ? [line, `${' '.repeat(width + 8)}fix: ${terminalLine(f.fix)}`] : [line];
  });
  const count = (s: Status) => findings.filter((f) => f.status === s).length;
  lines.push('', `${count('fail')} failed, ${count('warn')} warnings, ${count('ok')} ok`);
  return lines.join('\n');
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
  const { values } = parseFlags(
    argv,
    {
      aws: { type: 'boolean' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      stack: { type: 'string' },
      dns: { type: 'string' },
    },
    false,
  );
  const flags = checkedFlags(flagsSchema, values);
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
