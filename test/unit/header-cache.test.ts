/**
 * The direct MIME writer keeps the address lines and deadline texts it already wrote (issue 18: the
 * same tenant From, requester and deadlines head every letter of an event). A kept line must be
 * exactly what writing it again gives, keyed by the whole input: an address with a line break
 * after a plain one of the same text still goes to MailComposer, and a full cache starts over.
 */
import { describe, expect, it } from 'vitest';
import { writePlainTextMail } from '../../shared/mail/outbound/compose';
import { formatInstant } from '../../shared/mail/outbound/parts';
import type { OutgoingMail } from '../../shared/use-cases/ports';

const NOW = new Date('2026-12-03T10:00:00Z');
const mail = (to: string[]): OutgoingMail => ({
  from: '"Клиника Север" <clinic-north@support.example>',
  to,
  cc: [],
  replyTo: 'clinic-north@support.example',
  subject: '[MG-1] Тема',
  text: 'Текст',
  messageId: 'a@support.example',
  inReplyTo: null,
  references: [],
  headers: {},
  attachments: [],
});

describe('kept header lines', () => {
  it('write the same bytes the second time, and for a thousand other addresses in between', () => {
    const first = writePlainTextMail(mail(['Анна Смирнова <anna@clinic-north.example>', 'b@clinic-north.example']), NOW);
    for (let i = 0; i < 1000; i++) writePlainTextMail(mail([`Сотрудник ${i} <u${i}@clinic-north.example>`]), NOW);
    const again = writePlainTextMail(mail(['Анна Смирнова <anna@clinic-north.example>', 'b@clinic-north.example']), NOW);
    expect(again!.equals(first!)).toBe(true);
    expect(again!.toString('latin1')).toMatch(/^To: =\?UTF-8\?B\?[^<]+<anna@clinic-north\.example>,/m);
  });

  it('are keyed by the whole list: a list written as one address with a line break is not taken for two', () => {
    expect(writePlainTextMail(mail(['a@clinic-north.example', 'b@clinic-north.example']), NOW)).not.toBeNull();
    expect(writePlainTextMail(mail(['a@clinic-north.example\nb@clinic-north.example']), NOW)).toBeNull();
  });

  it('deadline texts are the same the second time, per zone and language', () => {
    const iso = '2026-12-03T15:00:00.000Z';
    const ru = formatInstant(iso, 'Europe/Moscow', 'ru');
    expect(ru).toBe('03.12.2026 18:00 (Europe/Moscow)');
    expect(formatInstant(iso, 'Europe/Moscow', 'ru')).toBe(ru);
    expect(formatInstant(iso, 'Asia/Yekaterinburg', 'ru')).toBe('03.12.2026 20:00 (Asia/Yekaterinburg)');
    expect(formatInstant(iso, 'Europe/Moscow', 'en')).toBe('03/12/2026 18:00 (Europe/Moscow)');
  });
});
