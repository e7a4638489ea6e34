/**
 * Reading what people type: the five template fields of the body, the subject (summary,
 * department, priority tag, ticket tag) and a `Приоритет:` line. Lenient on purpose:
 * clinic staff write labels with or without colons, abbreviate them, number them, put the
 * value on the next line, and mail clients add their own bullets and non-breaking spaces.
 */
import { priorityNamesEn, priorityNamesRu } from '../../domain/priorities';
import type { Priority } from '../../domain/priorities';
import type { TemplateFieldName, TemplateFields } from '../../domain/ticket';
import type { SubjectReading } from './types';

/** Lower case, ё -> е, non-breaking and repeated spaces collapsed, trimmed. Same length rules everywhere. */
export function normaliseRu(s: string): string {
  return s
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g, ' ')
    .trim();
}

/** The comparable form of a name or code: normalised, punctuation and `_`/`-` read as spaces. */
function matchKey(s: string): string {
  return normaliseRu(s.replace(/[_\-–—,.;:!?«»"'“”()[\]]/g, ' '));
}

/** Each table's names in comparable form, computed once: an engineer's mail may hold thousands of command lines. */
const comparableTables = new WeakMap<object, readonly (readonly [string, readonly string[]])[]>();

function comparableEntries<T extends string>(
  table: Readonly<Record<T, readonly string[]>>,
): readonly (readonly [T, readonly string[]])[] {
  let entries = comparableTables.get(table);
  if (!entries) {
    entries = (Object.entries(table) as [T, readonly string[]][]).map(
      ([code, names]) => [code, names.map(matchKey)] as const,
    );
    comparableTables.set(table, entries);
  }
  return entries as readonly (readonly [T, readonly string[]])[];
}

export type PrefixMatch<T extends string> =
  | { kind: 'match'; code: T }
  | { kind: 'ambiguous'; codes: T[] }
  | { kind: 'none' };

export interface PrefixMatchOptions {
  /** Also accept a value that starts with a full name followed by more words ("Блокировка - касса"). */
  allowTrailing?: boolean;
  /** Shortest beginning accepted as an abbreviation; shorter ones only match exactly. */
  minPrefix?: number;
}

/**
 * Which code a value names: exact name or code first, then (with allowTrailing) the longest
 * full name the value starts with, then a beginning of at least `minPrefix` characters that
 * fits exactly one code or name ("блок" -> blocking: "частичная блокировка" does not start
 * with "блок"). `_`, `-` and punctuation read as spaces, so "in progress" is in_progress.
 */
export function matchByPrefix<T extends string>(
  value: string,
  table: Readonly<Record<T, readonly string[]>>,
  options: PrefixMatchOptions = {},
): PrefixMatch<T> {
  const v = matchKey(value);
  if (!v) return { kind: 'none' };
  const entries = comparableEntries(table);
  const distinct = (codes: T[]): T[] => [...new Set(codes)];

  const exact = distinct(entries.filter(([, names]) => names.includes(v)).map(([code]) => code));
  if (exact.length === 1) return { kind: 'match', code: exact[0]! };
  if (exact.length > 1) return { kind: 'ambiguous', codes: exact };

  if (options.allowTrailing) {
    let best: { code: T; length: number } | null = null;
    for (const [code, names] of entries) {
      for (const name of names) {
        if (v.startsWith(`${name} `) && (!best || name.length > best.length)) best = { code, length: name.length };
      }
    }
    if (best) return { kind: 'match', code: best.code };
  }

  if (v.length < (options.minPrefix ?? 3)) return { kind: 'none' };
  const prefixed = distinct(entries.filter(([, names]) => names.some((n) => n.startsWith(v))).map(([code]) => code));
  if (prefixed.length === 1) return { kind: 'match', code: prefixed[0]! };
  if (prefixed.length > 1) return { kind: 'ambiguous', codes: prefixed };
  return { kind: 'none' };
}

/** Words customers use for a priority besides its official name. */
const prioritySynonyms: Record<Priority, readonly string[]> = {
  blocking: ['блокирующая'],
  partial: ['частичная'],
  error: ['ошибка'],
  minor: ['мелкая', 'мелкая доработка'],
  settings: ['настройка', 'настройки'],
  feature: ['доработка', 'новая функция', 'новые функции'],
  report: ['отчет'],
};

/** Codes, Russian and English names of the priorities, plus the synonyms above. */
export const priorityNames: Readonly<Record<Priority, readonly string[]>> = {
  blocking: names('blocking'),
  partial: names('partial'),
  error: names('error'),
  minor: names('minor'),
  settings: names('settings'),
  feature: names('feature'),
  report: names('report'),
};

function names(code: Priority): readonly string[] {
  return [code, priorityNamesRu[code], priorityNamesEn[code], ...prioritySynonyms[code]];
}

// ---------------------------------------------------------------------------------------------
// Template fields

interface FieldLabel {
  field: TemplateFieldName;
  pattern: RegExp;
  /** Strong labels ("номер ...", "№ ...", the full official wording) may be followed by the value after a space. */
  strong: boolean;
}

// Patterns run on normaliseRu(line) with bullets and numbering removed; each must match at the start.
const NO = '(?:№|n|no\\.?|номер|ном\\.)\\s*';
// The regulation writes "Номер амбулаторной карты пациента": whose card is part of the label, not of the value.
const WHOSE = '(?:\\s+(?:пациент(?:а|ки)|больного|клиента))?';
const fieldLabels: readonly FieldLabel[] = [
  {
    field: 'cardNumber',
    pattern: new RegExp(`^${NO}(?:амбулаторн\\S*|амб\\.?|мед\\.?|медицинск\\S*)\\s*карт\\S*${WHOSE}`),
    strong: true,
  },
  { field: 'cardNumber', pattern: new RegExp(`^${NO}карт(?:ы|а|очки)${WHOSE}`), strong: true },
  { field: 'cardNumber', pattern: new RegExp(`^(?:амбулаторн\\S*|амб\\.?)\\s*карт\\S*${WHOSE}`), strong: false },
  {
    field: 'caseHistoryNumber',
    pattern: new RegExp(`^${NO}(?:истори[ийя]\\s+болезни|ист\\.?\\s*бол(?:езни|\\.)?|иб)${WHOSE}`),
    strong: true,
  },
  { field: 'caseHistoryNumber', pattern: new RegExp(`^(?:истори[ийя]\\s+болезни|иб)${WHOSE}`), strong: false },
  { field: 'login', pattern: /^логин\s+(?:в\s+систем[еу]|пользователя|для\s+входа)/, strong: true },
  { field: 'login', pattern: /^(?:логин|login)/, strong: false },
  { field: 'recordName', pattern: /^(?:наименование|название|имя)\s+записи/, strong: true },
  { field: 'recordName', pattern: /^запись/, strong: false },
  { field: 'buttonName', pattern: /^(?:наименование|название)\s+кнопки(?:\s+перехода)?/, strong: true },
  { field: 'buttonName', pattern: /^кнопка(?:\s+перехода)?/, strong: false },
];

const BULLET = /^(?:[-*•·–—▪►>]+|\d{1,2}\s*[.)]|[a-zа-я]\))\s*/i;
/** Bullets only, for value lines: "12.05.2026" must not lose "12." as if it were numbering. */
const SYMBOL_BULLET = /^[-*•·–—▪►]+\s+/;
const SEPARATOR = /^\s*(?:[:=\t]|[-–—](?=\s|$))[\s:=\-–—]*/;

interface LabelHit {
  field: TemplateFieldName;
  /** Text after the label: '' when the value is on the next line. null: the line is not a label. */
  value: string;
}

function readLabel(line: string): LabelHit | null {
  // A tab is a table cell boundary (HTML tables render as label<TAB>value): read it as a colon.
  const tabbed = line.replace(/\t+/g, ' : ');
  const clean = normaliseRu(tabbed).replace(BULLET, '');
  const original = tabbed.replace(/^[\s\u00a0]+/, '').replace(BULLET, '');
  for (const label of fieldLabels) {
    const m = label.pattern.exec(clean);
    if (!m) continue;
    const rest = clean.slice(m[0].length);
    // The label must end at a word boundary: "логинов" is not "логин", "ИБ-5567" is a value.
    if (rest && !/^(?:[\s:=]|[-–—.](?=[\s:]|$))/.test(rest)) continue;
    // "Номер карты (если есть): 123": a remark in parentheses belongs to the label.
    const afterLabel = rest.replace(/^\.(?=\s|$|:)/, '').replace(/^\s*\([^)]{0,60}\)/, '');
    const sep = SEPARATOR.exec(afterLabel);
    let value: string;
    if (sep) value = afterLabel.slice(sep[0].length);
    else if (afterLabel.trim() === '') value = '';
    else if (label.strong || !/\s/.test(afterLabel.trim())) value = afterLabel;
    else continue; // "Запись пациента не открывается": prose, not a label.
    return { field: label.field, value: originalCase(original, value) };
  }
  return null;
}

/** The value as the sender wrote it (case kept): the tail of the original line with the same length. */
function originalCase(original: string, normalisedValue: string): string {
  const wanted = normalisedValue.trim();
  if (!wanted) return '';
  const flat = original.replace(/[\s\u00a0]+/g, ' ').trim();
  const index = normaliseRu(flat).lastIndexOf(wanted);
  return index >= 0 ? flat.slice(index, index + wanted.length) : wanted;
}

/** Trims, drops surrounding quotes and trailing list punctuation; placeholders like "-" or "___" are no value. */
function cleanValue(value: string): string | null {
  let v = value
    .slice(0, 1000)
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .replace(/[;,]+$/, '')
    .trim();
  const quoted = /^(["«“„'])(.*)(["»”“'])$/.exec(v);
  if (quoted) v = quoted[2]!.trim();
  if (!v || /^[-–—_.…*?]+$/.test(v)) return null;
  return v.slice(0, 500);
}

function isPriorityLine(line: string): boolean {
  return /^приоритет(?:\s|:|$)/.test(normaliseRu(line).replace(BULLET, ''));
}

export function readTemplateFields(text: string): TemplateFields {
  const fields: TemplateFields = {
    cardNumber: null,
    caseHistoryNumber: null,
    login: null,
    recordName: null,
    buttonName: null,
  };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const hit = readLabel(lines[i]!);
    if (!hit || fields[hit.field] !== null) continue;
    let value = cleanValue(hit.value);
    if (value === null && hit.value.trim() === '') {
      // Value on the next line (at most one blank line between), unless that line is another label.
      for (let j = i + 1; j < Math.min(lines.length, i + 3); j++) {
        const next = lines[j]!;
        if (next.trim() === '') continue;
        if (readLabel(next) || isPriorityLine(next)) break;
        value = cleanValue(next.replace(/^[\s\u00a0]+/, '').replace(SYMBOL_BULLET, ''));
        break;
      }
    }
    fields[hit.field] = value;
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Priority

/** Priority named by a `Приоритет: ...` line (or `Priority:`), Russian names or codes. */
export function readPriority(text: string): Priority | null {
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const m = /^(?:приоритет|priority)(?=[\s:=\-–—]|$)\s*(?:[:=\-–—]\s*)?(.*)$/.exec(
      normaliseRu(line).replace(BULLET, ''),
    );
    if (!m) continue;
    const value = m[1]!.trim();
    if (!value) continue;
    const found = matchByPrefix(value, priorityNames, { allowTrailing: true });
    if (found.kind === 'match') return found.code;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Subject

const REPLY_PREFIX =
  /^\s*(?:re|fw|fwd|aw|wg|sv|antw|ответ|отв|пересл|пересылка|переслано|fwd?\s*\[\d+\]|re\s*\[\d+\]|re\s*\(\d+\))\s*(?:\[\d+\])?\s*[:：]\s*/i;

function stripReplyPrefixes(s: string): string {
  let out = s;
  for (let i = 0; i < 20; i++) {
    const next = out.replace(REPLY_PREFIX, '');
    if (next === out) break;
    out = next;
  }
  return out.trim();
}

type SubjectToken =
  | { kind: 'text'; value: string }
  | { kind: 'sep'; value: string }
  | { kind: 'group'; open: string; inner: string; close: string };

const CLOSERS: Record<string, string> = { '[': ']', '(': ')', '{': '}', '【': '】' };

function tokenise(s: string): SubjectToken[] {
  const tokens: SubjectToken[] = [];
  let text = '';
  const pushText = (): void => {
    if (text) tokens.push({ kind: 'text', value: text });
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    const closer = CLOSERS[ch];
    if (closer) {
      const end = s.indexOf(closer, i + 1);
      if (end > i) {
        pushText();
        tokens.push({ kind: 'group', open: ch, inner: s.slice(i + 1, end), close: closer });
        i = end + 1;
        continue;
      }
    }
    const sep = /^(?:\s+[-–—]+\s+|\s*[/|,:;]\s*)/.exec(s.slice(i, i + 12));
    if (sep) {
      pushText();
      tokens.push({ kind: 'sep', value: sep[0] });
      i += sep[0].length;
      continue;
    }
    text += ch;
    i++;
  }
  pushText();
  return tokens;
}

/** Stem for loose Russian matching: "Терапия" -> "терапи" matches "терапии", "Хирургия" -> "хирургическое". */
function stem(word: string): string {
  const w = normaliseRu(word);
  return w.length >= 6 ? w.slice(0, -1).replace(/[аеиоуыьйяю]+$/, '') || w : w;
}

function sameDepartment(candidate: string, department: string, loose: boolean): boolean {
  const c = matchKey(candidate);
  const d = matchKey(department);
  if (!c || !d) return false;
  if (c === d) return true;
  if (!loose) return false;
  const cw = c.split(' ');
  const dw = d.split(' ');
  return (
    cw.length === dw.length &&
    dw.every((w, k) => cw[k]!.startsWith(stem(w)) && cw[k]!.length - w.length <= 4 && cw[k]!.length >= stem(w).length)
  );
}

/** A segment naming a department: the name itself, or "отделение X" / "X отделение". */
function departmentOf(segment: string, departments: readonly string[]): string | null {
  const s = normaliseRu(segment);
  if (!s) return null;
  for (const d of departments) if (sameDepartment(s, d, false)) return d;
  // "отделение терапии": Russian declines the name, so compare stems here.
  const m = /^(?:отделение|отд\.)\s+(.+)$/.exec(s) ?? /^(.+)\s+отделение$/.exec(s);
  if (m) for (const d of departments) if (sameDepartment(m[1]!, d, true)) return d;
  return null;
}

/** "отделение X" inside prose: names the department but stays in the summary. */
function departmentInProse(s: string, departments: readonly string[]): string | null {
  const text = normaliseRu(s);
  for (const m of text.matchAll(/(?:^|[\s(])(?:отделени[еияю]|отд\.)\s+([^\s,.;:()]+(?:\s+[^\s,.;:()]+)?)/g)) {
    for (const d of departments) {
      const words = m[1]!.split(' ');
      const n = matchKey(d).split(' ').length;
      if (sameDepartment(words.slice(0, n).join(' '), d, true)) return d;
    }
  }
  return null;
}

function ticketTag(inner: string, prefix: string): string | null {
  const m = /^\s*([a-z]{1,8})\s*-\s*0*(\d{1,9})\s*$/i.exec(inner);
  if (!m || m[1]!.toUpperCase() !== prefix.toUpperCase()) return null;
  return `${prefix.toUpperCase()}-${Number(m[2])}`;
}

function tidy(tokens: readonly SubjectToken[]): string {
  const kept: SubjectToken[] = [];
  for (const t of tokens) {
    if (t.kind === 'sep' && (kept.length === 0 || kept.at(-1)!.kind === 'sep')) continue;
    if (t.kind === 'text' && !t.value.trim()) {
      kept.push({ kind: 'text', value: ' ' });
      continue;
    }
    kept.push(t);
  }
  while (
    kept.length &&
    (kept.at(-1)!.kind === 'sep' || (kept.at(-1)!.kind === 'text' && !(kept.at(-1) as { value: string }).value.trim()))
  )
    kept.pop();
  const joined = kept.map((t) => (t.kind === 'group' ? ` ${t.open}${t.inner}${t.close} ` : t.value)).join('');
  return joined
    .replace(/\s+/g, ' ')
    .replace(/\s+([,:;])/g, '$1')
    .replace(/^[\s\-–—/|,:;]+|[\s\-–—/|,:;]+$/g, '')
    .trim();
}

/**
 * Subject -> summary, department, priority tag and ticket tag. Reply prefixes go, `[MG-42]`
 * becomes ticketKey, a bracketed priority name becomes priority, a configured department
 * written as its own segment becomes department; what is left, tidied, is the summary.
 */
export function readSubject(subject: string, departments: readonly string[], prefix = 'MG'): SubjectReading {
  // Capped: a real subject is short, and the bracket scan must stay cheap on hostile input.
  const tokens = tokenise(
    stripReplyPrefixes(
      subject
        .slice(0, 1000)
        .replace(/[\s\u00a0]+/g, ' ')
        .trim(),
    ),
  );
  let ticketKey: string | null = null;
  let priority: Priority | null = null;
  let department: string | null = null;
  const rest: SubjectToken[] = [];
  for (const t of tokens) {
    if (t.kind === 'group') {
      const key = ticketTag(t.inner, prefix);
      if (key) {
        ticketKey ??= key;
        continue;
      }
      if (t.open === '[') {
        const p = matchByPrefix(t.inner, priorityNames);
        if (p.kind === 'match') {
          priority ??= p.code;
          continue;
        }
      }
      const d: string | null = department === null ? departmentOf(t.inner, departments) : null;
      if (d) {
        department = d;
        continue;
      }
    }
    if (t.kind === 'text' && department === null) {
      const d: string | null = departmentOf(t.value, departments);
      if (d) {
        department = d;
        continue;
      }
    }
    rest.push(t);
  }
  let summary = stripReplyPrefixes(tidy(rest));
  // A second pass: "[MG-7] Re: ..." leaves "Re:" behind the tag.
  summary = tidy(tokenise(summary));
  department ??= departmentInProse(summary, departments);
  return { summary, department, priority, ticketKey };
}
