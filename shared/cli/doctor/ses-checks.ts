/** SES checks (--aws): out of the sandbox, the domain identity verified with DKIM, our receipt rule set active. */
import { ListStackResourcesCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DescribeActiveReceiptRuleSetCommand,
  ListReceiptRuleSetsCommand,
  type DescribeActiveReceiptRuleSetCommandOutput,
  type ReceiptRuleSetMetadata,
  type SESClient,
} from '@aws-sdk/client-ses';
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  type GetAccountCommandOutput,
  type GetEmailIdentityCommandOutput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { MaildeskConfig } from '../../config';
import { errorName, errorText, fail, ok, warn, type Finding } from './findings';

export type Deployment = NonNullable<MaildeskConfig['deployment']>;

/** In the SES sandbox mail goes only to verified addresses: every customer's acknowledgement would be refused. */
export async function accountFinding(sesv2: SESv2Client, region: string): Promise<Finding> {
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
      'request production access: aws sesv2 put-account-details --production-access-enabled ... (docs/deploy.md, ' +
        '1. Prerequisites)',
    );
  }
  return ok(check, `production access, sending enabled in ${region}`);
}

export async function identityFinding(sesv2: SESv2Client, deployment: Deployment): Promise<Finding> {
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
      'publish the three DKIM CNAMEs (stack outputs DnsDkimRecord1-3, or the SES console) and wait for SES to find ' +
        'them (up to 72 h)',
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
      `aws sesv2 put-email-identity-configuration-set-attributes --email-identity ${domain} ` +
        `--configuration-set-name <the stack's configuration set>`,
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
export async function replacedRuleSet(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<string | undefined> {
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

export async function ruleSetFindings(
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
