/**
 * Every letter the desk writes, as tables: letter x language -> subject and key lines; no
 * "undefined"/"null"/"NaN" in any text, however empty the ticket or the event; numbers the config
 * can change (respond-within hours, auto-close working days, the key prefix) follow the config.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type MaildeskConfig, type Tenant } from '../../shared/config';
import type { TicketEvent } from '../../shared/domain/events';
import { newTicket as openTicket, type Ticket } from '../../shared/domain/ticket';
import { MemoryMailStore } from '../../shared/adapters/memory';
import { memoryLogger } from '../../shared/log';
import * as customer from '../../shared/mail/outbound/customer';
import * as engineers from '../../shared/mail/outbound/engineers';
import { hoursPhrase, workingDaysPhrase, type Language, type Letter, type LetterOf } from '../../shared/mail/outbound/parts';
import { reportLetter } from '../../shared/mail/outbound/report';
import { alertText } from '../../shared/mail/outbound/telegram';
import { unauthenticatedNotice } from '../../shared/mail/outbound/unauthenticated';
import type { SlaReport } from '../../shared/reports/sla-report';
import { deliverEvent, type DeliverDeps } from '../../shared/use-cases/deliver-event';
import type { OutgoingMail, TicketStore } from '../../shared/use-cases/ports';

const configWith = (overrides: Record<string, unknown> = {}): MaildeskConfig =>
  parseConfig({
    engineers: ['ivanov@desk.example', { login: 'petrov', address: 'petrov@desk.example' }],
    tenants: [
      { id: 'clinic-north', name: 'Клиника Север', addresses: ['north@support.example'] },
      { id: 'clinic-east', name: 'East Clinic', addresses: ['east@support.example'], language: 'en' },
    ],
    ...overrides,
  });
const config = configWith();
const tenantOf = (cfg: MaildeskConfig, lang: Language): Tenant => cfg.tenants.find((t) => t.language === lang)!;

const full: Ticket = openTicket({
  key: 'MG-7',
  number: 7,
  tenant: 'clinic-north',
  requester: 'anna@north.example',
  requesterName: 'Анна',
  cc: ['boris@north.example'],
  summary: 'Не сохраняется протокол',
  department: 'Терапия',
  priority: 'blocking',
  status: 'awaiting_test',
  createdAt: '2026-03-16T09:00:00.000Z',
  rootMessageId: '<root@north.example>',
  fields: { cardNumber: '12345', caseHistoryNumber: null, login: 'anna', recordName: null, buttonName: null },
  deadlines: { respondBy: '2026-03-19T09:00:00.000Z', targetAt: null, dueAt: '2026-03-16T14:00:00.000Z', autoCloseAt: '2026-03-30T12:00:00.000Z' },
  waitingSince: '2026-03-16T12:00:00.000Z',
  attachments: [{ key: 'att/1', filename: 'screen.png', size: 3000, contentType: 'image/png' } as Ticket['attachments'][number]],
});
/** A ticket with nothing optional: no summary, fields, deadlines, Cc or name. */
const bare: Ticket = openTicket({ key: 'MG-8', number: 8, tenant: 'clinic-north', requester: 'x@north.example', summary: '', priority: 'report', createdAt: '2026-03-16T09:00:00.000Z', rootMessageId: '<r8@x>' });

const event = (type: TicketEvent['type'], extra: Partial<TicketEvent> = {}): TicketEvent => ({
  id: `e-${type}`,
  type,
  ticketKey: 'MG-7',
  tenant: 'clinic-north',
  at: '2026-03-16T10:00:00.000Z',
  actor: { kind: 'engineer', address: 'petrov@desk.example' },
  ...extra,
});

interface Row {
  name: string;
  letter: LetterOf;
  event: TicketEvent;
  ticket?: Ticket;
  /** `absent`: what the text must not hold (a bucket key in the engineers' copy) */
  ru: { subject: string; lines: string[]; absent?: string[] };
  en: { subject: string; lines: string[]; absent?: string[] };
}

const subject = (note: string | null) => `[MG-7] ${note ? `${note}: ` : ''}Не сохраняется протокол`;

const rows: Row[] = [
  {
    name: 'acknowledgement',
    letter: customer.acknowledgement,
    event: event('ticket.created', { actor: { kind: 'requester', address: 'anna@north.example' } }),
    ru: { subject: subject(null), lines: ['Здравствуйте!', 'Ваше обращение зарегистрировано под номером MG-7.', 'Приоритет: Блокировка', 'Крайний срок решения: 16.03.2026 17:00 (Europe/Moscow)', '  - Номер истории болезни'] },
    en: { subject: subject(null), lines: ['Hello,', 'Your request has been registered as MG-7.', 'Priority: Blocking', 'Deadline: 16/03/2026 17:00 (Europe/Moscow)', '  - Case history number'] },
  },
  {
    name: 'answer',
    letter: customer.answer,
    event: event('ticket.answered', { text: ' Исправлено, проверьте. ' }),
    ru: { subject: subject(null), lines: ['Здравствуйте!\n\nИсправлено, проверьте.\n\n--\nСлужба технической поддержки'] },
    en: { subject: subject(null), lines: ['Hello,\n\nИсправлено, проверьте.\n\n--\nSupport desk'] },
  },
  {
    name: 'status mail (awaiting test)',
    letter: customer.statusMail,
    event: event('ticket.status_changed', { from: 'in_progress', to: 'awaiting_test' }),
    ru: { subject: subject(null), lines: ['Статус заявки MG-7: Ожидание тестирования клиентом.', 'Без ответа заявка будет закрыта автоматически через 10 рабочих дней.'] },
    en: { subject: subject(null), lines: ['Ticket status MG-7: Awaiting customer testing.', 'Without an answer the request closes automatically in 10 working days.'] },
  },
  {
    name: 'status mail (information requested)',
    letter: customer.statusMail,
    event: event('ticket.status_changed', { from: 'in_progress', to: 'info_requested', text: 'Какой браузер?' }),
    ru: { subject: subject(null), lines: ['Пока мы ждём, срок решения не идёт. Без ответа заявка будет закрыта автоматически через 10 рабочих дней.', 'Какой браузер?'] },
    en: { subject: subject(null), lines: ['The deadline is paused while we wait. Without an answer the request closes automatically in 10 working days.', 'Какой браузер?'] },
  },
  {
    name: 'priority changed',
    letter: customer.priorityMail,
    event: event('ticket.priority_changed', { previousPriority: 'error' }),
    ru: { subject: subject(null), lines: ['Приоритет заявки MG-7: Блокировка (прежний: Ошибка работы).'] },
    en: { subject: subject(null), lines: ['Priority of MG-7: Blocking (was: Malfunction).'] },
  },
  {
    name: 'deferred',
    letter: customer.deferralMail,
    event: event('ticket.deferred', { data: { days: 3 } }),
    ru: { subject: subject(null), lines: ['Срок решения заявки MG-7 перенесён на 3 рабочих дня.'] },
    en: { subject: subject(null), lines: ['The deadline of MG-7 has been moved by 3 working days.'] },
  },
  {
    name: 'reminder',
    letter: customer.reminder,
    event: event('sla.reminder', { actor: { kind: 'system', address: null } }),
    ru: { subject: subject(null), lines: ['По заявке MG-7 мы ждём вашего ответа (статус: Ожидание тестирования клиентом). Если вы не ответите, заявка закроется автоматически 30.03.2026 15:00 (Europe/Moscow).'] },
    en: { subject: subject(null), lines: ['We are waiting for your answer on MG-7 (Awaiting customer testing). Without one it closes automatically on 30/03/2026 15:00 (Europe/Moscow).'] },
  },
  {
    name: 'auto-closed (customer)',
    letter: customer.autoClosedNotice,
    event: event('ticket.auto_closed', { actor: { kind: 'system', address: null } }),
    ru: { subject: subject(null), lines: ['Заявка MG-7 закрыта: мы не получили от вас ответа.'] },
    en: { subject: subject(null), lines: ['MG-7 has been closed because we received no answer.'] },
  },
  {
    name: 'finished ticket (customer)',
    letter: customer.finishedTicketNotice,
    event: event('ticket.final_reply', { recipient: 'anna@north.example' }),
    ticket: { ...full, status: 'closed' },
    ru: { subject: subject(null), lines: ['Заявка MG-7 уже завершена (статус: Закрыто), поэтому ваше письмо её не изменило.'] },
    en: { subject: subject(null), lines: ['Ticket MG-7 is already finished (Closed), so your mail changed nothing.'] },
  },
  {
    name: 'new ticket (engineers)',
    letter: engineers.newTicket,
    event: event('ticket.created', { text: 'Кнопка не работает', attachmentKeys: ['att/1'], data: { unauthenticated: true } }),
    ru: { subject: subject('СРОЧНО, новая заявка'), lines: ['⚠ Отправитель не подтверждён', 'Текст обращения:\n\nКнопка не работает', '  - screen.png (3 КБ)', '#duplicate MG-n'], absent: ['att/1'] },
    en: { subject: subject('URGENT, new ticket'), lines: ['⚠ Sender not authenticated', 'Request text:\n\nКнопка не работает', '  - screen.png (3 KB)', '#duplicate MG-n'], absent: ['att/1'] },
  },
  {
    name: 'customer reply',
    letter: engineers.customerReply,
    event: event('ticket.commented', { actor: { kind: 'requester', address: 'anna@north.example' }, text: 'Не помогло' }),
    ru: { subject: subject('Ответ клиента'), lines: ['От: anna@north.example\nНе помогло', 'Заявитель: Анна <anna@north.example>'] },
    en: { subject: subject('Customer reply'), lines: ['From: anna@north.example\nНе помогло', 'Requester: Анна <anna@north.example>'] },
  },
  {
    name: 'internal note',
    letter: engineers.internalNote,
    event: event('ticket.internal_note', { text: 'Смотрю логи' }),
    ru: { subject: subject('Внутренняя заметка'), lines: ['petrov@desk.example:\n\nСмотрю логи'] },
    en: { subject: subject('Internal note'), lines: ['petrov@desk.example:\n\nСмотрю логи'] },
  },
  {
    name: 'status change (engineers)',
    letter: engineers.statusChange,
    event: event('ticket.status_changed', { from: 'awaiting_test', to: 'verified', actor: { kind: 'requester', address: 'anna@north.example' } }),
    ru: { subject: subject('Ожидание тестирования клиентом -> Проверено, ошибок нет'), lines: ['Изменение: awaiting_test -> verified'] },
    en: { subject: subject('Awaiting customer testing -> Verified, no errors'), lines: ['Change: awaiting_test -> verified'] },
  },
  {
    name: 'assigned',
    letter: engineers.assignment,
    event: event('ticket.assigned', { recipient: 'petrov@desk.example' }),
    ru: { subject: subject('Назначено вам'), lines: ['Заявка: MG-7', 'Клиент: Клиника Север (clinic-north)'] },
    en: { subject: subject('Assigned to you'), lines: ['Ticket: MG-7', 'Tenant: East Clinic (clinic-east)'] },
  },
  {
    name: 'auto-closed (engineers)',
    letter: engineers.autoClosed,
    event: event('ticket.auto_closed', { actor: { kind: 'system', address: null } }),
    ru: { subject: subject('Закрыта автоматически'), lines: ['Статус: Ожидание тестирования клиентом (awaiting_test)'] },
    en: { subject: subject('Closed automatically'), lines: ['Status: Awaiting customer testing (awaiting_test)'] },
  },
  {
    name: 'finished ticket (engineer)',
    letter: engineers.finishedTicketToEngineer,
    event: event('ticket.final_reply', { recipient: 'petrov@desk.example' }),
    ticket: { ...full, status: 'closed' },
    ru: { subject: subject('Заявка уже завершена'), lines: ['ваш текст клиенту не отправлен', '#status reopened'] },
    en: { subject: subject('Ticket already finished'), lines: ['your text was not sent', '#status reopened'] },
  },
  {
    name: 'commands rejected',
    letter: engineers.commandsRejected,
    event: event('command.rejected', { reason: '#status verified: not allowed' }),
    ru: { subject: subject('Команды не выполнены'), lines: ['#status verified: not allowed', 'Текущий статус: awaiting_test (Ожидание тестирования клиентом); из него можно перейти в: '] },
    en: { subject: subject('Commands not applied'), lines: ['#status verified: not allowed', 'Current status: awaiting_test (Awaiting customer testing); allowed next: '] },
  },
  {
    name: 'engineer not authenticated',
    letter: unauthenticatedNotice,
    event: event('engineer.unauthenticated', { recipient: 'petrov@desk.example', data: { fromDomain: 'desk.example', spf: 'PASS', dkim: 'PASS', dmarc: 'NONE', dkimDomains: 'mailer.example', commands: 1 } }),
    ru: { subject: subject('Письмо не подтверждено, команды не выполнены'), lines: ['Проверки SES: SPF PASS, DKIM PASS, DMARC NONE. Прошедшие подписи DKIM: mailer.example.', 'TXT-запись _dmarc.desk.example'] },
    en: { subject: subject('Mail not authenticated, commands not applied'), lines: ['SES checks: SPF PASS, DKIM PASS, DMARC NONE. Passing DKIM signatures: mailer.example.', 'TXT _dmarc.desk.example'] },
  },
  ...(
    [
      ['sla.escalated', 'СРОЧНО: блокирующая заявка', 'URGENT: blocking ticket'],
      ['sla.warning', 'Срок скоро истечёт', 'Deadline approaching'],
      ['sla.breached', 'Срок нарушен', 'Deadline breached'],
      ['sla.respond_overdue', 'Заявка не взята в работу за 72 часа', 'Not taken into work within 72 hours'],
    ] as const
  ).map(([type, ru, en]): Row => ({
    name: type,
    letter: engineers.slaAlerts[type],
    event: event(type, { actor: { kind: 'system', address: null }, reason: 'Срок был вчера.' }),
    ru: { subject: subject(ru), lines: [`${ru}\nСрок был вчера.`, '#priority blocking'] },
    en: { subject: subject(en), lines: [`${en}\nСрок был вчера.`, '#priority blocking'] },
  })),
];

/** Every letter of one config and language, on one ticket, for the "nothing undefined" sweep. */
function allLetters(cfg: MaildeskConfig, lang: Language, ticket: Ticket, minimal: boolean): Letter[] {
  const tenant = tenantOf(cfg, lang);
  const letters = rows.map((r) => r.letter(minimal ? event(r.event.type, { actor: { kind: 'system', address: null } }) : r.event, ticket, tenant, cfg));
  const report = { month: '2026-03', tenants: [{ total: reportTotal(minimal ? null : 80) }] } as unknown as SlaReport;
  const detail = minimal ? {} : { ticketKey: ticket.key, tenant: tenant.id, priority: ticket.priority, status: ticket.status, dueAt: ticket.deadlines.dueAt };
  const telegram = (['new-blocking', 'escalated', 'breached'] as const).map((kind) => ({ subject: '', text: alertText(kind, { type: 'x', id: 'x', detail }, cfg, lang) }));
  return [...letters, customer.refusal(tenant), reportLetter(report, tenant), ...telegram];
}

function reportTotal(metPercent: number | null) {
  return { opened: 12, closed: 9, breached: 1, met: 8, settled: 9, metPercent, firstResponse: { medianHours: 1.5 }, resolution: { medianHours: null }, pausedHours: 4, autoClosed: 2 };
}

describe('letters: subject and key lines, per language', () => {
  for (const row of rows) {
    for (const lang of ['ru', 'en'] as const) {
      it(`${row.name} (${lang})`, () => {
        const letter = row.letter(row.event, row.ticket ?? full, tenantOf(config, lang), config);
        expect(letter.subject).toBe(row[lang].subject);
        for (const line of row[lang].lines) expect(letter.text).toContain(line);
        for (const text of row[lang].absent ?? []) expect(letter.text).not.toContain(text);
        // the other language's wording does not leak in
        const other = lang === 'ru' ? row.en : row.ru;
        if (other.subject !== row[lang].subject) expect(letter.subject).not.toBe(other.subject);
      });
    }
  }

  it.each([
    ['ru', 'Обращение не зарегистрировано', 'адрес отправителя не относится к организациям, которые обслуживает эта служба поддержки (Клиника Север)'],
    ['en', 'Request not registered', "the sender's address does not belong to an organisation served by this desk (East Clinic)"],
  ] as const)('sender refused (%s)', (lang, subjectLine, line) => {
    const letter = customer.refusal(tenantOf(config, lang));
    expect(letter.subject).toBe(subjectLine);
    expect(letter.text).toContain(line);
  });

  it.each([
    ['ru', 'Отчёт SLA за март 2026: Клиника Север', ['Открыто заявок: 12', 'Сроки соблюдены: 80% (8/9)', 'Медиана в рабочих часах: первый ответ — 1,5; решение — —.']],
    ['en', 'SLA report for March 2026: East Clinic', ['Tickets opened: 12', 'Deadlines met: 80% (8/9)', 'Median in business hours: first response 1.5; resolution —.']],
  ] as const)('monthly report (%s)', (lang, subjectLine, lines) => {
    const letter = reportLetter({ month: '2026-03', tenants: [{ total: reportTotal(80) }] } as unknown as SlaReport, tenantOf(config, lang));
    expect(letter.subject).toBe(subjectLine);
    for (const line of lines) expect(letter.text).toContain(line);
  });

  it.each([
    ['ru', ['🔴 Новая блокирующая заявка MG-7 (ticket.created)', 'Клиент: Клиника Север (clinic-north)', 'Приоритет: Блокировка (blocking)', 'Крайний срок: 16.03.2026 17:00 (Europe/Moscow)']],
    ['en', ['🔴 New blocking ticket MG-7 (ticket.created)', 'Tenant: Клиника Север (clinic-north)', 'Priority: Blocking (blocking)', 'Deadline: 16/03/2026 17:00 (Europe/Moscow)']],
  ] as const)('telegram alert (%s)', (lang, lines) => {
    const text = alertText('new-blocking', { type: 'ticket.created', id: 'e', detail: { ticketKey: 'MG-7', tenant: 'clinic-north', priority: 'blocking', dueAt: full.deadlines.dueAt } }, config, lang);
    for (const line of lines) expect(text).toContain(line);
  });
});

describe('letters: nothing undefined, null or NaN', () => {
  for (const lang of ['ru', 'en'] as const) {
    for (const [name, ticket, minimal] of [['full ticket, full events', full, false], ['bare ticket, bare events', bare, true], ['bare ticket, full events', bare, false]] as const) {
      it(`${lang}: ${name}`, () => {
        const letters = allLetters(config, lang, ticket, minimal);
        expect(letters.length).toBe(rows.length + 5);
        for (const { subject: s, text } of letters) expect(`${s}\n${text}`).not.toMatch(/undefined|null|NaN|\[object/);
      });
    }
  }
});

describe('letters: numbers the config can change follow the config', () => {
  const respondOverdue = event('sla.respond_overdue', { actor: { kind: 'system', address: null } });
  it.each([
    [24, 'Заявка не взята в работу за 24 часа', 'Not taken into work within 24 hours'],
    [1, 'Заявка не взята в работу за 1 час', 'Not taken into work within 1 hour'],
    [48, 'Заявка не взята в работу за 48 часов', 'Not taken into work within 48 hours'],
    [21, 'Заявка не взята в работу за 21 час', 'Not taken into work within 21 hours'],
    [0.5, 'Заявка не взята в работу за 0,5 часа', 'Not taken into work within 0.5 hours'],
  ])('sla.respondWithinHours %s', (hours, ru, en) => {
    const cfg = configWith({ sla: { respondWithinHours: hours } });
    for (const [lang, heading] of [['ru', ru], ['en', en]] as const) {
      const letter = engineers.slaAlerts['sla.respond_overdue'](respondOverdue, full, tenantOf(cfg, lang), cfg);
      expect(letter.subject).toBe(subject(heading));
      expect(letter.text.split('\n')[0]).toBe(heading);
    }
  });

  it.each([
    [5, 'через 5 рабочих дней', 'in 5 working days'],
    [1, 'через 1 рабочий день', 'in 1 working day'],
    [3, 'через 3 рабочих дня', 'in 3 working days'],
    [11, 'через 11 рабочих дней', 'in 11 working days'],
    [22, 'через 22 рабочих дня', 'in 22 working days'],
  ])('sla.autoCloseWorkingDays %s', (days, ru, en) => {
    const cfg = configWith({ sla: { autoCloseWorkingDays: days } });
    for (const to of ['awaiting_test', 'info_requested'] as const) {
      for (const [lang, phrase] of [['ru', ru], ['en', en]] as const) {
        const letter = customer.statusMail(event('ticket.status_changed', { from: 'in_progress', to }), full, tenantOf(cfg, lang), cfg);
        expect(letter.text).toContain(`${lang === 'ru' ? 'автоматически' : 'automatically'} ${phrase}.`);
      }
    }
  });

  it('ticketPrefix: the #duplicate example uses the configured prefix', () => {
    const cfg = configWith({ ticketPrefix: 'HD' });
    for (const lang of ['ru', 'en'] as const) {
      const letter = engineers.newTicket(event('ticket.created'), full, tenantOf(cfg, lang), cfg);
      expect(letter.text).toContain('#duplicate HD-n');
      expect(letter.text).not.toContain('MG-n');
    }
  });

  it('with every such number changed, no letter carries a default one', () => {
    const cfg = configWith({ ticketPrefix: 'HD', sla: { respondWithinHours: 37, autoCloseWorkingDays: 7 } });
    for (const lang of ['ru', 'en'] as const) {
      for (const ticket of [full, bare]) {
        for (const { subject: s, text } of allLetters(cfg, lang, ticket, false)) {
          const all = `${s}\n${text}`;
          expect(all).not.toMatch(/\b72\b|\b10 (рабоч|working)|MG-n/);
        }
      }
    }
  });

  it.each([
    [1, '1 час', '1 hour'],
    [2, '2 часа', '2 hours'],
    [5, '5 часов', '5 hours'],
    [11, '11 часов', '11 hours'],
    [12, '12 часов', '12 hours'],
    [101, '101 час', '101 hours'],
    [112, '112 часов', '112 hours'],
    [1.5, '1,5 часа', '1.5 hours'],
  ])('hours in words: %s', (n, ru, en) => {
    expect(hoursPhrase(n, 'ru')).toBe(ru);
    expect(hoursPhrase(n, 'en')).toBe(en);
  });

  it.each([
    [1, '1 рабочий день', '1 working day'],
    [4, '4 рабочих дня', '4 working days'],
    [10, '10 рабочих дней', '10 working days'],
    [14, '14 рабочих дней', '14 working days'],
    [31, '31 рабочий день', '31 working days'],
  ])('working days in words: %s', (n, ru, en) => {
    expect(workingDaysPhrase(n, 'ru')).toBe(ru);
    expect(workingDaysPhrase(n, 'en')).toBe(en);
  });
});

/** deliverEvent with a store that only answers what delivering needs. */
function deliveryDeps(cfg: MaildeskConfig, ticket: Ticket): DeliverDeps & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  const claimed = new Set<string>();
  const counters = new Map<string, number>();
  const store: Pick<TicketStore, 'getTicket' | 'claimMessageId' | 'claimMessageIds' | 'releaseMessageId' | 'rememberMessageId' | 'rememberMessageIds' | 'increment'> = {
    getTicket: async (key) => (key === ticket.key ? ticket : null),
    claimMessageId: async (id) => !claimed.has(id) && Boolean(claimed.add(id)),
    claimMessageIds: async (ids) => new Set(ids.filter((id) => !claimed.has(id) && Boolean(claimed.add(id)))),
    releaseMessageId: async (id) => void claimed.delete(id),
    rememberMessageId: async () => undefined,
    rememberMessageIds: async () => undefined,
    increment: async (key) => {
      counters.set(key, (counters.get(key) ?? 0) + 1);
      return counters.get(key)!;
    },
  };
  return {
    sent,
    // only what delivering calls; the port may be wider
    tickets: store as unknown as DeliverDeps['tickets'],
    sender: { send: async (mail) => (sent.push(mail), { providerMessageId: null }) },
    bus: { publish: async () => undefined },
    mail: new MemoryMailStore(),
    config: cfg,
    log: memoryLogger(),
  };
}

describe('deliverEvent: the letters it sends follow the config', () => {
  it('the engineers hear of a ticket not taken into work within the configured hours (24, not 72)', async () => {
    const cfg = configWith({ sla: { respondWithinHours: 24 } });
    const deps = deliveryDeps(cfg, { ...full, status: 'open' });
    await deliverEvent(event('sla.respond_overdue', { actor: { kind: 'system', address: null }, nonce: 'a'.repeat(32) }), deps);
    expect(deps.sent.map((m) => m.subject)).toEqual([subject('Заявка не взята в работу за 24 часа')]);
  });

  it('the customer is told the configured auto-close period (5 working days, not 10)', async () => {
    const cfg = configWith({ sla: { autoCloseWorkingDays: 5 } });
    const deps = deliveryDeps(cfg, full);
    await deliverEvent(event('ticket.status_changed', { from: 'in_progress', to: 'awaiting_test', nonce: 'b'.repeat(32) }), deps);
    const toCustomer = deps.sent.find((m) => m.to.includes(full.requester))!;
    expect(toCustomer.text).toContain('Без ответа заявка будет закрыта автоматически через 5 рабочих дней.');
    expect(toCustomer.text).not.toContain('10 рабочих дней');
  });
});
