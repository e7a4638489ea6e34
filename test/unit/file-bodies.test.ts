/**
 * A mail with files is written by MailComposer with placeholders, then the files' base64 is spliced
 * in (file-bodies.ts, issue 18). The result must be byte for byte what MailComposer writes with the
 * files itself (its random boundary and the Date aside), for any file size and line position, and
 * read back to the same files; what it cannot splice with certainty is left to MailComposer.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../shared/mail/inbound/parse-mail';
import { composeMail, composeWithMailComposer } from '../../shared/mail/outbound/compose';
import { withFileBodies } from '../../shared/mail/outbound/file-bodies';
import type { OutgoingMail } from '../../shared/use-cases/ports';

type File = OutgoingMail['attachments'][number];

const base: OutgoingMail = {
  from: '"Клиника Север" <clinic-north@support.example>',
  to: ['Инженер Петров <petrov@team.example>', 'ivanov@team.example'],
  cc: [],
  replyTo: 'clinic-north@support.example',
  subject: '[MG-7] Новая заявка: не печатается направление',
  text: 'Файлы клиента приложены.\nСкриншот и выгрузка.\n',
  messageId: 'e1.engineers@support.example',
  inReplyTo: 'orig@clinic-north.example',
  references: ['orig@clinic-north.example'],
  headers: { 'Auto-Submitted': 'auto-generated', 'X-Maildesk-Ticket': 'MG-7' },
  attachments: [],
};

/** MailComposer's random part boundaries and the Date line differ between any two runs: named alike. */
function normalised(raw: Buffer): string {
  const boundaries = [...new Set(raw.toString('latin1').match(/--_NmP-[0-9a-f]+-Part_\d+/g) ?? [])];
  let text = raw.toString('latin1').replace(/^Date: .*$/m, 'Date: (now)');
  boundaries.forEach((b, i) => {
    text = text.split(b).join(`--boundary-${i}`);
  });
  return text;
}

async function expectSameAsMailComposer(files: File[]): Promise<Buffer> {
  const mail = { ...base, attachments: files };
  const spliced = await withFileBodies(mail, composeWithMailComposer);
  expect(spliced).not.toBeNull();
  expect(normalised(spliced!)).toBe(normalised(await composeWithMailComposer(mail)));
  return spliced!;
}

const file = (filename: string, content: Buffer, contentType = 'application/octet-stream'): File => ({
  filename,
  contentType,
  content,
});

describe('files spliced into MailComposer output', () => {
  it.each([1, 2, 3, 56, 57, 58, 114, 1000, 65_537])('a %i-byte file: the bytes MailComposer writes', async (size) => {
    await expectSameAsMailComposer([file('данные.bin', randomBytes(size))]);
  });

  it('several files with Cyrillic, long and quoted names and text types, in their order', async () => {
    const raw = await expectSameAsMailComposer([
      file('скриншот экрана регистратуры поликлиники номер один, окно записи.png', randomBytes(150_000), 'image/png'),
      file('report "q".pdf', randomBytes(4_001), 'application/pdf'),
      file('выгрузка.csv', Buffer.from('карта;логин\n123456;ivanova_a\n'), 'text/csv; charset=utf-8'),
      file('a.txt', Buffer.from('plain text\n'), 'text/plain'),
    ]);
    const parsed = await parseMail(raw);
    expect(parsed.attachments.map((a) => a.filename)).toEqual([
      'скриншот экрана регистратуры поликлиники номер один, окно записи.png',
      'report _q_.pdf',
      'выгрузка.csv',
      'a.txt',
    ]);
    expect(parsed.attachments[2]!.content.toString()).toBe('карта;логин\n123456;ivanova_a\n');
  });

  it('a 3 MB file reads back byte for byte, every base64 line 76 characters but the last', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 1);
    const raw = await expectSameAsMailComposer([file('scan.pdf', content, 'application/pdf')]);
    const parsed = await parseMail(raw);
    expect(parsed.attachments[0]!.content.equals(content)).toBe(true);
    const body = raw.toString('latin1').split('\r\n\r\n').at(-1)!.split('\r\n--')[0]!.split('\r\n');
    expect(body.slice(0, -1).every((line) => line.length === 76)).toBe(true);
    expect(body.at(-1)!.length).toBeLessThanOrEqual(76);
  });

  it('any files, any sizes: the bytes MailComposer writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.uint8Array({ minLength: 1, maxLength: 3000 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (files) => {
          await expectSameAsMailComposer(files.map(([name, bytes]) => file(name, Buffer.from(bytes))));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leaves a forwarded message (message/rfc822) and an empty file to MailComposer', async () => {
    const message = file('fwd.eml', Buffer.from('Subject: hi\r\n\r\nbody\r\n'), 'message/rfc822');
    const empty = file('empty.txt', Buffer.alloc(0), 'text/plain');
    for (const files of [[message], [file('a.bin', randomBytes(10)), empty]]) {
      const mail = { ...base, attachments: files };
      expect(await withFileBodies(mail, composeWithMailComposer)).toBeNull();
      expect(normalised(await composeMail(mail))).toBe(normalised(await composeWithMailComposer(mail)));
    }
  });

  it('a text that holds a placeholder-like line is still left alone', async () => {
    const mail = { ...base, text: 'bWFpbGRlc2stZmlsZS0\n', attachments: [file('a.bin', randomBytes(100))] };
    expect(normalised(await composeMail(mail))).toBe(normalised(await composeWithMailComposer(mail)));
  });
});
