/**
 * The customer's verdict on a fix, read from the new text of a reply while the ticket
 * awaits testing. Conservative by design: a false "accepted" ships a broken fix, a false
 * "rejected" only costs an engineer a look, so when both kinds of cue appear, rejected wins;
 * when none appears, the reply is a plain comment (null).
 *
 * Only the opening of the reply counts: the first 6 non-empty lines after a greeting. People
 * state the verdict first; a long story further down ("в прошлый раз нашли ошибку ...") must
 * not turn an acceptance into a rejection.
 *
 * Read as a careful human reads: an acceptance with an exception ("всё работает, кроме X",
 * "works except X") is a rejection; a persisting problem ("проблема сохраняется", "всё ещё",
 * "по-прежнему", "still") is a rejection; a conditional ("если будут ошибки — напишем") or a
 * question says nothing; a not-yet-checked mail is no verdict unless it reports a found error;
 * an acceptance followed by "но"/"but" is not clean enough to ship. Reading stops at a quoted
 * line or an attribution that slipped past the reply parser ("On ..., Name wrote:").
 */
import type { Verdict } from './types';

const MAX_LINES = 6;

// Patterns run on lower-cased text with ё -> е and single spaces. `(?<![а-я])` is a word
// start for Cyrillic (\b only knows ASCII); NOT is a preceding negation that flips a cue.
const NOT = '(?<!(?:^|[^а-я])(?:не|ни|нет)\\s)';
const W = '(?<![а-яa-z])';

const rejected: readonly RegExp[] = [
  new RegExp(
    `${W}${NOT}(?:найден[аоы]?|обнаружен[аоы]?|выявлен[аоы]?|нашли|нашлась|нашлись|обнаружили|выявили|появил[аи]сь|` +
      `есть)\\s+(?:(?:ещ[её]|снова|опять|одн\\S*|нов\\S*|друг\\S*)\\s+){0,3}(?:ошибк|проблем|баг)`,
  ),
  new RegExp(
    '(?<![а-я])(?:ошибк[аи]|проблем[аы])\\s+(?:остал|сохраня|сохранил|повторя|повторил|воспроизводит|по-прежнему|' +
      'по прежнему|вс[её] ещ[её]|никуда не|не исправ|не устран|не ушл|снова|опять|есть)',
  ),
  /(?<![а-я])ничего\s+не\s+(?:изменил|поменял|исправил)/,
  /(?<![а-я])(?:проблема|ошибка)\s+не\s+(?:решен|устранен|исправлен|ушла)/,
  new RegExp(
    '(?<![а-я])не\\s+(?:работает|работают|исправлен\\S*|устранен\\S*|решен\\S*|заработал\\S*|открывается|' +
      'сохраняется|печатается|формируется|помогло)',
  ),
  /(?<![а-я])не\s+вс[её]\s+(?:работает|заработало|исправлен|в порядке|хорошо|ок)/,
  /(?<![а-я])(?:работает|работают)\s+(?:некорректно|неправильно|неверно|с ошибк\S*|не так|плохо)/,
  new RegExp(
    '(?<![а-я])(?:по-прежнему|по прежнему|вс[её] ещ[её]|до сих пор|снова|опять)\\s+(?:не\\s|ошибк|выда[её]т ошибку|' +
      'пада|висит|завис)',
  ),
  /(?<![а-я])(?:нельзя|не надо|не нужно)\s+переносить|переносить\s+(?:нельзя|рано|не надо)|не\s+переносите/,
  /(?<![а-я])(?:тест|проверк\S*)\s+не\s+пройден/,
  new RegExp(
    '\\bstill\\s+(?:get(?:s|ting)?|see(?:s|ing)?|ha(?:ve|s|ving)|shows?|showing)\\s+(?:the\\s+|an?\\s+|this\\s+|' +
      'that\\s+|same\\s+)?(?:error|issue|problem|bug)|\\bsame\\s+(?:error|problem|issue)\\b|' +
      '\\bnothing\\s+(?:has\\s+)?changed\\b',
  ),
  new RegExp(
    '\\b(?:bug|error|issue|problem)s?\\s+(?:found|remains?|persists?|still)\\b|\\bstill\\s+(?:broken|failing|' +
      "not working|fails)\\b|\\b(?:does ?n[o']t|not)\\s+work(?:ing)?\\b|\\bnot\\s+fixed\\b",
  ),
];

const accepted: readonly RegExp[] = [
  new RegExp(
    '(?<![а-я])ошиб(?:ок|ки|ка)\\s+(?:нет|не\\s+(?:обнаружен\\S*|выявлен\\S*|найден\\S*|наблюда\\S*|' +
      'воспроизводит\\S*|повторя\\S*|возника\\S*|появля\\S*))',
  ),
  new RegExp(
    '(?<![а-я])(?:не|ни одной|никаких)\\s+(?:обнаружено|выявлено|найдено|нашли|обнаружили|' +
      'выявили)?\\s*(?:ни одной\\s+)?ошиб(?:ок|ки)',
  ),
  /(?<![а-я])(?:проблем|замечаний|претензий|нареканий)\s+(?:нет|не\s+(?:обнаружен\S*|выявлен\S*|возник\S*))/,
  new RegExp(
    `${W}${NOT}(?:вс[её]\\s+)?(?:работает|работают|заработал[оа]?)\\s+(?:корректно|правильно|нормально|верно|` +
      `исправно|штатно|как надо|как положено|как нужно|без ошибок|хорошо|отлично)`,
  ),
  new RegExp(`${W}${NOT}вс[её]\\s+(?:работает|заработало|исправлено|хорошо|в порядке|ок|ok|отлично)`),
  new RegExp(
    `${W}${NOT}(?:можно|готовы)\\s+(?:переносить|переносит\\S*|выкладывать|ставить на (?:основн|прод|рабоч)\\S*|` +
      `закрывать)`,
  ),
  /(?<![а-я])(?:проблема|ошибка)\s+(?:решена|устранена|исправлена|ушла)/,
  /(?<![а-я])(?:тест\S*|проверк\S*)\s+(?:пройден\S*|успешн\S*)/,
  new RegExp(
    '(?<![а-я])(?:проверено|проверили|протестировано|протестировали)(?:\\s*[,.!:—–-])?\\s+(?:вс[её]\\s+)?(?:ок|ok|' +
      'хорошо|работает|в порядке)',
  ),
  new RegExp(
    '(?<![а-я])исправление\\s+(?:принято|подтверждаю|подтверждаем)|(?<![а-я])(?:принимаем|подтверждаем|' +
      'подтверждаю)\\s+(?:исправление|работу|доработку)',
  ),
  // "No longer reproduces": the commonest paraphrase of "fixed".
  /(?<![а-я])больше\s+не\s+(?:воспроизвод|повторя|появля|возника|наблюда|проявля|вылета|пада)\S*/,
  new RegExp(`${W}${NOT}(?:вс[её]\\s+)?исправлен[оаы]?(?![а-я])`),
  // "Теперь направление печатается": a now-working action, no negation in between.
  new RegExp(
    '(?<![а-я])теперь\\s+(?:(?!не\\s)[^\\s.,;!?]+\\s+){0,3}(?:работа|открыва|печата|сохраня|формиру|отобража|' +
      'загружа|проход|заработал)\\S*',
  ),
  new RegExp(
    "\\bno\\s+longer\\s+(?:reproduc|happen|occur|appear|show)\\S*|\\b(?:can(?:no|')?t|cannot|unable\\s+to|" +
      "could(?:n't| not))\\s+reproduce\\b",
  ),
  new RegExp(
    '\\b(?:issue|problem|error|bug|it)s?\\s+(?:is\\s+|was\\s+|has\\s+been\\s+|have\\s+been\\s+|' +
      "are\\s+)?(?:resolved|fixed|solved|gone)\\b|^(?:fixed|resolved)\\b|\\bit'?s\\s+(?:fixed|resolved)\\b",
  ),
  /\b(?:everything|all)\s+(?:works|is\s+(?:fine|ok|working))\b/,
  new RegExp(
    '\\b(?:verified|works (?:fine|correctly|as expected|now)|all good|looks good|no (?:errors|issues|' +
      'problems)(?: found)?|can be deployed|ready (?:to|for) (?:deploy|production))\\b',
  ),
];

/** A whole line that is just "работает" (possibly with thanks): clear enough on its own. */
const BARE_WORKS = /^(?:вс[её]\s+)?(?:работает|заработало|работают)[\s.!,]*(?:спасибо[\s.!]*)?$/;

const GREETING =
  /^(?:добрый (?:день|вечер)|доброе утро|здравствуйте|привет|коллеги|уважаем\S*|hello|hi|dear)(?=$|[\s,.!])/;

/** "кроме X", "except X": an exception to an acceptance. "Кроме того", "помимо", "besides" add, they do not except. */
const EXCEPTION = /(?<![а-я])(?:кроме(?!\s+того)|за исключением)(?![а-я])|\b(?:except|apart from|other than)\b/;
/** A concession after an acceptance: "работает, но медленно" is not a clean acceptance. */
const BUT = /(?<![а-я])(?:но|однако|хотя)(?![а-я])|\b(?:but|however|although)\b/;
/** Not checked yet: the mail is a comment, whatever errors it mentions. */
const NOT_YET = new RegExp(
  [
    '(?<![а-я])(?:ещ[её]|пока)\\s+не\\s+(?:провер|протестир|тестир|смотрел|посмотрел|успел)',
    '(?<![а-я])не\\s+успел\\S*\\s+(?:провер|протестир|посмотр)',
    '(?<![а-я])(?:провер(?:им|ю)|протестиру(?:ем|ю)|посмотрим)(?![а-я])',
    "\\b(?:not\\s+(?:yet\\s+)?(?:checked|tested)|ha(?:ve|s)(?:n'?t|\\s+not)\\s+(?:yet\\s+)?(?:checked|tested)|" +
      "(?:will|going\\s+to|'ll)\\s+(?:test|check))\\b",
  ].join('|'),
);
/** A conditional clause ("если найдём ошибку", "if errors remain") states no fact: removed up to its clause end. */
const CONDITIONAL = /(?:(?<![а-я])(?:если|в случае)(?![а-я])|\b(?:if|in case|whether|should)\b)[^,.;:!?—–]*/g;
/** Where quoted history begins, should the reply parser have missed it. */
const ATTRIBUTION_END = /(?:wrote|пишет|писал\S*|написал\S*)\s*:\s*$/;

function opening(text: string): string[] {
  const out: string[] = [];
  let started = false;
  const raw = text.split(/\r\n?|\n/);
  // Lines are normalised one by one up to the sixth: the rest of a long mail is never read.
  for (let i = 0; i < raw.length; i++) {
    const line = normalise(raw[i]!);
    if (!line) continue;
    if (line.startsWith('>') || isAttributionStart(line, raw, i)) break;
    if (!started && GREETING.test(line) && line.length <= 60) continue;
    started = true;
    out.push(line);
    if (out.length >= MAX_LINES) break;
  }
  return out;
}

function normalise(raw: string): string {
  return raw
    .slice(0, 500)
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

/** "On <date>, Name wrote:" on this line or wrapped over the next two; "... пишет:" at the end. */
function isAttributionStart(line: string, raw: readonly string[], i: number): boolean {
  if (ATTRIBUTION_END.test(line) && /\d/.test(line)) return true;
  if (!/^on\s.*\d/.test(line)) return false;
  for (let j = i; j < Math.min(raw.length, i + 3); j++) if (ATTRIBUTION_END.test(normalise(raw[j]!))) return true;
  return false;
}

export function readVerdict(newText: string): Verdict | null {
  const lines = opening(newText);
  if (lines.length === 0) return null;
  const joined = lines.join(' ');
  const facts = joined.replace(CONDITIONAL, ' ');
  const notYet = NOT_YET.test(facts);
  // A found error outweighs "not checked yet": "пока не всё проверили, но найдена ошибка".
  if (notYet) return rejected[0]!.test(facts) ? 'rejected' : null;
  if (rejected.some((re) => re.test(facts))) return 'rejected';
  // A question states no verdict ("Работает только в одном браузере?"): sentences ending in "?" go.
  const statements = facts
    .split(/(?<=[.!?])\s/)
    .filter((sentence) => !sentence.trimEnd().endsWith('?'))
    .join(' ');
  const accepts = accepted.some((re) => re.test(statements)) || lines.some((l) => BARE_WORKS.test(l));
  if (!accepts) return null;
  if (EXCEPTION.test(statements)) return 'rejected';
  return BUT.test(statements) ? null : 'accepted';
}
