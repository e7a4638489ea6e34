/** Regression (issue 15, the Bcc department bug): the desk only in the envelope; reading and routing agree. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('a mail with the desk in Bcc', () => {
  it("opens a ticket of the envelope's tenant with that tenant's department read from the subject", async () => {
    // given a clinic-south mail to its own IT list, the desk address only in the SMTP envelope
    const raw = [
      'From: Lab <lab@clinic-south.example>',
      'To: it@clinic-south.example',
      'Subject: =?UTF-8?B?' + Buffer.from('Не приходят результаты анализов - Лаборатория').toString('base64') + '?=',
      'Message-ID: <bcc-1@clinic-south.example>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Добрый день! Результаты анализов не приходят в карту.',
      '',
    ].join('\r\n');
    await h.sendRaw(raw, { from: 'lab@clinic-south.example', to: ['clinic-south@support.example'] });
    await h.newMail();

    // then the ticket belongs to clinic-south and carries its department ("Лаборатория" is clinic-south's only)
    const ticket = await h.stack.store.getTicket('MG-1');
    expect(ticket).toMatchObject({ tenant: 'clinic-south', department: 'Лаборатория', summary: 'Не приходят результаты анализов' });
  });
});
