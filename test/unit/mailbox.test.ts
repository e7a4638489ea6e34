/**
 * mailbox(name, address) and asciiMailbox(): a tenant's From line whatever its name holds, and
 * its 7-bit form for SES v2's FromEmailAddress. Read back with mailparser (the reader most
 * clients resemble) and the project's parseMail.
 */
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { checkSendEmail } from '../../shared/adapters/ses-v2-rules';
import { asciiMailbox, composeMail, mailbox } from '../../shared/mail/outbound/compose';
import type { OutgoingMail } from '../../shared/use-cases/ports';

const ADDRESS = 'clinic-north@support.example';
const account = { verifiedIdentities: ['support.example'] };

const mailFrom = (from: string): OutgoingMail => ({
  from,
  to: ['user@clinic.example'],
  cc: [],
  replyTo: ADDRESS,
  subject: 'Test',
  text: 'Body',
  messageId: 'id.test@support.example',
  inReplyTo: null,
  references: [],
  headers: {},
  attachments: [],
});

/** The name as a reader sees it in the From header of the composed mail, and in FromEmailAddress. */
async function readBack(name: string) {
  const from = mailbox(name, ADDRESS);
  const header = (await simpleParser(await composeMail(mailFrom(from)))).from?.value[0];
  const ses = (await simpleParser(Buffer.from(`From: ${asciiMailbox(from)}\r\n\r\n`))).from?.value[0];
  return { header, ses, ascii: asciiMailbox(from) };
}

describe('mailbox / asciiMailbox', () => {
  it.each([
    'Северная клиника',
    'Клиника "Север"',
    'North "Best" Clinic',
    'Back\\slash',
    'O\'Brien & Sons, Ltd. (main)',
    '=?UTF-8?B?trap?=',
    'Клиника «Север» — филиал №2',
  ])('%s reads back exactly, and the SES form is 7-bit and accepted', async (name) => {
    const { header, ses, ascii } = await readBack(name);
    expect(header).toEqual({ name, address: ADDRESS });
    expect(ses).toEqual({ name, address: ADDRESS });
    expect(ascii).toMatch(/^[\x20-\x7e]+$/);
    expect(checkSendEmail({ FromEmailAddress: ascii, Destination: { ToAddresses: ['user@clinic.example'] }, Content: { Simple: {} } }, account)).toBeNull();
  });

  it('line breaks and control characters in a name become spaces (no header injection)', async () => {
    const { header, ascii } = await readBack('Clinic\r\nBcc: victim@example.com');
    expect(header).toEqual({ name: 'Clinic Bcc: victim@example.com', address: ADDRESS });
    expect(ascii).not.toMatch(/[\r\n]/);
  });

  it('an empty name is the bare address', () => {
    expect(mailbox('  ', ADDRESS)).toBe(ADDRESS);
    expect(asciiMailbox(ADDRESS)).toBe(ADDRESS);
  });

  it('any printable name reads back (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.trim() !== '' && !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]|\s\s/u.test(s)), async (name) => {
        const { header, ses, ascii } = await readBack(name);
        expect(header?.name).toBe(name);
        expect(ses?.name).toBe(name);
        expect(ascii).toMatch(/^[\x20-\x7e]+$/);
      }),
      { numRuns: 200 },
    );
  });
});
