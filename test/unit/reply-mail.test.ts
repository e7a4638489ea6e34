/**
 * The answer `maildesk reply` writes, as a mail client would: recipients, subject, threading
 * headers, the quoted original and an attribution the desk's quote reader cuts at. Originals are
 * real MIME, read by the desk's own parser.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attribution, buildReply, quoteText, replySubject, type ReplyInput } from '../../shared/cli/reply-mail';
import { parseMail } from '../../shared/mail/inbound/parse-mail';
import { extractNewText } from '../../shared/mail/inbound/reply-text';

const input = (over: Partial<ReplyInput> = {}): ReplyInput => ({
  from: 'engineer1@team.example',
  text: '#status in_progress\nДобрый день, смотрим.',
  messageId: 'r-1@team.example',
  timeZone: 'Europe/Moscow',
  language: 'ru',
  ...over,
});

/** A mail as the desk would have sent or received it, from its header lines and text. */
const mail = (headers: string[], text = 'Здравствуйте!\nЗаявка зарегистрирована.') =>
  parseMail(Buffer.from([...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', text].join('\r\n')));

describe('the subject of an answer', () => {
  it.each([
    ['[MG-1] Заявка зарегистрирована', 'Re: [MG-1] Заявка зарегистрирована'],
    ['Re: [MG-1] Заявка', 'Re: [MG-1] Заявка'],
    ['RE: Re: re:[MG-1] Заявка', 'Re: [MG-1] Заявка'],
    ['Re[2]: Ответ: AW: SV: Тема', 'Re: Тема'],
    ['Regarding the invoice', 'Re: Regarding the invoice'],
    ['', 'Re: '],
  ])('%j -> %j', (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });
});

describe('quoting the original', () => {
  it.each([
    ['one line', 'Текст', '> Текст'],
    ['empty lines become a bare >', 'Первая\n\nВторая', '> Первая\n>\n> Вторая'],
    ['lines already quoted get one more level', 'Ответ\n> старое\n>> совсем старое', '> Ответ\n>> старое\n>>> совсем старое'],
    ['CRLF and trailing blank lines', 'А\r\nБ\r\n\r\n\r\n', '> А\n> Б'],
  ])('%s', (_name, text, expected) => {
    expect(quoteText(text)).toBe(expected);
  });
});

describe('the attribution line', () => {
  const from = { address: 'clinic-north@support.example', name: 'Северная клиника' };
  it.each([
    ['ru, in the desk zone', { date: '2026-11-16T07:00:00.000Z', from }, 'Europe/Moscow', 'ru', '16.11.2026, 10:00, Северная клиника <clinic-north@support.example> написал(а):'],
    ['en', { date: '2026-11-16T07:05:00.000Z', from }, 'Europe/Moscow', 'en', 'On 16 Nov 2026 at 10:05, Северная клиника <clinic-north@support.example> wrote:'],
    ['another zone', { date: '2026-03-30T07:00:00.000Z', from }, 'Europe/Berlin', 'en', 'On 30 Mar 2026 at 09:00, Северная клиника <clinic-north@support.example> wrote:'],
    ['no name', { date: '2026-11-16T07:00:00.000Z', from: { address: 'a@b.example', name: null } }, 'Europe/Moscow', 'ru', '16.11.2026, 10:00, a@b.example написал(а):'],
    ['no date', { date: null, from }, 'Europe/Moscow', 'ru', 'Северная клиника <clinic-north@support.example> написал(а):'],
  ] as const)('%s', (_name, original, zone, language, expected) => {
    expect(attribution(original, zone, language)).toBe(expected);
  });
});

describe('the answer to a mail', () => {
  it('goes to Reply-To, threads on the Message-ID after the References, and quotes the original', async () => {
    const original = await mail([
      'From: =?utf-8?B?0KHQtdCy0LXRgNC90LDRjyDQutC70LjQvdC40LrQsA==?= <clinic-north@support.example>',
      'To: anna@clinic-north.example',
      'Reply-To: clinic-north@support.example',
      'Subject: [MG-1] Заявка зарегистрирована',
      'Date: Mon, 16 Nov 2026 10:00:00 +0300',
      'Message-ID: <ack-1@support.example>',
      'In-Reply-To: <open-1@clinic-north.example>',
      'References: <open-1@clinic-north.example>',
    ]);
    expect(buildReply(original, input({ cc: ['olga@clinic-north.example'] }))).toEqual({
      from: 'engineer1@team.example',
      to: ['clinic-north@support.example'],
      cc: ['olga@clinic-north.example'],
      subject: 'Re: [MG-1] Заявка зарегистрирована',
      text: [
        '#status in_progress',
        'Добрый день, смотрим.',
        '',
        '16.11.2026, 10:00, Северная клиника <clinic-north@support.example> написал(а):',
        '> Здравствуйте!',
        '> Заявка зарегистрирована.',
        '',
      ].join('\n'),
      messageId: 'r-1@team.example',
      inReplyTo: 'ack-1@support.example',
      references: ['open-1@clinic-north.example', 'ack-1@support.example'],
    });
  });

  it.each([
    ['no Reply-To: the From', ['From: anna@clinic-north.example', 'Message-ID: <m@x.example>'], ['anna@clinic-north.example'], ['m@x.example'], 'm@x.example'],
    ['References already ending in the id: not twice', ['From: a@x.example', 'Message-ID: <m@x.example>', 'References: <p@x.example> <m@x.example>'], ['a@x.example'], ['p@x.example', 'm@x.example'], 'm@x.example'],
    ['no Message-ID: nothing to thread on', ['From: a@x.example', 'References: <p@x.example>'], ['a@x.example'], ['p@x.example'], null],
  ])('%s', async (_name, headers, to, references, inReplyTo) => {
    const reply = buildReply(await mail([...headers, 'Subject: Тема']), input());
    expect(reply).toMatchObject({ to, references, inReplyTo });
  });

  it('has nobody to answer when the mail has neither Reply-To nor From', async () => {
    expect(buildReply(await mail(['To: a@x.example', 'Subject: x', 'Message-ID: <m@x.example>']), input())).toBeNull();
  });

  it('an empty original is not quoted: no attribution over nothing', async () => {
    const reply = buildReply(await mail(['From: a@x.example', 'Subject: x'], ''), input({ text: 'Спасибо' }));
    expect(reply?.text).toBe('Спасибо\n');
  });

  it.each(['ru', 'en'] as const)('the desk reads only the new text of a %s answer (the quote is cut at the attribution)', async (language) => {
    const original = await parseMail(readFileSync('test/fixtures/mail/new-ticket-plain-utf8.eml'));
    const text = 'Проверили: печать работает.\n\nНаправление печатается на принтере регистратуры.';
    const reply = buildReply(original, input({ language, text }))!;
    expect(reply.text).toContain('> При печати направления на анализы программа выдаёт пустой лист.');
    expect(extractNewText(reply.text)).toBe(text);
  });
});
