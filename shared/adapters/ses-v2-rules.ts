/**
 * What SES v2 SendEmail refuses, checked before the call: a strict validator for the tests'
 * SES stand-ins (and any later local SES v2 endpoint). Pure: no SDK client, no I/O. Each rule
 * names the AWS page it comes from; the answer has AWS's error shape (exception name, HTTP
 * status, message), so a caller sees what the SDK would throw.
 *
 * Only `Raw` content is checked in depth: it is the only kind maildesk sends.
 */
import { splitAddressList } from '../mail/address-list';

/** The part of a SendEmailCommandInput the rules read (structural: the SDK type and a JSON request both fit). */
export interface SendEmailRequest {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: readonly string[]; CcAddresses?: readonly string[]; BccAddresses?: readonly string[] };
  ReplyToAddresses?: readonly string[];
  Content?: { Raw?: { Data?: Uint8Array | string }; Simple?: unknown; Template?: unknown };
  ConfigurationSetName?: string;
}

/** What the account holds: the stand-in is told, as SES knows it. */
export interface SesAccount {
  /** verified identities: domains (`support.example`) and addresses (`ops@support.example`) */
  verifiedIdentities: readonly string[];
  /** configuration sets that exist; undefined: any name is accepted */
  configurationSets?: readonly string[];
  /**
   * The stack's rule, not AWS's: every mail goes through this configuration set (its event
   * destination feeds bounces and complaints to the bus). A send without it is refused.
   */
  requiredConfigurationSet?: string;
}

export type SesErrorName = 'BadRequestException' | 'MessageRejected' | 'NotFoundException';

export interface SesRejection {
  /** the SDK exception name AWS answers with */
  name: SesErrorName;
  httpStatusCode: 400 | 404;
  message: string;
  /** short rule id, for assertions */
  rule: string;
  /** the AWS documentation the rule comes from */
  doc: string;
}

export const SES_DOCS = {
  sendEmail: 'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html',
  destination: 'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Destination.html',
  rawMessage: 'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_RawMessage.html',
  sendRaw: 'https://docs.aws.amazon.com/ses/latest/dg/send-email-raw.html',
  quotas: 'https://docs.aws.amazon.com/ses/latest/dg/quotas.html',
  headerFields: 'https://docs.aws.amazon.com/ses/latest/dg/header-fields.html',
  identities: 'https://docs.aws.amazon.com/ses/latest/dg/verify-addresses-and-domains.html',
  configurationSets: 'https://docs.aws.amazon.com/ses/latest/dg/using-configuration-sets-in-email.html',
} as const;

/** quotas: at most 50 recipients (To + Cc + Bcc) per message. */
export const MAX_RECIPIENTS = 50;
/** quotas: SES v2 takes at most 40 MB per message, measured after base64 encoding. */
export const MAX_MESSAGE_BASE64_BYTES = 40 * 1024 * 1024;
/** RawMessage: a line may not exceed 1,000 characters including its CRLF (RFC 5321), so 998 before it. */
export const MAX_LINE_OCTETS = 998;

/** header-fields: fields that may appear at most once in a message's header section (the ones a mail writer sets). */
const ONCE_ONLY = [
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'reply-to',
  'sender',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'auto-submitted',
  'return-path',
];

const reject = (name: SesErrorName, rule: string, doc: string, message: string): SesRejection => ({
  name,
  httpStatusCode: name === 'NotFoundException' ? 404 : 400,
  message,
  rule,
  doc,
});

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
      `maildesk rule: every send names configuration set <${account.requiredConfigurationSet}> (got ${name === undefined ? 'none' : `<${name}>`}).`,
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
      'Invalid FromEmailAddress: it must be 7-bit ASCII; write a non-ASCII sender name in MIME encoded-word syntax (RFC 2047).',
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
  if (!isVerified(box.address, account)) {
    return reject(
      'MessageRejected',
      'from-verified',
      SES_DOCS.identities,
      `Email address is not verified. The following identities failed the check: ${box.address}`,
    );
  }
  return null;
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

// ---------------------------------------------------------------- raw message

/**
 * RawMessage / send-email-raw / quotas / header-fields: a header and a body separated by one
 * blank line; ≤ 40 MB after base64; lines ≤ 998 octets before CRLF; a From header (once, ASCII,
 * on a verified identity); header fields 7-bit (non-ASCII text as encoded-words); the
 * once-only fields at most once; some recipient, in Destination or the To/Cc/Bcc headers.
 */
function checkRaw(request: SendEmailRequest, account: SesAccount): SesRejection | null {
  const data = request.Content?.Raw?.Data;
  if (data === undefined) return null; // Simple or Template: nothing raw to read
  const raw =
    typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (raw.length === 0)
    return reject('BadRequestException', 'raw-empty', SES_DOCS.rawMessage, 'Raw message data is empty.');
  const base64Size = Math.ceil(raw.length / 3) * 4;
  if (base64Size > MAX_MESSAGE_BASE64_BYTES)
    return reject(
      'MessageRejected',
      'raw-size',
      SES_DOCS.quotas,
      `Message length is more than ${MAX_MESSAGE_BASE64_BYTES} bytes after base64 encoding (${base64Size}).`,
    );

  const longLine = firstLongLine(raw);
  if (longLine !== null)
    return reject(
      'MessageRejected',
      'line-length',
      SES_DOCS.rawMessage,
      `Line ${longLine} is longer than ${MAX_LINE_OCTETS} octets (RFC 5321).`,
    );

  const end = headerEnd(raw);
  if (end < 0)
    return reject(
      'MessageRejected',
      'header-body',
      SES_DOCS.rawMessage,
      'The message must have a header and a body separated by a blank line.',
    );
  const head = raw.subarray(0, end);
  if (head.some((b) => b > 0x7e || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d))) {
    return reject(
      'MessageRejected',
      'header-ascii',
      SES_DOCS.sendRaw,
      'Header fields must be 7-bit ASCII: encode non-ASCII text in MIME encoded-word syntax (RFC 2047).',
    );
  }
  const fields = headerFields(head.toString('latin1'));
  if (fields === null)
    return reject(
      'MessageRejected',
      'header-syntax',
      SES_DOCS.rawMessage,
      'A header line is neither a field (Name: value) nor a continuation.',
    );

  for (const name of ONCE_ONLY) {
    const count = fields.filter((f) => f.name === name).length;
    if (count > 1)
      return reject('MessageRejected', 'header-once', SES_DOCS.headerFields, `Duplicate header '${name}'.`);
  }
  const from = fields.find((f) => f.name === 'from');
  if (!from) return reject('MessageRejected', 'from-header', SES_DOCS.sendRaw, "Missing required header 'From'.");
  const fromBox = parseMailbox(from.value);
  if (!fromBox)
    return reject(
      'MessageRejected',
      'from-header-syntax',
      SES_DOCS.sendRaw,
      'Invalid From header: not a single mailbox.',
    );
  if (!isVerified(fromBox.address, account)) {
    return reject(
      'MessageRejected',
      'from-verified',
      SES_DOCS.identities,
      `Email address is not verified. The following identities failed the check: ${fromBox.address}`,
    );
  }
  const d = request.Destination;
  const destinations = (d?.ToAddresses?.length ?? 0) + (d?.CcAddresses?.length ?? 0) + (d?.BccAddresses?.length ?? 0);
  const headerRecipients = fields
    .filter((f) => f.name === 'to' || f.name === 'cc' || f.name === 'bcc')
    .flatMap((f) =>
      splitAddressList(f.value)
        .map((p) => p.trim())
        .filter(Boolean),
    );
  if (destinations === 0 && headerRecipients.length === 0)
    return reject(
      'MessageRejected',
      'no-recipient',
      SES_DOCS.sendEmail,
      'The message has no recipient (neither Destination nor a To/Cc/Bcc header).',
    );
  if (destinations === 0 && headerRecipients.length > MAX_RECIPIENTS)
    return reject(
      'MessageRejected',
      'recipient-count',
      SES_DOCS.quotas,
      `Recipient count exceeds ${MAX_RECIPIENTS} (${headerRecipients.length}).`,
    );
  return null;
}

/** 1-based number of the first line longer than 998 octets (a bare LF ends a line too), or null. */
function firstLongLine(raw: Buffer): number | null {
  let start = 0;
  let line = 1;
  for (;;) {
    const lf = raw.indexOf(0x0a, start);
    const stop = lf < 0 ? raw.length : lf;
    const length = stop - start - (stop > start && raw[stop - 1] === 0x0d ? 1 : 0);
    if (length > MAX_LINE_OCTETS) return line;
    if (lf < 0) return null;
    start = lf + 1;
    line++;
  }
}

/** Offset of the blank line that ends the header (CRLF CRLF, or LF LF), or -1. */
function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf < 0) return lf;
  if (lf < 0) return crlf;
  return Math.min(crlf, lf);
}

interface Field {
  /** lower case */
  name: string;
  /** unfolded, trimmed */
  value: string;
}

/** RFC 5322 2.2: `name: value` lines, continuation lines start with WSP; null when a line is neither. */
function headerFields(head: string): Field[] | null {
  const fields: Field[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      fields[fields.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const match = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/.exec(line);
    if (!match) return null;
    fields.push({ name: match[1]!.toLowerCase(), value: match[2]!.trim() });
  }
  return fields.map((f) => ({ ...f, value: f.value.trim() }));
}

// ---------------------------------------------------------------- addresses (ASCII, RFC 5322 subset)

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
/** Destination: UserName@[SubDomain.]Domain.TopLevelDomain (a dot-atom local part, a dotted host name). */
const ADDR_SPEC = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})+$`);

/** `addr`, or a display name (atoms, quoted strings, encoded-words, dots) then `<addr>`; null when malformed. */
export function parseMailbox(input: string): { name: string; address: string } | null {
  const text = input.trim();
  if (!text.endsWith('>')) return ADDR_SPEC.test(text) ? { name: '', address: text } : null;
  const open = text.lastIndexOf('<');
  if (open < 0) return null;
  const address = text.slice(open + 1, -1);
  const phrase = text.slice(0, open).trim();
  if (!ADDR_SPEC.test(address) || !isPhrase(phrase)) return null;
  return { name: phrase, address };
}

/** A phrase: words separated by whitespace, each an atom (encoded-words are atoms), a dot run, or a well-formed quoted string. */
function isPhrase(phrase: string): boolean {
  if (phrase === '') return true;
  return /^(?:[ \t]*(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+|"(?:[^"\\\r\n]|\\[\x20-\x7e\t])*"))+[ \t]*$/.test(phrase);
}

const isAscii = (text: string) => /^[\x20-\x7e\t]*$/.test(text);

/**
 * verify-addresses-and-domains: an address identity covers that address; a domain identity
 * covers every address at the domain and at its subdomains.
 */
function isVerified(address: string, account: SesAccount): boolean {
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return account.verifiedIdentities.some((identity) => {
    const id = identity.toLowerCase();
    return id.includes('@') ? id === lower : domain === id || domain.endsWith(`.${id}`);
  });
}
