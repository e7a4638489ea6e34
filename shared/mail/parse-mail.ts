/**
 * Raw MIME -> ParsedMail. The only module that imports the MIME parser, so swapping it
 * touches one file. Inbound mail is hostile input: this never throws, it returns what it
 * could read (empty strings, nulls, empty lists) instead.
 */
import { simpleParser } from 'mailparser';
import type { AddressObject, Attachment, EmailAddress, HeaderValue, ParsedMail as MimeMail } from 'mailparser';
import type { MailAddress, MailAttachment, ParsedMail } from './types';

/** Parser limits: big enough for real clinic mail, small enough that one mail cannot stall a Lambda. */
export const PARSER_OPTIONS = {
  // We render HTML ourselves (keeps Outlook's quoted header blocks and <blockquote> recognisable).
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  // Inlining cid: images as data: URLs would only bloat `html`.
  keepCidLinks: true,
  maxHtmlLengthToParse: 5_000_000,
  maxHeadSize: 1_048_576,
  maxChildNodes: 500,
  checksumAlgo: false,
} as const;

const MAX_FILENAME = 120;

/** How much of a message the hand-written readers (part types, fallback) look at. */
const SCAN_LIMIT = 8_000_000;

export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const input = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw ?? ''));
  try {
    const mime = await simpleParser(utf8Headers(input), PARSER_OPTIONS);
    return fromMime(mime, input);
  } catch {
    // Truncated or oversized structure: fall back to what a plain header split can give.
    try {
      return fallbackParse(input);
    } catch {
      return emptyMail();
    }
  }
}

function headerEnd(raw: Buffer): number {
  const ends = [raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].filter((i) => i >= 0);
  return ends.length > 0 ? Math.min(...ends) : raw.length;
}

/**
 * Raw 8-bit headers (no RFC 2047) are read as UTF-8 by the parser. Old Russian clients send
 * them in the body's charset, so when the header block is not valid UTF-8 it is re-decoded
 * with the charset the Content-Type names (windows-1251 when it names none or an unknown one).
 */
function utf8Headers(raw: Buffer): Buffer {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end);
  if (!head.some((b) => b >= 0x80)) return raw;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head);
    return raw;
  } catch {
    // not UTF-8: fall through
  }
  const declared = /^content-type:[^\r\n]*charset\s*=\s*"?([a-z0-9_.:-]+)/im.exec(head.toString('latin1'))?.[1];
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(declared && !/^(?:utf-?8|us-ascii)$/i.test(declared) ? declared : 'windows-1251');
  } catch {
    decoder = new TextDecoder('windows-1251');
  }
  return Buffer.concat([Buffer.from(decoder.decode(head), 'utf8'), raw.subarray(end)]);
}

function emptyMail(): ParsedMail {
  return {
    messageId: null, inReplyTo: [], references: [], date: null, from: null, replyTo: [], to: [], cc: [], deliveredTo: [],
    subject: '', text: '', html: null, headers: {}, partTypes: [], attachments: [],
  };
}

function fromMime(mime: MimeMail, raw: Buffer): ParsedMail {
  const headers = headerMap(mime);
  const html = typeof mime.html === 'string' ? mime.html : null;
  const plain = typeof mime.text === 'string' ? mime.text : '';
  const text = normaliseNewlines(plain.trim() === '' && html !== null ? htmlToText(html) : plain);
  const from = addressList(mime.from)[0] ?? null;
  return {
    messageId: firstId(headers['message-id'] ?? mime.messageId ?? ''),
    inReplyTo: idList(headers['in-reply-to'] ?? ''),
    references: idList(headers['references'] ?? ''),
    date: isoDate(headers['date']),
    from,
    replyTo: addressList(mime.replyTo),
    to: addressList(mime.to),
    cc: addressList(mime.cc),
    deliveredTo: deliveredTo(mime.headerLines),
    subject: oneLine(typeof mime.subject === 'string' ? mime.subject : (headers['subject'] ?? '')),
    text,
    html,
    headers,
    partTypes: partTypes(raw, mime.attachments),
    attachments: mime.attachments.map(toAttachment),
  };
}

/** Headers whose raw text we read ourselves (ids, dates): the parser reshapes them. */
const RAW_HEADERS = new Set(['message-id', 'in-reply-to', 'references', 'date', 'return-path']);

/**
 * Lower-case name -> first value. The parser's decoded text (RFC 2047 words decoded) where it
 * gives plain text; the raw line value for structured headers (addresses, content types,
 * ids, lists) and for headers the parser splits into arrays.
 */
function headerMap(mime: MimeMail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of mime.headerLines) {
    const name = key.toLowerCase();
    if (!name || name in out) continue;
    const parsed: HeaderValue | undefined = mime.headers.get(name);
    out[name] = typeof parsed === 'string' && !RAW_HEADERS.has(name) ? oneLine(parsed) : rawValue(line);
  }
  return out;
}

function rawValue(line: string): string {
  const colon = line.indexOf(':');
  return oneLine(colon >= 0 ? line.slice(colon + 1) : '');
}

function oneLine(s: string): string {
  return s.replace(/\r?\n[ \t]*/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
}

function normaliseNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

function addressList(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const visit = (entries: EmailAddress[] | undefined): void => {
    for (const entry of entries ?? []) {
      if (entry.group) visit(entry.group);
      const address = (entry.address ?? '').trim().toLowerCase();
      // An address without a local part and a domain cannot be answered: drop it.
      if (!/^[^\s@]+@[^\s@]+$/.test(address)) continue;
      out.push({ address, name: entry.name?.trim() ? oneLine(entry.name) : null });
    }
  };
  for (const object of objects) visit(object?.value);
  return out;
}

/** Message-IDs without angle brackets: `<a@b> (comment) <c@d>` -> ['a@b', 'c@d']. */
function idList(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  const ids = bracketed.length > 0 ? bracketed : value.split(/[\s,]+/).filter((s) => s.includes('@'));
  return [...new Set(ids.map((id) => id.replace(/^<|>$/g, '').trim()).filter(Boolean))];
}

function firstId(value: string): string | null {
  return idList(value)[0] ?? (value.replace(/[<>\s]/g, '') || null);
}

/** The parser substitutes "now" for an unreadable Date header; we prefer null. */
function isoDate(value: string | undefined): string | null {
  if (!value) return null;
  const t = Date.parse(value.slice(0, 200).replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

function deliveredTo(lines: MimeMail['headerLines']): string[] {
  const out: string[] = [];
  for (const { key, line } of lines) {
    const name = key.toLowerCase();
    if (name !== 'delivered-to' && name !== 'x-original-to') continue;
    for (const m of rawValue(line).matchAll(/[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g)) out.push(m[0].toLowerCase());
  }
  return [...new Set(out)];
}

function toAttachment(att: Attachment, index: number): MailAttachment {
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
 * characters Windows refuses, at most 120 characters with the extension kept.
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
  if (chars.length <= MAX_FILENAME) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 16 ? Array.from(base.slice(dot)) : [];
  return chars.slice(0, MAX_FILENAME - ext.length).join('').trimEnd() + ext.join('');
}

/**
 * Content types of every MIME part, read from the raw message: the parser does not expose
 * its tree, and a DSN is recognised by its `multipart/report` / `message/delivery-status`
 * parts. Walks header blocks only (top, after each known boundary, inside message/rfc822).
 */
function partTypes(raw: Buffer, attachments: readonly Attachment[]): string[] {
  const found: string[] = [];
  const boundaries = new Set<string>();
  const lines = raw.subarray(0, SCAN_LIMIT).toString('latin1').split(/\r?\n/);
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
  for (const line of lines) {
    if (inHeaders) {
      if (line === '') {
        closeBlock();
        inHeaders = nextIsMessage;
        nextIsMessage = false;
      } else block.push(line);
      continue;
    }
    if (line.startsWith('--') && boundaries.size > 0) {
      const marker = line.slice(2).trimEnd();
      if (boundaries.has(marker)) inHeaders = true;
    }
  }
  if (inHeaders && block.length > 0) closeBlock();
  for (const att of attachments) if (att.contentType) found.push(att.contentType.toLowerCase());
  return [...new Set(found)];
}

/** Best effort when the MIME parser gave up: headers split by hand, body as UTF-8 text. */
function fallbackParse(raw: Buffer): ParsedMail {
  const source = raw.subarray(0, SCAN_LIMIT).toString('utf8');
  const split = /\r?\n\r?\n/.exec(source);
  const head = split ? source.slice(0, split.index) : source;
  const body = split ? source.slice(split.index + split[0].length) : '';
  const headers: Record<string, string> = {};
  const delivered: string[] = [];
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    const value = oneLine(m[2]!).slice(0, 16_384);
    if (name === 'delivered-to' || name === 'x-original-to') {
      for (const a of value.matchAll(/[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g)) delivered.push(a[0].toLowerCase());
    }
    if (!(name in headers)) headers[name] = value;
  }
  const addresses = (value: string | undefined): MailAddress[] =>
    [...(value ?? '').matchAll(/[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g)].map((m) => ({ address: m[0].toLowerCase(), name: null }));
  const contentType = (headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
  const isHtml = contentType === 'text/html';
  return {
    messageId: firstId(headers['message-id'] ?? ''),
    inReplyTo: idList(headers['in-reply-to'] ?? ''),
    references: idList(headers['references'] ?? ''),
    date: isoDate(headers['date']),
    from: addresses(headers['from'])[0] ?? null,
    replyTo: addresses(headers['reply-to']),
    to: addresses(headers['to']),
    cc: addresses(headers['cc']),
    deliveredTo: [...new Set(delivered)],
    subject: headers['subject'] ?? '',
    text: contentType.startsWith('multipart/') ? '' : normaliseNewlines(isHtml ? htmlToText(body) : body),
    html: isHtml ? body : null,
    headers,
    partTypes: [contentType],
    attachments: [],
  };
}

// ---------------------------------------------------------------------------------------------
// HTML -> text. Deliberately small: what matters is that lines, table cells and quoting survive,
// so that template fields and reply history can be read from HTML-only (Outlook) mail.

const BLOCK_TAGS = new Set([
  'p', 'div', 'tr', 'table', 'tbody', 'thead', 'tfoot', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'pre', 'section', 'article', 'header', 'footer', 'address', 'dl', 'dt', 'dd', 'form', 'center', 'caption',
  'figure', 'main', 'nav', 'aside', 'fieldset',
]);
const DROP_TAGS = ['script', 'style', 'head', 'title', 'noscript', 'template', 'xml', 'svg', 'object'];

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", laquo: '«', raquo: '»', ldquo: '“',
  rdquo: '”', bdquo: '„', lsquo: '‘', rsquo: '’', sbquo: '‚', mdash: '—', ndash: '–', minus: '−', hellip: '…',
  bull: '•', middot: '·', copy: '©', reg: '®', trade: '™', deg: '°', numero: '№', shy: '', zwnj: '', zwj: '',
  ensp: ' ', emsp: ' ', thinsp: ' ', times: '×', euro: '€', rub: '₽', sect: '§', para: '¶', plusmn: '±',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const named = NAMED_ENTITIES[ref.toLowerCase()];
    return named ?? whole;
  });
}

/**
 * Renders HTML as plain text: script/style dropped, block tags and <br> become line breaks,
 * table cells are separated by a tab (so "label<td>value" reads like "label\tvalue"),
 * <blockquote> lines get "> " prefixes and <hr> becomes Outlook's underscore rule, so the
 * reply reader sees the same shapes it sees in plain-text mail.
 */
export function htmlToText(html: string): string {
  let s = html.length > 5_000_000 ? html.slice(0, 5_000_000) : html;
  s = s.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  for (const tag of DROP_TAGS) s = s.replace(new RegExp(`<${tag}\\b[^<>]{0,4000}>[\\s\\S]*?(?:</${tag}\\s*>|$)`, 'gi'), ' ');

  const lines: string[] = [];
  // The current line as pieces plus its last character: appending to one long string and
  // reading its end would flatten it every time (quadratic on hostile HTML).
  let pieces: string[] = [];
  let lastChar = '';
  let currentDepth = 0;
  let depth = 0;
  let pre = 0;
  let cellInRow = 0;
  let inCell = 0;
  const isEmpty = (): boolean => pieces.length === 0;
  const endsWithSpace = (): boolean => lastChar === ' ' || lastChar === '\t' || lastChar === '\u00a0';
  const flush = (force: boolean): void => {
    if (isEmpty() && !force) return;
    const line = pieces.join('').replace(/\u00a0/g, ' ').trimEnd().replace(/^ +/, '');
    lines.push('> '.repeat(currentDepth) + line);
    pieces = [];
    lastChar = '';
  };
  const append = (text: string): void => {
    if (!text) return;
    if (isEmpty()) currentDepth = depth;
    pieces.push(text);
    lastChar = text[text.length - 1]!;
  };

  // A tag ends at the first '>' and may not contain '<' (a '>' inside a quoted attribute is
  // rare and only costs a little stray text); bounded, so hostile HTML stays linear.
  const token = /<\/?([a-zA-Z][a-zA-Z0-9:-]*)([^<>]{0,4000})>|([^<]+)|</g;
  for (const m of s.matchAll(token)) {
    if (m[3] !== undefined || m[1] === undefined) {
      const raw = m[3] ?? '<';
      if (pre > 0) {
        const parts = decodeEntities(raw).split(/\r?\n/);
        parts.forEach((part, i) => {
          if (i > 0) flush(true);
          if (part) append(part);
        });
        continue;
      }
      // Source whitespace is layout, not content; &nbsp; is content and survives as \u00a0.
      let text = raw.replace(/[\t\r\n ]+/g, ' ');
      if (isEmpty() || endsWithSpace()) text = text.replace(/^ /, '');
      text = decodeEntities(text);
      if (text) append(text);
      continue;
    }
    const name = m[1].toLowerCase();
    const closing = m[0][1] === '/';
    const attrs = m[2] ?? '';
    if (name === 'br' && inCell === 0) {
      flush(true);
    } else if (name === 'hr') {
      flush(false);
      lines.push('> '.repeat(depth) + '________________________________');
    } else if (name === 'blockquote') {
      flush(false);
      depth = Math.max(0, depth + (closing ? -1 : 1));
    } else if (name === 'td' || name === 'th') {
      if (!closing) {
        if (pieces.at(-1) === ' ') pieces.pop();
        if (cellInRow > 0) append('\t');
        cellInRow++;
        inCell++;
      } else inCell = Math.max(0, inCell - 1);
    } else if (name === 'tr' || name === 'table') {
      flush(false);
      cellInRow = 0;
      inCell = 0;
    } else if (inCell > 0 && (name === 'br' || BLOCK_TAGS.has(name))) {
      // Outlook wraps every cell's text in <p>: inside a cell a block is a space, not a line.
      if (!isEmpty() && !endsWithSpace()) append(' ');
    } else if (name === 'li' && !closing) {
      flush(false);
      append('- ');
    } else if (name === 'pre') {
      flush(false);
      pre = Math.max(0, pre + (closing ? -1 : 1));
    } else if (name === 'div' && !closing && /\bid\s*=\s*["']?(?:x_)?Signature\b/.test(attrs)) {
      // Outlook's signature block carries no "-- " of its own: add it so the reply reader can cut there.
      flush(false);
      lines.push('> '.repeat(depth) + '-- ');
    } else if (name === 'div' && !closing && /\bid\s*=\s*["']?(divRplyFwdMsg|x_divRplyFwdMsg)/i.test(attrs)) {
      // Outlook's reply header block: make sure it starts on its own line after a rule.
      flush(false);
      if (lines.at(-1) !== '________________________________') lines.push('> '.repeat(depth) + '________________________________');
    } else if (BLOCK_TAGS.has(name)) {
      flush(false);
    }
  }
  flush(false);
  return lines
    .join('\n')
    .replace(/\t+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
