/**
 * Real .eml fixtures through the running local stack (SMTP in, outbox out): the encodings people
 * send, the mail that must never be answered, and SES's spam verdict.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { startHarness, type Harness } from '../support/harness';

const fixture = (name: string) => readFileSync(`test/fixtures/mail/${name}`);
const DESK = 'clinic-north@support.example';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('fixtures through the local stack', () => {
  it.each([
    ['new-ticket-windows-1251.eml', 'm.lesnaya@clinic-north.example', 'blocking'],
    ['new-ticket-html-only-outlook.eml', 'o.vetrov@clinic-north.example', null],
    ['new-ticket-koi8r.eml', 'i.polevaya@clinic-north.example', 'minor'],
  ] as const)('%s becomes a ticket with its fields read, and is acknowledged', async (file, requester, priority) => {
    // given a mail as a clinic's mail client wrote it
    await h.sendRaw(fixture(file), { from: requester, to: [DESK] });
    // when the stack has processed it
    const mails = await h.newMail();
    const outcome = h.stack.outcomes.at(-1);
    // then a ticket exists, with the sender as requester and at least one template field read
    expect(outcome?.kind).toBe('created');
    const key = outcome && 'ticketKey' in outcome ? outcome.ticketKey : '';
    const ticket = (await h.stack.store.getTicket(key))!;
    expect(ticket.requester).toBe(requester);
    expect(Object.values(ticket.fields).filter(Boolean).length).toBeGreaterThan(0);
    if (priority) expect(ticket.priority).toBe(priority);
    // and the acknowledgement went to the requester, in Russian, with the ticket tag
    const ack = mails.find((m) => m.to.some((a) => a.address === requester));
    expect(ack?.subject.startsWith(`[${key}] `)).toBe(true);
    expect(ack?.text).toContain(`зарегистрировано под номером ${key}`);
  });

  it.each([
    ['auto-reply-rfc3834.eml', 'auto-generated:auto-submitted:auto-replied'],
    ['auto-reply-outlook-oof.eml', 'auto-generated:outlook-auto-reply'],
    ['bounce-dsn.eml', 'auto-generated:dsn'],
    ['list-mail.eml', 'auto-generated:precedence:list'],
  ])('%s opens nothing and gets no answer', async (file, reason) => {
    const before = (await h.stack.store.listTickets()).length;
    await h.sendRaw(fixture(file), { from: 'someone@clinic-north.example', to: [DESK] });
    expect(await h.newMail()).toHaveLength(0);
    expect(h.stack.outcomes.at(-1)).toEqual({ kind: 'ignored', reason });
    expect((await h.stack.store.listTickets()).length).toBe(before);
  });

  it('mail SES marked as spam opens nothing, gets no answer, and stays in the bucket', async () => {
    const id = 'spam-verdict-1';
    await h.stack.receiveDeps.mail.put(`inbound/${id}`, fixture('new-ticket-plain-utf8.eml'));
    const [inbound] = parseSesEvent(sesEventFor(id, [DESK], { spam: 'FAIL' }));
    const before = (await h.stack.store.listTickets()).length;
    expect(await receiveMail(inbound!, h.stack.receiveDeps)).toEqual({ kind: 'ignored', reason: 'spam' });
    expect(await h.newMail()).toHaveLength(0);
    expect((await h.stack.store.listTickets()).length).toBe(before);
    expect((await h.stack.receiveDeps.mail.get(`inbound/${id}`)).length).toBeGreaterThan(0);
    expect(h.log.entries.some((e) => e.fields.reason === 'spam' && e.fields.inboundId === id)).toBe(true);
  });

  it('the same SES event delivered twice opens one ticket and sends one acknowledgement', async () => {
    const id = 'twice-1';
    await h.stack.receiveDeps.mail.put(`inbound/${id}`, fixture('new-ticket-plain-utf8.eml'));
    const [inbound] = parseSesEvent(sesEventFor(id, [DESK]));
    const first = await receiveMail(inbound!, h.stack.receiveDeps);
    const second = await receiveMail(inbound!, h.stack.receiveDeps);
    expect(first.kind).toBe('created');
    expect(second).toEqual({ kind: 'duplicate' });
    const mails = await h.newMail();
    expect(mails.filter((m) => m.headers['auto-submitted'] === 'auto-replied')).toHaveLength(1);
  });

  it('keeps attachments with sanitised names, listed on the ticket, and sends them to the engineers', async () => {
    await h.sendRaw(fixture('new-ticket-attachments.eml'), { from: 'staff@clinic-north.example', to: [DESK] });
    const mails = await h.newMail();
    const outcome = h.stack.outcomes.at(-1);
    const key = outcome && 'ticketKey' in outcome ? outcome.ticketKey : '';
    const ticket = (await h.stack.store.getTicket(key))!;
    expect(ticket.attachments.length).toBeGreaterThanOrEqual(2);
    for (const attachment of ticket.attachments) {
      // keyed by the inbound mail (a retry that draws another ticket number overwrites, never orphans)
      expect(attachment.key).toMatch(/^attachments\/[A-Za-z0-9._-]+\/\d+-/);
      expect(attachment.filename).not.toMatch(/[\\/]|\.\./);
      const stored = await h.stack.receiveDeps.mail.get(attachment.key);
      expect(stored.length).toBe(attachment.size);
    }
    // the engineers' copy carries the files themselves (the stored bytes, under the sanitised names),
    // lists them by name, and names no bucket key
    const forward = mails.find((m) => m.to.some((a) => a.address === 'engineer1@team.example'))!;
    const carried = new Map(forward.attachments.map((a) => [a.filename, a.content]));
    expect([...carried.keys()].sort()).toEqual(ticket.attachments.map((a) => a.filename).sort());
    for (const attachment of ticket.attachments) {
      expect(carried.get(attachment.filename)?.equals(await h.stack.receiveDeps.mail.get(attachment.key))).toBe(true);
      expect(forward.text).toContain(`  - ${attachment.filename} (`);
    }
    expect(forward.text).not.toContain('attachments/');
    // the clinic employee gets none of it: no file, key, link or path
    const ack = mails.find((m) => m.to.some((a) => a.address === ticket.requester))!;
    expect(ack.subject.startsWith(`[${key}] `)).toBe(true);
    expect(ack.attachments).toEqual([]);
    expect(ack.text).not.toMatch(/attachments\/|X-Amz-|https?:\/\/|\.maildesk/);
    for (const attachment of ticket.attachments) expect(ack.text).not.toContain(attachment.filename);
  });
});
