/**
 * The raw header block, repaired before the MIME parser reads it: a second header block that a
 * relay pushed into the body is joined to the first, and raw 8-bit headers that are not UTF-8
 * are decoded with the declared or detected charset.
 */
import chardet from 'chardet';

/** How much of a message the hand-written readers (part types, fallback, charsets) look at. */
export const SCAN_LIMIT = 8_000_000;

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
export function withSecondHeaderBlock(raw: Buffer): Buffer {
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
export function utf8Headers(raw: Buffer): Buffer {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end);
  if (!hasEightBit(head)) return raw;
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

/** A byte over 0x7f (a plain loop: Buffer.some calls a function per byte of every mail's header block). */
function hasEightBit(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return true;
  return false;
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
