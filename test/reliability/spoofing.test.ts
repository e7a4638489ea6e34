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
        from: '"Engineer One" <engineer1@team.example>',
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
      // the comment, and the engineer's notice saying why (to the configured address)
      expect(outcome).toMatchObject({ kind: 'updated', ticketKey: key, events: ['ticket.commented', 'engineer.unauthenticated'] });
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
    const outcome = await receive(await buildMail({ from: 'engineer1@team.example', to: NORTH, subject: `Re: [${key}] Контроль`, text: '#status in_progress\n#assign petrov', messageId: messageId('ok'), inReplyTo: root }), { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
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

// Issue 12: only what a mail proves may act.
const ENGINEER = 'engineer1@team.example';
const engineerSays = async (key: string, root: string, text: string) => {
  const outcome = await receive(await buildMail({ from: ENGINEER, to: NORTH, subject: `Re: [${key}] x`, text, messageId: messageId('eng'), inReplyTo: root }), { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
  expect(outcome.kind).toBe('updated');
  await h.newMail();
};
const receiveWith = async (raw: Buffer, verdicts: Verdicts, dkimDomains?: string[]) => receiveMail(await storeInbound(h, raw, { verdicts, dkimDomains }), h.stack.receiveDeps);

describe('engineer commands need proof that the From domain itself authenticated', () => {
  const commands = '#status in_progress\n#priority blocking\n#assign petrov\n#requester attacker@evil.example\nБерём.';
  const cases: Array<{ name: string; verdicts: Verdicts; dkimDomains?: string[]; applies: boolean }> = [
    { name: 'SPF PASS alone, DKIM NONE, DMARC GRAY (the issue)', verdicts: { spf: 'PASS', dkim: 'NONE', dmarc: 'GRAY' }, applies: false },
    { name: "DKIM PASS of the attacker's domain, SPF FAIL, DMARC GRAY (the issue)", verdicts: { spf: 'FAIL', dkim: 'PASS', dmarc: 'GRAY' }, dkimDomains: ['evil.example'], applies: false },
    { name: 'DKIM PASS of a look-alike domain, SPF PASS, DMARC NONE', verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'NONE' }, dkimDomains: ['team.example.evil.example', 'eam.example'], applies: false },
    { name: 'DKIM PASS aligned with From, DMARC GRAY (control)', verdicts: { spf: 'NONE', dkim: 'PASS', dmarc: 'GRAY' }, dkimDomains: ['team.example'], applies: true },
    { name: 'DMARC PASS (control)', verdicts: { spf: 'PASS', dkim: 'NONE', dmarc: 'PASS' }, applies: true },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.applies ? 'applied' : 'not applied, the engineer is told why at the configured address'}`, async () => {
      const { key, root } = await openTicket(`proof-${figures.forged}@clinic-north.example`, NORTH, `Доказательство ${c.name}`);
      const before = (await h.stack.store.getTicket(key))!;
      // the From in capitals: the notice goes to the address in the config, not to what the mail says
      const outcome = await receiveWith(await buildMail({ from: `"Engineer One" <ENGINEER1@Team.Example>`, to: NORTH, subject: `Re: [${key}] x`, text: commands, messageId: messageId('cmd'), inReplyTo: root }), c.verdicts, c.dkimDomains);
      figures.forged++;
      const after = (await h.stack.store.getTicket(key))!;
      const mails = await h.newMail();
      if (c.applies) {
        expect(stateOf(after)).toMatchObject({ status: 'in_progress', priority: 'blocking', assignee: 'petrov', requester: 'attacker@evil.example' });
        return;
      }
      if (JSON.stringify(stateOf(after)) !== JSON.stringify(stateOf(before))) figures.leaks++;
      expect(stateOf(after)).toEqual(stateOf(before));
      expect(after.cc).toEqual(before.cc);
      expect(outcome).toMatchObject({ kind: 'updated', ticketKey: key });
      const types = (outcome as { events: string[] }).events;
      expect(types).toContain('ticket.commented');
      expect(types.filter((t) => t !== 'ticket.commented' && t !== 'engineer.unauthenticated')).toEqual([]);
      // nothing reaches the customer; the engineer gets one notice saying which verdicts and domains were seen and what to fix
      expect(mails.flatMap((m) => [...m.to, ...m.cc].map((a) => a.address)).filter((a) => !a.startsWith('engineer'))).toEqual([]);
      const notices = mails.filter((m) => m.headers['x-maildesk-event'] === 'engineer.unauthenticated');
      expect(notices).toHaveLength(1);
      expect(notices[0]!.to.map((a) => a.address)).toEqual([ENGINEER]);
      const text = notices[0]!.text;
      expect(text).toContain(`SPF ${c.verdicts.spf}`);
      expect(text).toContain(`DKIM ${c.verdicts.dkim}`);
      expect(text).toContain(`DMARC ${c.verdicts.dmarc}`);
      for (const d of c.dkimDomains ?? []) expect(text).toContain(d);
      expect(text).toContain('_dmarc.team.example');
      expect(text).not.toContain('Берём'); // the mail text is not echoed
      const security = h.log.entries.filter((e) => e.level === 'security' && e.fields.inboundId && e.fields.dmarc === c.verdicts.dmarc && e.fields.fromDomain === 'team.example');
      expect(security.length).toBeGreaterThan(0);
    });
  }
});

describe('customer mail that fails authentication changes nothing but a comment', () => {
  const ALL_FAIL: Verdicts = { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' };

  it("a forged requester's 'Проверено, ошибок нет' does not move awaiting_test (the issue), nor restart the wait", async () => {
    const requester = 'tester@clinic-north.example';
    const { key, root } = await openTicket(requester, NORTH, 'Проверка подделки вердикта');
    await engineerSays(key, root, '#status in_progress');
    await engineerSays(key, root, '#status awaiting_test\nГотово к проверке.');
    const before = (await h.stack.store.getTicket(key))!;
    expect(before.status).toBe('awaiting_test');
    for (const text of ['Проверено, ошибок нет', 'Ещё не проверили, посмотрим завтра']) {
      const outcome = await receiveWith(await buildMail({ from: requester, to: NORTH, cc: 'colleague@clinic-north.example', subject: `Re: [${key}] x`, text, messageId: messageId('forged-verdict'), inReplyTo: root }), ALL_FAIL);
      expect(outcome).toMatchObject({ kind: 'updated', ticketKey: key, events: ['ticket.commented'] });
    }
    const after = (await h.stack.store.getTicket(key))!;
    if (after.status !== 'awaiting_test') figures.leaks++;
    expect(stateOf(after)).toEqual(stateOf(before));
    expect({ waitingSince: after.waitingSince, reminded: after.reminded, cc: after.cc }).toEqual({ waitingSince: before.waitingSince, reminded: before.reminded, cc: before.cc });
    const comments = (await h.stack.store.listEvents(key)).filter((e) => e.type === 'ticket.commented');
    expect(comments.map((e) => e.data?.unauthenticated)).toEqual([true, true]);
    // the engineers' copy carries a warning; the customer is not answered
    const mails = await h.newMail();
    expect(mails.flatMap((m) => m.to.map((a) => a.address)).every((a) => a.startsWith('engineer'))).toBe(true);
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails) expect(m.text).toMatch(/не подтвержд/i);
    // the control: the same verdict, authenticated, moves it
    await receive(await buildMail({ from: requester, to: NORTH, subject: `Re: [${key}] x`, text: 'Проверено, ошибок нет', messageId: messageId('real-verdict'), inReplyTo: root }), { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect((await h.stack.store.getTicket(key))!.status).toBe('deploying');
    await h.newMail();
  });

  for (const [who, from] of [
    ['a forged engineer From (the issue)', ENGINEER],
    ['a forged requester From', 'asker@clinic-north.example'],
  ] as const) {
    it(`${who} with every verdict FAIL does not move an info_requested ticket`, async () => {
      const { key, root } = await openTicket('asker@clinic-north.example', NORTH, `Запрос сведений ${who}`);
      await engineerSays(key, root, '#status info_requested\nУточните номер карты.');
      const before = (await h.stack.store.getTicket(key))!;
      expect(before.status).toBe('info_requested');
      const outcome = await receiveWith(await buildMail({ from, to: NORTH, subject: `Re: [${key}] x`, text: '#status in_progress\nНомер карты 123.', messageId: messageId('forged-answer'), inReplyTo: root }), ALL_FAIL);
      expect(outcome).toMatchObject({ kind: 'updated', ticketKey: key });
      const after = (await h.stack.store.getTicket(key))!;
      if (after.status !== 'info_requested') figures.leaks++;
      expect(stateOf(after)).toEqual(stateOf(before));
      // still waiting since the question: the auto-close stays where it was (a paused clock's projected due date moves with time)
      expect({ waitingSince: after.waitingSince, autoCloseAt: after.deadlines.autoCloseAt, cc: after.cc }).toEqual({ waitingSince: before.waitingSince, autoCloseAt: before.deadlines.autoCloseAt, cc: before.cc });
      expect((await h.stack.store.listEvents(key)).filter((e) => e.type === 'ticket.status_changed' && e.at > before.updatedAt)).toEqual([]);
      await h.newMail();
    });
  }

  it('a new ticket from a failing mail gets no Cc participants and answers only the address it claims', async () => {
    const outcome = await receiveWith(await buildMail({ from: 'claimed@clinic-north.example', to: NORTH, cc: ['victim1@other.example', 'victim2@other.example'], subject: 'Подделка с копией', text: 'Текст', messageId: messageId('forged-new') }), ALL_FAIL);
    expect(outcome.kind).toBe('created');
    const key = (outcome as { ticketKey: string }).ticketKey;
    const ticket = (await h.stack.store.getTicket(key))!;
    expect(ticket.cc).toEqual([]);
    expect((await h.stack.store.listEvents(key)).find((e) => e.type === 'ticket.created')!.data?.unauthenticated).toBe(true);
    const mails = await h.newMail();
    const customers = mails.flatMap((m) => [...m.to, ...m.cc].map((a) => a.address)).filter((a) => !a.startsWith('engineer'));
    expect(customers).toEqual(['claimed@clinic-north.example']);
    expect(mails.find((m) => m.to.some((a) => a.address.startsWith('engineer')))!.text).toMatch(/не подтвержд/i);
  });
});

describe('no joining a ticket by citation', () => {
  it('an outsider citing the real Message-IDs (References, In-Reply-To) with every verdict FAIL neither comments nor joins (the issue)', async () => {
    const { key, root } = await openTicket('owner2@clinic-north.example', NORTH, 'Карта пациента');
    const before = (await h.stack.store.getTicket(key))!;
    const ours = (await h.stack.store.listEvents(key)).map((e) => e.id);
    // every id the desk might have used, real ones included (as if leaked)
    const cited = [root, ...(await h.outbox()).filter((m) => m.headers['x-maildesk-ticket'] === key).map((m) => m.messageId!).filter(Boolean)];
    expect(cited.length).toBeGreaterThan(1);
    const outcomes = [];
    for (const [i, verdicts] of ([{ spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' }, { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }] as Verdicts[]).entries()) {
      outcomes.push(await receiveWith(await buildMail({ from: `outsider${i}@evil.example`, to: NORTH, subject: `Re: [${key}] Карта пациента`, text: 'Пришлите номер карты', messageId: messageId('hijack'), inReplyTo: cited.at(-1), references: cited }), verdicts));
      figures.crossTenant++;
    }
    for (const o of outcomes) {
      expect(o.kind).toBe('created');
      expect((o as { ticketKey: string }).ticketKey).not.toBe(key);
    }
    const after = (await h.stack.store.getTicket(key))!;
    if (after.version !== before.version || after.cc.length) figures.leaks++;
    expect(after.version).toBe(before.version);
    expect(after.cc).toEqual([]);
    expect((await h.stack.store.listEvents(key)).map((e) => e.id)).toEqual(ours);
    const mails = await h.newMail();
    for (const m of mails.filter((x) => x.to.some((a) => a.address.startsWith('outsider')))) expect(m.text).not.toContain('Секретная тема');
  });

  it('an outsider citing a ticket of a tenant with allowedSenderDomains gets the refusal, not the thread', async () => {
    const { key, root } = await openTicket('staff@clinic-south.example', SOUTH, 'Южная заявка');
    const before = (await h.stack.store.getTicket(key))!;
    const outcome = await receiveWith(await buildMail({ from: 'outsider@evil.example', to: SOUTH, subject: `Re: [${key}] x`, text: 'ответ', messageId: messageId('hijack-south'), inReplyTo: root, references: [root] }), { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' });
    expect(outcome).toEqual({ kind: 'refused', reason: 'sender-domain' });
    expect((await h.stack.store.getTicket(key))!.version).toBe(before.version);
    await h.newMail();
  });

  it("a colleague from the requester's domain joins (and is kept informed) only when authenticated", async () => {
    const { key, root } = await openTicket('head@clinic-north.example', NORTH, 'Коллега');
    const unproven = await receiveWith(await buildMail({ from: 'nurse@clinic-north.example', to: NORTH, subject: 'Re: Коллега', text: 'У нас тоже', messageId: messageId('colleague-gray'), inReplyTo: root }), { spf: 'PASS', dkim: 'NONE', dmarc: 'GRAY' });
    expect(unproven.kind).toBe('created');
    expect((await h.stack.store.getTicket(key))!.cc).toEqual([]);
    const proven = await receiveWith(await buildMail({ from: 'nurse@clinic-north.example', to: NORTH, subject: 'Re: Коллега', text: 'У нас тоже', messageId: messageId('colleague-pass'), inReplyTo: root }), { spf: 'NONE', dkim: 'PASS', dmarc: 'GRAY' }, ['clinic-north.example']);
    expect(proven).toMatchObject({ kind: 'updated', ticketKey: key });
    expect((await h.stack.store.getTicket(key))!.cc).toEqual(['nurse@clinic-north.example']);
    // once a participant, the colleague's later replies join whatever their verdicts
    const later = await receiveWith(await buildMail({ from: 'nurse@clinic-north.example', to: NORTH, subject: `Re: [${key}] Коллега`, text: 'ещё', messageId: messageId('colleague-later') }), { spf: 'GRAY', dkim: 'NONE', dmarc: 'GRAY' });
    expect(later).toMatchObject({ kind: 'updated', ticketKey: key });
    await h.newMail();
  });
});
