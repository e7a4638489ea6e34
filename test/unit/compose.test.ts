/**
 * The direct text/plain writer must read back exactly like MailComposer's output (the general
 * writer it stands in for), and be well-formed on its own: CRLF only, ASCII only, short lines,
 * no header a value could inject. Whatever it cannot write must fall back to MailComposer.
 */
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMail, composeWithMailComposer, writePlainTextMail } from '../../shared/mail/outbound/compose';
import { parseMail } from '../../shared/mail/inbound/parse-mail';
import type { ParsedMail } from '../../shared/mail/inbound/types';
import type { OutgoingMail } from '../../shared/use-cases/ports';

const NOW = new Date('2026-11-25T22:47:34Z');

const RU_TEXT =
  'Здравствуйте!\n\nВаша заявка зарегистрирована под номером MG-12. Инженер свяжется с вами в течение ' +
  'рабочего дня.\nЕсли появятся подробности (номер карты, логин, название кнопки), ответьте на это письмо, ' +
  'не меняя тему.\n\n-- \nСлужба поддержки, Клиника Север';

const base: OutgoingMail = {
  from: 'Поддержка <support@clinic-north.example>',
  to: ['Анна Смирнова <a.smirnova@clinic-north.example>'],
  cc: [],
  replyTo: 'support@clinic-north.example',
  subject: '[MG-12] Не работает принтер в регистратуре',
  text: RU_TEXT,
  messageId: 'evt-1.requester@clinic-north.example',
  inReplyTo: 'orig-1@mail.clinic-north.example',
  references: ['orig-1@mail.clinic-north.example'],
  headers: { 'Auto-Submitted': 'auto-replied', 'X-Maildesk-Ticket': 'MG-12' },
  attachments: [],
};

interface Case {
  name: string;
  mail: Partial<OutgoingMail>;
  /** longest header line the input allows (an unbreakable word forces more than 78) */
  headerLimit?: number;
  /** display names as they must read back, in header order: from, to..., cc... */
  names?: Array<string | null>;
}

const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

const cases: Case[] = [
  { name: 'typical Russian acknowledgement', mail: {}, names: ['Поддержка', 'Анна Смирнова'] },
  {
    name: 'English, ASCII text, no threading',
    mail: { from: 'Support <support@clinic-north.example>', to: ['bob@example.org'], subject: 'Your request was received', text: 'Hello Bob,\nthanks.\n', inReplyTo: null, references: [] },
    names: ['Support', null],
  },
  {
    name: 'very long Russian subject',
    mail: { subject: `[MG-12] ${'Не печатается направление на анализы из карты пациента в терапевтическом отделении, '.repeat(4)}конец` },
  },
  {
    name: 'very long English subject folds at whitespace',
    mail: { subject: `Re: [MG-7] ${'the printer in the registry prints blank pages after the update '.repeat(4)}end` },
  },
  {
    name: 'emoji (4-byte UTF-8) in subject, names and text',
    mail: { subject: '🔥 Срочно: сервер упал 🚑🚑🚑 '.repeat(5), from: 'Команда 🚀 <team@clinic-north.example>', text: 'Готово ✅👍\n🙂' },
    names: ['Команда 🚀', 'Анна Смирнова'],
  },
  {
    name: 'display names with commas, quotes, backslashes, dots and atext',
    mail: {
      from: '"Клиника Север" <support@clinic-north.example>',
      to: ['"Doe, John" <j.doe@example.org>', '"O\\"Brien \\\\ Co" <ob@example.org>', 'John Q. Public <jqp@example.org>', "Mary-Jane O'Neil <mj@example.org>"],
    },
    names: ['Клиника Север', 'Doe, John', 'O"Brien \\ Co', 'John Q. Public', "Mary-Jane O'Neil"],
  },
  {
    name: 'cc present, long recipient lists, a comma list inside one entry',
    mail: {
      to: [...many(6, (i) => `Сотрудник номер ${i} отдела информатизации <user${i}@clinic-north.example>`), 'x@example.org, "Y, Z" <y@example.org>'],
      cc: many(5, (i) => `engineer${i}@maildesk.example`),
    },
  },
  {
    name: 'ids with and without brackets, many references',
    mail: {
      messageId: '<evt-9.engineer@clinic-north.example>',
      inReplyTo: 'CAF=x+y_1234567890abcdef@mail.gmail.com',
      references: many(9, (i) => (i % 2 ? `<ref-${i}.aaaaaaaaaaaaaaaa@mail.example.org>` : `ref-${i}.bbbbbbbbbbbbbbbb@mail.example.org`)),
    },
  },
  { name: 'text with LF, CRLF and CR line breaks', mail: { text: 'одна\nдве\r\nтри\rчетыре\n\nпять\r\n' } },
  { name: 'empty text and empty subject', mail: { text: '', subject: '' } },
  { name: 'long text lines', mail: { text: `${'Очень длинная строка без переносов. '.repeat(40)}\n${'x'.repeat(2000)}\nend` } },
  {
    name: 'custom headers: non-ASCII, long ASCII, ordering',
    mail: {
      headers: {
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
        'X-Maildesk-Event': 'ticket.status_changed',
        'X-Maildesk-Note': 'Статус изменён инженером',
        'X-Maildesk-Report': `sla 2026-10 ${'clinic-north '.repeat(10)}`,
      },
    },
  },
  { name: 'CR/LF in the subject does not start a header', mail: { subject: 'Hello\r\nBcc: victim@example.org\nX-Evil: 1' } },
  { name: 'CR/LF in a custom header value', mail: { headers: { 'X-Maildesk-Ticket': 'MG-1\r\nBcc: victim@example.org' } } },
  { name: 'ASCII subject with an unbreakable 150-char word', mail: { subject: `See https://desk.example.org/${'a'.repeat(120)} now` }, headerLimit: 998 },
  { name: 'subject with quotes, tab and encoded-word look-alike text', mail: { subject: 'He said "hi"\tthere: =?utf-8?q?not_a_word' } },
  {
    name: 'leading/trailing and repeated spaces',
    mail: { subject: '  two  spaces   and trailing  ', from: '"  Служба   поддержки  " <support@clinic-north.example>' },
    names: ['Служба   поддержки', 'Анна Смирнова'],
  },
];

const mailOf = (c: Case): OutgoingMail => ({ ...base, ...c.mail });

const direct = (mail: OutgoingMail): Buffer => {
  const raw = writePlainTextMail(mail, NOW);
  if (raw === null) throw new Error('the direct writer refused the mail');
  return raw;
};

/** What a reader must see: the fields both writers are compared on. */
function visible(m: ParsedMail, customNames: string[]) {
  return {
    from: m.from,
    to: m.to,
    cc: m.cc,
    replyTo: m.replyTo,
    subject: m.subject,
    messageId: m.messageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    text: m.text,
    custom: customNames.map((n) => decodeWords(m.headers[n.toLowerCase()] ?? '')),
  };
}

/**
 * Decodes the UTF-8 B encoded-words of a header the reader passes on raw (custom headers).
 * Per word: neither writer cuts a character between words.
 */
const decodeWords = (value: string) =>
  value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

const stripBrackets = (id: string) => id.replace(/^<|>$/g, '');
const addrOf = (entry: string) => (/<([^<>]+)>\s*$/.exec(entry)?.[1] ?? entry.trim()).toLowerCase();
const headerText = (raw: Buffer) => raw.toString('latin1').slice(0, raw.indexOf('\r\n\r\n'));

/** Structural checks on any raw mail the direct writer produced. */
function expectWellFormed(raw: Buffer, headerLimit = 78): void {
  expect(raw.every((b) => b < 0x80)).toBe(true);
  const text = raw.toString('latin1');
  expect(text).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  const lines = text.split('\r\n');
  expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
  const head = headerText(raw).split('\r\n');
  for (const line of head) {
    expect(line.length, line).toBeLessThanOrEqual(headerLimit);
    // a line is a header of its own or a continuation; a continuation is never only whitespace
    expect(line).toMatch(/^(?:[\x21-\x39\x3b-\x7e]+:|[ \t]+\S)/);
  }
  for (const word of head.join('').match(/=\?[^?]*\?B\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
  expect(fieldNames(raw)).not.toContain('Bcc');
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  for (const line of body.split('\r\n').slice(0, -1)) expect(line).toMatch(/^[A-Za-z0-9+/=]{1,76}$/);
}

/** Names of the header fields, in order (continuation lines skipped). */
const fieldNames = (raw: Buffer) =>
  headerText(raw)
    .split('\r\n')
    .filter((l) => !/^[ \t]/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')));

describe('writePlainTextMail reads back like MailComposer', () => {
  it.each(cases)('$name', async (c) => {
    const mail = mailOf(c);
    const mine = direct(mail);
    const theirs = await composeWithMailComposer(mail);
    const custom = Object.keys(mail.headers);
    const [a, b] = [await parseMail(mine), await parseMail(theirs)];
    expect(visible(a, custom)).toEqual(visible(b, custom));

    // and what both read is the input
    const oneLine = (s: string) => s.replace(/\r?\n|\r/g, ' ').trim();
    expect(a.subject).toBe(oneLine(mail.subject));
    expect(a.text).toBe(mail.text.replace(/\r\n?/g, '\n'));
    expect(a.messageId).toBe(stripBrackets(mail.messageId));
    expect(a.inReplyTo).toEqual(mail.inReplyTo ? [stripBrackets(mail.inReplyTo)] : []);
    expect(a.references).toEqual(mail.references.map(stripBrackets));
    expect(visible(a, custom).custom).toEqual(custom.map((n) => oneLine(mail.headers[n]!)));
    expect(a.from?.address).toBe(addrOf(mail.from));
    const listed = (entries: string[]) => entries.flatMap((e) => e.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)).map(addrOf);
    expect(a.to.map((x) => x.address)).toEqual(listed(mail.to));
    expect(a.cc.map((x) => x.address)).toEqual(listed(mail.cc));
    expect(a.replyTo.map((x) => x.address)).toEqual([addrOf(mail.replyTo)]);
    if (c.names) expect([a.from, ...a.to, ...a.cc].map((x) => x?.name ?? null)).toEqual(c.names);

    // mailparser directly too: the raw values parse-mail does not pass on
    const [pa, pb] = [await simpleParser(mine), await simpleParser(theirs)];
    expect(pa.subject).toEqual(pb.subject);
    expect(pa.text?.replace(/\r\n?/g, '\n')).toEqual(pb.text?.replace(/\r\n?/g, '\n'));
    expect(pa.date?.getTime()).toBe(NOW.getTime());
  });

  it.each(cases)('is well-formed: $name', (c) => {
    const raw = direct(mailOf(c));
    expectWellFormed(raw, c.headerLimit);
  });

  it('writes the headers MailComposer writes, in its order', async () => {
    // compared case-blind: MailComposer recases custom names (x-foo -> X-Foo), ours go out as given;
    // and it writes no Content-Transfer-Encoding for an empty body
    const names = (raw: Buffer) => fieldNames(raw).map((n) => n.toLowerCase()).filter((n) => n !== 'content-transfer-encoding');
    for (const c of cases) expect(names(direct(mailOf(c))), c.name).toEqual(names(await composeWithMailComposer(mailOf(c))));
  });

  it('writes the exact bytes expected for the typical mail', () => {
    const raw = direct(base).toString('latin1');
    expect(raw.slice(0, raw.indexOf('\r\n\r\n'))).toBe(
      [
        'Auto-Submitted: auto-replied',
        'X-Maildesk-Ticket: MG-12',
        'From: =?UTF-8?B?0J/QvtC00LTQtdGA0LbQutCw?= <support@clinic-north.example>',
        'To: =?UTF-8?B?0JDQvdC90LAg0KHQvNC40YDQvdC+0LLQsA==?=',
        ' <a.smirnova@clinic-north.example>',
        'Reply-To: support@clinic-north.example',
        'In-Reply-To: <orig-1@mail.clinic-north.example>',
        'References: <orig-1@mail.clinic-north.example>',
        'Subject: =?UTF-8?B?W01HLTEyXSDQndC1INGA0LDQsdC+0YLQsNC10YIg0L/RgNC40L3RgtC1?=',
        ' =?UTF-8?B?0YAg0LIg0YDQtdCz0LjRgdGC0YDQsNGC0YPRgNC1?=',
        'Message-ID: <evt-1.requester@clinic-north.example>',
        'Content-Transfer-Encoding: base64',
        'Date: Wed, 25 Nov 2026 22:47:34 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
      ].join('\r\n'),
    );
    expect(raw.endsWith('\r\n')).toBe(true);
  });
});

describe('header injection', () => {
  const injected = 'Hello\r\nBcc: victim@example.org\r\n\r\nbody?';

  it('a subject with CR/LF stays one Subject header, for the direct writer and composeMail', async () => {
    const mail = { ...base, subject: injected, headers: { 'X-Maildesk-Ticket': injected } };
    for (const raw of [direct(mail), await composeMail(mail)]) {
      expect(fieldNames(raw)).not.toContain('Bcc');
      expect(fieldNames(raw).filter((n) => n === 'Subject')).toHaveLength(1);
      const parsed = await parseMail(raw);
      expect(parsed.headers.bcc).toBeUndefined();
      expect(parsed.subject).toBe('Hello Bcc: victim@example.org  body?');
      expect(parsed.text).toBe(RU_TEXT);
    }
  });

  it('an address with CR/LF goes to MailComposer, which writes no Bcc either', async () => {
    const mail = { ...base, to: ['Name\r\nBcc: victim@example.org <a@example.org>'] };
    expect(writePlainTextMail(mail, NOW)).toBeNull();
    const raw = await composeMail(mail);
    expect(fieldNames(raw)).not.toContain('Bcc');
    expect((await parseMail(raw)).headers.bcc).toBeUndefined();
  });
});

describe('empty values', () => {
  it('an empty Reply-To or Cc is left out, as MailComposer does', async () => {
    const mail = { ...base, replyTo: '', cc: [] };
    const names = fieldNames(direct(mail));
    expect(names).not.toContain('Reply-To');
    expect(names).not.toContain('Cc');
    expect(names.filter((n) => n !== 'Content-Transfer-Encoding')).toEqual(fieldNames(await composeWithMailComposer(mail)).filter((n) => n !== 'Content-Transfer-Encoding'));
  });
});

describe('composeMail picks the writer', () => {
  const withoutDate = (raw: Buffer) => raw.toString('latin1').replace(/^Date: .*\r\n/m, '');

  it('writes text-only mail directly', async () => {
    for (const c of cases) expect(withoutDate(await composeMail(mailOf(c))), c.name).toBe(withoutDate(direct(mailOf(c))));
  });

  it('sends a mail with an attachment through MailComposer (multipart)', async () => {
    const mail = { ...base, attachments: [{ filename: 'отчёт.html', contentType: 'text/html; charset=utf-8', content: Buffer.from('<p>hi</p>') }] };
    expect(writePlainTextMail(mail, NOW)).toBeNull();
    const raw = await composeMail(mail);
    expect(raw.toString('latin1')).toMatch(/^Content-Type: multipart\/mixed; boundary=/m);
    const parsed = await parseMail(raw);
    expect(parsed.text).toBe(RU_TEXT);
    expect(parsed.subject).toBe(base.subject);
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['отчёт.html', '<p>hi</p>']]);
  });

  const fallbacks: Array<[string, Partial<OutgoingMail>, (m: ParsedMail) => void]> = [
    ['group syntax', { to: ['Engineers: a@example.org, b@example.org;'] }, (m) => expect(m.to.map((x) => x.address)).toEqual(['a@example.org', 'b@example.org'])],
    ['IDN domain', { to: ['Иван <ivan@пример.рф>'] }, (m) => expect(m.to).toEqual([{ address: 'ivan@пример.рф', name: 'Иван' }])],
    ['a comment', { from: 'support@clinic-north.example (Поддержка)' }, (m) => expect(m.from?.address).toBe('support@clinic-north.example')],
    ['unbalanced quote in a name', { from: '"Клиника "Север"" <support@clinic-north.example>' }, (m) => expect(m.from?.address).toBe('support@clinic-north.example')],
    ['a quoted local part', { to: ['"john doe"@example.org'] }, (m) => expect(m.subject).toBe(base.subject)],
    ['a header name with a space', { headers: { 'X Bad': 'v' } }, (m) => expect(m.subject).toBe(base.subject)],
    ['a custom header that is one we write', { headers: { Date: 'Mon, 02 Nov 2026 10:00:00 +0000' } }, (m) => expect(m.date).toBe('2026-11-02T10:00:00.000Z')],
    ['a message id with a space', { messageId: 'a b@example.org' }, (m) => expect(m.subject).toBe(base.subject)],
  ];

  it.each(fallbacks)('falls back to MailComposer for %s, and the mail still reads', async (_, patch, check) => {
    const mail = { ...base, ...patch };
    expect(writePlainTextMail(mail, NOW)).toBeNull();
    const parsed = await parseMail(await composeMail(mail));
    expect(parsed.text).toBe(RU_TEXT);
    check(parsed);
  });
});

describe('random text', () => {
  it('any subject, name, header value and text reads back as given', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(text, text, fc.string({ unit: 'grapheme', maxLength: 40 }), text, async (subject, value, name, body) => {
        const mail = { ...base, subject, text: body, from: `"${name.replace(/["\\]/g, '\\$&')}" <support@clinic-north.example>`, headers: { 'X-Maildesk-Note': value } };
        const raw = writePlainTextMail(mail, NOW);
        if (raw === null) throw new Error('refused');
        expectWellFormed(raw);
        expect(fieldNames(raw)).not.toContain('Bcc');
        const parsed = await parseMail(raw);
        const unstructured = (s: string) => s.replace(/\r?\n|\r/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
        expect(parsed.subject).toBe(unstructured(subject));
        // the reader passes custom headers on raw: decode them here
        expect(decodeWords(parsed.headers['x-maildesk-note'] ?? '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim()).toBe(unstructured(value));
        expect(parsed.text).toBe(body.replace(/\r\n?/g, '\n'));
        expect(parsed.from?.name ?? '').toBe(name.trim());
      }),
      { numRuns: 150 },
    );
  });
});
