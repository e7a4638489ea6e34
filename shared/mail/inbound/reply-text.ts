/**
 * What the sender wrote now: quoted history and signatures removed, for the shapes real
 * clients produce (Gmail, Outlook, Yandex, Mail.ru, Thunderbird, Apple Mail, iOS, `>` quoting,
 * top-, bottom- and interleaved posting). Verdicts and #commands are read from this text
 * only, so a "Найдена ошибка" in the quoted history never counts.
 *
 * Order: 1 cut at a hard separator (Outlook header block in any of the listed languages,
 * "Original message" rules, forward intros, a mailing list's footer, an attribution sharing a
 * line with the reply); 2 cut at an attribution ("On ... wrote:", "... napisał:", up to three
 * wrapped lines) unless `>` lines follow it, in which case drop just the attribution; 3 drop `>`
 * lines and the quote's lines a client wrapped without `>` (a quoted block between answers
 * becomes a paragraph break); 4 cut at the signature (RFC 3676, client signatures in many
 * languages, a closing or a "-Name" sign-off with only short lines after it).
 */
import {
  DATE,
  DATE_NAME_ADDRESS,
  ENGLISH_ON,
  FORWARD_INTRO,
  HEADER_DATE,
  HEADER_FROM,
  HEADER_OTHER,
  REPLY_THEN_ENGLISH_ON,
  SEPARATOR_RULE,
  TIME,
  WROTE_BETWEEN_RULES,
  WROTE_END,
  WROTE_INSIDE,
  YEAR,
} from './reply-shapes';
import { signatureStart } from './signature';

/** How sure a candidate attribution is: a strong one cuts unmarked history; a weak one needs '>' lines after it. */
type AttributionKind = 'strong' | 'weak' | null;

/** Is this (possibly two or three joined lines) a "someone wrote:" line? */
function attributionKind(line: string): AttributionKind {
  const s = line.trim().replace(/\s+/g, ' ');
  if (s.length < 8 || s.length > 300) return null;
  // Zoho, Android, some webmails: "---- On <date> Name wrote ----", "---- Name wrote ----".
  if (WROTE_BETWEEN_RULES.test(s)) return 'strong';
  if (DATE_NAME_ADDRESS.test(s)) return 'weak';
  const onDate = ENGLISH_ON.test(s);
  // English clients: Gmail, Thunderbird, Apple Mail: "On <date>, <name> wrote:" (or "sent:"; Zoho drops the colon).
  if (onDate && /\s(?:wrote|sent)\s*:?$/i.test(s)) return 'strong';
  if (/^on\s.+\swrote\s*:$/i.test(s)) return 'strong';
  if (!s.endsWith(':')) return null;
  const dated = DATE.test(s) || TIME.test(s) || YEAR.test(s);
  if (WROTE_END.test(s) && (dated || s.includes('@'))) return 'strong';
  if (WROTE_INSIDE.test(s) && dated && s.includes('@')) return 'strong';
  // Gmail ru, Yandex, Mail.ru: a date, a time and an address, ending with ':'.
  return DATE.test(s) && TIME.test(s) && s.includes('@') ? 'strong' : null;
}

/** A '>' line is quoted history, unless it is a decoration that closes with "<<" (">>> http://site <<<"). */
const isQuoted = (line: string): boolean => /^\s*>/.test(line) && !/<<\s*$/.test(line);
const isBlank = (line: string): boolean => line.trim() === '';

/**
 * Does an Outlook-style header block start here? From/От (any language) followed by two more
 * header lines, or a From or Date line followed by one more when the block names an address
 * and a date ("Date: ... / To: a@b" is how some clients quote).
 */
function isHeaderBlock(lines: readonly string[], i: number): boolean {
  const first = lines[i]!;
  const fromStart = HEADER_FROM.test(first);
  if (!fromStart && !HEADER_DATE.test(first)) return false;
  let others = 0;
  let block = first;
  for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) {
    const line = lines[j]!;
    if (HEADER_OTHER.test(line) || HEADER_FROM.test(line)) {
      others++;
      block += `\n${line}`;
    } else if (!isBlank(line) && others > 0 && !/^\s{2,}/.test(line)) break;
  }
  if (fromStart && others >= 2) return true;
  return others >= 1 && block.includes('@') && /\d/.test(block);
}

/** A mailing list's footer: a rule, then within two lines "... mailing list" or a listinfo link. */
function isListFooter(lines: readonly string[], i: number): boolean {
  if (!/^\s*_{2,}\s*$/.test(lines[i]!)) return false;
  for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
    if (/mailing list|listinfo|list-unsubscribe|рассылк/i.test(lines[j]!)) return true;
  }
  return false;
}

/**
 * "reply On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:": the reply and the attribution
 * share a line. Returns the reply part, or null when the line holds no such attribution.
 */
function replyBeforeAttribution(line: string): string | null {
  // Capped: the split below tries each "on <day>" of the line.
  if (line.length > 400 || !/wrote\s*:\s*$/i.test(line)) return null;
  const m = REPLY_THEN_ENGLISH_ON.exec(line);
  if (!m || attributionKind(m[2]!) !== 'strong') return null;
  return m[1]!;
}

function cutAtHardSeparator(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isQuoted(line)) continue;
    if (SEPARATOR_RULE.test(line) || FORWARD_INTRO.test(line) || isHeaderBlock(lines, i) || isListFooter(lines, i))
      return lines.slice(0, i);
    const reply = replyBeforeAttribution(line);
    if (reply !== null) return [...lines.slice(0, i), reply];
  }
  return lines;
}

/** Lines an attribution may wrap over: Gmail breaks "Name <\naddress>:", Apple Mail puts "wrote:" on a third line. */
const MAX_ATTRIBUTION_LINES = 3;

/** How many lines from i form an attribution (0: none), and how sure it is. */
function attributionAt(lines: readonly string[], i: number): { span: number; kind: AttributionKind } {
  const line = lines[i]!;
  const alone = attributionKind(line);
  if (alone) return { span: 1, kind: alone };
  if (!/\d/.test(line) && !/^\s*(?:on|le|am|il|em|el|op|w dniu|dnia)\s/i.test(line)) return { span: 0, kind: null };
  let joined = line.trim();
  let taken = 1;
  // The pieces of an attribution never end a sentence; a blank line inside one is Polymail's
  // lone "<" wrap only; Gmail's Nordic wrap leaves ">:" quoted.
  for (let j = i + 1; j < Math.min(lines.length, i + 6) && taken < MAX_ATTRIBUTION_LINES + 2; j++) {
    if (/[.!?]$/.test(lines[j - 1]!.trim())) break;
    const next = lines[j]!;
    if (isBlank(next)) {
      const after = lines[j + 1]?.trim() ?? '';
      if (after.startsWith('<') || after.startsWith('mailto:')) continue;
      break;
    }
    const t = next.trim();
    if (isQuoted(next) && !/^>\s*(?:wrote\s*)?:?$|^>\s*wrote\s*:$/i.test(t)) break;
    if (t.length > 120) break;
    joined += ` ${t.replace(/^>\s*/, '')}`.replace(/<\s+/g, '<');
    taken++;
    const kind = attributionKind(joined);
    if (kind) return { span: j - i + 1, kind };
  }
  return { span: 0, kind: null };
}

function dropAttributions(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isQuoted(line) || isBlank(line)) {
      out.push(line);
      continue;
    }
    const { span, kind } = attributionAt(lines, i);
    if (span === 0) {
      out.push(line);
      continue;
    }
    let k = i + span;
    while (k < lines.length && isBlank(lines[k]!)) k++;
    if (k >= lines.length || isQuoted(lines[k]!)) {
      i += span - 1; // quoted history follows: drop the attribution, step 3 drops the quote
      continue;
    }
    if (kind === 'weak') {
      out.push(line);
      continue;
    }
    return out; // history not marked with '>': everything from here on is history
  }
  return out;
}

/**
 * A line between two quoted lines, with no blank line around it, that a client wrapped without
 * re-quoting: the previous quoted line stops mid-sentence, the line starts in lower case, or the
 * marker slid to its end ("(http://...) >"). A one-line answer between two questions starts a
 * sentence after one that ended.
 */
function isWrappedQuoteLine(lines: readonly string[], i: number): boolean {
  if (i === 0 || i + 1 >= lines.length || !isQuoted(lines[i - 1]!) || !isQuoted(lines[i + 1]!) || isBlank(lines[i]!))
    return false;
  const before = lines[i - 1]!.replace(/^[\s>]+/, '').trimEnd();
  const line = lines[i]!.trim();
  return /[^<\s]\s*>$/.test(line) || /^\p{Ll}/u.test(line) || (before !== '' && !/[.?!:;)»"]$/.test(before));
}

function dropQuoted(lines: string[]): string[] {
  const out: string[] = [];
  let inQuote = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isQuoted(line) || isWrappedQuoteLine(lines, i)) {
      inQuote = true;
      continue;
    }
    if (inQuote && out.length > 0 && !isBlank(out.at(-1)!)) out.push('');
    inQuote = false;
    out.push(line);
  }
  return out;
}

function trimTrailingRules(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && (isBlank(out.at(-1)!) || /^\s*[-_=*~]{3,}\s*$/.test(out.at(-1)!))) out.pop();
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
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split('\n');
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
