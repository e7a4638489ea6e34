/**
 * A mail with files (the engineers' copy of a customer's mail): MailComposer writes its structure
 * and every header, with a short placeholder as each file's content; each placeholder's base64
 * line is then replaced by the file's base64, wrapped at 76 columns as MailComposer wraps it. Same
 * bytes as MailComposer writing the files itself (test/unit/compose.test.ts), but a file is
 * encoded once into the final buffer: MailComposer streams it through its base64 transform, copies
 * every line and concatenates the chunks, about four times the CPU per MB.
 */
import { randomBytes } from 'node:crypto';
import type { OutgoingMail } from '../../use-cases/ports';

/** RFC 2045: base64 lines of at most 76 characters; MailComposer writes exactly 76. */
const LINE = 76;
const CRLF = 2;

/** message/* parts are never base64 (RFC 2046 5.2.1): MailComposer labels them 7bit or 8bit itself. */
const spliceable = (file: OutgoingMail['attachments'][number]) =>
  file.content.length > 0 && !/^\s*message\//i.test(file.contentType);

/**
 * The mail written by `compose` with the files' bodies spliced in, or null when it cannot be done
 * with certainty (a message/* or empty file, a placeholder not found exactly once): the caller then
 * lets MailComposer write the files.
 */
export async function withFileBodies(
  mail: OutgoingMail,
  compose: (mail: OutgoingMail) => Promise<Buffer>,
): Promise<Buffer | null> {
  if (mail.attachments.length === 0 || !mail.attachments.every(spliceable)) return null;
  // Random, so no text of the mail can hold it; a multiple of 3 bytes, so its base64 has no padding.
  const nonce = randomBytes(12).toString('hex');
  const marks = mail.attachments.map((_, i) => Buffer.from(`maildesk-file-${nonce}-${i}.`.padEnd(48, '.')));
  const shell = await compose({ ...mail, attachments: mail.attachments.map((a, i) => ({ ...a, content: marks[i]! })) });
  const spans: { at: number; length: number; content: Buffer }[] = [];
  for (const [i, mark] of marks.entries()) {
    // The whole body of its part: after the blank line that ends the part's headers, before the next boundary.
    const line = Buffer.from(`\r\n\r\n${mark.toString('base64')}\r\n--`, 'latin1');
    const at = shell.indexOf(line);
    if (at < 0 || shell.indexOf(line, at + 1) >= 0) return null;
    spans.push({ at: at + 4, length: line.length - 8, content: mail.attachments[i]!.content });
  }
  spans.sort((a, b) => a.at - b.at);
  const size = spans.reduce((n, s) => n - s.length + wrappedLength(s.content.length), shell.length);
  const out = Buffer.allocUnsafe(size);
  let from = 0;
  let to = 0;
  for (const span of spans) {
    to += shell.copy(out, to, from, span.at);
    to += writeWrappedBase64(out, to, span.content);
    from = span.at + span.length;
  }
  to += shell.copy(out, to, from);
  if (to !== size) throw new Error(`file bodies: wrote ${to} of ${size} bytes`);
  return out;
}

function wrappedLength(bytes: number): number {
  const chars = Math.ceil(bytes / 3) * 4;
  return chars + CRLF * (Math.ceil(chars / LINE) - 1);
}

/**
 * The base64 of `content` at `offset`, CRLF after every 76 characters but the last line's. Encoded
 * in one native call straight into place, then each line moved to its final position from the last
 * to the first (copyWithin: no allocation per line).
 */
function writeWrappedBase64(out: Buffer, offset: number, content: Buffer): number {
  const chars = out.write(content.toString('base64'), offset, 'latin1');
  const lines = Math.ceil(chars / LINE);
  for (let k = lines - 1; k >= 1; k--) {
    const start = offset + k * LINE;
    const target = start + CRLF * k;
    out.copyWithin(target, start, Math.min(start + LINE, offset + chars));
    out[target - 2] = 0x0d;
    out[target - 1] = 0x0a;
  }
  return chars + CRLF * (lines - 1);
}
