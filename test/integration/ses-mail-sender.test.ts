/**
 * SesMailSender against the strict SES v2 stand-in: what it sends is what SES takes.
 * Regression: the tenant's Cyrillic name went into FromEmailAddress raw; SES refuses a non-ASCII
 * sender name (BadRequestException), so every acknowledgement went to the DLQ on AWS.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { SesMailSender } from '../../shared/adapters/ses-mail-sender';
import type { OutgoingMail } from '../../shared/use-cases/ports';
import { strictSesMock, TEST_CONFIGURATION_SET } from '../support/strict-ses';

const account = { verifiedIdentities: ['support.example'], configurationSets: [TEST_CONFIGURATION_SET], requiredConfigurationSet: TEST_CONFIGURATION_SET };

const mail = (from: string, over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  from,
  to: ['user@clinic-north.example'],
  cc: [],
  replyTo: 'clinic-north@support.example',
  subject: '[MG-1] Заявка зарегистрирована',
  text: 'Здравствуйте',
  messageId: 'abc.ack@support.example',
  inReplyTo: null,
  references: [],
  headers: { 'Auto-Submitted': 'auto-replied' },
  attachments: [],
  ...over,
});

function sender() {
  const client = new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const raws: Buffer[] = [];
  const inputs: Array<{ FromEmailAddress?: string }> = [];
  const strict = strictSesMock(client, account, (input) => {
    raws.push(Buffer.from(input.Content!.Raw!.Data!));
    inputs.push(input);
    return { MessageId: `ses-${raws.length}` };
  });
  return { sender: new SesMailSender(client, TEST_CONFIGURATION_SET), raws, inputs, strict };
}

describe('SesMailSender through the strict SES v2 stand-in', () => {
  it.each([
    ['a Cyrillic tenant name', '"Северная клиника" <clinic-north@support.example>', 'Северная клиника'],
    ['an ASCII tenant name', '"North Clinic" <clinic-north@support.example>', 'North Clinic'],
    ['a name with quotes', '"Клиника \\"Север\\"" <clinic-north@support.example>', 'Клиника "Север"'],
  ])('sends from %s: SES takes it, and the display name reads back', async (_what, from, name) => {
    const s = sender();
    await expect(s.sender.send(mail(from))).resolves.toEqual({ providerMessageId: 'ses-1' });
    expect(s.strict.rejections).toEqual([]);
    expect(s.inputs[0]!.FromEmailAddress).toMatch(/^[\x20-\x7e]+$/);
    const parsed = await simpleParser(s.raws[0]!);
    expect(parsed.from?.value).toEqual([{ name, address: 'clinic-north@support.example' }]);
  });

  it('a mail with an attachment (the monthly report, written by MailComposer) passes too', async () => {
    const s = sender();
    const html = `<html><body>${'<p>Отчёт</p>'.repeat(5000)}</body></html>`;
    const references = Array.from({ length: 40 }, (_, i) => `ref-${i}.${'x'.repeat(30)}@support.example`);
    await s.sender.send(mail('"Клиника \\"Север\\"" <clinic-north@support.example>', { references, attachments: [{ filename: 'Отчёт SLA, февраль 2026.html', contentType: 'text/html', content: Buffer.from(html) }] }));
    expect(s.strict.rejections).toEqual([]);
    const parsed = await simpleParser(s.raws[0]!);
    expect(parsed.from?.value).toEqual([{ name: 'Клиника "Север"', address: 'clinic-north@support.example' }]);
    expect(parsed.attachments[0]?.filename).toBe('Отчёт SLA, февраль 2026.html');
  });

  it('a From outside the verified identity is refused as SES refuses it (MessageRejected)', async () => {
    const s = sender();
    await expect(s.sender.send(mail('"Other" <desk@elsewhere.example>'))).rejects.toMatchObject({ name: 'MessageRejected', $metadata: { httpStatusCode: 400 } });
  });

  it('more than 50 recipients go out in sends of at most 50, each accepted', async () => {
    const s = sender();
    const to = Array.from({ length: 60 }, (_, i) => `u${i}@clinic-north.example`);
    await s.sender.send(mail('"Северная клиника" <clinic-north@support.example>', { to, cc: ['boss@clinic-north.example'] }));
    expect(s.strict.rejections).toEqual([]);
    expect(s.raws).toHaveLength(2);
  });
});
