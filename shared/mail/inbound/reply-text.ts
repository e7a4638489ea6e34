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

/**
 * The clients' shapes as data: adding a client is one row in one of these tables plus one
 * fixture in test/fixtures/mail (and its row in test/unit/reply-text.test.ts).
 */

/** "-----Original Message-----" in the languages clients localise it to. */
const ORIGINAL_MESSAGE_WORDS: readonly string[] = [
  'original message',
  'forwarded message',
  'reply message', // Outlook, Gmail, Yahoo (en)
  'исходное сообщение',
  'пересылаемое сообщение',
  'переадресованное сообщение',
  'перенаправленное сообщение',
  'оригинальное сообщение', // ru
  'ursprüngliche nachricht',
  'antwort nachricht',
  'weitergeleitete nachricht', // de
  "message d'origine",
  'message d’origine',
  'message transféré', // fr
  'oprindelig meddelelse',
  'oprindelig besked',
  'videresendt meddelelse', // da
  'opprinnelig melding',
  'videresendt melding', // no
  'ursprungligt meddelande',
  'vidarebefordrat meddelande', // sv
  'oorspronkelijk bericht',
  'doorgestuurd bericht', // nl
  'messaggio originale',
  'messaggio inoltrato', // it
  'mensaje original',
  'mensaje reenviado',
  'mensagem original',
  'mensagem encaminhada', // es, pt
  'wiadomość oryginalna',
  'oryginalna wiadomość',
  'alkuperäinen viesti',
  'původní zpráva', // pl, fi, cs
];
const SEPARATOR_RULE = new RegExp(
  `^\\s*[-_=*~]{2,}\\s*(?:${ORIGINAL_MESSAGE_WORDS.join('|')})\\s*[-_=*~]{2,}\\s*$`,
  'iu',
);
const FORWARD_INTRO =
  /^\s*(?:begin forwarded message|начало переадресованного сообщения|пересылаемое сообщение|anfang der weitergeleiteten nachricht|début du message réexpédié)\s*:?\s*$/i;

/** Outlook's quoted header block, per language: the sender line, then the other header lines. */
const HEADER_LABELS: readonly { lang: string; from: readonly string[]; other: readonly string[] }[] = [
  { lang: 'en', from: ['from'], other: ['sent', 'date', 'to', 'cc', 'subject', 'reply-to'] },
  { lang: 'ru', from: ['от', 'от кого'], other: ['отправлено', 'дата', 'кому', 'копия', 'тема'] },
  { lang: 'de', from: ['von'], other: ['gesendet', 'datum', 'an', 'cc', 'betreff'] },
  {
    lang: 'fr',
    from: ['de', 'message du'],
    other: ['envoyé', 'envoyé le', 'date', 'à', 'a', 'cc', 'copie à', 'objet', 'sujet'],
  },
  { lang: 'nl', from: ['van'], other: ['verzonden', 'datum', 'aan', 'cc', 'onderwerp'] },
  { lang: 'it', from: ['da'], other: ['inviato', 'data', 'a', 'cc', 'oggetto'] },
  { lang: 'es/pt', from: ['de'], other: ['enviado', 'enviado el', 'fecha', 'data', 'para', 'cc', 'asunto', 'assunto'] },
  { lang: 'da/no', from: ['fra'], other: ['sendt', 'dato', 'til', 'cc', 'emne'] },
  { lang: 'sv', from: ['från'], other: ['skickat', 'datum', 'till', 'kopia', 'ämne'] },
  { lang: 'pl', from: ['od'], other: ['wysłano', 'wysłane', 'data', 'do', 'dw', 'temat'] },
  { lang: 'fi', from: ['lähettäjä'], other: ['lähetetty', 'päivämäärä', 'vastaanottaja', 'kopio', 'aihe'] },
];
const labelAlternation = (words: readonly string[]): string =>
  [...new Set(words)].sort((a, b) => b.length - a.length).join('|');
// `*From:*` is Outlook's plain rendering of bold; French puts a space before the colon.
const HEADER_FROM = new RegExp(
  `^\\s*\\*?(?:${labelAlternation(HEADER_LABELS.flatMap((l) => l.from))})\\s*:\\*?\\s*\\S`,
  'iu',
);
const HEADER_OTHER = new RegExp(
  `^\\s*\\*?(?:${labelAlternation(HEADER_LABELS.flatMap((l) => l.other))})\\s*:\\*?`,
  'iu',
);
const HEADER_DATE = /^\s*\*?(?:date|дата|datum)\s*:\*?\s*\S/i;

/**
 * The verb of "<someone> wrote:" per language, as it ends (or, in Gmail's Nordic, Dutch and
 * German forms, sits inside) an attribution line.
 */
const WROTE_WORDS: readonly string[] = [
  'wrote',
  'writes', // en
  'пишет',
  'писал\\(?а?\\)?',
  'написал\\(?а?\\)?',
  'написала', // ru
  'schrieb',
  'a écrit',
  'ha scritto',
  'escreveu',
  'escribió',
  'napisał\\(?a?\\)?',
  'napisała',
  'kirjoitti',
  'skrev', // de fr it pt es pl fi da/no/sv
  'schreef',
  'het volgende geschreven',
  'đã viết',
  'yazdı',
  'napsal\\(?a?\\)?', // nl vi tr cs
];
const WROTE = `(?:${WROTE_WORDS.join('|')})`;
/** "... wrote:" at the end (colon optional only after an English "On <date>"). */
const WROTE_END = new RegExp(`(?<![\\p{L}])${WROTE}\\s*:$`, 'iu');
/** Gmail no/da/sv/de/nl put the verb before the name: "<date> skrev Name <addr>:". */
const WROTE_INSIDE = new RegExp(
  `(?<![\\p{L}])(?:skrev|schrieb|schreef|ha scritto|escreveu|escribió)(?![\\p{L}])`,
  'iu',
);

const MONTH_WORD =
  '(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zа-яё]*\\.?';
const DATE = new RegExp(
  `(?:\\b\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}\\b|\\d{1,2}\\.?\\s+${MONTH_WORD},?\\s+\\d{2,4}|${MONTH_WORD}\\s+\\d{1,2},?\\s+\\d{4}|\\b\\d{1,2}[.-]\\p{L}{3,12}\\.?[.-]\\d{4}\\b)`,
  'iu',
);
// Finnish and Yandex write "16.05" as well as "16:05".
const TIME = /\b\d{1,2}[:.]\d{2}\b/;
/** A year alone dates an attribution that also names its verb ("Dnia 2 listopada 2026 ... napisał(a):"). */
const YEAR = /\b(?:19|20)\d{2}\b/;
const ENGLISH_ON = /^(?:-{2,}\s*)?on\s.*\d/i;
/** Old Gmail: "2026/11/2 Name <address>" above a quote, no verb, no colon. */
const DATE_NAME_ADDRESS = /^\d{4}\/\d{1,2}\/\d{1,2}\s.{1,100}<[^<>\s]+@[^<>\s]+>$/;

/** How sure a candidate attribution is: a strong one cuts unmarked history; a weak one needs '>' lines after it. */
type AttributionKind = 'strong' | 'weak' | null;

/** Is this (possibly two or three joined lines) a "someone wrote:" line? */
function attributionKind(line: string): AttributionKind {
  const s = line.trim().replace(/\s+/g, ' ');
  if (s.length < 8 || s.length > 300) return null;
  // Zoho, Android, some webmails: "---- On <date> Name wrote ----", "---- Name wrote ----".
  if (new RegExp(`^-{2,}.{1,250}(?<![\\p{L}])${WROTE}\\s*:?\\s*-{2,}$`, 'iu').test(s)) return 'strong';
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
  const m =
    /^(.*?\S)(?:\s*-{2,}\s*|\s+)(on\s+(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d).*)$/i.exec(
      line,
    );
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

/** The device or app a client signature names: one of these must appear, so prose is not cut. */
const SENT_FROM_WHAT =
  '(?:iphone|ipad|android|outlook|typeapp|bluemail|spark|aquamail|samsung|galaxy|xiaomi|huawei|honor|blackberry|windows|gmail|yahoo|mail\\.ru|почт|яндекс|yandex|смартфон|телефон|мобильн|устройств)';
/** Client signatures, one row per phrasing ("Sent from ...", localised); each is the whole line, up to an optional <link>. */
const MOBILE_SIGNATURE: readonly RegExp[] = [
  /^sent from my \S.{0,40}$/i,
  /^sent from (?:mail|outlook|yahoo|gmail|samsung|my|the|typeapp|bluemail|spark|aquamail)\b.{0,40}$/i,
  /^(?:get|download) outlook for .{1,30}$/i,
  new RegExp(
    `^(?:sent|envoyé|gesendet|enviado|inviato|verzonden|verstuurd|skickat|sendt|wysłane|lähetetty|odesláno)\\s+(?:from|with|via|de|à partir de|depuis|von|mit|desde|da|dal|vanaf|van|met|från|fra|med|z|ze|z mojego)\\s+.{0,40}${SENT_FROM_WHAT}.{0,40}$`,
    'iu',
  ),
  /^von meinem \S.{0,30} gesendet$/i,
  /^(?:отправлено|послано|отправлено с моего) (?:с|со|из|через) .{0,50}(?:iphone|ipad|android|mail\.ru|почты|почта|яндекс|yandex|мобильн|смартфон|устройств|samsung|galaxy|xiaomi|huawei|honor|outlook|windows|gmail|телефона).{0,30}$/i,
  /^(?:отправлено|послано) с (?:моего )?(?:iphone|ipad|android|samsung|смартфона|телефона).{0,30}$/i,
];
const CLOSING =
  /^(?:с уважением|с наилучшими пожеланиями|всего доброго|best regards|kind regards|regards|best wishes|thanks and regards|с уважением и благодарностью)(?=$|[\s,.!])[\s,.!]*(?:\S.{0,50})?$/i;

const DASH_SIGN_OFF = /^[-–—~]\p{Lu}[\p{L}.'-]{0,30}(?: \p{Lu}[\p{L}.'-]{0,30}){0,2}$/u;

const SIGNATURE_TAIL_LINES = 6;
const SIGNATURE_LINE_LENGTH = 70;

/** "Sent from TypeApp<http://...>" -> "Sent from TypeApp"; found by lastIndexOf so a long line costs one pass. */
function withoutTrailingLink(t: string): string {
  const open = t.lastIndexOf('<');
  return open >= 0 && /^<(?:https?|mailto):[^<>\s]{1,200}>$/i.test(t.slice(open)) ? t.slice(0, open).trimEnd() : t;
}

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
  let lastLine = lines.length - 1;
  while (lastLine >= 0 && lines[lastLine]!.trim() === '') lastLine--;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // RFC 3676 delimiter "-- " (also without the trailing space, as many clients send it).
    if (line.startsWith('--') && line.slice(2).trim() === '') return i;
    // "Sent from TypeApp<http://...>": the app's link is part of the signature line.
    const t = withoutTrailingLink(line.trim());
    if (t.length <= 80 && MOBILE_SIGNATURE.some((re) => re.test(t))) return i;
    if (t.length <= 60 && i + 1 >= shortTail && CLOSING.test(t)) return i;
    // "-Anna Smirnova" as the last line: a sign-off, as a closing is ("- Петров" with a space is a list item).
    if (i === lastLine && DASH_SIGN_OFF.test(t) && !/^\s*[-–—]/.test(lines[i - 1] ?? '')) return i;
  }
  return -1;
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
