import { describe, expect, it } from 'vitest';
import { extractNewText, stripSignature } from '../../shared/mail/reply-text';

/** The history every case quotes: it names both verdicts, so a leak shows up as a wrong verdict. */
const HISTORY = ['Заявка MG-7 ожидает проверки.', 'Если всё в порядке, ответьте «Проверено, ошибок нет».', 'Если нет, ответьте «Найдена ошибка».'];
const q = (prefix = '> '): string => HISTORY.map((l) => prefix + l).join('\n');
const NEW = 'Проверено, ошибок нет.\nСпасибо!';

describe('extractNewText: each client quote format', () => {
  it.each([
    ['Gmail ru', `${NEW}\n\nпн, 2 нояб. 2026 г. в 16:05, Поддержка <clinic-north@support.example>:\n\n${q()}\n`],
    ['Gmail ru, attribution over two lines', `${NEW}\n\nпн, 2 нояб. 2026 г. в 16:05, Поддержка Северной клиники <\nclinic-north@support.example>:\n\n${q()}`],
    ['Gmail en', `${NEW}\n\nOn Mon, Nov 2, 2026 at 4:05 PM Support <clinic-north@support.example> wrote:\n\n${q()}`],
    ['Gmail en, attribution over two lines', `${NEW}\n\nOn Mon, Nov 2, 2026 at 4:05 PM Clinic North Support Desk <\nclinic-north@support.example> wrote:\n${q()}`],
    [
      'Outlook ru header block',
      `${NEW}\n\n________________________________\nОт: Поддержка <clinic-north@support.example>\nОтправлено: 2 ноября 2026 г. 16:05\nКому: Анна <a@clinic-north.example>\nТема: [MG-7] тема\n\n${HISTORY.join('\n')}`,
    ],
    [
      'Outlook en header block, bold rendered as stars',
      `${NEW}\n\n*From:* Support <clinic-north@support.example>\n*Sent:* Monday, November 2, 2026 4:05 PM\n*To:* Anna\n*Subject:* [MG-7] topic\n\n${HISTORY.join('\n')}`,
    ],
    ['Outlook en header block without rule', `${NEW}\n\nFrom: Support\nSent: Monday, November 2, 2026 4:05 PM\nTo: Anna\nCc: Boris\nSubject: RE: [MG-7] topic\n\n${HISTORY.join('\n')}`],
    ['Outlook -----Original Message-----', `${NEW}\n\n-----Original Message-----\nFrom: Support [mailto:clinic-north@support.example]\n${HISTORY.join('\n')}`],
    ['Outlook -----Исходное сообщение-----', `${NEW}\n\n-----Исходное сообщение-----\nОт: Поддержка\n${HISTORY.join('\n')}`],
    ['Yandex', `${NEW}\n\n02.11.2026, 16:05, "Поддержка" <clinic-north@support.example>:\n${q('>  ')}`],
    ['Yandex forward', `${NEW}\n\n-------- Пересылаемое сообщение --------\n02.11.2026, 16:05, "Поддержка" <clinic-north@support.example>:\n${HISTORY.join('\n')}`],
    ['Gmail forward', `${NEW}\n\n---------- Forwarded message ---------\nFrom: Support <clinic-north@support.example>\nDate: Mon, Nov 2, 2026 at 4:05 PM\n${HISTORY.join('\n')}`],
    ['Apple forward', `${NEW}\n\nBegin forwarded message:\n\nFrom: Support <clinic-north@support.example>\n${HISTORY.join('\n')}`],
    ['Mail.ru', `${NEW}\n\n\nПонедельник, 2 ноября 2026, 16:05 +03:00 от Поддержка <clinic-north@support.example>:\n>\n${q('>')}`],
    ['Mail.ru, quoted attribution', `${NEW}\n\n>Понедельник, 2 ноября 2026, 16:05 +03:00 от Поддержка <clinic-north@support.example>:\n>\n${q('>')}`],
    ['Thunderbird ru', `${NEW}\n\n02.11.2026 16:05, Поддержка пишет:\n${q()}`],
    ['Thunderbird en', `${NEW}\n\nOn 11/2/26 4:05 PM, Support wrote:\n${q()}`],
    ['Thunderbird, history without ">"', `${NEW}\n\n02.11.2026 16:05, Поддержка пишет:\n${HISTORY.join('\n')}`],
    ['Apple Mail', `${NEW}\n\n> On 2 Nov 2026, at 16:05, Support <clinic-north@support.example> wrote:\n> \n${q()}`],
    ['iOS ru', `${NEW}\n\nОтправлено с iPhone\n\n> 2 нояб. 2026 г., в 16:05, Поддержка <clinic-north@support.example> написал(а):\n> \n${q()}`],
    ['iOS en', `${NEW}\n\nSent from my iPhone\n\n> On Nov 2, 2026, at 4:05 PM, Support <clinic-north@support.example> wrote:\n${q()}`],
    ['plain ">" quote without attribution', `${NEW}\n\n${q()}`],
    ['quote marked by a bare ">"', `${NEW}\n>\n${q('>')}`],
    ['CRLF line ends', `${NEW}\r\n\r\nOn Mon, Nov 2, 2026 at 4:05 PM Support <clinic-north@support.example> wrote:\r\n${q()}`.replace(/\n/g, '\r\n').replace(/\r\r/g, '\r')],
  ])('%s', (_client, text) => {
    expect(extractNewText(text)).toBe(NEW);
  });
});

describe('extractNewText: signatures', () => {
  it.each([
    ['"-- " delimiter', `${NEW}\n\n-- \nАнна Смирнова\nмедсестра`],
    ['"--" without the space', `${NEW}\n--\nАнна`],
    ['Отправлено с iPhone', `${NEW}\n\nОтправлено с iPhone`],
    ['Sent from my iPhone', `${NEW}\n\nSent from my iPhone`],
    ['Отправлено из мобильной Почты Mail.ru', `${NEW}\n\nОтправлено из мобильной Почты Mail.ru`],
    ['Отправлено из Яндекс Почты для мобильных', `${NEW}\n\nОтправлено из Яндекс Почты для мобильных`],
    ['Get Outlook for Android', `${NEW}\n\nGet Outlook for Android`],
    ['С уважением + short lines', `${NEW}\n\nС уважением,\nАнна Смирнова\nТерапия, пост 2\nтел. 204`],
    ['С уважением, name on one line', `${NEW}\n\nС уважением, Анна`],
    ['Best regards', `${NEW}\n\nBest regards,\nAnna`],
  ])('cuts at %s', (_kind, text) => {
    expect(extractNewText(text)).toBe(NEW);
  });

  it('keeps "С уважением" that is followed by a real paragraph', () => {
    const text = `С уважением к вашему времени, прошу посмотреть ещё одну проблему.\n\nПосле обновления при печати направления в отделении терапии программа выдаёт пустой лист, и так каждый раз на всех трёх компьютерах поста.`;
    expect(extractNewText(text)).toBe(text);
  });

  it('cuts at the last closing that only short lines follow, also when many closings come first', () => {
    // The signature cut reads "only a few short lines follow" once from the end (issue 12 item 5).
    const closings = 'Regards\n'.repeat(50);
    expect(extractNewText(`${NEW}\n${closings}Best regards,\nAnna\nтел. 204`)).toBe(`${NEW}\n${'Regards\n'.repeat(46).trim()}`);
    expect(stripSignature(`${NEW}\n\nС уважением,\n${'строка\n'.repeat(7)}`)).toBe(`${NEW}\n\nС уважением,\n${'строка\n'.repeat(7).trim()}`);
    expect(stripSignature(`${NEW}\n\nС уважением,\n\n${'строка\n\n'.repeat(6)}`)).toBe(NEW);
  });

  it('keeps a sentence that merely starts like a mobile signature', () => {
    const text = 'Отправлено с опозданием, извините: номер карты 12345.';
    expect(extractNewText(text)).toBe(text);
  });
});

describe('extractNewText: bottom-posting and interleaved answers', () => {
  it('keeps the answers below the quote', () => {
    const text = `${q()}\n\nПроверено, ошибок нет.`;
    expect(extractNewText(text)).toBe('Проверено, ошибок нет.');
  });

  it('keeps the answers between quoted blocks, as paragraphs', () => {
    const text = `On Mon, Nov 2, 2026 at 4:05 PM Support <clinic-north@support.example> wrote:\n> Вопрос один?\nОтвет один.\n> Вопрос два?\n\nОтвет два.\n\n-- \nАнна`;
    expect(extractNewText(text)).toBe('Ответ один.\n\nОтвет два.');
  });

  it('drops a Thunderbird attribution above the quote', () => {
    const text = `02.11.2026 16:05, Поддержка пишет:\n${q()}\n\nОшибка осталась.\n\n-- \nАнна`;
    expect(extractNewText(text)).toBe('Ошибка осталась.');
  });
});

describe('extractNewText: edge cases', () => {
  it('returns the whole text when there is no history', () => {
    expect(extractNewText('  Одна строка  \n')).toBe('Одна строка');
  });

  it('returns an empty string for a quote-only or empty mail', () => {
    expect(extractNewText(q())).toBe('');
    expect(extractNewText('')).toBe('');
  });

  it('does not take a time or a date in the text for an attribution', () => {
    const text = 'Ошибка появилась 02.11.2026 в 16:05, после обновления.\nЛогин: ivanova';
    expect(extractNewText(text)).toBe(text);
  });

  it('does not cut at a single "From:" line in the text', () => {
    const text = 'From: отдел кадров пришёл запрос.\nПрошу проверить.';
    expect(extractNewText(text)).toBe(text);
  });

  it('collapses runs of blank lines', () => {
    expect(extractNewText('a\n\n\n\nb')).toBe('a\n\nb');
  });
});

describe('stripSignature', () => {
  it('keeps quoted and forwarded text, cuts the signature', () => {
    expect(stripSignature(`Пересылаю заявку.\n> Номер карты: 1\n\n-- \nАнна`)).toBe('Пересылаю заявку.\n> Номер карты: 1');
  });
});
