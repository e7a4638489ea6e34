/**
 * Raw MIME -> ParsedMail. The only module that imports the MIME parser, so swapping it
 * touches one file. Inbound mail is hostile input: this never throws, it returns what it
 * could read (empty strings, nulls, empty lists) instead.
 */
import chardet from 'chardet';
import { Tokenizer } from 'htmlparser2';
import type { TokenizerCallbacks } from 'htmlparser2';
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
/** Stored as `attachments/<id>/<n>-<name>`: the last segment (with `<n>-`) must fit a file system's 255 bytes. */
const MAX_FILENAME_BYTES = 240;

/** How much of a message the hand-written readers (part types, fallback) look at. */
const SCAN_LIMIT = 8_000_000;

export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const input = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw ?? ''));
  try {
    const mime = await simpleParser(utf8Headers(withSecondHeaderBlock(input)), PARSER_OPTIONS);
    return fromMime(mime, input);
  } catch {
    // More parts than the parser takes: read the first ones (the text comes first) rather
    // than nothing. The parts cut off stay in the raw mail in the bucket.
    for (const keep of PARTS_KEPT) {
      const firstParts = cutBeforeBoundary(input, keep);
      if (!firstParts) break;
      try {
        return fromMime(await simpleParser(utf8Headers(firstParts), PARSER_OPTIONS), input);
      } catch {
        // still too many (nested messages add parts without boundaries): keep fewer
      }
    }
    // Truncated or oversized structure: fall back to what a plain header split can give.
    try {
      return fallbackParse(input);
    } catch {
      return emptyMail();
    }
  }
}

/** How many boundary lines a mail over the parser's part limit keeps, tried in turn. */
const PARTS_KEPT = [PARSER_OPTIONS.maxChildNodes - 10, 100] as const;

/**
 * The mail up to its `n+1`-th line starting with "--" (every MIME part starts at such a
 * boundary line), or null when it has no more than n of them. One indexOf pass.
 */
function cutBeforeBoundary(raw: Buffer, n: number): Buffer | null {
  let seen = 0;
  for (let at = raw.indexOf('\n--'); at >= 0; at = raw.indexOf('\n--', at + 3)) {
    if (++seen > n) return raw.subarray(0, at + 1);
  }
  return null;
}

function headerEnd(raw: Buffer): number {
  const ends = [raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].filter((i) => i >= 0);
  return ends.length > 0 ? Math.min(...ends) : raw.length;
}

const HEADER_NAME =
  /^(?:message-id|from|to|cc|subject|date|mime-version|content-type|content-transfer-encoding|reply-to|sender)\s*:/i;
/** How far into the body a second header block may start (lines), and how long it may be. */
const SECOND_BLOCK_START_LINES = 3;
const SECOND_BLOCK_SCAN = 65_536;

/**
 * Some relays end the header block too early: a blank line, maybe a stray line, then the real
 * headers (Message-ID, From, Subject, Content-Type) and the real body. When the first block has
 * no Content-Type and the body opens with a block of at least three header lines, among them
 * Content-Type or MIME-Version, the two blocks are read as one. Zammad reads such a mail as text.
 */
function withSecondHeaderBlock(raw: Buffer): Buffer {
  const end = headerEnd(raw);
  if (end >= raw.length || /^content-type\s*:/im.test(raw.subarray(0, end).toString('latin1'))) return raw;
  const bodyStart = raw[end] === 0x0d ? end + 4 : end + 2;
  const lines = raw
    .subarray(bodyStart, bodyStart + SECOND_BLOCK_SCAN)
    .toString('latin1')
    .split('\n');
  let offset = 0;
  for (let k = 0; k < Math.min(lines.length, SECOND_BLOCK_START_LINES); k++) {
    if (HEADER_NAME.test(lines[k]!)) {
      let headerLines = 0;
      let mimeHeader = false;
      for (let j = k; j < lines.length; j++) {
        const line = lines[j]!.replace(/\r$/, '');
        if (line === '')
          return headerLines >= 3 && mimeHeader
            ? Buffer.concat([raw.subarray(0, end), Buffer.from('\r\n'), raw.subarray(bodyStart + offset)])
            : raw;
        if (/^[ \t]/.test(line)) continue;
        if (!/^[!-9;-~]+\s*:/.test(line)) return raw;
        headerLines++;
        if (/^(?:content-type|mime-version)\s*:/i.test(line)) mimeHeader = true;
      }
      return raw;
    }
    offset += lines[k]!.length + 1;
  }
  return raw;
}

/**
 * Raw 8-bit headers (no RFC 2047) are read as UTF-8 by the parser. When the header block is
 * not valid UTF-8 it is re-decoded: with the charset the top Content-Type names; else with the
 * charset detected from the 8-bit header lines (chardet: GBK and Shift_JIS subjects were read
 * as windows-1251 before); else, where detection is unsure, windows-1251, what old Russian
 * clients send.
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
  const headText = head.toString('latin1');
  const declared = /^content-type:[^\r\n]*charset\s*=\s*"?([a-z0-9_.:-]+)/im.exec(headText)?.[1];
  const named = declared && !/^(?:utf-?8|us-ascii)$/i.test(declared) ? decoderFor(declared) : null;
  const decoder = named ?? detectedDecoder(head, headText, raw) ?? new TextDecoder('windows-1251');
  return Buffer.concat([Buffer.from(decoder.decode(head), 'utf8'), raw.subarray(end)]);
}

function decoderFor(charset: string, fatal = false): InstanceType<typeof TextDecoder> | null {
  try {
    return new TextDecoder(charset, { fatal });
  } catch {
    return null;
  }
}

/** A detection this sure is taken on its own; below it, only a candidate the body's charsets back. */
const SURE_CONFIDENCE = 50;
/** Language of the charsets parts declare: a hint that breaks chardet's ties on short subjects. */
const CHARSET_LANGUAGE: readonly (readonly [RegExp, string])[] = [
  [/^(?:iso-2022-jp|shift[_-]?jis|sjis|euc-jp|cp932|windows-31j)/i, 'ja'],
  [/^(?:gb2312|gbk|gb18030|hz-gb|iso-gb2312|big5|cp936)/i, 'zh'],
  [/^(?:euc-kr|ks_c_5601|cp949)/i, 'ko'],
  [/^(?:windows-1251|cp1251|koi8|cp866|iso-8859-5)/i, 'ru'],
];

function detectedDecoder(head: Buffer, headText: string, raw: Buffer): InstanceType<typeof TextDecoder> | null {
  // Only the lines that carry 8-bit bytes: ASCII header lines would dilute the statistics.
  const eightBit = Buffer.from(
    headText
      .split(/\r?\n/)
      .filter((l) => /[\x80-\xff]/.test(l))
      .join('\n'),
    'latin1',
  );
  let candidates: { name: string; confidence: number; lang?: string }[];
  try {
    candidates = chardet.analyse(eightBit);
  } catch {
    return null;
  }
  const decodes = (name: string): InstanceType<typeof TextDecoder> | null => {
    const strict = decoderFor(name, true);
    try {
      if (strict) strict.decode(head);
      return strict ? decoderFor(name) : null;
    } catch {
      return null;
    }
  };
  const top = candidates[0];
  if (top && top.confidence >= SURE_CONFIDENCE && !/^(?:ascii|utf-8)$/i.test(top.name)) {
    const decoder = decodes(top.name);
    if (decoder) return decoder;
  }
  const partCharsets = [
    ...raw
      .subarray(0, Math.min(raw.length, SCAN_LIMIT))
      .toString('latin1')
      .matchAll(/charset\s*=\s*"?([a-z0-9_.:-]{2,40})/gi),
  ].map((m) => m[1]!);
  const languages = new Set(
    partCharsets.flatMap((c) => CHARSET_LANGUAGE.filter(([re]) => re.test(c)).map(([, lang]) => lang)),
  );
  for (const candidate of candidates) {
    if (!candidate.lang || !languages.has(candidate.lang)) continue;
    const decoder = decodes(candidate.name);
    if (decoder) return decoder;
  }
  return null;
}

function emptyMail(): ParsedMail {
  return {
    messageId: null,
    inReplyTo: [],
    references: [],
    date: null,
    from: null,
    replyTo: [],
    to: [],
    cc: [],
    deliveredTo: [],
    subject: '',
    text: '',
    html: null,
    headers: {},
    partTypes: [],
    attachments: [],
  };
}

function fromMime(mime: MimeMail, raw: Buffer): ParsedMail {
  const headers = headerMap(mime);
  const html = typeof mime.html === 'string' ? mime.html : null;
  const plain = typeof mime.text === 'string' ? mime.text : '';
  const text = normaliseNewlines(plain.trim() === '' && html !== null ? htmlToText(html) : plain);
  const replyTo = addressList(mime.replyTo);
  const from = senderOf(mime, replyTo);
  return {
    messageId: firstId(headers['message-id'] ?? mime.messageId ?? ''),
    inReplyTo: idList(headers['in-reply-to'] ?? ''),
    references: idList(headers['references'] ?? ''),
    date: isoDate(headers['date']),
    from,
    replyTo,
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

/**
 * Who sent the mail, as Zammad reads it: the From address; when that is missing or unusable
 * (`"name" <>`, `[??????]`), a valid address of another From header (spam tools send two), else
 * the first Reply-To. Null only when none of them holds an address.
 */
function senderOf(mime: MimeMail, replyTo: readonly MailAddress[]): MailAddress | null {
  const first = addressList(mime.from)[0];
  if (first) return first;
  for (const { key, line } of mime.headerLines) {
    if (key.toLowerCase() !== 'from') continue;
    const address = bareAddresses(rawValue(line))[0];
    if (address && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) return { address, name: null };
  }
  return replyTo[0] ?? null;
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
  return s
    .replace(/\r?\n[ \t]*/g, ' ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .trim();
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

/**
 * Bare addresses in a header value: the words between separators that hold an '@' with
 * something on both sides. Split first: a regex for `word@word` tried from every position
 * rescans a long word from each of its characters (85 s on a 200 KB Delivered-To).
 */
function bareAddresses(value: string): string[] {
  return value
    .split(/[\s<>,;:"()[\]]+/)
    .filter((word) => {
      const at = word.indexOf('@', 1);
      return at > 0 && at < word.length - 1;
    })
    .map((word) => word.toLowerCase());
}

function deliveredTo(lines: MimeMail['headerLines']): string[] {
  const out: string[] = [];
  for (const { key, line } of lines) {
    const name = key.toLowerCase();
    if (name === 'delivered-to' || name === 'x-original-to') out.push(...bareAddresses(rawValue(line)));
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
    if (name === 'delivered-to' || name === 'x-original-to') delivered.push(...bareAddresses(value));
    if (!(name in headers)) headers[name] = value;
  }
  const addresses = (value: string | undefined): MailAddress[] =>
    bareAddresses(value ?? '').map((address) => ({ address, name: null }));
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
// HTML -> text. What matters is that lines, table cells and quoting survive, so that template
// fields and reply history can be read from HTML-only (Outlook) mail. htmlparser2's Tokenizer
// reads the markup and decodes entities (the full HTML5 table) in one linear pass; its Parser
// is not used: it keeps a stack of open elements with unshift/indexOf, quadratic on 1 MB of
// `<div>`. The renderer below needs no stack, only counters.

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'tr',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'section',
  'article',
  'header',
  'footer',
  'address',
  'dl',
  'dt',
  'dd',
  'form',
  'center',
  'caption',
  'figure',
  'main',
  'nav',
  'aside',
  'fieldset',
]);
/** Elements whose content is not text for a reader; each becomes one space. */
const DROP_TAGS = new Set(['script', 'style', 'head', 'title', 'noscript', 'template', 'xml', 'svg', 'object']);
/** Deeper `<blockquote>` nesting is shown at this depth: keeps the "> " prefixes (and the output) linear. */
const MAX_QUOTE_DEPTH = 30;
/** Entities rendered as nothing or as a plain space, as the desk always rendered them. */
const ENTITY_OVERRIDES = new Map<number, string>([
  [0xad, ''],
  [0x200c, ''],
  [0x200d, ''],
  [0x2002, ' '],
  [0x2003, ' '],
  [0x2009, ' '],
]);
const RULE = '________________________________';

const ignore = (): void => undefined;
const IGNORE_TOKENS: TokenizerCallbacks = {
  onattribdata: ignore,
  onattribentity: ignore,
  onattribend: ignore,
  onattribname: ignore,
  oncdata: ignore,
  onclosetag: ignore,
  oncomment: ignore,
  ondeclaration: ignore,
  onend: ignore,
  onopentagend: ignore,
  onopentagname: ignore,
  onprocessinginstruction: ignore,
  onselfclosingtag: ignore,
  ontext: ignore,
  ontextentity: ignore,
};

/**
 * Renders HTML as plain text: script/style dropped, block tags and <br> become line breaks,
 * table cells are separated by a tab (so "label<td>value" reads like "label\tvalue"),
 * <blockquote> lines get "> " prefixes and <hr> becomes Outlook's underscore rule, so the
 * reply reader sees the same shapes it sees in plain-text mail.
 */
export function htmlToText(html: string): string {
  const s = html.length > 5_000_000 ? html.slice(0, 5_000_000) : html;
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
  const quote = (d: number): string => '> '.repeat(Math.min(d, MAX_QUOTE_DEPTH));
  const isEmpty = (): boolean => pieces.length === 0;
  const endsWithSpace = (): boolean => lastChar === ' ' || lastChar === '\t' || lastChar === '\u00a0';
  const flush = (force: boolean): void => {
    if (isEmpty() && !force) return;
    let line = pieces.join('');
    if (line.includes('\u00a0')) line = line.replace(/\u00a0/g, ' ');
    line = line.trimEnd();
    if (line.startsWith(' ')) line = line.replace(/^ +/, '');
    lines.push(quote(currentDepth) + line);
    pieces = [];
    lastChar = '';
  };
  const append = (text: string): void => {
    if (!text) return;
    if (isEmpty()) currentDepth = depth;
    pieces.push(text);
    lastChar = text[text.length - 1]!;
  };

  // Text arrives in pieces (around entities); it is rendered as one run at the next tag.
  let pending: string[] = [];
  const renderText = (): void => {
    if (pending.length === 0) return;
    const raw = pending.join('');
    pending = [];
    if (pre > 0) {
      raw.split(/\r?\n/).forEach((part, i) => {
        if (i > 0) flush(true);
        if (part) append(part);
      });
      return;
    }
    // Source whitespace is layout, not content; &nbsp; is content and survives as \u00a0.
    let text = /[\t\r\n]| {2}/.test(raw) ? raw.replace(/[\t\r\n ]+/g, ' ') : raw;
    if (text.startsWith(' ') && (isEmpty() || endsWithSpace())) text = text.slice(1);
    append(text);
  };

  const open = (name: string, id: string): void => {
    if (name === 'br' && inCell === 0) {
      flush(true);
    } else if (name === 'hr') {
      flush(false);
      lines.push(quote(depth) + RULE);
    } else if (name === 'blockquote') {
      flush(false);
      depth++;
    } else if (name === 'td' || name === 'th') {
      if (pieces.at(-1) === ' ') pieces.pop();
      if (cellInRow > 0) append('\t');
      cellInRow++;
      inCell++;
    } else if (name === 'tr' || name === 'table') {
      flush(false);
      cellInRow = 0;
      inCell = 0;
    } else if (inCell > 0 && (name === 'br' || BLOCK_TAGS.has(name))) {
      // Outlook wraps every cell's text in <p>: inside a cell a block is a space, not a line.
      if (!isEmpty() && !endsWithSpace()) append(' ');
    } else if (name === 'li') {
      flush(false);
      append('- ');
    } else if (name === 'pre') {
      flush(false);
      pre++;
    } else if (name === 'div' && /^(?:x_)?Signature\b/.test(id)) {
      // Outlook's signature block carries no "-- " of its own: add it so the reply reader can cut there.
      flush(false);
      lines.push(`${quote(depth)}-- `);
    } else if (name === 'div' && /^(?:x_)?divRplyFwdMsg/i.test(id)) {
      // Outlook's reply header block: make sure it starts on its own line after a rule.
      flush(false);
      if (lines.at(-1) !== RULE) lines.push(quote(depth) + RULE);
    } else if (BLOCK_TAGS.has(name)) {
      flush(false);
    }
  };
  const close = (name: string): void => {
    if (name === 'br' && inCell === 0) flush(true);
    else if (name === 'blockquote') {
      flush(false);
      depth = Math.max(0, depth - 1);
    } else if (name === 'td' || name === 'th') inCell = Math.max(0, inCell - 1);
    else if (name === 'tr' || name === 'table') {
      flush(false);
      cellInRow = 0;
      inCell = 0;
    } else if (inCell > 0 && (name === 'br' || BLOCK_TAGS.has(name))) {
      if (!isEmpty() && !endsWithSpace()) append(' ');
    } else if (name === 'pre') {
      flush(false);
      pre = Math.max(0, pre - 1);
    } else if (BLOCK_TAGS.has(name)) flush(false);
  };

  // Tag being read: its name and, for <div>, its id (Outlook marks signature and reply header by id).
  let tag = '';
  let attribute = '';
  let id: string[] = [];
  // Inside script/style/head...: everything up to the element's own end tag is skipped.
  let dropping = '';
  const name = (start: number, end: number): string => s.slice(start, end).toLowerCase();
  const openTagEnd = (): void => {
    const opened = tag;
    tag = '';
    if (dropping || !opened) return;
    if (DROP_TAGS.has(opened)) {
      dropping = opened;
      pending.push(' ');
      return;
    }
    renderText();
    open(opened, id.join(''));
  };
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ...IGNORE_TOKENS,
      ontext: (start, end) => {
        if (!dropping) pending.push(s.slice(start, end));
      },
      ontextentity: (codePoint) => {
        if (!dropping) pending.push(ENTITY_OVERRIDES.get(codePoint) ?? String.fromCodePoint(codePoint));
      },
      onopentagname: (start, end) => {
        tag = name(start, end);
        attribute = '';
        id = [];
      },
      onattribname: (start, end) => {
        attribute = tag === 'div' && end - start === 2 ? name(start, end) : '';
      },
      onattribdata: (start, end) => {
        if (attribute === 'id' && id.length < 8) id.push(s.slice(start, Math.min(end, start + 100)));
      },
      onattribend: () => {
        attribute = '';
      },
      onopentagend: openTagEnd,
      onselfclosingtag: openTagEnd,
      onclosetag: (start, end) => {
        const closed = name(start, end);
        if (dropping) {
          if (closed === dropping) dropping = '';
          return;
        }
        renderText();
        close(closed);
      },
    },
  );
  tokenizer.write(s);
  tokenizer.end();
  renderText();
  flush(false);
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
