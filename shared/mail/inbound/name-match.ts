/**
 * Which code a name someone typed means: priorities (and, through commands.ts, statuses and
 * engineers) matched by exact name, by a full name followed by more words, or by an abbreviation.
 */
import { priorityNamesEn, priorityNamesRu } from '../../domain/priorities';
import type { Priority } from '../../domain/priorities';

/** Whitespace other than single spaces: the runs normaliseRu collapses (\s holds the Unicode spaces but U+200B). */
const OTHER_SPACE = /[^\S ]| {2}|\u200b/;
const SPACE_RUN = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g;

/**
 * Lower case, ё -> е, non-breaking and repeated spaces collapsed, trimmed. Same length rules everywhere.
 * Called for every line of every mail: the replacements run only where they change something.
 */
export function normaliseRu(s: string): string {
  let out = s.toLowerCase();
  if (out.includes('ё')) out = out.replace(/ё/g, 'е');
  if (OTHER_SPACE.test(out)) out = out.replace(SPACE_RUN, ' ');
  return out.trim();
}

/** The comparable form of a name or code: normalised, punctuation and `_`/`-` read as spaces. */
export function matchKey(s: string): string {
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
