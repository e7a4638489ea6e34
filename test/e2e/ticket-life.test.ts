/**
 * One ticket's whole life, by mail only: a real SMTP client sends every mail to the running
 * local stack, every answer is read back from the outbox. The clock is the stack's `now`, moved
 * by hand between mails, so the SLA pauses and the deadlines can be checked to the minute.
 *
 * Week of Mon 2026-11-09 (no holidays), support hours 10:00-18:00 Europe/Moscow (UTC+3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../shared/mail/inbound/types';
import { moscowClock, sortedAddresses, startHarness, type Harness } from '../support/harness';

type Mail = ParsedMail & { file: string };

const DESK = 'clinic-north@support.example';
const ANNA = 'anna@clinic-north.example';
const HEAD = 'head@clinic-north.example';
const IVANOV = 'engineer1@team.example';
const PETROV = 'engineer2@team.example';
const ROOT = 'life-1@clinic-north.example';

const clock = moscowClock('2026-11-09T10:00:00');
const setClock = clock.set;
const utc = clock.utc;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: clock.now });
});
afterAll(async () => h?.close());

const addresses = sortedAddresses;
const quote = (text: string) => text.split('\n').map((l) => `> ${l}`).join('\n');

/** Headers a mail client writes when its user presses "Reply" on `m`. */
const replyTo = (m: Mail) => ({
  subject: `Re: ${m.subject}`,
  inReplyTo: `<${m.messageId}>`,
  references: [...m.references, m.messageId!].map((id) => `<${id}>`).join(' '),
});

const mailTo = (mails: Mail[], address: string) => {
  const found = mails.filter((m) => m.to.some((a) => a.address === address));
  expect(found, `mails to ${address}`).toHaveLength(1);
  return found[0]!;
};

/** What every mail to the customer must carry: tenant sender, tag, thread, loop protection. */
function expectCustomerMail(m: Mail, autoSubmitted: 'auto-replied' | 'auto-generated') {
  expect(m.from?.address).toBe(DESK);
  expect(m.replyTo.map((a) => a.address)).toEqual([DESK]);
  expect(addresses(m.to)).toEqual([ANNA]);
  expect(addresses(m.cc)).toEqual([HEAD]);
  expect(m.subject).toBe('[MG-1] Не печатается направление на анализы');
  expect(m.references[0]).toBe(ROOT);
  expect(m.inReplyTo).toHaveLength(1);
  expect(m.references).toContain(m.inReplyTo[0]);
  expect(m.headers['auto-submitted']).toBe(autoSubmitted);
  // nothing of the engineers' own addresses leaks to the customer
  expect(JSON.stringify([m.from, m.replyTo, m.to, m.cc])).not.toMatch(/engineer\d@/);
}

async function ticket() {
  const t = await h.stack.store.getTicket('MG-1');
  expect(t).not.toBeNull();
  return t!;
}

async function statusEvents() {
  return (await h.stack.store.listEvents('MG-1')).filter((e) => e.type === 'ticket.status_changed').map((e) => `${e.from}->${e.to}`);
}

describe('one ticket, from the first mail to the explanation after closing', () => {
  // The mails the engineers and the customer reply to, carried from step to step.
  let engineerCopy: Mail;
  let question: Mail;
  let readyForTest: Mail;
  let closedMail: Mail;

  it('1 new mail: stored open, acknowledged to the requester (Cc kept), copied to the engineers', async () => {
    await h.send({
      from: `"Анна Смирнова" <${ANNA}>`,
      to: DESK,
      cc: HEAD,
      subject: 'Не печатается направление на анализы - Терапия',
      text: 'Добрый день!\nПри печати направления на анализы выходит пустой лист.\n\nНомер амбулаторной карты: 777001\nЛогин в системе: smirnova_a',
      messageId: `<${ROOT}>`,
    });
    const mails = await h.newMail();
    expect(mails).toHaveLength(2);

    const ack = mailTo(mails, ANNA);
    expectCustomerMail(ack, 'auto-replied');
    expect(ack.inReplyTo).toEqual([ROOT]);
    expect(ack.text).toContain('Ваше обращение зарегистрировано под номером MG-1.');
    expect(ack.text).toContain('Приоритет: Ошибка работы');
    // 5 wd from Monday 10:00 ends Friday at closing; the target (3 wd) on Wednesday at closing
    expect(ack.text).toContain('Крайний срок решения: 13.11.2026 18:00 (Europe/Moscow)');
    expect(ack.text).toContain('Плановый срок: 11.11.2026 18:00 (Europe/Moscow)');

    engineerCopy = mailTo(mails, IVANOV);
    expect(addresses(engineerCopy.to)).toEqual([IVANOV, PETROV]);
    expect(engineerCopy.from?.address).toBe(DESK);
    expect(engineerCopy.replyTo.map((a) => a.address)).toEqual([DESK]);
    expect(engineerCopy.subject).toBe('[MG-1] Новая заявка: Не печатается направление на анализы');
    expect(engineerCopy.text).toContain('При печати направления на анализы выходит пустой лист.');
    expect(engineerCopy.headers['auto-submitted']).toBe('auto-generated');

    const t = await ticket();
    expect(t).toMatchObject({ status: 'open', priority: 'error', requester: ANNA, cc: [HEAD], pauses: [], version: 1 });
    expect(t.deadlines.dueAt).toBe(utc('2026-11-13T18:00:00'));
    expect(t.deadlines.targetAt).toBe(utc('2026-11-11T18:00:00'));
  });

  it('2 engineer "#status info_requested" with a question (reply to the copy): the customer gets the question, the clock stops', async () => {
    setClock('2026-11-09T11:00:00');
    await h.send({
      from: IVANOV,
      to: DESK,
      ...replyTo(engineerCopy),
      text: `#status info_requested\nУточните, пожалуйста, на каком принтере печатаете и какой номер направления.\n\n${quote(engineerCopy.text)}`,
    });
    const mails = await h.newMail();
    expect(mails).toHaveLength(1); // the engineers are not told about their own change
    question = mailTo(mails, ANNA);
    expectCustomerMail(question, 'auto-generated');
    // threaded to the customer's first mail, not to the engineer's (which the customer never saw)
    expect(question.references).not.toContain(engineerCopy.messageId);
    expect(question.text).toContain('Статус заявки MG-1: Запрошена дополнительная информация.');
    expect(question.text).toContain('Уточните, пожалуйста, на каком принтере печатаете и какой номер направления.');
    expect(question.text).toContain('Пока мы ждём, срок решения не идёт.');
    expect(question.text).not.toContain('#status');
    expect(question.text).not.toContain('Новая заявка'); // the quoted copy stays out

    const t = await ticket();
    expect(t).toMatchObject({ status: 'info_requested', statusBeforeWait: 'open', waitingSince: utc('2026-11-09T11:00:00'), respondedAt: utc('2026-11-09T11:00:00') });
    expect(t.pauses).toEqual([{ from: utc('2026-11-09T11:00:00'), to: null }]);
    // while waiting, only the reminder and the auto-close (10 wd later) are scheduled
    expect(t.deadlines.autoCloseAt).toBe(utc('2026-11-23T11:00:00'));
    expect(t.nextDue?.kind).toBe('remind');
  });

  it('3 customer answers the question: back to the status before it, the pause closed, the deadline moved by 1 wd', async () => {
    setClock('2026-11-10T11:00:00');
    await h.send({ from: ANNA, to: DESK, cc: HEAD, ...replyTo(question), text: `Принтер HP в кабинете 12, направление № 5531.\n\n${quote(question.text)}` });
    const mails = await h.newMail();

    const t = await ticket();
    expect(t.status).toBe('open');
    expect(t.pauses).toEqual([{ from: utc('2026-11-09T11:00:00'), to: utc('2026-11-10T11:00:00') }]);
    expect(t.waitingSince).toBeNull();
    expect(t.deadlines.autoCloseAt).toBeNull();
    // 24 h of wall time, 8 business hours = 1 wd paused: Friday 18:00 -> Monday 18:00
    expect(t.deadlines.dueAt).toBe(utc('2026-11-16T18:00:00'));
    expect(t.deadlines.targetAt).toBe(utc('2026-11-12T18:00:00'));

    const comments = (await h.stack.store.listEvents('MG-1')).filter((e) => e.type === 'ticket.commented');
    expect(comments.map((e) => e.text)).toEqual(['Принтер HP в кабинете 12, направление № 5531.']);

    // the engineers get the answer (and the status move); the customer is told the ticket is back in the queue
    const toEngineers = mails.filter((m) => addresses(m.to).join() === [IVANOV, PETROV].join());
    expect(toEngineers.map((m) => m.subject).sort()).toEqual([
      '[MG-1] Ответ клиента: Не печатается направление на анализы',
      '[MG-1] Запрошена дополнительная информация -> Открыто: Не печатается направление на анализы',
    ].sort());
    const answer = toEngineers.find((m) => m.subject.includes('Ответ клиента'))!;
    expect(answer.text).toContain('Принтер HP в кабинете 12, направление № 5531.');
    expect(answer.text).not.toContain('срок решения не идёт'); // the quote is not forwarded
    expect(answer.replyTo.map((a) => a.address)).toEqual([DESK]);
    expect(answer.inReplyTo).toEqual([(await h.stack.store.listEvents('MG-1')).find((e) => e.type === 'ticket.commented')!.messageId]);
    const back = mailTo(mails, ANNA);
    expectCustomerMail(back, 'auto-replied');
    expect(back.text).toContain('Статус заявки MG-1: Открыто.');
  });

  it('4 engineer "#status in_progress" (by the subject tag only): the customer is told work started and by whom', async () => {
    setClock('2026-11-10T12:00:00');
    await h.send({ from: PETROV, to: DESK, subject: 'Re: [MG-1] Не печатается направление на анализы', text: '#статус в работе\nСпасибо, воспроизвели, исправляем.' });
    const mails = await h.newMail();
    // the customer, and the other engineer told who took the ticket
    expect(mails).toHaveLength(2);
    const m = mailTo(mails, ANNA);
    expect(m.text).toContain('Ответственный специалист: Engineer Two.');
    expectCustomerMail(m, 'auto-generated');
    expect(m.text).toContain('Статус заявки MG-1: В работе.');
    expect(m.text).toContain('Спасибо, воспроизвели, исправляем.');
    expect(m.text).toContain('Крайний срок решения: 16.11.2026 18:00 (Europe/Moscow)');
    const t = await ticket();
    expect(t).toMatchObject({ status: 'in_progress', startedAt: utc('2026-11-10T12:00:00'), assignee: 'petrov' });
  });

  it('5 engineer "#status awaiting_test": the customer is told what to check and how to answer, the clock stops again', async () => {
    setClock('2026-11-10T15:00:00');
    await h.send({ from: IVANOV, to: DESK, subject: 'Re: [MG-1] Не печатается направление на анализы', text: '#status awaiting_test\nИсправление установлено на тестовую среду, проверьте печать направления.' });
    readyForTest = mailTo(await h.newMail(), ANNA);
    expectCustomerMail(readyForTest, 'auto-generated');
    expect(readyForTest.text).toContain('Статус заявки MG-1: Ожидание тестирования клиентом.');
    expect(readyForTest.text).toContain('Исправление установлено на тестовую среду, проверьте печать направления.');
    expect(readyForTest.text).toContain('«Проверено, ошибок нет»');
    expect(readyForTest.text).toContain('«Найдена ошибка»');
    const t = await ticket();
    expect(t.status).toBe('awaiting_test');
    expect(t.statusBeforeWait).toBe('in_progress');
    expect(t.pauses.at(-1)).toEqual({ from: utc('2026-11-10T15:00:00'), to: null });
  });

  it('6 customer "Найдена ошибка ...": bug_found then in_progress, the pause closed (4 business hours)', async () => {
    setClock('2026-11-11T11:00:00');
    await h.send({ from: ANNA, to: DESK, ...replyTo(readyForTest), text: `Найдена ошибка: на второй странице направление всё ещё пустое.\n\n${quote(readyForTest.text)}` });
    const mails = await h.newMail();
    const t = await ticket();
    expect(t.status).toBe('in_progress');
    expect(t.pauses).toHaveLength(2);
    expect(t.pauses[1]).toEqual({ from: utc('2026-11-10T15:00:00'), to: utc('2026-11-11T11:00:00') });
    // Tue 15-18 + Wed 10-11 = 4 business hours more: Monday 18:00 -> Tuesday 14:00
    expect(t.deadlines.dueAt).toBe(utc('2026-11-17T14:00:00'));
    expect((await statusEvents()).slice(-2)).toEqual(['awaiting_test->bug_found', 'bug_found->in_progress']);

    const m = mailTo(mails, ANNA);
    expectCustomerMail(m, 'auto-replied');
    // answers the customer's own mail
    const verdictMail = (await h.stack.store.listEvents('MG-1')).filter((e) => e.type === 'ticket.commented').at(-1)!;
    expect(m.inReplyTo).toEqual([verdictMail.messageId]);
    expect(m.text).toContain('Статус заявки MG-1: В работе.');
    expect(m.text).toContain('Мы передали ваше замечание специалисту и вернули заявку в работу.');
    const forwarded = mails.find((x) => x.subject.includes('Ответ клиента'))!;
    expect(forwarded.text).toContain('Найдена ошибка: на второй странице направление всё ещё пустое.');
    expect(mails.some((x) => x.subject.includes('Ожидание тестирования клиентом -> Найдена ошибка'))).toBe(false); // the intermediate step is silent
  });

  it('7 engineer "#status awaiting_test" again', async () => {
    setClock('2026-11-11T14:00:00');
    await h.send({ from: IVANOV, to: DESK, subject: 'RE: [MG-1] Не печатается направление на анализы', text: '#статус ожидание тестирования\nИсправили вторую страницу.' });
    const mails = await h.newMail();
    expect(mails).toHaveLength(1);
    readyForTest = mailTo(mails, ANNA);
    expectCustomerMail(readyForTest, 'auto-generated');
    expect(readyForTest.text).toContain('Статус заявки MG-1: Ожидание тестирования клиентом.');
    expect(readyForTest.text).toContain('Исправили вторую страницу.');
    expect((await ticket()).status).toBe('awaiting_test');
  });

  it('8 customer "Проверено, ошибок нет": verified then deploying, the last pause closed', async () => {
    setClock('2026-11-12T10:00:00');
    await h.send({ from: ANNA, to: DESK, ...replyTo(readyForTest), text: `Проверено, ошибок нет.\n\n${quote(readyForTest.text)}` });
    const mails = await h.newMail();
    const t = await ticket();
    expect(t.status).toBe('deploying');
    expect(t.pauses.map((p) => p.to)).toEqual([utc('2026-11-10T11:00:00'), utc('2026-11-11T11:00:00'), utc('2026-11-12T10:00:00')]);
    // Wed 14-18 paused: Tuesday 14:00 -> Tuesday 18:00
    expect(t.deadlines.dueAt).toBe(utc('2026-11-17T18:00:00'));
    expect((await statusEvents()).slice(-2)).toEqual(['awaiting_test->verified', 'verified->deploying']);
    const m = mailTo(mails, ANNA);
    expectCustomerMail(m, 'auto-replied');
    expect(m.text).toContain('Статус заявки MG-1: Перенос на основную среду.');
    expect(m.text).toContain('Спасибо за проверку: вы подтвердили, что ошибок нет.');
    expect(mails.filter((x) => x.to.some((a) => a.address === ANNA))).toHaveLength(1);
    // the engineers learn the verdict: the comment and the move, threaded to the customer's mail
    const toEngineers = mails.filter((x) => addresses(x.to).join() === [IVANOV, PETROV].join());
    expect(toEngineers.map((x) => x.subject).sort()).toEqual(
      ['[MG-1] Ответ клиента: Не печатается направление на анализы', '[MG-1] Проверено, ошибок нет -> Перенос на основную среду: Не печатается направление на анализы'].sort(),
    );
    for (const x of toEngineers) expect(x.references).toEqual([ROOT, m.inReplyTo[0]]);
  });

  it('9 engineer closes it ("#статус закрыто"): closed, nothing scheduled any more', async () => {
    setClock('2026-11-12T12:00:00');
    await h.send({ from: PETROV, to: DESK, subject: 'Re: [MG-1] Не печатается направление на анализы', text: '#статус закрыто\nИсправление перенесено на основную среду.' });
    closedMail = mailTo(await h.newMail(), ANNA);
    expectCustomerMail(closedMail, 'auto-generated');
    expect(closedMail.text).toContain('Статус заявки MG-1: Закрыто.');
    expect(closedMail.text).toContain('Исправление перенесено на основную среду.');
    const t = await ticket();
    expect(t).toMatchObject({ status: 'closed', closedAt: utc('2026-11-12T12:00:00'), nextDue: null });
    expect(await statusEvents()).toEqual([
      'open->info_requested',
      'info_requested->open',
      'open->in_progress',
      'in_progress->awaiting_test',
      'awaiting_test->bug_found',
      'bug_found->in_progress',
      'in_progress->awaiting_test',
      'awaiting_test->verified',
      'verified->deploying',
      'deploying->closed',
    ]);
    const events = await h.stack.store.listEvents('MG-1');
    const byEngineer = events.filter((e) => e.type === 'ticket.status_changed' && e.actor.kind === 'engineer');
    expect(byEngineer.map((e) => e.actor.address)).toEqual([IVANOV, PETROV, IVANOV, IVANOV, PETROV]);
  });

  it('10 a customer reply to the closed ticket changes nothing and gets one explanation; a second one that day gets none', async () => {
    const before = await ticket();
    setClock('2026-11-12T13:00:00');
    await h.send({ from: ANNA, to: DESK, ...replyTo(closedMail), text: `Спасибо! А можно ещё добавить штрихкод?\n\n${quote(closedMail.text)}` });
    const mails = await h.newMail();
    expect(mails).toHaveLength(1);
    const explanation = mails[0]!;
    expect(addresses(explanation.to)).toEqual([ANNA]);
    expect(explanation.cc).toEqual([]);
    expect(explanation.from?.address).toBe(DESK);
    expect(explanation.subject).toBe('[MG-1] Не печатается направление на анализы');
    expect(explanation.headers['auto-submitted']).toBe('auto-replied');
    expect(explanation.text).toContain('Заявка MG-1 уже завершена (статус: Закрыто)');
    expect(explanation.text).toContain('укажите в нём номер MG-1');
    // a finished ticket's letter does not invite a reply to itself
    expect(explanation.text).toContain('Это письмо отправлено автоматически.');
    expect(explanation.text).not.toContain('ваш ответ на него');
    expect(explanation.inReplyTo).toHaveLength(1);
    expect(h.stack.outcomes.at(-1)).toEqual({ kind: 'final-reply', ticketKey: 'MG-1' });

    setClock('2026-11-12T15:00:00');
    await h.send({ from: ANNA, to: DESK, subject: 'Re: [MG-1] Не печатается направление на анализы', text: 'Ещё раз: нужен штрихкод.' });
    expect(await h.newMail()).toHaveLength(0);
    expect(h.stack.outcomes.at(-1)).toEqual({ kind: 'final-reply', ticketKey: 'MG-1' });

    const after = await ticket();
    expect(after).toEqual(before);
    const events = await h.stack.store.listEvents('MG-1');
    expect(events.filter((e) => e.type === 'ticket.final_reply')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'ticket.commented')).toHaveLength(3);
  });

  it('every mail of the life went out from the tenant address and carries Auto-Submitted', async () => {
    const all = await h.outbox();
    expect(all.length).toBeGreaterThanOrEqual(16);
    for (const m of all) {
      expect(m.from?.address).toBe(DESK);
      expect(['auto-replied', 'auto-generated']).toContain(m.headers['auto-submitted']);
      expect(m.subject).toMatch(/^\[MG-1\] /);
    }
  });
});
