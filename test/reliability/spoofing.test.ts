/**
 * Spoofing, through the SES event itself (its DKIM/SPF/DMARC verdicts) on the real local stack:
 * a forged engineer address commands nothing; a customer cannot reach another tenant's ticket by
 * tag or by thread; guessing tags across tenants finds nothing and tells nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../shared/domain/ticket';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { startHarness, type Harness } from '../support/harness';
import { buildMail, messageId, storeInbound, type Verdicts } from '../support/mail-builder';

const NORTH = 'clinic-north@support.example';
const SOUTH = 'clinic-south@support.example';

let h: Harness;
const figures = { forged: 0, crossTenant: 0, guesses: 0, leaks: 0 };
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  console.log(`RELIABILITY spoofing: forged engineer mails=${figures.forged}, cross-tenant attempts=${figures.crossTenant}, tag guesses=${figures.guesses}, commands applied or tickets reached=${figures.leaks}`);
  await h?.close();
});

const receive = async (raw: Buffer, verdicts?: Verdicts) => receiveMail(await storeInbound(h, raw, { verdicts }), h.stack.receiveDeps);

async function openTicket(from: string, to: string, subject: string) {
  const root = messageId('root');
  const outcome = await receive(await buildMail({ from, to, subject, text: `Секретная тема ${subject}`, messageId: root }));
  expect(outcome.kind).toBe('created');
  await h.newMail();
  return { key: (outcome as { ticketKey: string }).ticketKey, root };
}

/** What a forged or foreign mail must not change. */
const stateOf = (t: Ticket) => ({ status: t.status, priority: t.priority, assignee: t.assignee, requester: t.requester, deferredWd: t.deferredWd, duplicateOf: t.duplicateOf });

describe('engineer commands from mail failing DKIM/SPF/DMARC', () => {
  const forged: Array<[string, Verdicts]> = [
    ['SPF and DKIM fail', { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' }],
    ['DKIM and SPF pass but DMARC fails', { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' }],
    ['no verdicts at all', { spf: 'NONE', dkim: 'NONE', dmarc: 'NONE' }],
    ['SPF soft-fails, DKIM missing', { spf: 'GRAY', dkim: 'NONE', dmarc: 'NONE' }],
    ['checks failed to run', { spf: 'PROCESSING_FAILED', dkim: 'PROCESSING_FAILED', dmarc: 'NONE' }],
  ];
  for (const [name, verdicts] of forged) {
    it(`${name}: nothing changes, the text is only a comment`, async () => {
      const { key, root } = await openTicket(`victim-${figures.forged}@clinic-north.example`, NORTH, `Подделка ${name}`);
      const before = (await h.stack.store.getTicket(key))!;
      const mail = await buildMail({
        from: '"Engineer One" <engineer1@support.example>',
        to: NORTH,
        subject: `Re: [${key}] Подделка`,
        text: '#status closed\n#priority blocking\n#assign petrov\n#requester attacker@evil.example\n#defer 5\nЗакрыто.',
        messageId: messageId('forged'),
        inReplyTo: root,
      });
      const outcome = await receive(mail, verdicts);
      figures.forged++;
      const after = (await h.stack.store.getTicket(key))!;
      if (JSON.stringify(stateOf(after)) !== JSON.stringify(stateOf(before))) figures.leaks++;
      expect(stateOf(after)).toEqual(stateOf(before));
      expect(outcome).toMatchObject({ kind: 'updated', ticketKey: key, events: ['ticket.commented'] });
      const events = await h.stack.store.listEvents(key);
      expect(events.filter((e) => e.type === 'ticket.status_changed' || e.type === 'ticket.priority_changed' || e.type === 'ticket.assigned' || e.type === 'ticket.deferred')).toEqual([]);
      expect(h.log.entries.some((e) => e.level === 'security' && e.fields.spf === verdicts.spf)).toBe(true);
      // the forged text never reaches the customer: only the engineers get the comment
      const mails = await h.newMail();
      expect(mails.flatMap((m) => m.to.map((a) => a.address)).filter((a) => !a.startsWith('engineer'))).toEqual([]);
    });
  }

  it('the same mail with passing verdicts does act (the control)', async () => {
    const { key, root } = await openTicket('control@clinic-north.example', NORTH, 'Контроль');
    const outcome = await receive(await buildMail({ from: 'engineer1@support.example', to: NORTH, subject: `Re: [${key}] Контроль`, text: '#status in_progress\n#assign petrov', messageId: messageId('ok'), inReplyTo: root }), { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(outcome.kind).toBe('updated');
    expect(stateOf((await h.stack.store.getTicket(key))!)).toMatchObject({ status: 'in_progress', assignee: 'petrov' });
  });
});

describe('another tenant\'s ticket', () => {
  it('a customer of one tenant cannot reach another tenant\'s ticket by subject tag, nor by thread', async () => {
    const north = await openTicket('owner@clinic-north.example', NORTH, 'Чужая заявка');
    const before = (await h.stack.store.getTicket(north.key))!;
    const attacker = 'mallory@clinic-south.example';
    // by tag, to the attacker's own tenant
    const byTag = await receive(await buildMail({ from: attacker, to: SOUTH, subject: `Re: [${north.key}] ну`, text: `#status closed\nЗакройте ${north.key}`, messageId: messageId('x') }));
    // by thread: In-Reply-To/References of the north ticket's root and of our acknowledgement to it
    const ackId = (await h.stack.store.listEvents(north.key)).find((e) => e.type === 'ticket.created')!.id.replace(/[^A-Za-z0-9._-]/g, '_');
    const byThread = await receive(
      await buildMail({ from: attacker, to: SOUTH, subject: 'Re: что-то', text: 'ответ в чужую ветку', messageId: messageId('y'), inReplyTo: north.root, references: [north.root, `<${ackId}.requester@support.example>`] }),
    );
    // by tag to the other tenant's address, from outside its allowed domains (clinic-south allows only its own)
    const byAddress = await receive(await buildMail({ from: 'mallory@evil.example', to: NORTH, subject: `Re: [${north.key}]`, text: 'дайте доступ', messageId: messageId('z') }));
    figures.crossTenant += 3;
    for (const o of [byTag, byThread]) expect(o.kind).toBe('created');
    expect(byAddress.kind).toBe('created'); // a new ticket of its own: not a participant of the tagged one
    for (const o of [byTag, byThread, byAddress]) expect((o as { ticketKey?: string }).ticketKey).not.toBe(north.key);
    const after = (await h.stack.store.getTicket(north.key))!;
    if (after.version !== before.version) figures.leaks++;
    expect(after.version).toBe(before.version);
    expect(after.cc).toEqual(before.cc);
    expect(h.log.entries.filter((e) => e.level === 'security' && /another tenant/.test(e.message)).length).toBeGreaterThanOrEqual(2);
    // and the answers tell nothing about the north ticket
    const mails = await h.newMail();
    for (const m of mails.filter((x) => x.to.some((a) => a.address.startsWith('mallory')))) {
      expect(m.text).not.toContain('Чужая заявка');
      expect(m.text).not.toContain('Секретная тема');
      expect(m.subject).not.toMatch(new RegExp(`\\b${north.key}\\b`));
      expect(m.text).not.toMatch(new RegExp(`\\b${north.key}\\b`));
    }
  });

  it('guessing tags across tenants finds nothing: no ticket reached, no title, status or link revealed', async () => {
    const norths = await Promise.all([1, 2, 3].map((i) => openTicket(`guessed${i}@clinic-north.example`, NORTH, `Закрытая тема ${i}`)));
    const versions = new Map(await Promise.all(norths.map(async (n) => [n.key, (await h.stack.store.getTicket(n.key))!.version] as const)));
    const max = Math.max(...norths.map((n) => Number(n.key.split('-')[1])));
    const guesser = 'guesser@clinic-south.example';
    const outcomes = [];
    // the real ones, the first one, and ones not issued yet
    for (const guess of [...norths.map((n) => n.key), 'MG-1', `MG-${max + 1}`, `MG-${max + 2}`]) {
      outcomes.push(await receive(await buildMail({ from: guesser, to: SOUTH, subject: `Re: [${guess}] ?`, text: `Связано с ${guess}`, messageId: messageId('g') })));
      figures.guesses++;
    }
    for (const o of outcomes) expect(['created', 'updated']).toContain(o.kind);
    // only the guesser's own new tickets were touched
    for (const o of outcomes) {
      const key = (o as { ticketKey: string }).ticketKey;
      expect((await h.stack.store.getTicket(key))!.tenant).toBe('clinic-south');
    }
    for (const n of norths) expect((await h.stack.store.getTicket(n.key))!.version).toBe(versions.get(n.key));
    // no south ticket links a north one
    for (const t of await h.stack.store.listTickets({ tenant: 'clinic-south' })) for (const l of t.linkedTo) expect((await h.stack.store.getTicket(l))!.tenant).toBe('clinic-south');
    const mails = (await h.newMail()).filter((m) => m.to.some((a) => a.address === guesser));
    expect(mails.length).toBeLessThanOrEqual(h.stack.receiveDeps.config.autoReplyLimitPerHour);
    for (const m of mails) for (let i = 1; i <= 3; i++) expect(m.text).not.toContain(`Закрытая тема ${i}`);
  });
});
