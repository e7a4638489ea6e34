/** What SES v2 refuses in Raw content: the only kind maildesk sends, so it is checked in depth. */
import { splitAddressList } from '../mail/address-list';
import { checkVerified, parseMailbox } from './ses-v2-addresses';
import {
  MAX_LINE_OCTETS,
  MAX_MESSAGE_BASE64_BYTES,
  MAX_RECIPIENTS,
  reject,
  SES_DOCS,
  type SendEmailRequest,
  type SesAccount,
  type SesRejection,
} from './ses-v2-request';

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

/**
 * RawMessage / send-email-raw / quotas / header-fields: a header and a body separated by one
 * blank line; ≤ 40 MB after base64; lines ≤ 998 octets before CRLF; a From header (once, ASCII,
 * on a verified identity); header fields 7-bit (non-ASCII text as encoded-words); the
 * once-only fields at most once; some recipient, in Destination or the To/Cc/Bcc headers.
 */
export function checkRaw(request: SendEmailRequest, account: SesAccount): SesRejection | null {
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
  const unverified = checkVerified(fromBox.address, account);
  if (unverified) return unverified;
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
