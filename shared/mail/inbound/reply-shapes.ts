/**
 * The clients' shapes as data: adding a client is one row in one of these tables plus one
 * fixture in test/fixtures/mail (and its row in test/unit/reply-text.test.ts). The scanner that
 * uses them is reply-text.ts (quotes, attributions) and signature.ts (signatures).
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
  'weitergeleitete nachricht',
  'original nachricht', // de: GMX, web.de
  'original-nachricht', // de: Thunderbird
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
export const SEPARATOR_RULE = new RegExp(
  `^\\s*[-_=*~]{2,}\\s*(?:${ORIGINAL_MESSAGE_WORDS.join('|')})\\s*[-_=*~]{2,}\\s*$`,
  'iu',
);
const FORWARD_INTRO_WORDS: readonly string[] = [
  'begin forwarded message',
  'начало переадресованного сообщения',
  'пересылаемое сообщение',
  'anfang der weitergeleiteten nachricht',
  'début du message réexpédié',
];
export const FORWARD_INTRO = new RegExp(`^\\s*(?:${FORWARD_INTRO_WORDS.join('|')})\\s*:?\\s*$`, 'i');

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
export const HEADER_FROM = new RegExp(
  `^\\s*\\*?(?:${labelAlternation(HEADER_LABELS.flatMap((l) => l.from))})\\s*:\\*?\\s*\\S`,
  'iu',
);
export const HEADER_OTHER = new RegExp(
  `^\\s*\\*?(?:${labelAlternation(HEADER_LABELS.flatMap((l) => l.other))})\\s*:\\*?`,
  'iu',
);
export const HEADER_DATE = /^\s*\*?(?:date|дата|datum)\s*:\*?\s*\S/i;

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
export const WROTE_END = new RegExp(`(?<![\\p{L}])${WROTE}\\s*:$`, 'iu');
/** Zoho, Android, some webmails: "---- On <date> Name wrote ----", "---- Name wrote ----". */
export const WROTE_BETWEEN_RULES = new RegExp(`^-{2,}.{1,250}(?<![\\p{L}])${WROTE}\\s*:?\\s*-{2,}$`, 'iu');
/** Gmail no/da/sv/de/nl put the verb before the name: "<date> skrev Name <addr>:". */
export const WROTE_INSIDE = /(?<![\p{L}])(?:skrev|schrieb|schreef|ha scritto|escreveu|escribió)(?![\p{L}])/iu;

const MONTH_WORD =
  '(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек|' +
  'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zа-яё]*\\.?';
/** 2026-11-02, 2 ноября 2026, Nov 2, 2026, 02-Nov-2026. */
export const DATE = new RegExp(
  [
    '(?:\\b\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}\\b',
    `\\d{1,2}\\.?\\s+${MONTH_WORD},?\\s+\\d{2,4}`,
    `${MONTH_WORD}\\s+\\d{1,2},?\\s+\\d{4}`,
    '\\b\\d{1,2}[.-]\\p{L}{3,12}\\.?[.-]\\d{4}\\b)',
  ].join('|'),
  'iu',
);
// Finnish and Yandex write "16.05" as well as "16:05".
export const TIME = /\b\d{1,2}[:.]\d{2}\b/;
/** A year alone dates an attribution that also names its verb ("Dnia 2 listopada 2026 ... napisał(a):"). */
export const YEAR = /\b(?:19|20)\d{2}\b/;
export const ENGLISH_ON = /^(?:-{2,}\s*)?on\s.*\d/i;
/** Old Gmail: "2026/11/2 Name <address>" above a quote, no verb, no colon. */
export const DATE_NAME_ADDRESS = /^\d{4}\/\d{1,2}\/\d{1,2}\s.{1,100}<[^<>\s]+@[^<>\s]+>$/;
/** "reply On Wed, Apr 4, 2012 at 3:59 PM, ...": where an English attribution starts inside a line. */
export const REPLY_THEN_ENGLISH_ON = new RegExp(
  '^(.*?\\S)(?:\\s*-{2,}\\s*|\\s+)' +
    '(on\\s+(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\\d).*)$',
  'i',
);

/** The device or app a client signature names: one of these must appear, so prose is not cut. */
const SENT_FROM_WHAT = `(?:${[
  'iphone|ipad|android|outlook|typeapp|bluemail|spark|aquamail|samsung|galaxy|xiaomi|huawei|honor|blackberry',
  'windows|gmail|yahoo|mail\\.ru|почт|яндекс|yandex|смартфон|телефон|мобильн|устройств',
].join('|')})`;
const SENT_VERB = 'sent|envoyé|gesendet|enviado|inviato|verzonden|verstuurd|skickat|sendt|wysłane|lähetetty|odesláno';
const SENT_PREPOSITION =
  'from|with|via|de|à partir de|depuis|von|mit|desde|da|dal|vanaf|van|met|från|fra|med|z|ze|z mojego';
const RU_DEVICE = [
  'iphone|ipad|android|mail\\.ru|почты|почта|яндекс|yandex|мобильн|смартфон|устройств',
  'samsung|galaxy|xiaomi|huawei|honor|outlook|windows|gmail|телефона',
].join('|');
/**
 * Client signatures, one row per phrasing ("Sent from ...", localised); each is the whole line,
 * up to an optional <link>.
 */
export const MOBILE_SIGNATURE: readonly RegExp[] = [
  /^sent from my \S.{0,40}$/i,
  /^sent from (?:mail|outlook|yahoo|gmail|samsung|my|the|typeapp|bluemail|spark|aquamail)\b.{0,40}$/i,
  /^(?:get|download) outlook for .{1,30}$/i,
  new RegExp(`^(?:${SENT_VERB})\\s+(?:${SENT_PREPOSITION})\\s+.{0,40}${SENT_FROM_WHAT}.{0,40}$`, 'iu'),
  /^von meinem \S.{0,30} gesendet$/i,
  new RegExp(`^(?:отправлено|послано|отправлено с моего) (?:с|со|из|через) .{0,50}(?:${RU_DEVICE}).{0,30}$`, 'i'),
  /^(?:отправлено|послано) с (?:моего )?(?:iphone|ipad|android|samsung|смартфона|телефона).{0,30}$/i,
];
const CLOSING_WORDS =
  'с уважением|с наилучшими пожеланиями|всего доброго|best regards|kind regards|regards|best wishes|' +
  'thanks and regards|с уважением и благодарностью';
export const CLOSING = new RegExp(`^(?:${CLOSING_WORDS})(?=$|[\\s,.!])[\\s,.!]*(?:\\S.{0,50})?$`, 'i');

export const DASH_SIGN_OFF = /^[-–—~]\p{Lu}[\p{L}.'-]{0,30}(?: \p{Lu}[\p{L}.'-]{0,30}){0,2}$/u;
