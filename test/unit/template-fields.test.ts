import { describe, expect, it } from 'vitest';
import { matchByPrefix, normaliseRu, priorityNames, readPriority, readSubject, readTemplateFields } from '../../shared/mail/inbound/template-fields';
import type { TemplateFields } from '../../shared/domain/ticket';
import { htmlToText } from '../../shared/mail/inbound/parse-mail';

const none: TemplateFields = { cardNumber: null, caseHistoryNumber: null, login: null, recordName: null, buttonName: null };
const departments = ['Терапия', 'Хирургия', 'Регистратура', 'Приёмное отделение'];

describe('readTemplateFields', () => {
  it('reads the official labels with colons', () => {
    const text = [
      'Номер амбулаторной карты: 104-2231',
      'Номер истории болезни: 5567/26',
      'Логин в системе: smirnova_a',
      'Наименование записи: Направление на общий анализ крови',
      'Наименование кнопки перехода: Печать направления',
    ].join('\n');
    expect(readTemplateFields(text)).toEqual({
      cardNumber: '104-2231',
      caseHistoryNumber: '5567/26',
      login: 'smirnova_a',
      recordName: 'Направление на общий анализ крови',
      buttonName: 'Печать направления',
    });
  });

  it.each([
    ['Номер амбулаторной карты 12345', { cardNumber: '12345' }],
    ['номер амбулаторной карты - 12345', { cardNumber: '12345' }],
    ['НОМЕР АМБУЛАТОРНОЙ КАРТЫ — 12345', { cardNumber: '12345' }],
    ['Номер амбулаторной карты\t12345', { cardNumber: '12345' }],
    ['№ амб. карты: 12345', { cardNumber: '12345' }],
    ['№амб.карты 12345', { cardNumber: '12345' }],
    ['Амб. карта: 12345', { cardNumber: '12345' }],
    ['амбулаторная карта 12345', { cardNumber: '12345' }],
    ['№ карты: 12345', { cardNumber: '12345' }],
    ['Номер амбулаторной карты (если есть): 12345', { cardNumber: '12345' }],
    ['№ ИБ: 778', { caseHistoryNumber: '778' }],
    ['ИБ - 778', { caseHistoryNumber: '778' }],
    ['История болезни: 778', { caseHistoryNumber: '778' }],
    ['№ ист. бол. 778', { caseHistoryNumber: '778' }],
    ['логин: Ivanova', { login: 'Ivanova' }],
    ['Логин ivanova', { login: 'ivanova' }],
    ['Login: ivanova', { login: 'ivanova' }],
    ['Логин пользователя: ivanova', { login: 'ivanova' }],
    ['Запись: Осмотр терапевта', { recordName: 'Осмотр терапевта' }],
    ['название записи «Осмотр терапевта»', { recordName: 'Осмотр терапевта' }],
    ['Наименование кнопки: Далее', { buttonName: 'Далее' }],
    ['Кнопка перехода - "Далее"', { buttonName: 'Далее' }],
    ['кнопка: Далее;', { buttonName: 'Далее' }],
  ])('reads %j', (line, want) => {
    expect(readTemplateFields(line)).toEqual({ ...none, ...want });
  });

  // The regulation writes the labels with "пациента"; that word belongs to the label, never to the value.
  it.each([
    ['Номер амбулаторной карты пациента: 104-2231', { cardNumber: '104-2231' }],
    ['Номер амбулаторной карты пациента - 104-2231', { cardNumber: '104-2231' }],
    ['Номер амбулаторной карты пациента — 104-2231', { cardNumber: '104-2231' }],
    ['Номер амбулаторной карты пациента 104-2231', { cardNumber: '104-2231' }],
    ['Номер амбулаторной карты пациента\t104-2231', { cardNumber: '104-2231' }],
    [' - Номер амбулаторной карты пациента: 104-2231', { cardNumber: '104-2231' }],
    ['Номер амбулаторной карты пациента:\n104-2231', { cardNumber: '104-2231' }],
    ['Номер амбулаторной карты пациента\n\n  104-2231', { cardNumber: '104-2231' }],
    ['№ карты пациентки: 104-2231', { cardNumber: '104-2231' }],
    ['Номер истории болезни пациента: 5567/26', { caseHistoryNumber: '5567/26' }],
    ['Номер истории болезни пациента - 5567/26', { caseHistoryNumber: '5567/26' }],
    ['Номер истории болезни пациента — 5567/26', { caseHistoryNumber: '5567/26' }],
    ['Номер истории болезни пациента 5567/26', { caseHistoryNumber: '5567/26' }],
    ['Номер истории болезни пациента:\n5567/26', { caseHistoryNumber: '5567/26' }],
    ['Номер истории болезни пациента\t5567/26', { caseHistoryNumber: '5567/26' }],
    ['история болезни пациента: 5567/26', { caseHistoryNumber: '5567/26' }],
    ['Номер истории болезни больного: 5567/26', { caseHistoryNumber: '5567/26' }],
  ])('reads the regulation wording %j without "пациента" in the value', (text, want) => {
    expect(readTemplateFields(text)).toEqual({ ...none, ...want });
  });

  it('reads the regulation template from an HTML table', () => {
    const html = [
      '<table><tr><td>Номер амбулаторной карты пациента</td><td>104-2231</td></tr>',
      '<tr><td>Номер истории болезни пациента</td><td>5567/26</td></tr>',
      '<tr><td>Логин в системе</td><td>smirnova_a</td></tr></table>',
    ].join('');
    expect(readTemplateFields(htmlToText(html))).toEqual({ ...none, cardNumber: '104-2231', caseHistoryNumber: '5567/26', login: 'smirnova_a' });
  });

  it('reads values on the next line, after bullets and numbering, and keeps the case', () => {
    const text = [
      '1. Номер амбулаторной карты:',
      '   104-2231',
      '2) № ИБ',
      '',
      '   ИБ-5567',
      '• Логин',
      '  Smirnova_A',
      '- Наименование записи:',
      '  - Направление на анализ',
      '* Наименование кнопки перехода',
      '  12.05.2026 приём',
    ].join('\n');
    expect(readTemplateFields(text)).toEqual({
      cardNumber: '104-2231',
      caseHistoryNumber: 'ИБ-5567',
      login: 'Smirnova_A',
      recordName: 'Направление на анализ',
      buttonName: '12.05.2026 приём',
    });
  });

  it('treats ё and е alike and ignores non-breaking spaces', () => {
    expect(readTemplateFields('Наименование\u00a0записи:\u00a0Приём')).toEqual({ ...none, recordName: 'Приём' });
  });

  it('leaves a label without value empty when the next line is another label', () => {
    expect(readTemplateFields('Номер истории болезни:\nЛогин в системе: ivanova')).toEqual({ ...none, login: 'ivanova' });
    expect(readTemplateFields('Номер истории болезни\nПриоритет: блокировка')).toEqual(none);
  });

  it.each(['Номер истории болезни: -', 'Номер истории болезни: —', 'Номер истории болезни: ___', 'Номер истории болезни:'])('reads the placeholder %j as no value', (line) => {
    expect(readTemplateFields(line).caseHistoryNumber).toBeNull();
  });

  it('does not take prose for a label', () => {
    const prose = ['Запись пациента не открывается', 'Логин не подходит к новой версии', 'Кнопка перехода не нажимается', 'Логинов у нас много', 'Ибупрофен выписан', 'Амбулаторная карта не печатается'].join('\n');
    expect(readTemplateFields(prose)).toEqual(none);
  });

  it('keeps the first value when a label repeats', () => {
    expect(readTemplateFields('Логин: first\nЛогин: second').login).toBe('first');
  });
});

describe('readPriority', () => {
  it.each([
    ['Приоритет: Блокировка', 'blocking'],
    ['приоритет - блок', 'blocking'],
    ['ПРИОРИТЕТ: Частичная блокировка (касса)', 'partial'],
    ['Приоритет: частичная', 'partial'],
    ['Приоритет: Ошибка работы', 'error'],
    ['Приоритет: мелкое', 'minor'],
    ['Приоритет: Дополнительные настройки', 'settings'],
    ['Приоритет: новые функции, доработки', 'feature'],
    ['Приоритет: Новый отчёт', 'report'],
    ['Приоритет: blocking', 'blocking'],
    ['Priority: partial', 'partial'],
    ['- Приоритет: feature', 'feature'],
  ] as const)('%j -> %s', (text, want) => {
    expect(readPriority(`Текст заявки\n${text}\nС уважением`)).toBe(want);
  });

  it.each(['Приоритет: высокий', 'Приоритет: новы', 'Приоритетный вопрос: блокировка', 'Блокировка', ''])('%j -> null', (text) => {
    expect(readPriority(text)).toBeNull();
  });
});

describe('readSubject', () => {
  it.each([
    ['Не печатается направление - Терапия', { summary: 'Не печатается направление', department: 'Терапия' }],
    ['Терапия — не печатается направление', { summary: 'не печатается направление', department: 'Терапия' }],
    ['Хирургия / не сохраняется протокол', { summary: 'не сохраняется протокол', department: 'Хирургия' }],
    ['Не сохраняется протокол | хирургия', { summary: 'Не сохраняется протокол', department: 'Хирургия' }],
    ['Регистратура: не открывается расписание', { summary: 'не открывается расписание', department: 'Регистратура' }],
    ['Вопрос по отчёту, Терапия', { summary: 'Вопрос по отчёту', department: 'Терапия' }],
    ['[Терапия] Вопрос по отчёту', { summary: 'Вопрос по отчёту', department: 'Терапия' }],
    ['Вопрос по отчёту (Терапия)', { summary: 'Вопрос по отчёту', department: 'Терапия' }],
    ['Приемное отделение - талон', { summary: 'талон', department: 'Приёмное отделение' }],
    ['отделение хирургии - зависает карта', { summary: 'зависает карта', department: 'Хирургия' }],
    ['Зависает карта в отделении терапии', { summary: 'Зависает карта в отделении терапии', department: 'Терапия' }],
    ['Терапевт не видит карту', { summary: 'Терапевт не видит карту', department: null }],
    ['Терапия не работает', { summary: 'Терапия не работает', department: null }],
  ])('%j', (subject, want) => {
    expect(readSubject(subject, departments)).toEqual({ priority: null, ticketKey: null, ...want });
  });

  it.each([
    ['Re: [MG-7] Не печатается направление - Терапия', 'MG-7'],
    ['RE: Ответ: FW: [MG-42] тема', 'MG-42'],
    ['[mg-007] Пересл: тема', 'MG-7'],
    ['Re[2]: [MG-12] тема', 'MG-12'],
    ['Fwd: Re: тема [MG-3]', 'MG-3'],
    ['[AB-3] тема', null],
    ['MG-7 без скобок', null],
  ])('ticket tag in %j -> %s', (subject, key) => {
    const reading = readSubject(subject, departments);
    expect(reading.ticketKey).toBe(key);
    expect(reading.summary).not.toMatch(/^(re|fw|fwd|ответ|пересл)/i);
  });

  it('reads the tag of the configured prefix only', () => {
    expect(readSubject('[HD-5] тема', departments, 'HD').ticketKey).toBe('HD-5');
    expect(readSubject('[MG-5] тема', departments, 'HD')).toMatchObject({ ticketKey: null, summary: '[MG-5] тема' });
  });

  it.each([
    ['[Блокировка] Не работает вход', 'blocking'],
    ['[blocking] Не работает вход', 'blocking'],
    ['[БЛОК] Не работает вход', 'blocking'],
    ['[Частичная блокировка] Медленно работает', 'partial'],
    ['[частичная] Медленно работает', 'partial'],
    ['Медленно работает [Новый отчёт]', 'report'],
  ] as const)('priority tag in %j -> %s', (subject, priority) => {
    const reading = readSubject(subject, departments);
    expect(reading.priority).toBe(priority);
    expect(reading.summary).not.toContain('[');
  });

  it('reads everything at once and tidies the rest', () => {
    expect(readSubject('Re: [MG-7] [Блокировка] Регистратура: не открывается расписание', departments)).toEqual({
      summary: 'не открывается расписание',
      department: 'Регистратура',
      priority: 'blocking',
      ticketKey: 'MG-7',
    });
  });

  it('keeps unknown bracket tags in the summary', () => {
    expect(readSubject('[Срочно] Не работает печать', departments)).toMatchObject({ summary: '[Срочно] Не работает печать', priority: null });
  });

  it('survives an empty or odd subject', () => {
    expect(readSubject('', departments)).toEqual({ summary: '', department: null, priority: null, ticketKey: null });
    expect(readSubject(' - / | ', departments).summary).toBe('');
    expect(readSubject('[', departments).summary).toBe('[');
  });
});

describe('normaliseRu and matchByPrefix', () => {
  it('normalises case, ё and spaces', () => {
    expect(normaliseRu('  Приёмное\u00a0 ОТДЕЛЕНИЕ ')).toBe('приемное отделение');
  });

  it('matches exact names, codes and unambiguous beginnings', () => {
    expect(matchByPrefix('блок', priorityNames)).toEqual({ kind: 'match', code: 'blocking' });
    expect(matchByPrefix('Partial', priorityNames)).toEqual({ kind: 'match', code: 'partial' });
    expect(matchByPrefix('нов', priorityNames)).toEqual({ kind: 'ambiguous', codes: ['feature', 'report'] });
    expect(matchByPrefix('бл', priorityNames)).toEqual({ kind: 'none' });
    expect(matchByPrefix('блокировка касса', priorityNames)).toEqual({ kind: 'none' });
    expect(matchByPrefix('блокировка касса', priorityNames, { allowTrailing: true })).toEqual({ kind: 'match', code: 'blocking' });
  });
});
