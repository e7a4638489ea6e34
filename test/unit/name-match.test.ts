/**
 * normaliseRu runs for every line of every mail; its replacements now run only where they change
 * something (issue 18). It must give what the plain formula gives for any text: lower case, ё -> е,
 * every run of whitespace (Unicode spaces, NBSP, zero-width space, line breaks) one space, trimmed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseRu } from '../../shared/mail/inbound/name-match';

const formula = (s: string) =>
  s
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g, ' ')
    .trim();

const pieces = ['Ё', 'ё', 'Приёмное', 'ОТДЕЛЕНИЕ', 'a', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u200b', '\u202f', '\u3000', '\ufeff', 'x-y'];

describe('normaliseRu', () => {
  it('gives the plain formula for any mix of words and whitespace', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const s = parts.join('');
        expect(normaliseRu(s)).toBe(formula(s));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(normaliseRu(s)).toBe(formula(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('collapses what it must', () => {
    expect(normaliseRu('  Приёмное\u00a0 ОТДЕЛЕНИЕ\u200b\tтерапии ')).toBe('приемное отделение терапии');
    expect(normaliseRu('уже нормально')).toBe('уже нормально');
  });
});
