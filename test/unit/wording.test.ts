/**
 * The texts as data: every letter kind rendered in each language, read as an editor would. Per letter:
 * (a) no phrase repeated (no three-word sequence twice, no two neighbouring sentences opening with the
 * same word), (b) the footer fits the letter (a finished ticket's letters never invite a reply, a letter
 * asks to "reply to this mail" at most once), (c) numbers agree with their nouns (1/2/5/11/21 days and
 * hours), (d) no word of the other language (codes, #commands, addresses and the checks' acronyms aside),
 * (e) no unresolved placeholder.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type MaildeskConfig, type Tenant } from '../../shared/config';
import type { TicketEvent } from '../../shared/domain/events';
import { priorityCodes } from '../../shared/domain/priorities';
import { finalStatuses, newTicket, statusCodes, type Status, type Ticket } from '../../shared/domain/ticket';
import * as customer from '../../shared/mail/outbound/customer';
import * as engineers from '../../shared/mail/outbound/engineers';
import { ticketCard, type Language, type Letter, type LetterOf } from '../../shared/mail/outbound/parts';
import { reportLetter } from '../../shared/mail/outbound/report';
import { unauthenticatedNotice } from '../../shared/mail/outbound/unauthenticated';
import { wordsOf } from '../../shared/mail/outbound/wording';
import type { SlaReport } from '../../shared/reports/sla-report';

const configWith = (sla: Record<string, number> = {}): MaildeskConfig =>
  parseConfig({
    engineers: [{ login: 'petrov', name: 'Пётр Петров', address: 'petrov@team.example' }, 'ivanov@team.example'],
    tenants: [
      { id: 'clinic-north', name: 'Клиника Север', addresses: ['north@support.example'] },
      { id: 'clinic-east', name: 'East Clinic', addresses: ['east@support.example'], language: 'en' },
    ],
    sla,
  });

/** Data, not wording: the language checks ignore these (a clinic or an engineer may be named in either script). */
const DATA = ['Клиника Север', 'East Clinic', 'Пётр Петров', 'Анна', 'Anna', 'clinic-north', 'clinic-east', 'petrov', 'ivanov'];

const ticketIn = (lang: Language, over: Partial<Ticket> = {}): Ticket =>
  newTicket({
    key: 'MG-7',
    number: 7,
    tenant: lang === 'ru' ? 'clinic-north' : 'clinic-east',
    requester: 'anna@clinic.example',
    requesterName: lang === 'ru' ? 'Анна' : 'Anna',
    cc: ['boris@clinic.example'],
    summary: lang === 'ru' ? 'Не сохраняется протокол' : 'The protocol is not saved',
    department: lang === 'ru' ? 'Терапия' : 'Therapy',
    priority: 'error',
    status: 'in_progress',
    createdAt: '2026-03-16T09:00:00.000Z',
    rootMessageId: '<root@clinic.example>',
    fields: { cardNumber: '12345', caseHistoryNumber: null, login: 'anna_1', recordName: null, buttonName: null },
    deadlines: { respondBy: '2026-03-17T09:00:00.000Z', targetAt: '2026-03-18T09:00:00.000Z', dueAt: '2026-03-20T14:00:00.000Z', autoCloseAt: '2026-03-30T12:00:00.000Z' },
    assignee: 'petrov',
    ...over,
  });

const event = (type: TicketEvent['type'], extra: Partial<TicketEvent> = {}): TicketEvent => ({
  id: `e-${type}`, type, ticketKey: 'MG-7', tenant: 'clinic-north', at: '2026-03-16T10:00:00.000Z',
  actor: { kind: 'engineer', address: 'petrov@team.example' }, ...extra,
});
const system = { actor: { kind: 'system', address: null } } as const;
const byCustomer = { actor: { kind: 'requester', address: 'anna@clinic.example' } } as const;

interface Kind {
  name: string;
  letter: LetterOf;
  event: TicketEvent;
  ticket?: Partial<Ticket>;
  /** the letter is about a finished ticket (or no ticket): it must not invite a reply */
  finished?: boolean;
}

const moves: Array<[Status, Status]> = [
  ...statusCodes.map((to): [Status, Status] => [to === 'in_progress' ? 'open' : 'in_progress', to]),
  ['verified', 'deploying'],
  ['bug_found', 'in_progress'],
];

const kinds: Kind[] = [
  { name: 'acknowledgement', letter: customer.acknowledgement, event: event('ticket.created', byCustomer), ticket: { status: 'open', linkedTo: ['MG-3'] } },
  { name: 'answer', letter: customer.answer, event: event('ticket.answered', { text: 'Смотрим / Looking' }) },
  ...moves.map(([from, to]): Kind => ({
    name: `status ${from} -> ${to}`,
    letter: customer.statusMail,
    event: event('ticket.status_changed', { from, to }),
    ticket: { status: to, ...(to === 'duplicate' ? { duplicateOf: 'MG-3' } : {}) },
    finished: (finalStatuses as readonly Status[]).includes(to),
  })),
  { name: 'priority', letter: customer.priorityMail, event: event('ticket.priority_changed', { previousPriority: 'minor' }) },
  { name: 'deferral', letter: customer.deferralMail, event: event('ticket.deferred', { data: { days: 3 } }) },
  { name: 'reminder', letter: customer.reminder, event: event('sla.reminder', system), ticket: { status: 'awaiting_test' } },
  { name: 'auto-closed notice', letter: customer.autoClosedNotice, event: event('ticket.auto_closed', system), ticket: { status: 'closed_no_response' }, finished: true },
  ...finalStatuses.map((status): Kind => ({ name: `finished ticket (${status})`, letter: customer.finishedTicketNotice, event: event('ticket.final_reply', byCustomer), ticket: { status }, finished: true })),
  { name: 'new ticket (team)', letter: engineers.newTicket, event: event('ticket.created', { ...byCustomer, text: 'Кнопка / Button', data: { unauthenticated: true } }) },
  { name: 'customer reply (team)', letter: engineers.customerReply, event: event('ticket.commented', { ...byCustomer, text: 'Не помогло / No luck' }) },
  { name: 'internal note', letter: engineers.internalNote, event: event('ticket.internal_note', { text: 'Логи / Logs' }) },
  { name: 'status change (team)', letter: engineers.statusChange, event: event('ticket.status_changed', { ...byCustomer, from: 'awaiting_test', to: 'verified' }) },
  { name: 'assigned', letter: engineers.assignment, event: event('ticket.assigned', { recipient: 'petrov@team.example', data: { assignee: 'petrov' } }) },
  { name: 'taken into work', letter: engineers.assignment, event: event('ticket.assigned', { data: { assignee: 'petrov', taken: true } }) },
  { name: 'auto-closed (team)', letter: engineers.autoClosed, event: event('ticket.auto_closed', system), ticket: { status: 'closed_no_response' } },
  { name: 'finished, engineer (closed)', letter: engineers.finishedTicketToEngineer, event: event('ticket.final_reply'), ticket: { status: 'closed' } },
  { name: 'finished, engineer (cancelled)', letter: engineers.finishedTicketToEngineer, event: event('ticket.final_reply'), ticket: { status: 'cancelled' } },
  {
    name: 'commands rejected',
    letter: engineers.commandsRejected,
    event: event('command.rejected', {
      rejections: [
        { line: '#status verified', reason: { code: 'not-allowed', from: 'in_progress', allowed: ['awaiting_test', 'info_requested'] } },
        { line: '#defer 20', reason: { code: 'defer-budget', max: 14, deferred: 0, left: 14 } },
        { line: '#close', reason: { code: 'unknown-command', allowed: ['#status #статус', '#defer #отложить'] } },
      ],
    }),
  },
  { name: 'escalated by a raised priority', letter: engineers.slaAlerts['sla.escalated'], event: event('sla.escalated', { ...system, data: { raisedFrom: 'error' } }) },
  ...(['sla.escalated', 'sla.warning', 'sla.breached', 'sla.respond_overdue'] as const).map((type): Kind => ({ name: type, letter: engineers.slaAlerts[type], event: event(type, system) })),
  ...(['FAIL', 'NONE', 'TEMPFAIL'] as const).map((dmarc): Kind => ({
    name: `engineer not authenticated (DMARC ${dmarc})`,
    letter: unauthenticatedNotice,
    event: event('engineer.unauthenticated', { data: { fromDomain: 'team.example', spf: 'PASS', dkim: 'PASS', dmarc, dkimDomains: 'mailer.example', commands: 1 } }),
  })),
];

const config = configWith();
const tenantOf = (cfg: MaildeskConfig, lang: Language): Tenant => cfg.tenants.find((t) => t.language === lang)!;

/** What people wrote (the customer, an engineer) in the tenant's language, as they would. */
const inLanguage = (e: TicketEvent, lang: Language): TicketEvent =>
  e.text && lang === 'en' ? { ...e, text: e.text.split(' / ')[1] } : e.text ? { ...e, text: e.text.split(' / ')[0] } : e;

function render(kind: Kind, lang: Language, cfg = config): Letter {
  return kind.letter(inLanguage(kind.event, lang), ticketIn(lang, kind.ticket), tenantOf(cfg, lang), cfg);
}

const report = { month: '2026-03', tenants: [{ total: { opened: 12, closed: 9, breached: 1, met: 8, settled: 9, metPercent: 80, firstResponse: { medianHours: 1.5 }, resolution: { medianHours: 20 }, pausedHours: 4, autoClosed: 2 } }] } as unknown as SlaReport;

/** Every letter of a language, named. */
function everyLetter(lang: Language): Array<{ name: string; letter: Letter; finished: boolean; prose: string }> {
  const prose = (k: Kind, l: Letter) => {
    // the engineers' ticket card is data (it names the status again on purpose): the prose is the rest
    const card = ticketCard(ticketIn(lang, k.ticket), tenantOf(config, lang), config, lang);
    return l.text.split(card).join('\n');
  };
  const plain = (name: string, letter: Letter) => ({ name, letter, finished: true, prose: letter.text });
  return [
    ...kinds.map((k) => {
      const letter = render(k, lang);
      return { name: k.name, letter, finished: Boolean(k.finished), prose: prose(k, letter) };
    }),
    plain('refusal', customer.refusal(tenantOf(config, lang))),
    plain('monthly report', reportLetter(report, tenantOf(config, lang))),
  ];
}

const WORD = /[\p{L}]+(?:-[\p{L}]+)*/gu;

/** Sentences of the body, each a list of lower-cased words (codes, keys, numbers and data left out). */
function sentences(text: string, ends = /(?<=[.!?:;])\s+|\n+/): string[][] {
  return text
    .split(ends)
    .map((s) => [...withoutCodes(s).matchAll(WORD)].map((m) => m[0].toLowerCase()))
    .filter((words) => words.length > 0);
}

/** Codes a reader types or copies as they are: #commands, status and priority codes, keys, addresses, URLs, tokens with digits or signs, acronyms. */
function withoutCodes(text: string): string {
  let t = text;
  for (const d of DATA) t = t.split(d).join(' ');
  return t
    .replace(/<[^<>\s]+>/g, ' ')
    .replace(/\b\p{Lu}+-[\p{L}\d]+\b/gu, ' ')
    .replace(/\S*[@/=_#\d]\S*/g, ' ')
    .replace(/\b[\p{L}-]+\.[\p{L}.-]+\b/gu, ' ')
    .replace(/\b\p{Lu}{2,}\b/gu, ' ')
    .replace(new RegExp(`\\b(${[...statusCodes, ...priorityCodes].join('|')})\\b`, 'g'), ' ');
}

describe.each(['ru', 'en'] as const)('texts as data (%s)', (lang) => {
  const letters = everyLetter(lang);
  const w = wordsOf(lang);

  it.each(letters.map((l) => [l.name, l] as const))('(a) %s: no phrase repeated', (_name, { prose }) => {
    const said = sentences(prose);
    const seen = new Map<string, number>();
    said.forEach((words, i) => {
      for (let k = 0; k + 3 <= words.length; k++) {
        const phrase = words.slice(k, k + 3).join(' ');
        expect(seen.has(phrase) && seen.get(phrase) !== i ? phrase : null, `"${phrase}" twice`).toBeNull();
        seen.set(phrase, i);
      }
    });
    // "Изменения подтверждены. Изменения переносятся": two neighbouring sentences opening with one word
    // (sentences of prose: list items may open alike)
    const full = sentences(prose.replace(/^\s*- .*$/gm, ''), /(?<=[.!?])\s+/);
    for (let i = 1; i < full.length; i++) {
      const [a, b] = [full[i - 1]!, full[i]!];
      if (a.length > 2 && b.length > 2) expect(b[0], `${a.join(' ')} / ${b.join(' ')}`).not.toBe(a[0]);
    }
  });

  it.each(letters.map((l) => [l.name, l] as const))('(b) %s: the footer fits the letter', (_name, { letter, finished }) => {
    const replyHere = lang === 'ru' ? /ответьте на это письмо/gi : /reply to this mail/gi;
    expect((letter.text.match(replyHere) ?? []).length).toBeLessThanOrEqual(1);
    expect(letter.text).not.toMatch(lang === 'ru' ? /просто ответьте/i : /reply to it to answer/i);
    if (finished) {
      expect(letter.text).not.toContain(w.footer.reply);
      expect(letter.text).not.toMatch(replyHere);
    }
    // a customer letter that asks for a reply in its body does not repeat it in the footer
    if (replyHere.test(letter.text)) expect(letter.text).not.toContain(w.footer.reply);
  });

  it.each(letters.map((l) => [l.name, l] as const))('(d) %s: no word of the other language', (_name, { letter }) => {
    const words = [...withoutCodes(`${letter.subject}\n${letter.text}`).matchAll(WORD)].map((m) => m[0]);
    const foreign = words.filter((x) => (lang === 'ru' ? /[a-z]/i.test(x) : /[а-яё]/i.test(x)));
    expect(foreign).toEqual([]);
  });

  it.each(letters.map((l) => [l.name, l] as const))('(e) %s: no unresolved placeholder', (_name, { letter }) => {
    expect(`${letter.subject}\n${letter.text}`).not.toMatch(/undefined|null|NaN|\[object|\$\{|\{\{|(^|\s)\?($|[\s.,;])/);
  });

  it('the finished ticket letters point to a new mail', () => {
    for (const { letter } of letters.filter((l) => /finished ticket|closed_no_response|-> closed$/.test(l.name))) {
      expect(letter.text).toMatch(lang === 'ru' ? /новое письмо/ : /new mail/);
    }
  });
});

/** Russian: 1 день, 2 дня, 5 дней, 11 дней, 21 день (independent of the code under test). */
const ruForm = (n: number, one: string, few: string, many: string) =>
  n % 10 === 1 && n % 100 !== 11 ? one : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100) ? few : many;

describe('(c) numbers agree with their nouns', () => {
  it.each([1, 2, 5, 11, 21])('%s hours and minutes in the sweep\'s line under an SLA alert', (n) => {
    const ru = wordsOf('ru').team.sweep.span(n, n, true);
    expect(ru).toBe(`${n} ${ruForm(n, 'час', 'часа', 'часов')} ${n} ${ruForm(n, 'минута', 'минуты', 'минут')} рабочего времени`);
    expect(wordsOf('en').team.sweep.span(n, n, false)).toBe(`${n} hour${n === 1 ? '' : 's'} ${n} minute${n === 1 ? '' : 's'}`);
  });

  it.each([1, 2, 5, 11, 21])('%s working days and hours, in every letter that counts them', (n) => {
    const cfg = configWith({ autoCloseWorkingDays: n, respondWithinHours: n });
    const days = { ru: `${n} ${ruForm(n, 'рабочий день', 'рабочих дня', 'рабочих дней')}`, en: `${n} working day${n === 1 ? '' : 's'}` };
    const hours = { ru: `${n} ${ruForm(n, 'час', 'часа', 'часов')}`, en: `${n} hour${n === 1 ? '' : 's'}` };
    for (const lang of ['ru', 'en'] as const) {
      const waiting = render(kinds.find((k) => k.name === 'status in_progress -> awaiting_test')!, lang, cfg);
      expect(waiting.text).toContain(days[lang]);
      const deferral = customer.deferralMail(event('ticket.deferred', { data: { days: n } }), ticketIn(lang), tenantOf(cfg, lang), cfg);
      expect(deferral.text).toContain(`${days[lang]}.`);
      const overdue = render(kinds.find((k) => k.name === 'sla.respond_overdue')!, lang, cfg);
      expect(overdue.subject).toContain(hours[lang]);
      // no abbreviation stands in for an agreed word
      for (const letter of [waiting, deferral, overdue]) expect(letter.text).not.toMatch(/раб\. дн|wd\b/);
    }
  });
});
