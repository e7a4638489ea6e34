/**
 * Writes outgoing MIME: the one place that builds raw mail. Almost every mail we send is one
 * text/plain part without attachments; `writePlainTextMail` writes that shape directly (no
 * streams: ~20 µs of CPU a mail instead of ~330 µs). Everything else, and any input it is not
 * sure about, goes through nodemailer's MailComposer, which stays the general writer; a mail with
 * files has their base64 written into MailComposer's output directly (file-bodies.ts).
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMail } from '../../use-cases/ports';
import { withFileBodies } from './file-bodies';
import { fold, MAX_PIECE, pushAddresses, pushText, Unsupported, unsupported } from './mime-headers';

/** The mailboxes of From lines, kept importable from here (the MIME writer's public face). */
export { asciiMailbox, mailbox } from './mime-headers';

const bracket = (id: string) => `<${id.replace(/^<|>$/g, '')}>`;

export async function composeMail(mail: OutgoingMail): Promise<Buffer> {
  return (
    writePlainTextMail(mail) ?? (await withFileBodies(mail, composeWithMailComposer)) ?? composeWithMailComposer(mail)
  );
}

/** The general writer: any shape, any address syntax nodemailer understands. */
export async function composeWithMailComposer(mail: OutgoingMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    cc: mail.cc.length ? mail.cc : undefined,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    messageId: bracket(mail.messageId),
    inReplyTo: mail.inReplyTo ? bracket(mail.inReplyTo) : undefined,
    references: mail.references.length ? mail.references.map(bracket).join(' ') : undefined,
    headers: mail.headers,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
    })),
    textEncoding: 'base64',
  });
  return composer.compile().build();
}

/**
 * The direct writer: same headers, in the same order, as MailComposer writes for a text-only
 * mail, then a base64 UTF-8 body. Returns null when the mail is not a shape it writes (an
 * attachment, an address or header it cannot write with certainty): the caller then uses
 * MailComposer.
 */
export function writePlainTextMail(mail: OutgoingMail, now = new Date()): Buffer | null {
  if (mail.attachments.length > 0) return null;
  let head: string;
  try {
    head = headerBlock(mail, now);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  // Safety net: every header byte must be printable ASCII (or folding) by construction.
  if (NOT_HEADER_TEXT.test(head)) return null;
  return Buffer.from(`${head}\r\n\r\n${base64Body(mail.text)}`, 'latin1');
}

const NOT_HEADER_TEXT = /[^\t\r\n\x20-\x7e]/;

function headerBlock(mail: OutgoingMail, now: Date): string {
  const lines = customHeaders(mail.headers);
  pushAddresses(lines, 'From', [mail.from]);
  pushAddresses(lines, 'To', mail.to);
  pushAddresses(lines, 'Cc', mail.cc);
  pushAddresses(lines, 'Reply-To', [mail.replyTo]);
  if (mail.inReplyTo) lines.push(fold('In-Reply-To', [` ${messageId(mail.inReplyTo)}`]));
  if (mail.references.length > 0)
    lines.push(
      fold(
        'References',
        mail.references.map((id) => ` ${messageId(id)}`),
      ),
    );
  pushText(lines, 'Subject', mail.subject);
  lines.push(fold('Message-ID', [` ${messageId(mail.messageId)}`]));
  lines.push('Content-Transfer-Encoding: base64');
  lines.push(`Date: ${now.toUTCString().replace('GMT', '+0000')}`);
  lines.push('MIME-Version: 1.0');
  lines.push('Content-Type: text/plain; charset=utf-8');
  return lines.join('\r\n');
}

// ---------------------------------------------------------------- ids, custom headers, body

/** `<id>`: printable ASCII without brackets or spaces inside, as MailComposer would keep it. */
function messageId(id: string): string {
  const value = bracket(id);
  if (value.length > MAX_PIECE || !/^<[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(value)) unsupported(`message id: ${id}`);
  return value;
}

/** RFC 5322 ftext: printable ASCII except the colon (short enough that `Name: x` fits a line). */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]{1,76}$/;

/** Headers we write, or MailComposer treats specially: a custom one by that name is its business. */
const RESERVED = new RegExp(
  '^(?:from|sender|to|cc|bcc|reply-to|in-reply-to|references|subject|message-id|date|mime-version|otp-token' +
    '|content-.*)$',
  'i',
);

/** Written first and in the given order, as MailComposer does (it only recases the names). */
function customHeaders(headers: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!FIELD_NAME.test(name) || RESERVED.test(name) || typeof value !== 'string') unsupported(`header: ${name}`);
    pushText(lines, name, value);
  }
  return lines;
}

/**
 * Base64 of the UTF-8 text, 76 characters a line. Line breaks are made CRLF first: RFC 2046
 * wants text in canonical form (MailComposer encodes them as given, so a bare LF went out).
 */
function base64Body(text: string): string {
  const encoded = Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'utf8').toString('base64');
  let out = '';
  for (let i = 0; i < encoded.length; i += 76) out += `${encoded.slice(i, i + 76)}\r\n`;
  return out;
}
