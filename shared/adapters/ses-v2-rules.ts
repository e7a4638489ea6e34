/**
 * What SES v2 SendEmail refuses, checked before the call: a strict validator for the tests'
 * SES stand-ins (and any later local SES v2 endpoint). Pure: no SDK client, no I/O. Each rule
 * names the AWS page it comes from; the answer has AWS's error shape (exception name, HTTP
 * status, message), so a caller sees what the SDK would throw.
 *
 * Only `Raw` content is checked in depth (ses-v2-raw-rules.ts): it is the only kind maildesk sends.
 */
import { checkVerified, isAscii, parseMailbox } from './ses-v2-addresses';
import { checkRaw } from './ses-v2-raw-rules';
import {
  MAX_RECIPIENTS,
  reject,
  SES_DOCS,
  type SendEmailRequest,
  type SesAccount,
  type SesRejection,
} from './ses-v2-request';

export { parseMailbox } from './ses-v2-addresses';
export {
  MAX_LINE_OCTETS,
  MAX_MESSAGE_BASE64_BYTES,
  MAX_RECIPIENTS,
  SES_DOCS,
  type SendEmailRequest,
  type SesAccount,
  type SesErrorName,
  type SesRejection,
} from './ses-v2-request';

/** Checks one SendEmail request; null when SES would take it. */
export function checkSendEmail(request: SendEmailRequest, account: SesAccount): SesRejection | null {
  return (
    checkContentKind(request) ??
    checkConfigurationSet(request, account) ??
    checkFromEmailAddress(request, account) ??
    checkDestination(request) ??
    checkRaw(request, account)
  );
}

// ---------------------------------------------------------------- request fields

/** SendEmail: Content holds exactly one of Simple, Raw, Template. */
function checkContentKind(request: SendEmailRequest): SesRejection | null {
  const content = request.Content;
  const kinds = content ? [content.Simple, content.Raw, content.Template].filter((k) => k !== undefined).length : 0;
  if (kinds !== 1)
    return reject(
      'BadRequestException',
      'content-kind',
      SES_DOCS.sendEmail,
      'Content must contain exactly one of Simple, Raw or Template.',
    );
  return null;
}

/**
 * using-configuration-sets-in-email: a named configuration set must exist (NotFoundException);
 * the stack's own rule: the configured set is named on every send.
 */
function checkConfigurationSet(request: SendEmailRequest, account: SesAccount): SesRejection | null {
  const name = request.ConfigurationSetName;
  if (name !== undefined && account.configurationSets && !account.configurationSets.includes(name)) {
    return reject(
      'NotFoundException',
      'configuration-set-exists',
      SES_DOCS.configurationSets,
      `Configuration set <${name}> does not exist.`,
    );
  }
  if (account.requiredConfigurationSet !== undefined && name !== account.requiredConfigurationSet) {
    return reject(
      'BadRequestException',
      'configuration-set-named',
      SES_DOCS.configurationSets,
      `maildesk rule: every send names configuration set <${account.requiredConfigurationSet}> (got ` +
        `${name === undefined ? 'none' : `<${name}>`}).`,
    );
  }
  return null;
}

/**
 * SendEmail / Destination: FromEmailAddress is 7-bit ASCII (SES does not support SMTPUTF8); a
 * non-ASCII sender name is written in MIME encoded-word syntax (RFC 2047); the address is on a
 * verified identity (verify-addresses-and-domains).
 */
function checkFromEmailAddress(request: SendEmailRequest, account: SesAccount): SesRejection | null {
  const from = request.FromEmailAddress;
  if (from === undefined) return null; // Raw: the From header is used (checked below)
  if (!isAscii(from)) {
    return reject(
      'BadRequestException',
      'from-ascii',
      SES_DOCS.destination,
      'Invalid FromEmailAddress: it must be 7-bit ASCII; write a non-ASCII sender name in MIME encoded-word syntax ' +
        '(RFC 2047).',
    );
  }
  const box = parseMailbox(from);
  if (!box)
    return reject(
      'BadRequestException',
      'from-syntax',
      SES_DOCS.sendEmail,
      'Invalid FromEmailAddress: not a mailbox (display name and <address>, or an address).',
    );
  return checkVerified(box.address, account);
}

/** Destination / quotas: every recipient a plain ASCII address, at least one, at most 50 in all. */
function checkDestination(request: SendEmailRequest): SesRejection | null {
  const d = request.Destination;
  const all = [...(d?.ToAddresses ?? []), ...(d?.CcAddresses ?? []), ...(d?.BccAddresses ?? [])];
  for (const recipient of [...all, ...(request.ReplyToAddresses ?? [])]) {
    if (!isAscii(recipient) || !parseMailbox(recipient))
      return reject(
        'BadRequestException',
        'recipient-syntax',
        SES_DOCS.destination,
        'Illegal address: each address must be 7-bit ASCII in the form UserName@[SubDomain.]Domain.TopLevelDomain.',
      );
  }
  if (all.length > MAX_RECIPIENTS)
    return reject(
      'MessageRejected',
      'recipient-count',
      SES_DOCS.quotas,
      `Recipient count exceeds ${MAX_RECIPIENTS} (${all.length}).`,
    );
  return null;
}
