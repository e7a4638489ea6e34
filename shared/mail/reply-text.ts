/**
 * What the sender wrote now: quoted history and signatures removed, for the shapes real
 * clients produce (Gmail, Outlook, Yandex, Mail.ru, Thunderbird, Apple Mail, iOS, `>` quoting,
 * top-, bottom- and interleaved posting). Verdicts and #commands are read from this text
 * only, so a "Найдена ошибка" in the quoted history never counts.
 *
 * Order: 1 cut at a hard separator (Outlook header block, "Original message" and forward
 * rules); 2 cut at an attribution line ("On ... wrote:") unless `>` lines follow it, in which
 * case drop just the line; 3 drop `>` lines (a quoted block between answers becomes a
 * paragraph break); 4 cut at the signature.
 */

const SEPARATOR_RULE =
  /^\s*[-_=*~]{2,}\s*(?:original message|forwarded message|исходное сообщение|пересылаемое сообщение|переадресованное сообщение|перенаправленное сообщение|оригинальное сообщение)\s*[-_=*~]{2,}\s*$/i;
const FORWARD_INTRO = /^\s*(?:begin forwarded message|начало переадресованного сообщения|пересылаемое сообщение)\s*:?\s*$/i;

// Header lines of a quoted Outlook block, in English and Russian; `*From:*` is Outlook's plain rendering of bold.
const HEADER_FROM = /^\s*\*?(?:from|от|от кого)\s*:\*?\s*\S/i;
const HEADER_OTHER = /^\s*\*?(?:sent|date|to|cc|subject|отправлено|дата|кому|копия|тема)\s*:\*?/i;

const MONTH_WORD =
  '(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zа-яё]*\\.?';
const DATE = new RegExp(
  `(?:\\b\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}\\b|\\d{1,2}\\s+${MONTH_WORD},?\\s+\\d{2,4}|${MONTH_WORD}\\s+\\d{1,2},?\\s+\\d{4})`,
  'i',
);
const TIME = /\b\d{1,2}:\d{2}\b/;

/** Is this (possibly two joined lines) a "someone wrote:" line? */
function isAttribution(line: string): boolean {
  const s = line.trim();
  if (s.length < 8 || s.length > 300 || !s.endsWith(':')) return false;
  // English clients: Gmail, Thunderbird, Apple Mail: "On <date>, <name> wrote:".
  if (/^on\s.+\swrote\s*:$/i.test(s)) return true;
  if (/(?:wrote|пишет|писал\(?а?\)?|написал\(?а?\)?|написала)\s*:$/i.test(s) && (DATE.test(s) || TIME.test(s))) return true;
  // Gmail ru, Yandex, Mail.ru: a date, a time and an address, ending with ':'.
  return DATE.test(s) && TIME.test(s) && /@/.test(s);
}

const isQuoted = (line: string): boolean => /^\s*>/.test(line);
const isBlank = (line: string): boolean => line.trim() === '';

/** Index of an Outlook-style header block start: From/От followed by two more header lines. */
function isHeaderBlock(lines: readonly string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i]!)) return false;
  let others = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) {
    if (HEADER_OTHER.test(lines[j]!)) others++;
    else if (!isBlank(lines[j]!) && others > 0 && !/^\s{2,}/.test(lines[j]!)) break;
  }
  return others >= 2;
}

function cutAtHardSeparator(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isQuoted(line)) continue;
    if (SEPARATOR_RULE.test(line) || FORWARD_INTRO.test(line) || isHeaderBlock(lines, i)) return lines.slice(0, i);
  }
  return lines;
}

function dropAttributions(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isQuoted(line) || isBlank(line)) {
      out.push(line);
      continue;
    }
    // Long attributions wrap: Gmail breaks "... Name <\naddress>:" over two lines.
    const next = lines[i + 1];
    const span = isAttribution(line) ? 1 : next !== undefined && !isQuoted(next) && /\d/.test(line) && isAttribution(`${line} ${next.trim()}`) ? 2 : 0;
    if (span === 0) {
      out.push(line);
      continue;
    }
    let k = i + span;
    while (k < lines.length && isBlank(lines[k]!)) k++;
    if (k < lines.length && isQuoted(lines[k]!)) {
      i += span - 1; // quoted history follows: drop the attribution, step 3 drops the quote
      continue;
    }
    return out; // history not marked with '>': everything from here on is history
  }
  return out;
}

function dropQuoted(lines: string[]): string[] {
  const out: string[] = [];
  let inQuote = false;
  for (const line of lines) {
    if (isQuoted(line)) {
      inQuote = true;
      continue;
    }
    if (inQuote && out.length > 0 && !isBlank(out.at(-1)!)) out.push('');
    inQuote = false;
    out.push(line);
  }
  return out;
}

const MOBILE_SIGNATURE = [
  /^sent from my \S.{0,40}$/i,
  /^sent from (?:mail|outlook|yahoo|gmail|samsung|my|the)\b.{0,40}$/i,
  /^get outlook for .{1,30}$/i,
  /^(?:отправлено|послано|отправлено с моего) (?:с|со|из|через) .{0,50}(?:iphone|ipad|android|mail\.ru|почты|почта|яндекс|yandex|мобильн|смартфон|устройств|samsung|galaxy|xiaomi|huawei|honor|outlook|windows|gmail|телефона).{0,30}$/i,
  /^(?:отправлено|послано) с (?:моего )?(?:iphone|ipad|android|samsung|смартфона|телефона).{0,30}$/i,
];
const CLOSING = /^(?:с уважением|с наилучшими пожеланиями|всего доброго|best regards|kind regards|regards|best wishes|thanks and regards|с уважением и благодарностью)(?=$|[\s,.!])[\s,.!]*(?:\S.{0,50})?$/i;

const SIGNATURE_TAIL_LINES = 6;
const SIGNATURE_LINE_LENGTH = 70;

/** Where the signature starts, or -1. */
function signatureStart(lines: readonly string[]): number {
  // A closing starts a signature only when what follows is a few short lines (name, role,
  // phone). Which lines qualify is read once from the end, so 50,000 "Regards" lines cost
  // one pass, not one pass each: `shortTail` is the first index from which the rest of the
  // mail is at most 6 non-blank lines, all short.
  let shortTail = lines.length;
  let tailLines = 0;
  for (let j = lines.length - 1; j >= 0; j--) {
    const t = lines[j]!.trim();
    if (t === '') {
      shortTail = j;
      continue;
    }
    if (t.length > SIGNATURE_LINE_LENGTH || ++tailLines > SIGNATURE_TAIL_LINES) break;
    shortTail = j;
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // RFC 3676 delimiter "-- " (also without the trailing space, as many clients send it).
    if (line.startsWith('--') && line.slice(2).trim() === '') return i;
    const t = line.trim();
    if (t.length <= 80 && MOBILE_SIGNATURE.some((re) => re.test(t))) return i;
    if (t.length <= 60 && i + 1 >= shortTail && CLOSING.test(t)) return i;
  }
  return -1;
}

function trimTrailingRules(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && (isBlank(out.at(-1)!) || /^\s*[-_=*~]{5,}\s*$/.test(out.at(-1)!))) out.pop();
  return out;
}

function finish(lines: readonly string[]): string {
  return lines
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function splitLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').split('\n');
}

/** The text minus the signature (for a first mail, the rest is the request itself). */
export function stripSignature(text: string): string {
  const lines = splitLines(text);
  const cut = signatureStart(lines);
  return finish(trimTrailingRules(cut >= 0 ? lines.slice(0, cut) : lines));
}

export function extractNewText(text: string): string {
  let lines = splitLines(text);
  lines = cutAtHardSeparator(lines);
  lines = dropAttributions(lines);
  lines = dropQuoted(lines);
  lines = trimTrailingRules(lines);
  const cut = signatureStart(lines);
  if (cut >= 0) lines = lines.slice(0, cut);
  return finish(trimTrailingRules(lines));
}
