/**
 * Replies that drive a ticket, end to end (real SMTP client -> local stack -> outbox): forged
 * engineer mail, invalid commands (nothing applied), replies racing each other, internal notes,
 * duplicates, assignment, priority changes, reopening, linking, tenant isolation and the quote
 * formats of real mail clients.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../shared/domain/ticket';
import { composeMail } from '../../shared/mail/outbound/compose';
import type { ParsedMail } from '../../shared/mail/inbound/types';
import { parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { moscowClock, sortedAddresses, startHarness, type Harness } from '../support/harness';

type Mail = ParsedMail & { file: string };

const NORTH = 'clinic-north@support.example';
const SOUTH = 'clinic-south@support.example';
const IVANOV = 'engineer1@team.example';
const PETROV = 'engineer2@team.example';

const clock = moscowClock('2026-11-16T10:00:00');
const setClock = clock.set;
const utc = clock.utc;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: clock.now });
});
afterAll(async () => h?.close());

const addresses = sortedAddresses;
const to = (mails: Mail[], address: string) => mails.filter((m) => m.to.some((a) => a.address === address));
const only = (mails: Mail[], address: string) => {
  const found = to(mails, address);
  expect(found, `mails to ${address}`).toHaveLength(1);
  return found[0]!;
};

async function ticketOf(key: string): Promise<Ticket> {
  const t = await h.stack.store.getTicket(key);
  expect(t, key).not.toBeNull();
  return t!;
}

/** A customer opens a ticket; returns its key and the mails it caused. */
async function open(from: string, subject: string, text: string, extra: { to?: string; messageId?: string } = {}) {
  const before = h.stack.outcomes.length;
  await h.send({ from, to: extra.to ?? NORTH, subject, text, ...(extra.messageId ? { messageId: extra.messageId } : {}) });
  const mails = await h.newMail();
  const outcome = h.stack.outcomes[before];
  expect(outcome?.kind).toBe('created');
  const key = (outcome as { ticketKey: string }).ticketKey;
  return { key, mails, ack: only(mails, from) };
}

/** Several customers open tickets at the same moment; one drain for all. */
let openSeq = 0;
async function openAll(specs: Array<{ from: string; subject: string; text: string; to?: string }>) {
  const ids = specs.map(() => `open-${++openSeq}@customers.example`);
  await Promise.all(specs.map((m, i) => h.send({ from: m.from, to: m.to ?? NORTH, subject: m.subject, text: m.text, messageId: `<${ids[i]}>` })));
  const mails = await h.newMail();
  return specs.map((m, i) => {
    const ack = mails.find((x) => x.inReplyTo.includes(ids[i]!) && x.to.some((a) => a.address === m.from));
    expect(ack, `acknowledgement to ${m.from}`).toBeDefined();
    return { key: /^\[([A-Z]+-\d+)\]/.exec(ack!.subject)![1]!, ack: ack! };
  });
}

/** An engineer answers by the subject tag. */
async function engineer(key: string, text: string, from = IVANOV) {
  await h.send({ from, to: NORTH, subject: `Re: [${key}] заявка`, text });
  return h.newMail();
}

async function events(key: string) {
  return h.stack.store.listEvents(key);
}

describe('forged engineer mail (DKIM and SPF FAIL)', () => {
  it('applies no command, becomes a customer comment and is logged as a security event', async () => {
    setClock('2026-11-16T10:00:00');
    const { key } = await open('olga@clinic-north.example', 'Не сохраняется протокол осмотра', 'Кнопка «Сохранить» не реагирует.');
    const before = await ticketOf(key);

    const raw = await composeMail({
      from: IVANOV,
      to: [NORTH],
      cc: [],
      replyTo: IVANOV,
      subject: `Re: [${key}] Не сохраняется протокол осмотра`,
      text: '#status cancelled\n#priority report\nЗакрываем, всё сделано.',
      messageId: 'forged-1@attacker.example',
      inReplyTo: null,
      references: [],
      headers: {},
      attachments: [],
    });
    await h.stack.receiveDeps.mail.put('inbound/forged-1', raw);
    const [inbound] = parseSesEvent(sesEventFor('forged-1', [NORTH], { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' }));
    const outcome = await receiveMail(inbound!, h.stack.receiveDeps);
    const mails = await h.newMail();

    expect(outcome).toEqual({ kind: 'updated', ticketKey: key, events: ['ticket.commented', 'engineer.unauthenticated'] });
    const after = await ticketOf(key);
    expect(after).toMatchObject({ status: 'open', priority: 'error', cc: [], version: before.version + 1 });
    expect(after.deadlines).toEqual(before.deadlines);
    const comment = (await events(key)).find((e) => e.type === 'ticket.commented')!;
    expect(comment.actor).toEqual({ kind: 'requester', address: IVANOV });
    expect(comment.text).toBe('#status cancelled\n#priority report\nЗакрываем, всё сделано.');
    expect((await events(key)).filter((e) => e.type === 'ticket.status_changed' || e.type === 'ticket.priority_changed')).toEqual([]);

    // the other engineers see it as a customer comment; the customer gets nothing; the engineer whose
    // address was used is told why, at the configured address
    expect(mails).toHaveLength(2);
    const forwarded = mails.find((m) => m.subject === `[${key}] Ответ клиента: Не сохраняется протокол осмотра`)!;
    expect(addresses(forwarded.to)).toEqual([PETROV]);
    const notice = mails.find((m) => m.headers['x-maildesk-event'] === 'engineer.unauthenticated')!;
    expect(addresses(notice.to)).toEqual([IVANOV]);

    const security = h.log.entries.filter((e) => e.level === 'security' && e.fields.inboundId === 'forged-1');
    expect(security).toHaveLength(1);
    expect(security[0]!.fields).toMatchObject({ spf: 'FAIL', dkim: 'FAIL', tenant: 'clinic-north' });
  });

  it('the same commands with DMARC PASS (SPF aligned, DKIM FAIL) are applied', async () => {
    const { key } = await open('olga2@clinic-north.example', 'Не открывается журнал', 'Журнал не открывается.');
    const raw = await composeMail({
      from: IVANOV, to: [NORTH], cc: [], replyTo: IVANOV, subject: `Re: [${key}] x`, text: '#status in_progress\nБерём.',
      messageId: 'spf-pass-1@support.example', inReplyTo: null, references: [], headers: {}, attachments: [],
    });
    await h.stack.receiveDeps.mail.put('inbound/spf-pass-1', raw);
    const [inbound] = parseSesEvent(sesEventFor('spf-pass-1', [NORTH], { spf: 'PASS', dkim: 'FAIL', dmarc: 'PASS' }));
    expect(await receiveMail(inbound!, h.stack.receiveDeps)).toEqual({ kind: 'updated', ticketKey: key, events: ['ticket.assigned', 'ticket.status_changed'] });
    await h.newMail();
    expect((await ticketOf(key)).status).toBe('in_progress');
  });
});

describe('invalid commands: nothing applied, one answer to the engineer saying what was wrong and what is allowed', () => {
  const cases: Array<{ name: string; priority?: string; setup?: string[]; commands: string; expected: string[] }> = [
    // the tenant is Russian: the whole answer is (codes, commands and what the engineer typed aside)
    { name: 'unknown status', commands: '#status fixed\nГотово.', expected: ['#status fixed: неизвестный статус «fixed»', 'можно: open (Открыто), in_progress (В работе)'] },
    { name: 'transition the table forbids', commands: '#status verified\nПроверено.', expected: ['#status verified: из статуса open (Открыто) так нельзя; можно: in_progress (В работе), info_requested'] },
    { name: '#defer beyond 14 wd in total', setup: ['#defer 10'], commands: '#defer 5\nОтложим.', expected: ['#defer 5: всего можно отложить не больше чем на 14 рабочих дней, а уже отложено 10 рабочих дней: осталось 4 рабочих дня'] },
    { name: '#defer on a blocking ticket', priority: 'Блокировка', commands: '#defer 2', expected: ['#defer 2: заявку с приоритетом «Блокировка» откладывать нельзя'] },
    { name: 'one bad command among good ones', commands: '#status in_progress\n#assign petrov\n#defer 20\nЗанимаемся.', expected: ['#defer 20: отложить можно не больше чем на 14 рабочих дней'] },
    { name: 'every problem at once', commands: '#status fixed\n#assign sidorov\n#duplicate MG-99999', expected: ['неизвестный статус «fixed»', '#assign sidorov: такого инженера нет; можно: ivanov, petrov', '#duplicate MG-99999: у этого клиента нет такой заявки'] },
  ];

  // All cases run at once (one ticket each, in parallel), then each is checked on its own.
  const results = new Map<string, { key: string; before: Ticket; after: Ticket; added: string[]; mails: Mail[]; outcome: unknown }>();
  beforeAll(async () => {
    setClock('2026-11-16T12:00:00');
    const requester = (i: number) => `invalid${i}@clinic-north.example`;
    await Promise.all(cases.map((c, i) => h.send({ from: requester(i), to: NORTH, subject: `Неверно считается остаток ${i}`, text: `Остаток считается неверно.${c.priority ? `\nПриоритет: ${c.priority}` : ''}` })));
    await h.newMail();
    const tickets = await h.stack.store.listTickets({ tenant: 'clinic-north' });
    const keys = cases.map((_, i) => tickets.find((t) => t.requester === requester(i))!.key);
    await Promise.all(cases.flatMap((c, i) => (c.setup ?? []).map((line) => h.send({ from: IVANOV, to: NORTH, subject: `Re: [${keys[i]}] x`, text: line }))));
    await h.newMail();
    const before = await Promise.all(keys.map(ticketOf));
    const eventCounts = await Promise.all(keys.map(async (k) => (await events(k)).length));

    setClock('2026-11-16T13:00:00');
    const outcomesBefore = h.stack.outcomes.length;
    await Promise.all(cases.map((c, i) => h.send({ from: IVANOV, to: NORTH, subject: `Re: [${keys[i]}] Неверно считается остаток`, text: c.commands })));
    const mails = await h.newMail();
    const outcomes = h.stack.outcomes.slice(outcomesBefore);
    for (const [i, c] of cases.entries()) {
      const key = keys[i]!;
      results.set(c.name, {
        key,
        before: before[i]!,
        after: await ticketOf(key),
        added: (await events(key)).slice(eventCounts[i]).map((e) => e.type),
        mails: mails.filter((m) => m.subject.startsWith(`[${key}] `)),
        outcome: outcomes.find((o) => 'ticketKey' in o && o.ticketKey === key),
      });
    }
  });

  it.each(cases)('$name', ({ name, expected }) => {
    const { key, before, after, added, mails, outcome } = results.get(name)!;
    expect(after).toEqual({ ...before, version: before.version + 1, updatedAt: utc('2026-11-16T13:00:00') });
    expect(added).toEqual(['command.rejected']);
    expect(outcome).toEqual({ kind: 'rejected-commands', ticketKey: key });

    expect(mails).toHaveLength(1); // to the engineer only: the customer hears nothing
    const answer = mails[0]!;
    expect(addresses(answer.to)).toEqual([IVANOV]);
    expect(answer.from?.address).toBe(NORTH);
    expect(answer.subject).toMatch(new RegExp(`^\\[${key}\\] Команды не выполнены: Неверно считается остаток`));
    expect(answer.text).toContain('Команды из вашего письма не выполнены: они выполняются только все вместе');
    for (const text of expected) expect(answer.text).toContain(text);
    expect(answer.text).toContain(`Текущий статус: ${before.status} (`);
    expect(answer.text).toContain('Текст вашего письма клиенту не отправлен.');
    // entirely in the tenant's language: no English word but the lines as typed, #commands, status and
    // priority codes (each shown with its Russian name), logins and keys (before: 'unknown status', 'at most 14 wd')
    const prose = answer.text
      .split('\nЗаявка: ')[0]!
      .replace(/^- [^:]*:/gm, ' ')
      .replace(/#\S+|«[^»]*»|\b[a-z_]+ \(|\b(?:ivanov|petrov|sidorov)\b|[A-Z]+-\d+/g, ' ');
    expect(prose).not.toMatch(/[a-z]{2,}/i);
  });

  it('a second feature ticket of the tenant may not enter in_progress while one is in progress', async () => {
    setClock('2026-11-16T14:00:00');
    const [first, second] = await openAll([
      { from: 'feature1@clinic-south.example', subject: 'Новая форма отчёта', text: 'Нужна новая форма.\nПриоритет: Новые функции', to: SOUTH },
      { from: 'feature2@clinic-south.example', subject: 'Ещё одна форма', text: 'Нужна ещё одна форма.\nПриоритет: Новые функции', to: SOUTH },
    ]);
    if (!first || !second) throw new Error('tickets not opened');
    const southEngineer = async (key: string, text: string) => {
      await h.send({ from: PETROV, to: SOUTH, subject: `Re: [${key}] x`, text });
      return h.newMail();
    };
    await southEngineer(first.key, '#status in_progress');
    expect((await ticketOf(first.key)).status).toBe('in_progress');

    const before = await ticketOf(second.key);
    const mails = await southEngineer(second.key, '#status in_progress\nНачинаем.');
    expect(await ticketOf(second.key)).toEqual({ ...before, version: before.version + 1, updatedAt: utc('2026-11-16T14:00:00') });
    expect(mails).toHaveLength(1);
    expect(addresses(mails[0]!.to)).toEqual([PETROV]);
    expect(mails[0]!.text).toContain(`#status in_progress: другая доработка этого клиента (${first.key}) ещё в работе и не принята`);

    // once the first is accepted (verified -> deploying), the second may start
    await southEngineer(first.key, '#status awaiting_test');
    await h.send({ from: 'feature1@clinic-south.example', to: SOUTH, subject: `Re: [${first.key}] Новая форма отчёта`, text: 'Проверено, ошибок нет' });
    await h.newMail();
    expect((await ticketOf(first.key)).status).toBe('deploying');
    await southEngineer(second.key, '#status in_progress');
    expect((await ticketOf(second.key)).status).toBe('in_progress');
  });
});

describe('replies racing each other', () => {
  it('20 customer replies and 3 engineer mails at once: no comment lost, one version per mail', async () => {
    setClock('2026-11-17T11:00:00');
    const { key, ack } = await open('race@clinic-north.example', 'Зависает расписание', 'Расписание зависает.');
    await engineer(key, '#status in_progress');
    const before = await ticketOf(key);
    const failedBefore = (await readdir(join(h.stack.dataDir, 'failed'))).length;
    const outcomesBefore = h.stack.outcomes.length;

    const texts = Array.from({ length: 20 }, (_, i) => `Дополнение номер ${i + 1}: зависает в кабинете ${100 + i}.`);
    await Promise.all([
      // the requester by the subject tag, a colleague by replying to the acknowledgement she was forwarded
      ...texts.map((text, i) =>
        i % 2
          ? h.send({ from: 'race@clinic-north.example', to: NORTH, subject: `Re: [${key}] Зависает расписание`, text })
          : h.send({ from: 'colleague@clinic-north.example', to: NORTH, subject: 'Re: Зависает расписание', text, inReplyTo: `<${ack.messageId}>`, references: `<${ack.messageId}>` }),
      ),
      h.send({ from: IVANOV, to: NORTH, subject: `Re: [${key}] x`, text: '#assign petrov' }),
      h.send({ from: PETROV, to: NORTH, subject: `Re: [${key}] x`, text: '#priority minor\nПонизили приоритет: есть обходной путь.' }),
      h.send({ from: IVANOV, to: NORTH, subject: `Re: [${key}] x`, text: '#internal\nПохоже на блокировку в базе.' }),
    ]);
    const mails = await h.newMail();

    expect(h.stack.outcomes.slice(outcomesBefore).map((o) => o.kind)).toEqual(Array(23).fill('updated'));
    expect((await readdir(join(h.stack.dataDir, 'failed'))).length).toBe(failedBefore);
    const after = await ticketOf(key);
    expect(after.version).toBe(before.version + 23);
    expect(after).toMatchObject({ status: 'in_progress', assignee: 'petrov', priority: 'minor', cc: ['colleague@clinic-north.example'] });

    const all = await events(key);
    const comments = all.filter((e) => e.type === 'ticket.commented');
    expect(comments).toHaveLength(20);
    expect(comments.map((e) => e.text).sort()).toEqual([...texts].sort());
    expect(all.filter((e) => e.type === 'ticket.internal_note')).toHaveLength(1);
    expect(all.filter((e) => e.type === 'ticket.priority_changed')).toHaveLength(1);
    // ivanov took it into work (assigned to him), then #assign petrov
    expect(all.filter((e) => e.type === 'ticket.assigned').map((e) => e.data?.assignee)).toEqual(['ivanov', 'petrov']);

    // each comment forwarded once; the priority change mailed to the requester once
    expect(mails.filter((m) => m.subject.startsWith(`[${key}] Ответ клиента`))).toHaveLength(20);
    const toRequester = to(mails, 'race@clinic-north.example');
    expect(toRequester).toHaveLength(1);
    expect(toRequester[0]!.text).toContain('Приоритет заявки');
  });
});

describe('engineer commands', () => {
  it('#internal keeps the note among the engineers; with #status the customer gets the status without the note', async () => {
    setClock('2026-11-17T12:00:00');
    const { key } = await open('internal@clinic-north.example', 'Не приходит SMS', 'SMS о записи не приходят.');
    let mails = await engineer(key, '#internal\nПровайдер SMS меняет тариф, клиенту пока не говорим.');
    expect(to(mails, 'internal@clinic-north.example')).toEqual([]);
    expect(mails).toHaveLength(1);
    expect(addresses(mails[0]!.to)).toEqual([PETROV]);
    expect(mails[0]!.subject).toBe(`[${key}] Внутренняя заметка: Не приходит SMS`);
    expect(mails[0]!.text).toContain('Провайдер SMS меняет тариф, клиенту пока не говорим.');
    expect((await events(key)).filter((e) => e.type === 'ticket.internal_note').map((e) => e.text)).toEqual(['Провайдер SMS меняет тариф, клиенту пока не говорим.']);

    mails = await engineer(key, '#внутреннее\n#статус в работе\nЖдём ответа провайдера.');
    const customer = only(mails, 'internal@clinic-north.example');
    expect(customer.text).toContain('В работе');
    expect(customer.text).not.toContain('провайдер');
    expect((await ticketOf(key)).status).toBe('in_progress');
  });

  it('#статус в работе on an unassigned ticket assigns it to the engineer; the customer and the others hear who took it', async () => {
    setClock('2026-11-17T12:10:00');
    const { key } = await open('taken@clinic-north.example', 'Не печатается талон', 'Талон не печатается.');
    const mails = await engineer(key, '#статус в работе\nСмотрим.', PETROV);
    expect(await ticketOf(key)).toMatchObject({ status: 'in_progress', assignee: 'petrov' });
    const customer = only(mails, 'taken@clinic-north.example');
    expect(customer.text).toContain('Ответственный специалист: Engineer Two.');
    expect(customer.text).toContain('Смотрим.');
    // the other engineer is told who took it; the one who took it gets no "assigned to you"
    expect(only(mails, IVANOV).subject).toBe(`[${key}] Взята в работу: Engineer Two (petrov): Не печатается талон`);
    expect(to(mails, PETROV)).toEqual([]);
    // a second engineer's #status in_progress later leaves the assignee as it is
    await engineer(key, '#status info_requested\nКакой принтер?', IVANOV);
    await engineer(key, '#status in_progress', IVANOV);
    expect((await ticketOf(key)).assignee).toBe('petrov');
  });

  it('plain text from an engineer goes to the customer from the tenant address', async () => {
    setClock('2026-11-17T12:30:00');
    const { key } = await open('plain@clinic-north.example', 'Вопрос по отчёту', 'Где найти отчёт по приёмам?');
    const mails = await engineer(key, 'Добрый день! Отчёт находится в разделе «Статистика».', PETROV);
    const m = only(mails, 'plain@clinic-north.example');
    expect(mails).toHaveLength(1);
    expect(m.from?.address).toBe(NORTH);
    expect(m.subject).toBe(`[${key}] Вопрос по отчёту`);
    expect(m.text).toContain('Отчёт находится в разделе «Статистика».');
    expect(m.text).not.toContain(PETROV);
    expect(m.headers['auto-submitted']).toBe('auto-generated');
  });

  it('#duplicate MG-n closes the ticket as a duplicate, names the original, gives the reason; another tenant\'s ticket is refused', async () => {
    setClock('2026-11-17T13:00:00');
    const [original, copy, south] = await openAll([
      { from: 'dup@clinic-north.example', subject: 'Не печатается рецепт', text: 'Рецепт не печатается.' },
      { from: 'dup2@clinic-north.example', subject: 'Рецепт не печатается', text: 'Не могу распечатать рецепт.' },
      { from: 'dup@clinic-south.example', subject: 'Чужая заявка', text: 'Текст.', to: SOUTH },
    ]);
    if (!original || !copy || !south) throw new Error('tickets not opened');

    let mails = await engineer(copy.key, `#duplicate ${south.key}`);
    expect(mails[0]!.text).toContain(`#duplicate ${south.key}: у этого клиента нет такой заявки`);
    expect((await ticketOf(copy.key)).status).toBe('open');

    mails = await engineer(copy.key, `#дубликат ${original.key}\nЭтот вопрос уже решается в заявке ${original.key}.`);
    const t = await ticketOf(copy.key);
    expect(t).toMatchObject({ status: 'duplicate', duplicateOf: original.key, closedAt: utc('2026-11-17T13:00:00'), nextDue: null });
    const m = only(mails, 'dup2@clinic-north.example');
    expect(m.text).toContain('Статус заявки');
    expect(m.text).toContain(': Дубликат.');
    expect(m.text).toContain(`Основная заявка: ${original.key}`);
    expect(m.text).toContain(`Причина: Этот вопрос уже решается в заявке ${original.key}.`);
    expect(m.text.split(`уже решается в заявке ${original.key}`)).toHaveLength(2); // said once, not twice
    expect((await ticketOf(original.key)).status).toBe('open');
  });

  it('#assign petrov: assigned, Petrov is told, the text goes to the customer', async () => {
    setClock('2026-11-17T14:00:00');
    const { key } = await open('assign@clinic-north.example', 'Не работает сканер', 'Сканер документов не работает.');
    const mails = await engineer(key, '#assign petrov\nЗаявкой займётся наш специалист по оборудованию.');
    expect((await ticketOf(key)).assignee).toBe('petrov');
    const toPetrov = only(mails, PETROV);
    expect(addresses(toPetrov.to)).toEqual([PETROV]);
    expect(toPetrov.subject).toBe(`[${key}] Назначено вам: Не работает сканер`);
    expect(only(mails, 'assign@clinic-north.example').text).toContain('Заявкой займётся наш специалист по оборудованию.');
    expect(to(mails, IVANOV)).toEqual([]);
  });

  it('#priority recomputes the deadlines and mails the requester the new deadline; raising to blocking alerts the engineers', async () => {
    setClock('2026-11-16T10:00:00');
    const { key, ack } = await open('prio@clinic-north.example', 'Медленно работает поиск', 'Поиск пациента занимает минуту.');
    expect(ack.text).toContain('Крайний срок решения: 20.11.2026 18:00');
    expect((await ticketOf(key)).deadlines.dueAt).toBe(utc('2026-11-20T18:00:00'));

    setClock('2026-11-16T12:00:00');
    let mails = await engineer(key, '#priority settings');
    let t = await ticketOf(key);
    expect(t.priority).toBe('settings');
    expect(t.deadlines.dueAt).toBe(utc('2026-11-27T18:00:00')); // 10 wd from creation
    let m = only(mails, 'prio@clinic-north.example');
    expect(m.subject).toBe(`[${key}] Медленно работает поиск`);
    expect(m.text).toContain('Дополнительные настройки (прежний: Ошибка работы)');
    expect(m.text).toContain('Крайний срок решения: 27.11.2026 18:00 (Europe/Moscow)');

    mails = await engineer(key, '#приоритет блок\nПоиск не работает совсем, поднимаем приоритет.');
    t = await ticketOf(key);
    expect(t.priority).toBe('blocking');
    expect(t.deadlines.dueAt).toBe(utc('2026-11-16T15:00:00')); // 5 calendar hours from creation
    m = only(mails, 'prio@clinic-north.example');
    expect(m.text).toContain('Блокировка (прежний: Дополнительные настройки)');
    expect(m.text).toContain('Крайний срок решения: 16.11.2026 15:00 (Europe/Moscow)');
    expect(m.text).toContain('Поиск не работает совсем, поднимаем приоритет.');
    const alert = mails.find((x) => x.subject.startsWith(`[${key}] СРОЧНО`))!;
    expect(addresses(alert.to)).toEqual([IVANOV, PETROV]);
  });
});

describe('reopening a closed ticket', () => {
  it('#status reopened long after creation: the clock restarts at the reopen time, then in_progress', async () => {
    setClock('2026-10-05T10:00:00');
    const { key } = await open('reopen@clinic-north.example', 'Не выгружается реестр', 'Реестр не выгружается.');
    setClock('2026-10-06T10:00:00');
    await engineer(key, '#status closed\nИсправлено.');
    expect((await ticketOf(key)).status).toBe('closed');

    // text without a command to a closed ticket reaches nobody but its author, with the way to reopen
    setClock('2026-11-13T10:00:00');
    const closed = await ticketOf(key);
    const told = await engineer(key, 'Клиент звонил, ошибка вернулась.');
    expect(told).toHaveLength(1);
    expect(addresses(told[0]!.to)).toEqual([IVANOV]);
    expect(told[0]!.subject).toBe(`[${key}] Заявка уже завершена: Не выгружается реестр`);
    expect(told[0]!.text).toContain('#status reopened');
    expect(await ticketOf(key)).toEqual(closed);

    setClock('2026-11-16T10:00:00');
    let mails = await engineer(key, '#status reopened\nОшибка вернулась, открываем заявку снова.');
    let t = await ticketOf(key);
    expect(t).toMatchObject({ status: 'reopened', closedAt: null, clockStart: utc('2026-11-16T10:00:00'), breached: false });
    // 5 wd from the reopening, not from October (which would be overdue at once)
    expect(t.deadlines.dueAt).toBe(utc('2026-11-20T18:00:00'));
    expect(t.nextDue?.kind).toBe('warn');
    expect(Date.parse(t.nextDue!.at)).toBeGreaterThan(clock.now().getTime());
    const m = only(mails, 'reopen@clinic-north.example');
    expect(m.text).toContain('Открыто повторно');
    expect(m.text).toContain('Ошибка вернулась, открываем заявку снова.');
    expect(m.text).toContain('Крайний срок решения: 20.11.2026 18:00');

    setClock('2026-11-16T11:00:00');
    mails = await engineer(key, '#status in_progress');
    t = await ticketOf(key);
    expect(t).toMatchObject({ status: 'in_progress', startedAt: utc('2026-11-16T11:00:00') });
    expect(only(mails, 'reopen@clinic-north.example').text).toContain('В работе');
  });

  it('#status in_progress on a closed ticket walks through reopened, one mail to the customer', async () => {
    setClock('2026-11-18T10:00:00');
    const { key } = await open('reopen2@clinic-north.example', 'Не строится график', 'График дежурств не строится.');
    await engineer(key, '#статус закрыто');
    setClock('2026-11-18T12:00:00');
    const mails = await engineer(key, '#статус в работе\nВозвращаемся к заявке.');
    expect((await ticketOf(key)).status).toBe('in_progress');
    const steps = (await events(key)).filter((e) => e.type === 'ticket.status_changed').map((e) => `${e.from}->${e.to}`);
    expect(steps).toEqual(['open->closed', 'closed->reopened', 'reopened->in_progress']);
    const m = only(mails, 'reopen2@clinic-north.example');
    expect(m.text).toContain('Статус заявки');
    expect(m.text).toContain('В работе');
    expect(m.text).toContain('Возвращаемся к заявке.');
  });

  it('other final statuses cannot be reopened', async () => {
    setClock('2026-11-18T13:00:00');
    const { key } = await open('reopen3@clinic-north.example', 'Просьба', 'Сделайте, пожалуйста.');
    await engineer(key, '#status infeasible\nТак система не умеет.');
    const mails = await engineer(key, '#status reopened');
    expect((await ticketOf(key)).status).toBe('infeasible');
    expect(mails[0]!.text).toContain('#status reopened: из статуса infeasible (Невыполнимо) так нельзя; можно: никуда, заявка завершена');
  });
});

describe('links and tenants', () => {
  it('a new ticket citing MG-n of its own tenant is linked to it; one of another tenant is not', async () => {
    setClock('2026-11-18T14:00:00');
    const [old, south] = await openAll([
      { from: 'link@clinic-north.example', subject: 'Не печатается талон', text: 'Талон не печатается.' },
      { from: 'link@clinic-south.example', subject: 'Южная заявка', text: 'Текст.', to: SOUTH },
    ]);
    if (!old || !south) throw new Error('tickets not opened');
    await engineer(old.key, '#status closed');
    const fresh = await open('link@clinic-north.example', 'Снова не печатается талон', `Снова не печатается талон, как в заявке ${old.key}. Похоже на ${south.key}.`);
    const t = await ticketOf(fresh.key);
    expect(t.linkedTo).toEqual([old.key]);
    expect(fresh.ack.text).toContain(`Связанные заявки: ${old.key}`);
    expect((await ticketOf(old.key)).status).toBe('closed');
  });

  it("another tenant's subject tag or thread is not followed: a new ticket in the tenant written to", async () => {
    setClock('2026-11-18T15:00:00');
    const south = await open('boris@clinic-south.example', 'Не работает касса', 'Касса не работает.', { to: SOUTH });
    const southBefore = await ticketOf(south.key);

    const outcomesBefore = h.stack.outcomes.length;
    await h.send({ from: 'spy@clinic-north.example', to: NORTH, subject: `Re: [${south.key}] Не работает касса`, text: 'Что там с кассой?' });
    await h.send({ from: 'spy@clinic-north.example', to: NORTH, subject: 'Re: касса', text: 'И ещё вопрос.', inReplyTo: `<${south.ack.messageId}>`, references: `<${south.ack.messageId}>` });
    const mails = await h.newMail();
    const created = h.stack.outcomes.slice(outcomesBefore);
    expect(created.map((o) => o.kind)).toEqual(['created', 'created']);
    for (const o of created) {
      const t = await ticketOf((o as { ticketKey: string }).ticketKey);
      expect(t.tenant).toBe('clinic-north');
      expect(t.requester).toBe('spy@clinic-north.example');
    }
    expect(await ticketOf(south.key)).toEqual(southBefore);
    expect(to(mails, 'boris@clinic-south.example')).toEqual([]);
    expect(mails.every((m) => m.from?.address === NORTH)).toBe(true);
    expect(h.log.entries.filter((e) => e.level === 'security' && e.fields.tenant === 'clinic-north').map((e) => e.message)).toEqual(
      expect.arrayContaining(['subject tag of another tenant: not followed', 'thread points to another tenant: not followed']),
    );
  });
});

describe('quote formats of real clients: only the new text is stored', () => {
  const SENDER = 'a.smirnova@clinic-north.example';
  const cases = [
    // file, status the reply meets, text stored, status after
    ['reply-apple-mail.eml', 'awaiting_test', 'Направление теперь печатается, но медленно, около минуты. Это нормально?\n\nАнна', 'awaiting_test'],
    ['reply-outlook-ru.eml', 'awaiting_test', 'Добрый день.\n\nОшибка осталась, направление печатается без штрихкода.', 'in_progress'],
    ['reply-gmail-ru.eml', 'awaiting_test', 'Проверено, ошибок нет. Направление печатается.', 'deploying'],
    ['reply-outlook-original-message.eml', 'awaiting_test', 'Ошибок не обнаружено, спасибо!', 'deploying'],
    ['reply-yandex.eml', 'in_progress', 'Не работает: после обновления страницы направление снова пустое.', 'in_progress'],
    ['reply-thunderbird.eml', 'awaiting_test', 'Ошибка воспроизводится только на втором принтере, на первом всё хорошо.', 'in_progress'],
  ] as const;
  const results = new Map<string, { key: string; comments: Array<string | undefined>; status: string; forwarded: Mail | undefined; outcome: unknown }>();

  beforeAll(async () => {
    // one ticket of the fixtures' sender per fixture, each in the status the reply meets
    setClock('2026-11-19T10:00:00');
    const acks: Mail[] = [];
    for (const [i] of cases.entries()) {
      await h.send({ from: SENDER, to: NORTH, subject: `Не печатается направление ${i} - Терапия`, text: 'Направление не печатается.', messageId: `<quote-case-${i}@clinic-north.example>` });
    }
    const created = await h.newMail();
    for (const [i] of cases.entries()) acks.push(created.find((m) => m.inReplyTo.includes(`quote-case-${i}@clinic-north.example`) && m.to.some((a) => a.address === SENDER))!);
    const keys = acks.map((a) => /^\[(MG-\d+)\]/.exec(a.subject)![1]!);
    await Promise.all(cases.map(([, status], i) => h.send({ from: IVANOV, to: NORTH, subject: `Re: [${keys[i]}] x`, text: `#status ${status}` })));
    await h.newMail();

    // the fixtures as the clients wrote them, threaded to this ticket's acknowledgement (next hour: the cap on automatic answers is per hour)
    setClock('2026-11-19T11:00:00');
    const outcomesBefore = h.stack.outcomes.length;
    await Promise.all(
      cases.map(async ([file], i) => {
        const raw = (await readFile(join('test/fixtures/mail', file), 'utf8')).replaceAll('ack-MG-7@support.example', acks[i]!.messageId!);
        await h.sendRaw(raw, { from: SENDER, to: [NORTH] });
      }),
    );
    const mails = await h.newMail();
    const outcomes = h.stack.outcomes.slice(outcomesBefore);
    for (const [i, [file]] of cases.entries()) {
      const key = keys[i]!;
      results.set(file, {
        key,
        comments: (await events(key)).filter((e) => e.type === 'ticket.commented').map((e) => e.text),
        status: (await ticketOf(key)).status,
        forwarded: mails.find((m) => m.subject.startsWith(`[${key}] Ответ клиента`)),
        outcome: outcomes.find((o) => 'ticketKey' in o && o.ticketKey === key),
      });
    }
  });

  it.each(cases)('%s', (file, _before, stored, statusAfter) => {
    const { key, comments, status, forwarded, outcome } = results.get(file)!;
    expect(outcome).toMatchObject({ kind: 'updated', ticketKey: key });
    expect(comments).toEqual([stored]);
    expect(status).toBe(statusAfter);
    // the engineers get the new text only, not the quoted history of the thread
    expect(forwarded!.text).toContain(stored.split('\n')[0]);
    expect(forwarded!.text).not.toMatch(/^>/m);
    expect(forwarded!.text).not.toContain('писал');
  });
});
