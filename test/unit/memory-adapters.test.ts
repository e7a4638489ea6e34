/** The in-memory bucket, sender and bus (the store has the shared contract: test/integration/ticket-store-contract.test.ts). */
import { describe, expect, it } from 'vitest';
import { MemoryBus, MemoryMailSender, MemoryMailStore } from '../../shared/adapters/memory';
import { MailNotFoundError } from '../../shared/domain/errors';
import type { OutgoingMail } from '../../shared/use-cases/ports';

const mail = (to: string[]): OutgoingMail => ({
  from: 'clinic-north@support.example',
  to,
  cc: [],
  replyTo: 'clinic-north@support.example',
  subject: '[MG-1] Заявка принята',
  text: 'Здравствуйте.',
  messageId: 'm1@support.example',
  inReplyTo: null,
  references: [],
  headers: { 'Auto-Submitted': 'auto-replied' },
  attachments: [],
});

describe('memory adapters', () => {
  it('MemoryMailStore: gives back what was put, MailNotFoundError for a key never put (as S3MailStore)', async () => {
    const store = new MemoryMailStore();
    await store.put('inbound/a', Buffer.from('raw'));
    expect((await store.get('inbound/a')).toString()).toBe('raw');
    await expect(store.get('inbound/b')).rejects.toBeInstanceOf(MailNotFoundError);
  });

  it('MemoryMailSender: composes the MIME and counts mails, bytes and recipients', async () => {
    const sender = new MemoryMailSender();
    await sender.send(mail(['a@clinic-north.example']));
    await sender.send(mail(['a@clinic-north.example', 'b@clinic-north.example']));
    expect(sender.sent).toBe(2);
    expect(sender.bytes).toBeGreaterThan(2 * 'Здравствуйте.'.length);
    expect(Object.fromEntries(sender.byRecipient)).toEqual({ 'a@clinic-north.example': 2, 'b@clinic-north.example': 1 });
  });

  it('MemoryBus: counts the events published', async () => {
    const bus = new MemoryBus();
    await bus.publish([{ type: 'ticket.created', id: 'e1', detail: {} }, { type: 'sla.breached', id: 'e2', detail: {} }]);
    expect(bus.published).toBe(2);
  });
});
