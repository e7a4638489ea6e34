/** One routing of a mail to a tenant: envelope first, then Delivered-To / X-Original-To, To, Cc. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { readMail } from '../../shared/mail/inbound/read-mail';
import { routeTenant } from '../../shared/mail/inbound/route-tenant';
import type { ParsedMail } from '../../shared/mail/inbound/types';

const config = parseConfig(JSON.parse(readFileSync('maildesk.config.example.json', 'utf8')));

const mail = (over: Partial<ParsedMail>): ParsedMail => ({
  messageId: 'm-1@clinic-south.example',
  inReplyTo: [],
  references: [],
  date: null,
  from: { address: 'lab@clinic-south.example', name: null },
  replyTo: [],
  to: [],
  cc: [],
  deliveredTo: [],
  subject: 'Не приходят результаты анализов - Лаборатория',
  text: 'Добрый день! Результаты не приходят.',
  html: null,
  headers: {},
  partTypes: [],
  attachments: [],
  ...over,
});
const addr = (address: string) => ({ address, name: null });

describe('routeTenant', () => {
  it.each<[string, string[], Partial<ParsedMail>, string | undefined]>([
    ['the desk only in the envelope (Bcc)', ['clinic-south@support.example'], { to: [addr('it@clinic-south.example')] }, 'clinic-south'],
    ['envelope before To', ['clinic-south@support.example'], { to: [addr('clinic-north@support.example')] }, 'clinic-south'],
    ['Delivered-To before To', [], { deliveredTo: ['help@clinic-south.example'], to: [addr('clinic-north@support.example')] }, 'clinic-south'],
    ['To before Cc', [], { to: [addr('clinic-north@support.example')], cc: [addr('clinic-south@support.example')] }, 'clinic-north'],
    ['any case', ['Clinic-South@Support.Example'], {}, 'clinic-south'],
    ['no desk address anywhere', ['someone@else.example'], { to: [addr('it@clinic-south.example')] }, undefined],
  ])('%s', (_name, envelope, over, expected) => {
    expect(routeTenant(config, envelope, mail(over))?.id).toBe(expected);
  });
});

describe('readMail routes like the use case', () => {
  it('Bcc to the desk: the envelope names the tenant, so its departments are read from the subject', () => {
    // given a mail to the clinic's own list with the desk only in the envelope (Bcc)
    const parsed = mail({ to: [addr('it@clinic-south.example')] });
    // when it is read with the envelope recipients
    const reading = readMail(parsed, config, ['clinic-south@support.example']);
    // then the tenant and its department ("Лаборатория" is clinic-south's only) are found
    expect(reading.tenant).toBe('clinic-south');
    expect(reading.department).toBe('Лаборатория');
    expect(reading.summary).toBe('Не приходят результаты анализов');
    expect(reading.tenant).toBe(routeTenant(config, ['clinic-south@support.example'], parsed)?.id);
  });
});
