/**
 * parseMail decodes large base64 file parts itself instead of through mailparser (lifted-files.ts,
 * issue 18). Whatever it lifts, the mail must read exactly as mailparser reads it whole: the same
 * files (bytes, names, types, order), text, HTML and part types; and it lifts only what mailparser
 * cannot read differently, leaving text, quoted-printable, odd bodies, epilogues and forwarded
 * messages to mailparser.
 */
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { LIFT_MIN_BYTES, liftFileBodies } from '../../shared/mail/inbound/lifted-files';
import { PARSER_OPTIONS, parseMail } from '../../shared/mail/inbound/parse-mail';

type Attachment = NonNullable<NonNullable<ConstructorParameters<typeof MailComposer>[0]>['attachments']>[number];

const compose = (attachments: Attachment[], extra: Record<string, unknown> = {}) =>
  new MailComposer({
    from: 'Анна <anna@clinic-north.example>',
    to: 'clinic-north@support.example',
    subject: 'Скриншот ошибки',
    text: 'Номер амбулаторной карты: 123456\nСмотрите файлы.',
    attachments,
    ...extra,
  })
    .compile()
    .build();

/** What mailparser alone reads from the mail, in the terms parseMail keeps. */
async function expectReadAsMailparserReadsIt(raw: Buffer): Promise<void> {
  const [ours, theirs] = await Promise.all([parseMail(raw), simpleParser(raw, PARSER_OPTIONS)]);
  expect(ours.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual(
    theirs.attachments.map((a) => [expect.any(String), a.contentType.toLowerCase(), a.content.length]),
  );
  ours.attachments.forEach((a, i) => {
    expect(a.content.equals(theirs.attachments[i]!.content), `file ${i}`).toBe(true);
  });
  expect(ours.html).toBe(typeof theirs.html === 'string' ? theirs.html : null);
  expect(ours.subject).toBe(theirs.subject);
}

const big = (n = 1) => randomBytes(n * LIFT_MIN_BYTES + 1234);
const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('large files are decoded by parseMail, read as mailparser reads them', () => {
  it('one PDF, several images and an inline image of an HTML mail', async () => {
    const files = [big(3), big(), randomBytes(500), big(2)];
    const raw = await compose(
      [
        { filename: 'скан направления.pdf', content: files[0], contentType: 'application/pdf' },
        { filename: 'screen.png', content: files[1], contentType: 'image/png' },
        { filename: 'small.jpg', content: files[2], contentType: 'image/jpeg' },
        { filename: 'logo.gif', content: files[3], contentType: 'image/gif', cid: 'logo@x' },
      ],
      { html: '<p>Смотрите <img src="cid:logo@x"></p>' },
    );
    expect(liftFileBodies(raw)?.files.size).toBe(3);
    await expectReadAsMailparserReadsIt(raw);
    const parsed = await parseMail(raw);
    const byName = new Map(parsed.attachments.map((a) => [a.filename, a.content]));
    const names = ['скан направления.pdf', 'screen.png', 'small.jpg', 'logo.gif'];
    expect(names.map((name, i) => byName.get(name)?.equals(files[i]!))).toEqual([true, true, true, true]);
    expect(parsed.text).toContain('123456');
  });

  it('the same with LF line endings, and with a file of every size around a base64 line', async () => {
    for (const extra of [0, 1, 2, 56, 57, 58]) {
      const raw = await compose([{ filename: 'a.bin', content: randomBytes(LIFT_MIN_BYTES + extra) }]);
      await expectReadAsMailparserReadsIt(raw);
      await expectReadAsMailparserReadsIt(latin1(raw.toString('latin1').replace(/\r\n/g, '\n')));
    }
  });

  it('leaves text files, quoted-printable, odd bytes and small files to mailparser', async () => {
    const text = 'строка текста\n'.repeat(LIFT_MIN_BYTES / 10);
    const cases = [
      await compose([{ filename: 'log.txt', content: Buffer.from(text), contentType: 'text/plain' }]),
      await compose([{ filename: 'a.bin', content: big(), contentTransferEncoding: 'quoted-printable' }]),
      await compose([{ filename: 'a.bin', content: randomBytes(LIFT_MIN_BYTES / 2) }]),
    ];
    const withGarbage = (await compose([{ filename: 'a.bin', content: big() }])).toString('latin1');
    const at = withGarbage.lastIndexOf('\r\n----_NmP') - 200;
    cases.push(latin1(`${withGarbage.slice(0, at)}*${withGarbage.slice(at + 1)}`));
    for (const raw of cases) {
      expect(liftFileBodies(raw)).toBeNull();
      await expectReadAsMailparserReadsIt(raw);
    }
  });

  it('a forwarded message keeps its own parts, a truncated mail and an epilogue read as mailparser reads them', async () => {
    const inner = await compose([{ filename: 'inner.png', content: big(), contentType: 'image/png' }]);
    const forwarded = await compose([{ filename: 'fwd.eml', content: inner, contentType: 'message/rfc822' }]);
    expect(liftFileBodies(forwarded)).toBeNull();
    await expectReadAsMailparserReadsIt(forwarded);

    const whole = await compose([{ filename: 'a.pdf', content: big(2), contentType: 'application/pdf' }]);
    const truncated = whole.subarray(0, whole.length - 40_000);
    expect(liftFileBodies(truncated)).toBeNull();
    await expectReadAsMailparserReadsIt(truncated);

    const text = whole.toString('latin1');
    const boundary = /boundary="([^"]+)"/.exec(text)![1]!;
    const epilogue = `\r\n--${boundary}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n${big()
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n')}\r\n--${boundary}--\r\n`;
    const withEpilogue = latin1(text + epilogue);
    expect(liftFileBodies(withEpilogue)?.files.size).toBe(1);
    await expectReadAsMailparserReadsIt(withEpilogue);
  });

  it('a part whose body is its whole multipart (no closing line) and nested multiparts', async () => {
    const file = big().toString('base64').replace(/.{64}/g, '$&\n');
    const raw = latin1(
      [
        'From: a@clinic-north.example',
        'Subject: nested',
        'Content-Type: multipart/mixed; boundary=outer',
        '',
        '--outer',
        'Content-Type: multipart/related; boundary="inner"',
        '',
        '--inner',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'see below',
        '--inner',
        'Content-Type: image/jpeg; name=photo.jpg',
        'Content-Transfer-Encoding: BASE64',
        '',
        file,
        '--inner--',
        '--outer',
        'Content-Type: application/zip; name=archive.zip',
        'Content-Disposition: attachment; filename=archive.zip',
        'Content-Transfer-Encoding: base64',
        '',
        file.replace(/\n/g, '\r\n'),
        '--outer  ',
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        '',
        file,
      ].join('\n'),
    );
    expect(liftFileBodies(raw)?.files.size).toBe(2);
    await expectReadAsMailparserReadsIt(raw);
  });
});
