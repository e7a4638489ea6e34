/**
 * The parts of a mail: their content types (read from the raw message), its attachments with
 * names safe to store and show, and the cut that keeps only the first parts of a mail with more
 * parts than the parser takes.
 */
import type { MailAttachment } from './types';
import { SCAN_LIMIT } from './raw-headers';

const MAX_FILENAME = 120;
/** Stored as `attachments/<id>/<n>-<name>`: the last segment (with `<n>-`) must fit a file system's 255 bytes. */
const MAX_FILENAME_BYTES = 240;

/**
 * The mail up to its `n+1`-th line starting with "--" (every MIME part starts at such a
 * boundary line), or null when it has no more than n of them. One indexOf pass.
 */
export function cutBeforeBoundary(raw: Buffer, n: number): Buffer | null {
  let seen = 0;
  for (let at = raw.indexOf('\n--'); at >= 0; at = raw.indexOf('\n--', at + 3)) {
    if (++seen > n) return raw.subarray(0, at + 1);
  }
  return null;
}

/** An attachment as the parser returns it. */
export interface ParsedAttachment {
  filename?: string;
  contentType: string;
  content: unknown;
}

export function toAttachment(att: ParsedAttachment, index: number): MailAttachment {
  const content = Buffer.isBuffer(att.content) ? att.content : Buffer.alloc(0);
  return {
    filename: sanitiseFilename(att.filename, index),
    contentType: (att.contentType || 'application/octet-stream').toLowerCase(),
    size: content.length,
    content,
  };
}

/**
 * A name safe to use as the last segment of a storage key and to show in a mail: no
 * directories, no control or bidi-override characters (they disguise extensions), no
 * characters Windows refuses, at most 120 characters and 240 bytes with the extension kept.
 */
export function sanitiseFilename(name: string | undefined, index: number): string {
  const fallback = `attachment-${index + 1}.bin`;
  if (!name) return fallback;
  let base = name.slice(0, 2000).normalize('NFC').replace(/\\/g, '/');
  base = base.slice(base.lastIndexOf('/') + 1);
  base = base
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (!base) return fallback;
  const chars = Array.from(base);
  if (chars.length <= MAX_FILENAME && Buffer.byteLength(base, 'utf8') <= MAX_FILENAME_BYTES) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 16 ? Array.from(base.slice(dot)) : [];
  let kept = chars.slice(0, MAX_FILENAME - ext.length);
  // File systems (the local bucket folder) refuse names over 255 bytes: 120 emoji are 480.
  const extBytes = Buffer.byteLength(ext.join(''), 'utf8');
  let bytes = Buffer.byteLength(kept.join(''), 'utf8');
  while (kept.length > 0 && bytes + extBytes > MAX_FILENAME_BYTES) bytes -= Buffer.byteLength(kept.pop()!, 'utf8');
  return kept.join('').trimEnd() + ext.join('');
}

/**
 * Content types of every MIME part, read from the raw message: the parser does not expose
 * its tree, and a DSN is recognised by its `multipart/report` / `message/delivery-status`
 * parts. Walks header blocks only (top, after each known boundary, inside message/rfc822):
 * between them it jumps from one line starting with `--` to the next (indexOf), so a part's
 * body (a base64 file of megabytes) is never decoded to text nor split into lines.
 */
export function partTypes(raw: Buffer, attachments: readonly ParsedAttachment[]): string[] {
  const found: string[] = [];
  const boundaries = new Set<string>();
  const view = raw.subarray(0, SCAN_LIMIT);
  let inHeaders = true;
  let block: string[] = [];
  let nextIsMessage = false;
  const closeBlock = (): void => {
    const unfolded = block.join('\n').replace(/\n[ \t]+/g, ' ');
    const ct = /^content-type:[ \t]*([^;\s]+)(.*)$/im.exec(unfolded);
    const type = ct ? ct[1]!.toLowerCase() : 'text/plain';
    found.push(type);
    const boundary = ct ? /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(ct[2] ?? '') : null;
    if (boundary) boundaries.add((boundary[1] ?? boundary[2])!);
    nextIsMessage = type === 'message/rfc822' || type === 'message/global';
    block = [];
  };
  // Lines as split(/\r?\n/) gives them: up to each LF, one CR before it dropped; the text after the last LF is a line.
  for (let start = 0; start <= view.length; ) {
    if (!inHeaders) {
      // Only a boundary line ends a body, and no boundary is known: nothing further is read.
      if (boundaries.size === 0) break;
      if (view[start] !== 0x2d || view[start + 1] !== 0x2d) {
        const at = view.indexOf('\n--', start);
        if (at < 0) break;
        start = at + 1;
      }
    }
    const lf = view.indexOf(0x0a, start);
    const end = lf < 0 ? view.length : lf;
    const line = view.toString('latin1', start, lf > start && view[lf - 1] === 0x0d ? lf - 1 : end);
    if (inHeaders) {
      if (line === '') {
        closeBlock();
        inHeaders = nextIsMessage;
        nextIsMessage = false;
      } else block.push(line);
    } else if (boundaries.has(line.slice(2).trimEnd())) inHeaders = true;
    if (lf < 0) break;
    start = lf + 1;
  }
  if (inHeaders && block.length > 0) closeBlock();
  for (const att of attachments) if (att.contentType) found.push(att.contentType.toLowerCase());
  return [...new Set(found)];
}
