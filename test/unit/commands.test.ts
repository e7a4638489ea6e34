import { describe, expect, it } from 'vitest';
import { readCommands } from '../../shared/mail/inbound/commands';
import { rejectionText } from '../../shared/mail/outbound/rejections';

describe('readCommands', () => {
  it.each([
    ['#status in_progress', 'status', ['in_progress']],
    ['#status in progress', 'status', ['in_progress']],
    ['#STATUS Awaiting_Test', 'status', ['awaiting_test']],
    ['#статус в работе', 'status', ['in_progress']],
    ['#статус ожидание тестирования', 'status', ['awaiting_test']],
    ['#статус Запрошена доп', 'status', ['info_requested']],
    ['#статус закрыто', 'status', ['closed']],
    ['#статус закрыто из-за отсутствия ответа', 'status', ['closed_no_response']],
    ['#статус отменено', 'status', ['cancelled']],
    ['#статус проверено, ошибок нет', 'status', ['verified']],
    ['#статус перенос', 'status', ['deploying']],
    ['#статус открыто повторно', 'status', ['reopened']],
    ['#Статус: В Работе.', 'status', ['in_progress']],
    ['#priority blocking', 'priority', ['blocking']],
    ['#приоритет блок', 'priority', ['blocking']],
    ['#приоритет частичная блокировка', 'priority', ['partial']],
    ['#приоритет мелкое исправление', 'priority', ['minor']],
    ['#приоритет новый отчёт', 'priority', ['report']],
    ['#assign petrov', 'assign', ['petrov']],
    ['#назначить Engineer2@Team.example', 'assign', ['engineer2@team.example']],
    ['#назначить Петров <engineer2@team.example>', 'assign', ['engineer2@team.example']],
    ['#defer 5', 'defer', ['5']],
    ['#отложить 3 рабочих дня', 'defer', ['3']],
    ['#defer 10 wd', 'defer', ['10']],
    ['#duplicate MG-12', 'duplicate', ['MG-12']],
    ['#дубликат mg-012', 'duplicate', ['MG-12']],
    ['#дубликат [MG-12]', 'duplicate', ['MG-12']],
    ['#дубликат 12', 'duplicate', ['MG-12']],
    ['#internal', 'internal', []],
    ['#внутреннее', 'internal', []],
    ['#requester a.smirnova@clinic-north.example', 'requester', ['a.smirnova@clinic-north.example']],
    ['#заявитель Анна <A.Smirnova@Clinic-North.example>', 'requester', ['a.smirnova@clinic-north.example']],
  ] as const)('%j', (line, name, args) => {
    const reading = readCommands(`${line}\n\nТекст клиенту.`);
    expect(reading.problems).toEqual([]);
    expect(reading.commands).toEqual([{ name, args }]);
    expect(reading.message).toBe('Текст клиенту.');
  });

  it('reads several commands with blank lines between and stops at the first other line', () => {
    const text = '\n#статус ожидание тестирования\n\n#приоритет блок\n#internal\nПроверьте, пожалуйста.\n#status closed\n\nСпасибо.';
    const reading = readCommands(text);
    expect(reading.commands).toEqual([
      { name: 'status', args: ['awaiting_test'] },
      { name: 'priority', args: ['blocking'] },
      { name: 'internal', args: [] },
    ]);
    expect(reading.problems).toEqual([]);
    expect(reading.message).toBe('Проверьте, пожалуйста.\n#status closed\n\nСпасибо.');
  });

  it('reads nothing when the text does not start with a command', () => {
    expect(readCommands('Добрый день.\n#status closed')).toEqual({ commands: [], problems: [], message: 'Добрый день.\n#status closed' });
    expect(readCommands('# Заголовок\nтекст').commands).toEqual([]);
    expect(readCommands('')).toEqual({ commands: [], problems: [], message: '' });
  });

  it.each([
    ['#статус в работу', /unknown status "в работу"; allowed: open \(Open\), in_progress \(In progress\),.*closed_no_response/],
    ['#status', /#status needs a status; allowed: open/],
    ['#статус о', /unknown status "о"/],
    ['#статус за', /unknown status "за"/],
    ['#статус закр ожид', /unknown status/],
    ['#приоритет нов', /"нов" could be feature \(New features\), report \(.*\); write more of the name/],
    ['#приоритет срочно', /unknown priority "срочно"; allowed: blocking \(Blocking\),/],
    ['#defer 0', /positive whole number of working days/],
    ['#defer пять', /positive whole number of working days/],
    ['#defer', /positive whole number of working days/],
    ['#assign два инженера', /one engineer login or address/],
    ['#duplicate', /key of the original ticket, e\.g\. #duplicate MG-12/],
    ['#дубликат заявка MG-12', /key of the original ticket/],
    ['#internal заметка', /#internal takes no arguments/],
    ['#requester не адрес', /customer's e-mail address/],
    ['#close', /unknown command; allowed: #status, #priority, #assign, #defer, #duplicate, #internal, #requester/],
  ])('reports %j with what is allowed', (line, reason) => {
    const reading = readCommands(`#priority partial\n${line}\nТекст.`);
    expect(reading.commands).toEqual([{ name: 'priority', args: ['partial'] }]);
    expect(reading.problems).toHaveLength(1);
    expect(reading.problems[0]!.line).toBe(line);
    // read in English here; every code in both languages: rejections.test.ts
    expect(rejectionText(reading.problems[0]!.reason, 'en')).toMatch(reason);
    expect(reading.message).toBe('Текст.');
  });

  it('completes a bare #duplicate number with the given prefix', () => {
    expect(readCommands('#duplicate 7', 'HD').commands).toEqual([{ name: 'duplicate', args: ['HD-7'] }]);
  });
});

describe('a flood of unreadable command lines', () => {
  it('lists the first 20 problems and counts the rest, instead of one problem per line', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `#nonsense${i} x`).join('\n') + '\nТекст';
    const reading = readCommands(text);
    expect(reading.problems).toHaveLength(21);
    expect(reading.problems[0]!.line).toBe('#nonsense0 x');
    expect(reading.problems[20]!.reason).toEqual({ code: 'more-lines', count: 4980 });
    expect(reading.message).toBe('Текст');
  });
});
