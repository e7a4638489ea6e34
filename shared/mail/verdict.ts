/**
 * The customer's verdict on a fix, read from the new text of a reply while the ticket
 * awaits testing. Conservative by design: a false "accepted" ships a broken fix, a false
 * "rejected" only costs an engineer a look, so when both kinds of cue appear, rejected wins;
 * when none appears, the reply is a plain comment (null).
 *
 * Only the opening of the reply counts: the first 6 non-empty lines after a greeting. People
 * state the verdict first; a long story further down ("в прошлый раз нашли ошибку ...") must
 * not turn an acceptance into a rejection.
 */
import type { Verdict } from './types';

const MAX_LINES = 6;

// Patterns run on lower-cased text with ё -> е and single spaces. `(?<![а-я])` is a word
// start for Cyrillic (\b only knows ASCII); NOT is a preceding negation that flips a cue.
const NOT = '(?<!(?:^|[^а-я])(?:не|ни|нет)\\s)';
const W = '(?<![а-яa-z])';

const rejected: readonly RegExp[] = [
  new RegExp(`${W}${NOT}(?:найден[аоы]?|обнаружен[аоы]?|выявлен[аоы]?|нашли|нашлась|нашлись|обнаружили|выявили|появил[аи]сь|есть)\\s+(?:(?:ещ[её]|снова|опять|одн\\S*|нов\\S*|друг\\S*)\\s+){0,3}(?:ошибк|проблем|баг)`),
  /(?<![а-я])ошибк[аи]\s+(?:остал|сохраня|сохранил|повторя|воспроизводит|по-прежнему|по прежнему|вс[её] ещ[её]|никуда не|не исправ|не устран|не ушл|снова|опять|есть)/,
  /(?<![а-я])(?:проблема|ошибка)\s+не\s+(?:решен|устранен|исправлен|ушла)/,
  /(?<![а-я])не\s+(?:работает|работают|исправлен\S*|устранен\S*|решен\S*|заработал\S*|открывается|сохраняется|печатается|формируется|помогло)/,
  /(?<![а-я])не\s+вс[её]\s+(?:работает|заработало|исправлен|в порядке|хорошо|ок)/,
  /(?<![а-я])(?:работает|работают)\s+(?:некорректно|неправильно|неверно|с ошибк\S*|не так|плохо)/,
  /(?<![а-я])(?:по-прежнему|по прежнему|вс[её] ещ[её]|до сих пор|снова|опять)\s+(?:не\s|ошибк|выда[её]т ошибку|пада|висит|завис)/,
  /(?<![а-я])(?:нельзя|не надо|не нужно)\s+переносить|переносить\s+(?:нельзя|рано|не надо)|не\s+переносите/,
  /(?<![а-я])(?:тест|проверк\S*)\s+не\s+пройден/,
  /\b(?:bug|error|issue|problem)s?\s+(?:found|remains?|persists?|still)\b|\bstill\s+(?:broken|failing|not working|fails)\b|\b(?:does ?n[o']t|not)\s+work(?:ing)?\b|\bnot\s+fixed\b/,
];

const accepted: readonly RegExp[] = [
  /(?<![а-я])ошиб(?:ок|ки|ка)\s+(?:нет|не\s+(?:обнаружен\S*|выявлен\S*|найден\S*|наблюда\S*|воспроизводит\S*|повторя\S*|возника\S*|появля\S*))/,
  /(?<![а-я])(?:не|ни одной|никаких)\s+(?:обнаружено|выявлено|найдено|нашли|обнаружили|выявили)?\s*(?:ни одной\s+)?ошиб(?:ок|ки)/,
  /(?<![а-я])(?:проблем|замечаний|претензий|нареканий)\s+(?:нет|не\s+(?:обнаружен\S*|выявлен\S*|возник\S*))/,
  new RegExp(`${W}${NOT}(?:вс[её]\\s+)?(?:работает|работают|заработал[оа]?)\\s+(?:корректно|правильно|нормально|верно|исправно|штатно|как надо|как положено|как нужно|без ошибок|хорошо|отлично)`),
  new RegExp(`${W}${NOT}вс[её]\\s+(?:работает|заработало|исправлено|хорошо|в порядке|ок|ok|отлично)`),
  new RegExp(`${W}${NOT}(?:можно|готовы)\\s+(?:переносить|переносит\\S*|выкладывать|ставить на (?:основн|прод|рабоч)\\S*|закрывать)`),
  /(?<![а-я])(?:проблема|ошибка)\s+(?:решена|устранена|исправлена|ушла)/,
  /(?<![а-я])(?:тест\S*|проверк\S*)\s+(?:пройден\S*|успешн\S*)/,
  /(?<![а-я])(?:проверено|проверили|протестировано|протестировали)(?:\s*[,.!:—–-])?\s+(?:вс[её]\s+)?(?:ок|ok|хорошо|работает|в порядке)/,
  /(?<![а-я])исправление\s+(?:принято|подтверждаю|подтверждаем)|(?<![а-я])(?:принимаем|подтверждаем|подтверждаю)\s+(?:исправление|работу|доработку)/,
  /\b(?:verified|works (?:fine|correctly|as expected|now)|all good|looks good|no (?:errors|issues|problems)(?: found)?|can be deployed|ready (?:to|for) (?:deploy|production))\b/,
];

/** A whole line that is just "работает" (possibly with thanks): clear enough on its own. */
const BARE_WORKS = /^(?:вс[её]\s+)?(?:работает|заработало|работают)[\s.!,]*(?:спасибо[\s.!]*)?$/;

const GREETING = /^(?:добрый (?:день|вечер)|доброе утро|здравствуйте|привет|коллеги|уважаем\S*|hello|hi|dear)(?=$|[\s,.!])/;

function opening(text: string): string[] {
  const out: string[] = [];
  let started = false;
  // Lines are normalised one by one up to the sixth: the rest of a long mail is never read.
  for (const raw of text.split(/\r\n?|\n/)) {
    const line = raw.slice(0, 500).toLowerCase().replace(/ё/g, 'е').replace(/[\s\u00a0]+/g, ' ').trim();
    if (!line) continue;
    if (!started && GREETING.test(line) && line.length <= 60) continue;
    started = true;
    out.push(line);
    if (out.length >= MAX_LINES) break;
  }
  return out;
}

export function readVerdict(newText: string): Verdict | null {
  const lines = opening(newText);
  if (lines.length === 0) return null;
  const joined = lines.join(' ');
  if (rejected.some((re) => re.test(joined))) return 'rejected';
  if (accepted.some((re) => re.test(joined)) || lines.some((l) => BARE_WORKS.test(l))) return 'accepted';
  return null;
}
