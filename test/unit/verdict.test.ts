import { describe, expect, it } from 'vitest';
import { readVerdict } from '../../shared/mail/inbound/verdict';
import { extractNewText } from '../../shared/mail/inbound/reply-text';

describe('readVerdict', () => {
  it.each([
    'Проверено, ошибок нет',
    'Проверено, ошибок нет.',
    'ПРОВЕРЕНО, ОШИБОК НЕТ',
    'Всё работает, можно переносить',
    'Все работает, можно переносить',
    'Ошибок не обнаружено',
    'Ошибок не выявлено, спасибо.',
    'ошибок нет',
    'Работает корректно',
    'Теперь всё работает правильно.',
    'Можно переносить',
    'Можно переносить на основную среду.',
    'Ошибка не воспроизводится',
    'Не обнаружено ошибок',
    'Никаких ошибок, спасибо',
    'Проблема решена',
    'Проблем нет',
    'Замечаний нет',
    'Проверили — работает.',
    'Работает, спасибо!',
    'Тестирование пройдено успешно',
    'Добрый день!\n\nПроверили, всё в порядке.',
    'Verified, works fine',
    'All good, can be deployed',
  ])('accepts %j', (text) => {
    expect(readVerdict(text)).toBe('accepted');
  });

  it.each([
    'Найдена ошибка',
    'Найдена ошибка: на второй странице пусто.',
    'Найдены ошибки в печати',
    'Нашли ещё одну ошибку',
    'Обнаружена новая проблема',
    'Ошибка осталась',
    'Ошибка сохраняется',
    'Ошибка воспроизводится',
    'ошибка всё ещё есть',
    'Не работает',
    'Всё ещё не открывается',
    'До сих пор выдаёт ошибку',
    'не исправлено',
    'Проблема не решена',
    'Не помогло',
    'Не всё работает',
    'Работает некорректно',
    'Нельзя переносить',
    'Still broken',
    'It does not work',
  ])('rejects %j', (text) => {
    expect(readVerdict(text)).toBe('rejected');
  });

  it.each([
    'Спасибо, посмотрим завтра',
    'Направление теперь печатается, но медленно. Это нормально?',
    'Работает только в одном браузере?',
    'Когда будет готово?',
    '',
    '   \n  ',
  ])('reads %j as a plain comment', (text) => {
    expect(readVerdict(text)).toBeNull();
  });

  it('lets a rejection win when both cues appear', () => {
    expect(readVerdict('Ошибок нет, но не работает кнопка печати.')).toBe('rejected');
    expect(readVerdict('Всё работает, можно переносить.\nХотя нет, найдена ошибка в отчёте.')).toBe('rejected');
  });

  it('reads only the opening lines: a story further down does not count', () => {
    const text = ['Добрый день!', 'Проверено, ошибок нет.', 'Спасибо.', '', 'Для истории:', 'а', 'б', 'в', 'г', 'Тогда была найдена ошибка в печати.'].join('\n');
    expect(readVerdict(text)).toBe('accepted');
  });
});

// Phrasings as customers write them, in both languages the desk speaks. Conservative rule:
// a false "accepted" ships a broken fix, so exceptions, persistence and conditionals never accept.
describe('readVerdict: phrasings', () => {
  it.each([
    // paraphrases of "fixed": the error no longer reproduces
    ['Ошибка больше не воспроизводится', 'accepted'],
    ['Больше не воспроизводится, спасибо', 'accepted'],
    ['Ошибка больше не появляется', 'accepted'],
    ['Больше не повторяется', 'accepted'],
    ['Проблема ушла', 'accepted'],
    ['Исправлено, спасибо!', 'accepted'],
    ['Всё исправлено.', 'accepted'],
    ['Ошибка исправлена', 'accepted'],
    ['Заработало!', 'accepted'],
    ['Теперь всё печатается', 'accepted'],
    ['Теперь направление открывается нормально', 'accepted'],
    ['Проблема больше не возникает', 'accepted'],
    ['The error no longer reproduces', 'accepted'],
    ["Can't reproduce it anymore, thanks", 'accepted'],
    ['It is fixed, thank you', 'accepted'],
    ['Fixed, thanks!', 'accepted'],
    ['It works now', 'accepted'],
    ['Everything works now.', 'accepted'],
    ['The issue is resolved', 'accepted'],
    // acceptance with an exception is a rejection
    ['Всё работает, кроме печати направления', 'rejected'],
    ['Всё работает кроме кнопки «Далее»', 'rejected'],
    ['Всё исправлено, за исключением отчёта', 'rejected'],
    ['Ошибок нет, кроме одной: не сохраняется дата', 'rejected'],
    ['Everything works except printing', 'rejected'],
    ['All good apart from the report', 'rejected'],
    ['Works fine except for the print button', 'rejected'],
    // "besides" and "кроме того" add, they do not except
    ['Всё работает. Помимо этого, спасибо за быструю помощь', 'accepted'],
    ['Всё работает, кроме того, стало быстрее', 'accepted'],
    ['Everything works now. Besides, thanks for the quick help', 'accepted'],
    // the problem persists
    ['Проблема сохраняется', 'rejected'],
    ['Проблема всё ещё есть', 'rejected'],
    ['Проблема осталась', 'rejected'],
    ['Всё ещё выдаёт ошибку', 'rejected'],
    ['По-прежнему выдаёт ошибку при печати', 'rejected'],
    ['По-прежнему ошибка', 'rejected'],
    ['Ничего не изменилось', 'rejected'],
    ['Ошибка повторилась', 'rejected'],
    ['Ошибка снова появилась', 'rejected'],
    ['The problem persists', 'rejected'],
    ['Still getting the error', 'rejected'],
    ['The issue still occurs', 'rejected'],
    ['Nothing has changed', 'rejected'],
    ["It's still not working", 'rejected'],
    // not yet checked, mentioning errors: a comment, no verdict
    ['Ещё не проверили. Если будут ошибки — напишем.', null],
    ['Пока не проверяли, если найдём ошибку, сообщим', null],
    ['Проверим завтра; в случае ошибок сообщу.', null],
    ['Не успели проверить, вчера были ошибки при входе, но это другое', null],
    ["Haven't tested yet, will let you know if errors remain", null],
    ['Not checked yet. We will tell you if we find any issues.', null],
    ['Will test tomorrow and report any problems', null],
    // the sender's own "no" words do not flip an acceptance that follows them
    ['Нет, всё работает корректно', 'accepted'],
  ] as const)('%j -> %s', (text, want) => {
    expect(readVerdict(text)).toBe(want);
  });

  it('does not read the verdict from an attribution line that leaked into the text', () => {
    // An English client's three-line attribution: the verdict must come from the reply alone.
    expect(readVerdict('Thanks, will check tomorrow\nOn 3 Mar 2026, at 10:15, MG Support wrote:\nПроверьте, пожалуйста: ошибка сохраняется?')).toBeNull();
    expect(readVerdict('Works fine now\n\nOn Tue, Mar 3, 2026 at 10:15 AM MG Support <support@clinic.example>\nwrote:\nДайте знать, если ошибка не исправлена')).toBe('accepted');
  });

  it.each([
    [['Works fine, thanks', '', 'On Tue, Mar 3, 2026 at 10:15 AM, MG Support', '<clinic-a@support.example> wrote:', '', 'Ticket MG-7 awaits your test. Reply "bug found" if it still fails.'], 'accepted'],
    [['Ошибка больше не воспроизводится.', '', 'On 3 Mar 2026, at 10:15, MG Support <clinic-a@support.example> wrote:', '', 'Если ошибка сохраняется, ответьте «Найдена ошибка».'], 'accepted'],
    [['Thanks, testing today.', '', 'On Mar 3, 2026, at 10:15, MG Support', '<clinic-a@support.example>', 'wrote:', '', '> Please test MG-7. Not working? Reply "Найдена ошибка".'], null],
  ] as const)('reads the verdict of a reply from its new text only (%#)', (lines, want) => {
    expect(readVerdict(extractNewText(lines.join('\n')))).toBe(want);
  });
});
