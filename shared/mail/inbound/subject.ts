/**
 * Reading a subject: reply prefixes dropped, `[MG-42]` as the ticket tag, a bracketed priority
 * name as the priority, a configured department written as its own segment as the department;
 * what is left, tidied, is the summary.
 */
import type { Priority } from '../../domain/priorities';
import { matchByPrefix, matchKey, normaliseRu, priorityNames } from './name-match';
import type { SubjectReading } from './types';

const REPLY_PREFIX_WORDS =
  're|fw|fwd|aw|wg|sv|antw|ответ|отв|пересл|пересылка|переслано|fwd?\\s*\\[\\d+\\]|re\\s*\\[\\d+\\]|re\\s*\\(\\d+\\)';
const REPLY_PREFIX = new RegExp(`^\\s*(?:${REPLY_PREFIX_WORDS})\\s*(?:\\[\\d+\\])?\\s*[:：]\\s*`, 'i');

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

/** The bracket that closes `ch`, or undefined (a comparison chain: this runs for every character of a subject). */
const closerOf = (ch: string): string | undefined =>
  ch === '[' ? ']' : ch === '(' ? ')' : ch === '{' ? '}' : ch === '【' ? '】' : undefined;

/** A separator starts with a space or one of `/|,:;`; other characters skip the look-ahead. */
const SEPARATOR_START = /[\s/|,:;]/;
const SEPARATOR = /^(?:\s+[-–—]+\s+|\s*[/|,:;]\s*)/;

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
    const closer = closerOf(ch);
    if (closer) {
      const end = s.indexOf(closer, i + 1);
      if (end > i) {
        pushText();
        tokens.push({ kind: 'group', open: ch, inner: s.slice(i + 1, end), close: closer });
        i = end + 1;
        continue;
      }
    }
    const sep = SEPARATOR_START.test(ch) ? SEPARATOR.exec(s.slice(i, i + 12)) : null;
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

/**
 * Stem for loose Russian matching: "Терапия" -> "терапи" matches "терапии",
 * "Хирургия" -> "хирургическое".
 */
function stem(word: string): string {
  const w = normaliseRu(word);
  return w.length >= 6 ? w.slice(0, -1).replace(/[аеиоуыьйяю]+$/, '') || w : w;
}

/** Departments come from the config: their comparable forms are computed once. */
const departmentKeys = new Map<string, string>();
function departmentKey(department: string): string {
  let key = departmentKeys.get(department);
  if (key === undefined) {
    if (departmentKeys.size >= 1000) departmentKeys.clear();
    key = matchKey(department);
    departmentKeys.set(department, key);
  }
  return key;
}

function sameDepartment(candidate: string, department: string, loose: boolean): boolean {
  const c = matchKey(candidate);
  const d = departmentKey(department);
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
      const n = departmentKey(d).split(' ').length;
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
