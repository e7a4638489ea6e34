/**
 * Large files are decoded here, not by the MIME parser (issue 18, the attachment path's CPU).
 * mailparser splits every line of a file's base64 body in JavaScript and decodes it through a
 * stream (about 25 ms of CPU per MB); Node decodes the same base64 natively at about 1 ms per MB.
 * Before parsing, the body of each large base64 file part is replaced by one line of placeholder
 * base64; after parsing, each attachment that holds a placeholder gets its file decoded from the
 * original bytes. Only parts whose extent the parser cannot read differently are lifted: a leaf
 * part of a multipart (never inside a message/* part), a type the parser always treats as an
 * attachment, `Content-Transfer-Encoding: base64`, a body of base64 characters and line breaks
 * only (no line of it can be a boundary), ended by its own multipart's boundary line.
 */
import { randomBytes } from 'node:crypto';

/** Smaller bodies are left to the parser: the gain is per MB, the walk is per part. */
export const LIFT_MIN_BYTES = 64 * 1024;

/** Types mailparser always makes attachments (text/*, message/* and multipart/* it may read itself). */
const FILE_TYPE = /^(?:application|image|audio|video|font|model)\/[^\s;]+$/;
/** 1: a base64 character, 2: a line break; anything else (0) keeps the part with the parser. */
const BYTE_KIND = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BYTE_KIND[c.charCodeAt(0)] = 1;
BYTE_KIND[0x0d] = 2;
BYTE_KIND[0x0a] = 2;

/**
 * Base64 characters and line breaks, then at most two `=` (line breaks between them): a body the
 * parser's decoder and Node's decode alike. A loop over the bytes: a regular expression over the
 * text costs twice as much.
 */
function isBase64Body(raw: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end && BYTE_KIND[raw[i]!] !== 0) i++;
  for (let pads = 0; i < end; i++) {
    if (raw[i] === 0x3d && ++pads <= 2) continue;
    if (BYTE_KIND[raw[i]!] !== 2) return false;
  }
  return true;
}

export interface LiftedMail {
  /** the mail for the parser, large file bodies replaced */
  mail: Buffer;
  /** placeholder (as the parser decodes it, latin1) -> the file's base64 in the original mail */
  files: Map<string, { start: number; end: number }>;
}

interface Part {
  type: string;
  boundary: string | null;
  base64: boolean;
  /** where the body starts, after the header block's blank line */
  bodyStart: number;
}

const LF = 0x0a;

/** The line at `start`: where its text ends (before CR LF or LF) and where the next one starts (-1: none). */
function lineAt(raw: Buffer, start: number): { end: number; next: number } {
  const lf = raw.indexOf(LF, start);
  if (lf < 0) return { end: raw.length, next: -1 };
  return { end: lf > start && raw[lf - 1] === 0x0d ? lf - 1 : lf, next: lf + 1 };
}

const lineText = (raw: Buffer, start: number, end: number) => raw.toString('latin1', start, end);

/** The two fields lifting reads; other header lines (a To of a megabyte) are never decoded whole. */
const WANTED_FIELD = /^content-(?:type|transfer-encoding)[ \t]*:/i;

/** The header block at `start`, read for what lifting needs; null when it never ends. */
function partAt(raw: Buffer, start: number): Part | null {
  const fields: string[] = [];
  let wanted = false;
  for (let at = start; at >= 0; ) {
    const { end, next } = lineAt(raw, at);
    if (end === at) {
      if (next < 0) return null;
      const head = fields.join('\n');
      const ct = /^content-type:[ \t]*([^;\s]+)(.*)$/im.exec(head);
      const boundary = ct ? /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(ct[2] ?? '') : null;
      const cte = /^content-transfer-encoding:[ \t]*([^\s;]+)[ \t]*$/im.exec(head);
      return {
        type: ct ? ct[1]!.toLowerCase() : 'text/plain',
        boundary: boundary ? (boundary[1] ?? boundary[2])! : null,
        base64: cte?.[1]?.toLowerCase() === 'base64',
        bodyStart: next,
      };
    }
    const folded = raw[at] === 0x20 || raw[at] === 0x09;
    if (!folded) wanted = WANTED_FIELD.test(lineText(raw, at, Math.min(end, at + 40)));
    if (wanted && folded) fields[fields.length - 1] += ` ${lineText(raw, at, end).replace(/^[ \t]+/, '')}`;
    else if (wanted) fields.push(lineText(raw, at, end));
    at = next;
  }
  return null;
}

/** Start of the first line at or after `from` that begins with `--`, or -1. */
function nextDashLine(raw: Buffer, from: number): number {
  if (raw[from] === 0x2d && raw[from + 1] === 0x2d) return from;
  const at = raw.indexOf('\n--', from);
  return at < 0 ? -1 : at + 1;
}

/** `--boundary` or `--boundary--`, with blanks after it, as the parser's splitter accepts it. */
const isDelimiter = (line: string, boundary: string) =>
  line.startsWith(`--${boundary}`) && /^(?:--)?[ \t]*$/.test(line.slice(boundary.length + 2));

/** The mail with its large file bodies replaced, or null when there is none to lift. */
export function liftFileBodies(raw: Buffer): LiftedMail | null {
  if (raw.length < LIFT_MIN_BYTES) return null;
  const root = partAt(raw, 0);
  if (!root?.boundary || !root.type.startsWith('multipart/')) return null;
  const boundaries = new Set([root.boundary]);
  const lifts: { start: number; end: number }[] = [];
  for (let at = nextDashLine(raw, root.bodyStart); at >= 0; ) {
    const { end: lineEnd, next } = lineAt(raw, at);
    const text = lineText(raw, at, lineEnd);
    const boundary = [...boundaries].find((b) => isDelimiter(text, b));
    const closing = boundary !== undefined && text.trimEnd().endsWith(`${boundary}--`);
    // After its closing delimiter a multipart's boundary lines are epilogue, as the parser reads them.
    if (closing) boundaries.delete(boundary);
    if (!boundary || closing || next < 0) {
      at = next < 0 ? -1 : nextDashLine(raw, next);
      continue;
    }
    const part = partAt(raw, next);
    if (!part) break;
    if (part.type.startsWith('multipart/') && part.boundary) boundaries.add(part.boundary);
    const end = nextDashLine(raw, part.bodyStart);
    if (end < 0) break;
    if (part.base64 && FILE_TYPE.test(part.type) && isDelimiter(lineText(raw, end, lineAt(raw, end).end), boundary)) {
      // The line break before the delimiter belongs to the delimiter.
      const bodyEnd = end - (end >= 2 && raw[end - 2] === 0x0d ? 2 : 1);
      if (bodyEnd - part.bodyStart >= LIFT_MIN_BYTES && isBase64Body(raw, part.bodyStart, bodyEnd))
        lifts.push({ start: part.bodyStart, end: bodyEnd });
    }
    at = end;
  }
  if (lifts.length === 0) return null;
  const nonce = randomBytes(12).toString('hex');
  const files = new Map<string, { start: number; end: number }>();
  const pieces: Buffer[] = [];
  let from = 0;
  for (const [i, lift] of lifts.entries()) {
    const mark = `maildesk-lifted-${nonce}-${i}.`.padEnd(48, '.');
    files.set(mark, lift);
    pieces.push(raw.subarray(from, lift.start), Buffer.from(Buffer.from(mark, 'latin1').toString('base64'), 'latin1'));
    from = lift.end;
  }
  pieces.push(raw.subarray(from));
  return { mail: Buffer.concat(pieces), files };
}

/**
 * The parser's attachments with each placeholder replaced by its file, decoded from the original
 * mail; null when a placeholder is not found exactly once among them (the caller parses the mail
 * as it is then).
 */
export function restoreFiles<T extends { content: unknown }>(
  attachments: readonly T[],
  lifted: LiftedMail,
  raw: Buffer,
): T[] | null {
  const found = new Set<string>();
  const out = attachments.map((att) => {
    if (!Buffer.isBuffer(att.content) || att.content.length !== 48) return att;
    const mark = att.content.toString('latin1');
    const file = lifted.files.get(mark);
    if (!file || found.has(mark)) return att;
    found.add(mark);
    return { ...att, content: Buffer.from(raw.toString('latin1', file.start, file.end), 'base64') };
  });
  return found.size === lifted.files.size ? out : null;
}
