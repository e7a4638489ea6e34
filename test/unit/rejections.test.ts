/**
 * Refused commands, answered entirely in the tenant's language: every rejection code rendered in
 * Russian holds no Latin word but the command, status and priority tokens (and what the engineer typed,
 * quoted); in English no Cyrillic at all. The codes come from the readers and the decider as data.
 */
import { describe, expect, it } from 'vitest';
import { priorityCodes } from '../../shared/domain/priorities';
import type { CommandRejection } from '../../shared/domain/replies';
import { statusCodes } from '../../shared/domain/ticket';
import { readCommands } from '../../shared/mail/inbound/commands';
import { problemLine, rejectionLines, rejectionText } from '../../shared/mail/outbound/rejections';

/** One of each code, with the values the readers and the decider give it. */
const every: { [C in CommandRejection['code']]: Extract<CommandRejection, { code: C }> } = {
  'unknown-command': { code: 'unknown-command', allowed: ['#status #статус', '#priority #приоритет'] },
  'missing-value': { code: 'missing-value', kind: 'status' },
  'unknown-value': { code: 'unknown-value', kind: 'priority', value: 'urgent' },
  'ambiguous-value': { code: 'ambiguous-value', kind: 'priority', value: 'new', candidates: ['feature', 'report'] },
  'assign-syntax': { code: 'assign-syntax' },
  'defer-syntax': { code: 'defer-syntax' },
  'duplicate-syntax': { code: 'duplicate-syntax', prefix: 'MG' },
  'internal-arguments': { code: 'internal-arguments' },
  'doc-syntax': { code: 'doc-syntax', prefix: 'MG' },
  'requester-syntax': { code: 'requester-syntax' },
  'more-lines': { code: 'more-lines', count: 21 },
  repeated: { code: 'repeated' },
  'no-such-engineer': { code: 'no-such-engineer', allowed: ['ivanov', 'petrov'] },
  'self-duplicate': { code: 'self-duplicate' },
  'no-such-ticket': { code: 'no-such-ticket' },
  'not-allowed': { code: 'not-allowed', from: 'open', allowed: ['in_progress', 'info_requested'] },
  'feature-slot': { code: 'feature-slot', holder: 'MG-4' },
  'duplicate-conflict': { code: 'duplicate-conflict', status: 'closed' },
  'not-deferrable': { code: 'not-deferrable', priority: 'blocking' },
  'defer-budget': { code: 'defer-budget', max: 14, deferred: 10, left: 4 },
  final: { code: 'final', status: 'closed' },
  undocumented: { code: 'undocumented', priority: 'feature' },
};

/** Tokens an engineer types as they are: #commands, codes, keys, logins, addresses, links, placeholders, quoted input. */
const TOKENS = new RegExp(
  [
    '#\\S+',
    '«[^»]*»',
    '"[^"]*"',
    '<[^>]*>',
    'https?://\\S+',
    '[A-Z]+-\\d+',
    '\\b(?:ivanov|petrov)\\b',
    `\\b(?:${[...statusCodes, ...priorityCodes].join('|')})\\b`,
    '\\b[A-Z]{2,}\\b',
  ].join('|'),
  'g',
);

describe('every rejection in the tenant language', () => {
  it.each(Object.values(every).map((r) => [r.code, r] as const))('%s', (_code, reason) => {
    const ru = rejectionText(reason, 'ru');
    const en = rejectionText(reason, 'en');
    expect(ru.replace(TOKENS, ' ')).not.toMatch(/[a-z]/i);
    expect(en).not.toMatch(/[а-яё]/i);
    for (const text of [ru, en]) expect(text).not.toMatch(/undefined|null|NaN|\[object|\$\{/);
  });

  it('the numbers agree with their nouns', () => {
    expect(rejectionText(every['defer-budget'], 'ru')).toBe(
      'всего можно отложить не больше чем на 14 рабочих дней, а уже отложено 10 рабочих дней: осталось 4 рабочих дня',
    );
    expect(rejectionText({ code: 'defer-budget', max: 21, deferred: 20, left: 1 }, 'ru')).toContain('21 рабочий день');
    // nothing deferred yet: the limit alone, not "уже отложено 0 рабочих дней"
    expect(rejectionText({ code: 'defer-budget', max: 14, deferred: 0, left: 14 }, 'ru')).toBe('отложить можно не больше чем на 14 рабочих дней');
    expect(rejectionText({ code: 'more-lines', count: 2 }, 'ru')).toBe('и ещё 2 нечитаемые строки команд');
    expect(rejectionText({ code: 'more-lines', count: 1 }, 'en')).toBe('1 more unreadable command line');
  });
});

describe('what the readers produce reads in either language', () => {
  it.each([
    ['#статус готово', 'неизвестный статус «готово»; можно: open (Открыто), in_progress (В работе)', 'unknown status "готово"; allowed: open (Open), in_progress (In progress)'],
    ['#close', 'неизвестная команда; можно: #status (#статус), #priority (#приоритет)', 'unknown command; allowed: #status, #priority, #assign'],
    ['#приоритет нов', '«нов» подходит к нескольким: feature (Новые функции, доработки), report (Новый отчет)', '"нов" could be feature ('],
    ['#defer 0', 'нужно целое положительное число рабочих дней', 'needs a positive whole number of working days'],
  ])('%s', (line, ru, en) => {
    const [problem] = readCommands(`${line}\nТекст`).problems;
    expect(problemLine(problem!, 'ru')).toContain(`- ${line}: ${ru}`);
    expect(problemLine(problem!, 'en')).toContain(`- ${line}: ${en}`);
  });

  it('an event stored before the codes keeps its text', () => {
    expect(rejectionLines({ reason: '- #status x: unknown status' }, 'ru')).toEqual(['- #status x: unknown status']);
    expect(rejectionLines({}, 'en')).toEqual([]);
  });
});
