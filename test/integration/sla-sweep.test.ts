/**
 * The SLA schedules against the real local stack (DynamoDB Local, SMTP in, stream -> notify ->
 * outbox, events.jsonl as the bus): tickets are opened and answered by mail with the stack's clock
 * set by hand, the sweep runs at chosen instants, and every mail it causes is read back from the
 * outbox, exactly once, even when the sweep runs twice or two sweeps run at once.
 *
 * Weeks of Mon 2026-03-16 and Mon 2026-03-23 (no holidays), support hours 10:00-18:00 Moscow (UTC+3).
 * Each block has its own stack (own table and outbox), so a sweep in one cannot touch another's tickets.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../shared/mail/inbound/types';
import type { TicketStore } from '../../shared/use-cases/ports';
import { sweepDeadlines, type SweepResult } from '../../shared/use-cases/sweep-deadlines';
import { startHarness, type Harness } from '../support/harness';

type Mail = ParsedMail & { file: string };

const DESK = 'clinic-north@support.example';
const ANNA = 'anna@clinic-north.example';
const BORIS = 'boris@clinic-north.example';
const IVANOV = 'engineer1@team.example';
const PETROV = 'engineer2@team.example';

/** Moscow wall time -> a Date. */
const msk = (moscow: string) => new Date(`${moscow}+03:00`);
const utc = (moscow: string) => msk(moscow).toISOString();

/** A local stack whose clock is moved by hand, started before the block's tests and stopped after. */
function stackWithClock(start: string, options: { sweepEverySeconds?: number } = {}) {
  const s = {
    h: undefined as unknown as Harness,
    clock: msk(start).getTime(),
    setClock(moscow: string) {
      s.clock = msk(moscow).getTime();
    },
    /** one sweep at a Moscow wall time */
    sweep: (moscow: string): Promise<SweepResult> => sweepDeadlines(msk(moscow), s.h.stack.sweepDeps),
    /**
     * Two sweeps at the same instant, in lockstep: each reads the ticket before either writes, so
     * both decide to act on the same version (the worst interleaving, not a lucky one).
     */
    sweepTwiceAtOnce: (moscow: string) => {
      const deps = { ...s.h.stack.sweepDeps, tickets: lockstep(s.h.stack.store) };
      return Promise.all([sweepDeadlines(msk(moscow), deps), sweepDeadlines(msk(moscow), deps)]);
    },
    /** bus events as the local EventBridge stand-in recorded them */
    async busEvents(): Promise<Array<{ 'detail-type': string; detail: Record<string, unknown> }>> {
      const text = await readFile(join(s.h.stack.dataDir, 'events.jsonl'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { 'detail-type': string; detail: Record<string, unknown> });
    },
    async busTypes(ticketKey: string): Promise<string[]> {
      return (await s.busEvents()).filter((e) => e.detail.ticketKey === ticketKey).map((e) => e['detail-type']);
    },
    async ticket(key: string) {
      const t = await s.h.stack.store.getTicket(key);
      expect(t, key).not.toBeNull();
      return t!;
    },
  };
  beforeAll(async () => {
    s.h = await startHarness({ now: () => new Date(s.clock), ...options });
  });
  afterAll(async () => s.h?.close());
  return s;
}

/** A store whose getTicket waits for a second caller (at most 2 s), so two sweeps read before either writes. */
function lockstep(store: TicketStore): TicketStore {
  let release: (() => void) | null = null;
  const getTicket = async (key: string) => {
    const ticket = await store.getTicket(key);
    if (release) {
      release();
      release = null;
    } else {
      await new Promise<void>((done) => {
        release = done;
        setTimeout(done, 2000);
      });
    }
    return ticket;
  };
  return new Proxy(store, {
    get: (target, prop, receiver) => (prop === 'getTicket' ? getTicket : (Reflect.get(target, prop, receiver) as unknown)),
  });
}

const addresses = (list: ParsedMail['to']) => list.map((a) => a.address).sort();
const to = (mails: Mail[], address: string) => mails.filter((m) => m.to.some((a) => a.address === address));
const actedKinds = (results: SweepResult[]) => results.flatMap((r) => r.acted.map((a) => `${a.ticketKey}:${a.kind}`)).sort();

/** The one mail of `mails` to `address`; fails when there are none or several. */
function only(mails: Mail[], address: string): Mail {
  const found = to(mails, address);
  expect(found, `mails to ${address}: ${found.map((m) => m.subject).join(' | ')}`).toHaveLength(1);
  return found[0]!;
}

function engineerMail(m: Mail) {
  expect(addresses(m.to)).toEqual([IVANOV, PETROV]);
  expect(m.from?.address).toBe(DESK);
  expect(m.replyTo.map((a) => a.address)).toEqual([DESK]);
  expect(m.headers['auto-submitted']).toBe('auto-generated');
}

describe('an error ticket left open: 72 h check, warning at 80 %, breach, each once', () => {
  const s = stackWithClock('2026-03-16T12:00:00');

  it('the acknowledgement shows the deadlines in Moscow time', async () => {
    await s.h.send({ from: ANNA, to: DESK, subject: 'Не сохраняется протокол осмотра - Терапия', text: 'Протокол не сохраняется.\nПриоритет: Ошибка работы', messageId: '<err-1@clinic-north.example>' });
    const mails = await s.h.newMail();
    expect(mails).toHaveLength(2);
    const ack = only(mails, ANNA);
    // created Mon 12:00 MSK (09:00 UTC): target 3 wd -> Thu 12:00, deadline 5 wd -> next Mon 12:00, both MSK
    expect(ack.text).toContain('Крайний срок решения: 23.03.2026 12:00 (Europe/Moscow)');
    expect(ack.text).toContain('Плановый срок: 19.03.2026 12:00 (Europe/Moscow)');
    expect(ack.text).not.toContain('09:00');

    const t = await s.ticket('MG-1');
    expect(t.deadlines).toEqual({ respondBy: utc('2026-03-19T12:00:00'), targetAt: utc('2026-03-19T12:00:00'), dueAt: utc('2026-03-23T12:00:00'), autoCloseAt: null });
    expect(t.nextDue).toEqual({ kind: 'respond', at: utc('2026-03-19T12:00:00') });
  });

  it('nothing is due a minute before the 72 h', async () => {
    const r = await s.sweep('2026-03-19T11:59:00');
    expect(r).toEqual({ due: 0, acted: [], raced: 0, failed: 0 });
    expect(await s.h.newMail()).toHaveLength(0);
  });

  it('72 h without being taken into work: the engineers are told once, though two sweeps ran at once and a third after', async () => {
    const both = await s.sweepTwiceAtOnce('2026-03-19T12:00:00');
    const third = await s.sweep('2026-03-19T12:00:30');
    expect(actedKinds([...both, third])).toEqual(['MG-1:respond']);
    // both read version 1 and tried to write; the version check let one through
    expect(both.map((r) => r.due)).toEqual([1, 1]);
    expect(both.map((r) => r.raced).sort()).toEqual([0, 1]);
    expect(third.due).toBe(0); // the ticket left the due index until its next action

    const mails = await s.h.newMail();
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    engineerMail(m);
    expect(m.subject).toBe('[MG-1] Заявка не взята в работу за 72 часа: Не сохраняется протокол осмотра');
    expect(m.text).toContain('Срок взятия в работу истёк 19.03.2026 12:00 (Europe/Moscow).');
    expect(m.text).toContain('Клиент: Северная клиника (clinic-north)');
    expect(m.text).toContain('Приоритет: Ошибка работы (error)');
    expect(m.references[0]).toBe('err-1@clinic-north.example'); // in the ticket's thread

    const t = await s.ticket('MG-1');
    expect(t).toMatchObject({ status: 'open', respondOverdue: true, warned: false, breached: false });
    // the respond check is done: the warning is next (4 wd of 5 -> Fri 12:00)
    expect(t.nextDue).toEqual({ kind: 'warn', at: utc('2026-03-20T12:00:00') });
  });

  it('80 % of the deadline: one warning with the business time left, though swept twice at once', async () => {
    expect(actedKinds(await s.sweepTwiceAtOnce('2026-03-20T12:00:00'))).toEqual(['MG-1:warn']);
    expect(actedKinds([await s.sweep('2026-03-20T17:00:00')])).toEqual([]);
    const mails = await s.h.newMail();
    expect(mails).toHaveLength(1);
    engineerMail(mails[0]!);
    expect(mails[0]!.subject).toBe('[MG-1] Срок скоро истечёт: Не сохраняется протокол осмотра');
    // Fri 12:00 -> Mon 12:00 is 72 wall hours but one working day: 8 business hours
    expect(mails[0]!.text).toContain('До крайнего срока: 8 часов рабочего времени.');
    expect(mails[0]!.text).toContain('Крайний срок решения: 23.03.2026 12:00 (Europe/Moscow)');
    expect((await s.ticket('MG-1')).nextDue).toEqual({ kind: 'breach', at: utc('2026-03-23T12:00:00') });
  });

  it('the deadline passes: one breach mail, the ticket marked breached for reports, nothing scheduled after', async () => {
    const first = await s.sweep('2026-03-23T12:30:00');
    const again = await s.sweepTwiceAtOnce('2026-03-23T12:31:00');
    expect(actedKinds([first, ...again])).toEqual(['MG-1:breach']);
    const mails = await s.h.newMail();
    expect(mails).toHaveLength(1);
    engineerMail(mails[0]!);
    expect(mails[0]!.subject).toBe('[MG-1] Срок нарушен: Не сохраняется протокол осмотра');
    expect(mails[0]!.text).toContain('Крайний срок пропущен на 30 минут рабочего времени.');

    const t = await s.ticket('MG-1');
    expect(t).toMatchObject({ breached: true, warned: true, respondOverdue: true, status: 'open', nextDue: null });
    expect(await s.sweep('2026-04-30T12:00:00')).toMatchObject({ due: 0, acted: [] });
    expect(await s.h.newMail()).toHaveLength(0);

    // each went on the bus once
    const types = await s.busTypes('MG-1');
    expect(types.filter((t) => t.startsWith('sla.'))).toEqual(['sla.respond_overdue', 'sla.warning', 'sla.breached']);
    // one event item per action in the outbox table
    const events = (await s.h.stack.store.listEvents('MG-1')).map((e) => e.type).filter((t) => t.startsWith('sla.'));
    expect(events.sort()).toEqual(['sla.breached', 'sla.respond_overdue', 'sla.warning']);
  });

  it('a status mail after the breach still shows the current deadline in Moscow time', async () => {
    s.setClock('2026-03-23T13:00:00');
    await s.h.send({ from: IVANOV, to: DESK, subject: '[MG-1] Re: Не сохраняется протокол осмотра', text: '#status in_progress\nБерём в работу.' });
    const mails = await s.h.newMail();
    const m = only(mails, ANNA);
    expect(m.text).toContain('Статус заявки MG-1: В работе.');
    expect(m.text).toContain('Крайний срок решения: 23.03.2026 12:00 (Europe/Moscow)');
    // breached stays: nothing more to schedule
    expect(await s.ticket('MG-1')).toMatchObject({ status: 'in_progress', breached: true, nextDue: null });
  });
});

describe('a blocking ticket', () => {
  const s = stackWithClock('2026-03-16T12:00:00');

  it('escalates at once: the engineers get the URGENT copy and the escalation, on the bus as sla.escalated', async () => {
    await s.h.send({ from: ANNA, to: DESK, subject: '[Блокировка] Не работает регистратура', text: 'Никто не может записать пациента.', messageId: '<blk-1@clinic-north.example>' });
    const mails = await s.h.newMail();
    expect(mails).toHaveLength(3);
    const ack = only(mails, ANNA);
    expect(ack.text).toContain('Приоритет: Блокировка');
    // 5 calendar hours: 17:00 Moscow (14:00 UTC)
    expect(ack.text).toContain('Крайний срок решения: 16.03.2026 17:00 (Europe/Moscow)');

    const toEngineers = to(mails, IVANOV);
    expect(toEngineers.map((m) => m.subject).sort()).toEqual(['[MG-1] СРОЧНО, новая заявка: Не работает регистратура', '[MG-1] СРОЧНО: блокирующая заявка: Не работает регистратура']);
    toEngineers.forEach(engineerMail);
    expect((await s.busTypes('MG-1')).sort()).toEqual(['sla.escalated', 'ticket.created']);
    // the warning at 80 % of 5 h comes first
    expect((await s.ticket('MG-1')).nextDue).toEqual({ kind: 'warn', at: utc('2026-03-16T16:00:00') });
  });

  it('a sweep that runs late, past the warning and the deadline, sends the breach only', async () => {
    expect(actedKinds(await s.sweepTwiceAtOnce('2026-03-16T18:20:00'))).toEqual(['MG-1:breach']);
    const mails = await s.h.newMail();
    expect(mails.map((m) => m.subject)).toEqual(['[MG-1] Срок нарушен: Не работает регистратура']);
    // calendar clock: wall hours
    expect(mails[0]!.text).toContain('Крайний срок пропущен на 1 час 20 минут.');
    // respond by is the 5 h deadline itself: no second alarm for it 72 h later
    expect(await s.ticket('MG-1')).toMatchObject({ breached: true, warned: true, respondOverdue: false, nextDue: null });
    expect((await s.ticket('MG-1')).deadlines.respondBy).toBe(utc('2026-03-16T17:00:00'));
    expect((await s.busTypes('MG-1')).filter((t) => t === 'sla.warning')).toEqual([]);
  });
});

describe('awaiting test without an answer: reminder 3 wd before, auto-close after 10 wd', () => {
  const s = stackWithClock('2026-03-16T10:00:00');

  it('an engineer sends the fix for testing: the clock stops, the wait starts', async () => {
    await s.h.send({ from: ANNA, to: DESK, subject: 'Не печатается направление', text: 'Пустой лист при печати.', messageId: '<wait-1@clinic-north.example>' });
    await s.h.newMail();
    s.setClock('2026-03-16T11:00:00');
    await s.h.send({ from: IVANOV, to: DESK, subject: '[MG-1] Re: Не печатается направление', text: '#status in_progress' });
    s.setClock('2026-03-16T15:00:00');
    await s.h.send({ from: IVANOV, to: DESK, subject: '[MG-1] Re: Не печатается направление', text: '#status awaiting_test\nИсправили, проверьте, пожалуйста.' });
    const mails = await s.h.newMail();
    const ready = to(mails, ANNA).at(-1)!;
    expect(ready.text).toContain('Статус заявки MG-1: Ожидание тестирования клиентом.');
    const t = await s.ticket('MG-1');
    expect(t).toMatchObject({ status: 'awaiting_test', waitingSince: utc('2026-03-16T15:00:00'), reminded: false });
    expect(t.deadlines.autoCloseAt).toBe(utc('2026-03-30T15:00:00'));
    expect(t.nextDue).toEqual({ kind: 'remind', at: utc('2026-03-25T15:00:00') });
  });

  it('while waiting no warning or breach fires, even past the paused deadline', async () => {
    expect(await s.sweep('2026-03-25T14:59:00')).toMatchObject({ due: 0, acted: [] });
    expect(await s.h.newMail()).toHaveLength(0);
  });

  it('7 wd into the wait: the requester is reminded once, with the closing date in Moscow time', async () => {
    const results = [...(await s.sweepTwiceAtOnce('2026-03-25T15:00:00')), await s.sweep('2026-03-25T15:01:00')];
    expect(actedKinds(results)).toEqual(['MG-1:remind']);
    const mails = await s.h.newMail();
    expect(mails).toHaveLength(1);
    const m = only(mails, ANNA);
    // the customer's subject stays the acknowledgement's (one thread in their mail client)
    expect(m.subject).toBe('[MG-1] Не печатается направление');
    expect(m.headers['x-maildesk-event']).toBe('sla.reminder');
    expect(m.text).toContain('По заявке MG-1 мы ждём вашего ответа (статус: Ожидание тестирования клиентом)');
    expect(m.text).toContain('закроется автоматически 30.03.2026 15:00 (Europe/Moscow)');
    expect(m.headers['auto-submitted']).toBe('auto-generated');
    expect(m.references[0]).toBe('wait-1@clinic-north.example');
    expect(await s.ticket('MG-1')).toMatchObject({ reminded: true, nextDue: { kind: 'auto_close', at: utc('2026-03-30T15:00:00') } });
  });

  it('an out-of-office answer to the reminder is ignored: the wait goes on', async () => {
    const before = await s.ticket('MG-1');
    const [reminder] = to(await s.h.outbox(), ANNA).slice(-1);
    s.setClock('2026-03-26T09:00:00');
    await s.h.send({
      from: ANNA,
      to: DESK,
      subject: `Автоответ: ${reminder!.subject}`,
      text: 'Я в отпуске до 6 апреля.',
      inReplyTo: `<${reminder!.messageId}>`,
      references: `<${reminder!.messageId}>`,
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(await s.h.newMail()).toHaveLength(0);
    expect(s.h.stack.outcomes.at(-1)).toEqual({ kind: 'ignored', reason: 'auto-generated:auto-submitted:auto-replied' });
    const after = await s.ticket('MG-1');
    expect(after).toEqual(before);
  });

  it('10 wd without an answer: closed_no_response, requester and engineers told once, ticket.auto_closed on the bus once', async () => {
    expect(await s.sweep('2026-03-30T14:59:00')).toMatchObject({ acted: [] });
    const results = [...(await s.sweepTwiceAtOnce('2026-03-30T15:00:00')), await s.sweep('2026-03-30T15:05:00'), await s.sweep('2026-04-20T10:00:00')];
    expect(actedKinds(results)).toEqual(['MG-1:auto_close']);

    const mails = await s.h.newMail();
    expect(mails).toHaveLength(2);
    const customer = only(mails, ANNA);
    expect(customer.subject).toBe('[MG-1] Не печатается направление');
    expect(customer.headers['x-maildesk-event']).toBe('ticket.auto_closed');
    expect(customer.text).toContain('Заявка MG-1 закрыта: мы не получили от вас ответа.');
    const engineers = only(mails, IVANOV);
    engineerMail(engineers);
    expect(engineers.subject).toBe('[MG-1] Закрыта автоматически: Не печатается направление');
    expect(engineers.text).toContain('Статус: Закрыто из-за отсутствия ответа (closed_no_response)');

    const t = await s.ticket('MG-1');
    expect(t).toMatchObject({ status: 'closed_no_response', closedAt: utc('2026-03-30T15:00:00'), nextDue: null, waitingSince: null });
    expect(t.pauses.at(-1)).toEqual({ from: utc('2026-03-16T15:00:00'), to: utc('2026-03-30T15:00:00') });

    const closed = (await s.busEvents()).filter((e) => e['detail-type'] === 'ticket.auto_closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.detail).toMatchObject({ ticketKey: 'MG-1', tenant: 'clinic-north', from: 'awaiting_test', to: 'closed_no_response', status: 'closed_no_response' });
    const statusEvents = (await s.h.stack.store.listEvents('MG-1')).filter((e) => e.type === 'ticket.auto_closed');
    expect(statusEvents).toHaveLength(1);
  });
});

describe('a sweep far past several deadlines acts on the latest state only', () => {
  const s = stackWithClock('2026-03-16T10:00:00');

  it('a waiting ticket is closed without a stale reminder first', async () => {
    await s.h.send({ from: ANNA, to: DESK, subject: 'Вопрос по отчёту', text: 'Не формируется отчёт.', messageId: '<late-1@clinic-north.example>' });
    s.setClock('2026-03-16T15:00:00');
    await s.h.send({ from: IVANOV, to: DESK, subject: '[MG-1] Re: Вопрос по отчёту', text: '#status info_requested\nЗа какой период строите отчёт?' });
    await s.h.newMail();

    // reminder due 25.03, auto-close due 30.03: a sweep on 20.04 does the latter only
    const dry = await sweepDeadlines(msk('2026-04-20T10:00:00'), s.h.stack.sweepDeps, { dryRun: true });
    expect(actedKinds([dry])).toEqual(['MG-1:auto_close']);
    expect(actedKinds([await s.sweep('2026-04-20T10:00:00')])).toEqual(['MG-1:auto_close']);
    const mails = await s.h.newMail();
    expect(mails.map((m) => m.headers['x-maildesk-event'])).toEqual(['ticket.auto_closed', 'ticket.auto_closed']);
    expect(addresses(only(mails, ANNA).to)).toEqual([ANNA]);
    expect(only(mails, IVANOV).subject).toBe('[MG-1] Закрыта автоматически: Вопрос по отчёту');
    expect((await s.busTypes('MG-1')).filter((t) => t.startsWith('sla.'))).toEqual([]);
    // the reminder was overtaken, never sent: the ticket says so
    expect(await s.ticket('MG-1')).toMatchObject({ status: 'closed_no_response', reminded: false });
  });

  it('an open ticket gets the breach (and the missed 72 h, a separate fact), not a stale warning', async () => {
    s.setClock('2026-03-16T12:00:00');
    await s.h.send({ from: BORIS, to: DESK, subject: 'Ошибка в расписании', text: 'Расписание пустое.', messageId: '<late-2@clinic-north.example>' });
    await s.h.newMail();
    expect(actedKinds([await s.sweep('2026-04-20T10:00:00')])).toEqual(['MG-2:breach', 'MG-2:respond']);
    const mails = await s.h.newMail();
    expect(mails.map((m) => m.subject).sort()).toEqual(['[MG-2] Заявка не взята в работу за 72 часа: Ошибка в расписании', '[MG-2] Срок нарушен: Ошибка в расписании']);
    expect(await s.ticket('MG-2')).toMatchObject({ breached: true, warned: true, respondOverdue: true, nextDue: null });
    expect((await s.busTypes('MG-2')).filter((t) => t.startsWith('sla.')).sort()).toEqual(['sla.breached', 'sla.respond_overdue']);
  });

  it('a blocking ticket never taken into work, swept days later: one alarm, the breach (its respond by is its deadline)', async () => {
    s.setClock('2026-03-16T12:00:00');
    await s.h.send({ from: BORIS, to: DESK, subject: '[Блокировка] Не печатаются направления', text: 'Принтер молчит.', messageId: '<late-3@clinic-north.example>' });
    await s.h.newMail();
    expect((await s.ticket('MG-3')).deadlines).toMatchObject({ respondBy: utc('2026-03-16T17:00:00'), dueAt: utc('2026-03-16T17:00:00') });
    expect(actedKinds([await s.sweep('2026-03-23T10:00:00')])).toEqual(['MG-3:breach']);
    expect((await s.h.newMail()).map((m) => m.subject)).toEqual(['[MG-3] Срок нарушен: Не печатаются направления']);
    expect(actedKinds([await s.sweep('2026-04-20T10:00:00')])).toEqual([]);
    expect(await s.ticket('MG-3')).toMatchObject({ breached: true, respondOverdue: false, nextDue: null });
    expect((await s.busTypes('MG-3')).filter((t) => t.startsWith('sla.')).sort()).toEqual(['sla.breached', 'sla.escalated']);
  });
});

describe('only a human answer restarts the wait', () => {
  const s = stackWithClock('2026-03-16T10:00:00');

  it('info requested; an out-of-office answer changes nothing, the reminder still comes', async () => {
    await s.h.send({ from: ANNA, to: DESK, subject: 'Не открывается карта', text: 'Карта не открывается.', messageId: '<human-1@clinic-north.example>' });
    const [ack] = to(await s.h.newMail(), ANNA);
    s.setClock('2026-03-16T15:00:00');
    await s.h.send({ from: IVANOV, to: DESK, subject: '[MG-1] Re: Не открывается карта', text: '#status info_requested\nКакой номер карты?' });
    await s.h.newMail();
    const waiting = await s.ticket('MG-1');

    s.setClock('2026-03-17T09:00:00');
    // an Outlook-style out-of-office reply to the acknowledgement
    await s.h.send({
      from: ANNA,
      to: DESK,
      subject: `Автоответ: ${ack!.subject}`,
      text: 'Меня нет на месте.',
      inReplyTo: `<${ack!.messageId}>`,
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    });
    expect(await s.h.newMail()).toHaveLength(0);
    expect(s.h.stack.outcomes.at(-1)?.kind).toBe('ignored');
    expect(await s.ticket('MG-1')).toEqual(waiting);

    expect(actedKinds([await s.sweep('2026-03-25T15:00:00')])).toEqual(['MG-1:remind']);
    const reminder = await s.h.newMail();
    expect(reminder.map((m) => [m.headers['x-maildesk-event'], addresses(m.to)])).toEqual([['sla.reminder', [ANNA]]]);
  });

  it('a human answer ends the wait: the ticket goes back, the deadline moves by the pause, the old auto-close never fires', async () => {
    s.setClock('2026-03-26T10:00:00');
    await s.h.send({ from: ANNA, to: DESK, subject: 'Re: [MG-1] Не открывается карта', text: 'Номер карты 123456.' });
    const mails = await s.h.newMail();
    const t = await s.ticket('MG-1');
    expect(t).toMatchObject({ status: 'open', waitingSince: null });
    expect(t.pauses).toEqual([{ from: utc('2026-03-16T15:00:00'), to: utc('2026-03-26T10:00:00') }]);
    // 5 business hours before the pause, 35 after it: Wed 01.04 13:00; the warning at 32 h: Tue 31.03 13:00
    expect(t.deadlines.dueAt).toBe(utc('2026-04-01T13:00:00'));
    expect(t.nextDue).toEqual({ kind: 'warn', at: utc('2026-03-31T13:00:00') });
    // the status mail to the customer shows the moved deadline in Moscow time
    const status = only(mails, ANNA);
    expect(status.text).toContain('Крайний срок решения: 01.04.2026 13:00 (Europe/Moscow)');

    expect(await s.sweep('2026-03-30T15:00:00')).toMatchObject({ due: 0, acted: [] });
    expect(await s.h.newMail()).toHaveLength(0);
    expect((await s.ticket('MG-1')).status).toBe('open');
  });

  it('awaiting test: a customer comment without a verdict restarts the 10 wd', async () => {
    s.setClock('2026-03-26T11:00:00');
    await s.h.send({ from: IVANOV, to: DESK, subject: '[MG-1] Re: Не открывается карта', text: '#status awaiting_test\nПроверьте, пожалуйста.' });
    await s.h.newMail();
    expect((await s.ticket('MG-1')).deadlines.autoCloseAt).toBe(utc('2026-04-09T11:00:00'));

    s.setClock('2026-04-06T10:00:00');
    await s.h.send({ from: ANNA, to: DESK, subject: 'Re: [MG-1] Не открывается карта', text: 'Пока не успели проверить, посмотрим в среду.' });
    const mails = await s.h.newMail();
    expect(mails.map((m) => m.subject)).toEqual(['[MG-1] Ответ клиента: Не открывается карта']);
    const t = await s.ticket('MG-1');
    expect(t).toMatchObject({ status: 'awaiting_test', waitingSince: utc('2026-04-06T10:00:00'), reminded: false });
    // 10 wd from Mon 10:00 end at Friday's closing a week later
    expect(t.deadlines.autoCloseAt).toBe(utc('2026-04-17T18:00:00'));
    expect(t.nextDue).toEqual({ kind: 'remind', at: utc('2026-04-14T18:00:00') });
    // the old closing time passes without a close
    expect(await s.sweep('2026-04-09T11:00:00')).toMatchObject({ acted: [] });
    expect(await s.h.newMail()).toHaveLength(0);
  });
});

describe('the local stack sweeps on its timer (npm start)', () => {
  const s = stackWithClock('2026-03-16T12:00:00', { sweepEverySeconds: 1 });

  it('moving the clock past a deadline is enough: the timer sweep sends the breach, once', async () => {
    await s.h.send({ from: ANNA, to: DESK, subject: '[Блокировка] Не работает касса', text: 'Касса не принимает оплату.' });
    expect(await s.h.newMail()).toHaveLength(3);
    s.setClock('2026-03-16T17:10:00');
    let mails: Mail[] = [];
    for (let i = 0; i < 40 && mails.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      mails = await s.h.newMail();
    }
    expect(mails.map((m) => m.subject)).toEqual(['[MG-1] Срок нарушен: Не работает касса']);
    // more ticks of the timer send nothing more
    await new Promise((r) => setTimeout(r, 2500));
    expect(await s.h.newMail()).toHaveLength(0);
    expect(await s.ticket('MG-1')).toMatchObject({ breached: true });
  });
});
