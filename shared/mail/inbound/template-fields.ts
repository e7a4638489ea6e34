/**
 * Reading what people type: the five template fields of the body, the subject (summary,
 * department, priority tag, ticket tag) and a `Приоритет:` line. Lenient on purpose:
 * clinic staff write labels with or without colons, abbreviate them, number them, put the
 * value on the next line, and mail clients add their own bullets and non-breaking spaces.
 */
import type { Priority } from '../../domain/priorities';
import type { TemplateFieldName, TemplateFields } from '../../domain/ticket';
import { matchByPrefix, normaliseRu, priorityNames } from './name-match';

export type { PrefixMatch, PrefixMatchOptions } from './name-match';
export { matchByPrefix, normaliseRu, priorityNames } from './name-match';
export { readSubject } from './subject';

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
