import { describe, expect, it } from 'vitest';
import { extractNewText, stripSignature } from '../../shared/mail/inbound/reply-text';

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

/**
 * Clients beyond the Russian and English defaults (issue 13). Each row is one client's shape;
 * the matching rule is one row of the tables in shared/mail/inbound/reply-text.ts.
 */
describe('extractNewText: clients in other languages and rarer English shapes', () => {
  const block = HISTORY.join('\n');
  it.each([
    ['Outlook de header block', `${NEW}\n\nVon: Support <clinic-north@support.example>\nGesendet: Montag, 2. November 2026 16:05\nAn: Anna\nBetreff: AW: [MG-7] Thema\n\n${block}`],
    ['Outlook fr header block', `${NEW}\n\nDe : Support <clinic-north@support.example>\nEnvoyé : lundi 2 novembre 2026 16:05\nÀ : Anna\nObjet : RE: [MG-7] sujet\n\n${block}`],
    ['Outlook fr "Envoyé le :"', `${NEW}\n\nDe : Support<mailto:clinic-north@support.example>\nEnvoyé le :lundi 2 novembre 2026 16:05\nÀ : anna@clinic-north.example\nObjet :RE: [MG-7]\n\n${block}`],
    ['Outlook nl header block', `${NEW}\n\nVan: Support [mailto:clinic-north@support.example]\nVerzonden: maandag 2 november 2026 16:05\nAan: Anna\nOnderwerp: RE: [MG-7]\n\n${block}`],
    ['Outlook it header block', `${NEW}\n\nDa: Support <clinic-north@support.example>\nInviato: lunedì 2 novembre 2026 16:05\nA: Anna\nOggetto: R: [MG-7]\n\n${block}`],
    ['Outlook sv header block', `${NEW}\nFrån: Support [mailto:clinic-north@support.example]\nSkickat: den 2 november 2026 16:05\nTill: Anna\nÄmne: SV: [MG-7]\n\n${block}`],
    ['Outlook da header block', `${NEW}\n\nFra: clinic-north@support.example\nSendt: 2. november 2026 16:05\nTil: Anna\nEmne: SV: [MG-7]\n\n${block}`],
    ['Outlook pl header block', `${NEW}\n\nOd: Support <clinic-north@support.example>\nWysłano: poniedziałek, 2 listopada 2026 16:05\nDo: Anna\nTemat: RE: [MG-7]\n\n${block}`],
    ['header block starting with Date:', `${NEW}\n\nDate: Mon, 2 Nov 2026 16:05:00 +0300\nFrom: clinic-north@support.example\nTo: anna@clinic-north.example\nSubject: [MG-7]\n\n${block}`],
    ['header block of Date: and To: only', `${NEW}\n\nDate: Mon, 2 Nov 2026 16:05:00 +0300\nTo: anna@clinic-north.example\n\n${block}`],
    ['-----Ursprüngliche Nachricht-----', `${NEW}\n\n-----Ursprüngliche Nachricht-----\n${block}`],
    ["-------- Message d'origine --------", `${NEW}\n\n-------- Message d'origine --------\n${block}`],
    ['-----Reply Message-----', `${NEW}\n\n-----Reply Message-----\n${block}`],
    ['-----Oprindelig meddelelse-----', `${NEW}\n\n-----Oprindelig meddelelse-----\n${block}`],
    ['-------- Oprindelig besked --------', `${NEW}\n\n-------- Oprindelig besked --------\n${block}`],
    ['GMX / web.de "----- Original Nachricht ----"', `${NEW}\n\n----- Original Nachricht ----\n${block}`],
    ['Thunderbird de "-------- Original-Nachricht --------"', `${NEW}\n\n-------- Original-Nachricht --------\n${block}`],
    ['GMX separator above its header block', `${NEW}\n\n\n----- Original Nachricht ----\nVon:     Support <clinic-north@support.example>\nAn:      anna@clinic-north.example\nDatum:   02.11.2026 16:05\nBetreff: [MG-7]\n\n${block}`],
    ['Gmail de', `${NEW}\n\nAm Mo., 2. Nov. 2026 um 16:05 Uhr schrieb Support <clinic-north@support.example>:\n\n${q()}`],
    ['Gmail fr', `${NEW}\n\nLe lun. 2 nov. 2026 à 16:05, Support <clinic-north@support.example> a écrit :\n\n${q()}`],
    ['Gmail pl "napisał(a)"', `${NEW}\n\nDnia 2 listopada 2026 16:05 Support <clinic-north@support.example> napisał(a):\n\n${block}`],
    ['Gmail pl over two lines', `${NEW}\n\nW dniu 2 listopada 2026 16:05 użytkownik Support <clinic-north@support.example>\nnapisał:\n\n${q()}`],
    ['Gmail pt over two lines', `${NEW}\n\nEm 2 de novembro de 2026 às 16:05:00, Support (\nclinic-north@support.example) escreveu:\n\n${block}`],
    ['Gmail it over two lines', `${NEW}\n\nIl lunedì 2 novembre 2026, Support <clinic-north@support.example>\nha scritto:\n\n${q()}`],
    ['Gmail fi with a dotted time', `${NEW}\n\nma 2. marraskuuta 2026 klo 16.05 Support\n<clinic-north@support.example> kirjoitti:\n\n${q()}`],
    ['Gmail no, address wrapped into the quote', `${NEW}\n\nman. 2. nov. 2026 kl. 16:05 skrev Support <clinic-north@support.example\n>:\n\n${q()}`],
    ['Gmail nl', `${NEW}\n\nOp 2 november 2026 16:05 schreef Support <\nclinic-north@support.example>:\n\n${q()}`],
    ['Apple Mail nl', `${NEW}\n\nOp 2-nov.-2026, om 16:05 heeft Support <clinic-north@support.example> het volgende geschreven:\n\n${q()}`],
    ['Gmail es', `${NEW}\n\nEl lun, 2 nov 2026 a las 16:05, Support (<clinic-north@support.example>) escribió:\n\n${q()}`],
    ['Apple Mail en, three lines', `${NEW}\n\nOn Nov 2, 2026, at 4:05 PM, Support\n<clinic-north@support.example>\nwrote:\n\n${q()}`],
    ['English, no date, three lines', `${NEW}\n\nOn Mon, Nov 2, Support Desk\n<clinic-north@support.example>\nwrote:\n\n${q()}`],
    ['English without the colon', `${NEW}\n\nOn Mon, 02 Nov 2026 16:05:00 +0300 Support <clinic-north@support.example> wrote\n\n${block}`],
    ['"... sent:"', `${NEW}\n\nOn 2-Nov-2026, at 4:05 PM, Support <clinic-north@support.example> sent:\n\n${q()}`],
    ['Zoho "---- On ... wrote ----"', `${NEW}\n\n---- On Mon, 02 Nov 2026 16:05:00 +0300 clinic-north@support.example wrote ----\n\n${block}`],
    ['Android "---- Name wrote ----"', `${NEW}\n\n---- Support wrote ----\n\n${block}`],
    ['dashes glued to the attribution', `${NEW}\n\n------On 11/02/2026 16:05, Support wrote-----\n${block}`],
    ['Yandex with a dotted time', `${NEW}\n\n02.11.2026, 16.05, "Support" <clinic-north@support.example>:\n${q()}`],
    ['Polymail, the address over four lines', `${NEW}\n\nOn Mon, Nov 2, 2026 at 4:05 PM Support\n\n<\nmailto:Support <clinic-north@support.example>\n> wrote:\n${HISTORY[0]}`],
    ['old Gmail "date name <address>"', `${NEW}\n2026/11/2 Support <clinic-north@support.example>\n\n${q()}`],
    ['a wrapped link inside the quote', `${NEW}\n\nOn Mon, Nov 2, 2026 at 4:05 PM, Support wrote:\n\n> ${HISTORY[0]}\n(https://support.example/t/MG-7) >\n> ${HISTORY[1]}\n>\n`],
    ['a quoted sentence wrapped without ">"', `${NEW}\n\nOn Mon, Nov 2, 2026 at 4:05 PM, Support wrote:\n\n> Если всё в порядке, ответьте,\nпожалуйста, «Проверено, ошибок нет».\n>\n`],
    ['list footer', `${NEW}\n\n_______________________________________________\nclinic-it mailing list\nclinic-it@lists.clinic-north.example\nhttps://lists.clinic-north.example/mailman/listinfo/clinic-it`],
    ['short list footer rule', `${NEW}\n\n__\nclinic-it mailing list\nclinic-it@lists.clinic-north.example`],
    ['Sent from TypeApp', `${NEW}\n\nSent from TypeApp<http://www.typeapp.example/r>\n\n${block}`],
    ['Envoyé de Outlook pour iOS', `${NEW}\n\nEnvoyé de Outlook pour iOS<https://aka.ms/o0ukef>\n${block}`],
    ['Envoyé à partir de Outlook pour iOS', `${NEW}\n\nEnvoyé à partir de Outlook pour iOS<https://aka.ms/o0ukef>`],
    ['Gesendet von Outlook für Android', `${NEW}\n\nGesendet von Outlook für Android<https://aka.ms/ghei36>\n\n${block}`],
    ['Von meinem iPhone gesendet', `${NEW}\n\nVon meinem iPhone gesendet`],
    ['Envoyé de mon iPhone', `${NEW}\n\nEnvoyé de mon iPhone`],
    ['Enviado desde mi iPhone', `${NEW}\n\nEnviado desde mi iPhone`],
    ['Inviato da iPhone', `${NEW}\n\nInviato da iPhone`],
  ])('%s', (_client, text) => {
    expect(extractNewText(text)).toBe(NEW);
  });

  it.each([
    ['reply On <date> ... wrote:', `Проверено, ошибок нет. On Mon, Nov 2, 2026 at 4:05 PM, clinic-north@support.example wrote:\n${q()}`, 'Проверено, ошибок нет.'],
    ['reply--- On <date> ... wrote:', `Проверено, ошибок нет.--- On Mon, Nov 2, 2026 at 4:05 PM, clinic-north@support.example wrote:\n${q()}`, 'Проверено, ошибок нет.'],
    ['second line shares the attribution', `Проверено.\nОшибок нет--- On Mon, Nov 2, 2026 at 4:05 PM, clinic-north@support.example wrote:\n${q()}`, 'Проверено.\nОшибок нет'],
  ])('keeps the reply that shares a line with the attribution: %s', (_shape, text, want) => {
    expect(extractNewText(text)).toBe(want);
  });

  it('leaves no new text for a forward with nothing written above the separator', () => {
    const text = `----- Original Nachricht ----\nVon:     Support <clinic-north@support.example>\nAn:      anna@clinic-north.example\nDatum:   02.11.2026 16:05\nBetreff: [MG-7]\n\n${HISTORY.join('\n')}`;
    expect(extractNewText(text)).toBe('');
  });

  it('does not cut at prose that mentions a date and "wrote" or a header word', () => {
    const text = 'On Monday the doctor wrote the referral again.\nDate: tomorrow\nSubject of the referral: blood test\n\nНаправление не печатается.';
    expect(extractNewText(text)).toBe(text);
  });
});

describe('extractNewText: sign-offs and wrapped quotes (issue 13)', () => {
  it.each([
    ['"-Name" as the last line', `${NEW}\n\n-Anna Smirnova`],
    ['"-Name" above a list footer', `${NEW}\n\n-Anna\n\n\n__\nclinic-it mailing list\nclinic-it@lists.clinic-north.example`],
    ['a "====" rule left above a header block', `${NEW}\n\n====\n\nMessage du : 02/11/2026 16:05\nDe : "Support" <clinic-north@support.example>\nA : anna@clinic-north.example\nSujet : [MG-7]\n\n${HISTORY.join('\n')}`],
    ['a lower-case quote line wrapped without ">"', `${NEW}\n\nOn Mon, Nov 2, 2026 at 4:05 PM, Support wrote:\n> ${HISTORY[0]}\nпожалуйста, проверьте.\n>`],
  ])('%s', (_shape, text) => {
    expect(extractNewText(text)).toBe(NEW);
  });

  it('keeps a list whose items start with "- "', () => {
    expect(extractNewText('Не входят в систему:\n- Петров\n- Сидоров')).toBe('Не входят в систему:\n- Петров\n- Сидоров');
  });

  it('keeps a sentence that starts like "Sent from my"', () => {
    expect(extractNewText('Here is another mail\n\nSent from my desk, which is easier than my mobile phone.')).toBe('Here is another mail\n\nSent from my desk, which is easier than my mobile phone.');
  });
});

describe('extractNewText: decorations that look like quotes', () => {
  it('keeps a ">>> link <<<" decoration line', () => {
    const text = 'Инструкция на сайте:\n>>> https://clinic-north.example/help <<<\nПосмотрите, пожалуйста.';
    expect(extractNewText(text)).toBe(text);
  });
});
