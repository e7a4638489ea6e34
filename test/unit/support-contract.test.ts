/**
 * Issue 16, clinics without a support contract: `tenants[].support` ({ active, until }). Their tickets
 * are opened and acknowledged with a note (in the clinic's language), the engineers' copy is marked,
 * and no SLA deadline, escalation or auto-close applies. As tables: the config, whether a day is
 * covered (`until` in the desk's time zone), the decider, the deadlines, the letters.
 */
import { describe, expect, it } from 'vitest';
import { isSupportAddress, parseConfig, type MaildeskConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { decide } from '../../shared/domain/decide';
import { isOutboxEvent, type DecisionPolicy, type InboundReading, type Sender } from '../../shared/domain/decision';
import { ticketAfter } from '../../shared/domain/evolve';
import type { Priority } from '../../shared/domain/priorities';
import { coveredBySupport, type SupportContract } from '../../shared/domain/support-contract';
import { newTicket, type Ticket } from '../../shared/domain/ticket';
import { withDeadlines } from '../../shared/domain/workflow';
import { readCommands } from '../../shared/mail/inbound/commands';
import * as customer from '../../shared/mail/outbound/customer';
import * as engineers from '../../shared/mail/outbound/engineers';

const configWith = (support?: unknown, language = 'ru'): MaildeskConfig =>
  parseConfig({
    engineers: ['ivanov@team.example'],
    tenants: [{ id: 'clinic-west', name: 'Западная клиника', addresses: ['west@support.example'], language, ...(support === undefined ? {} : { support }) }],
  });

describe('config: tenants[].support', () => {
  it('defaults to an active contract with no end', () => {
    expect(configWith().tenants[0]!.support).toEqual({ active: true });
  });
  it.each([
    [{ active: false }, { active: false }],
    [{ active: true, until: '2026-12-31' }, { active: true, until: '2026-12-31' }],
    [{ until: '2026-12-31' }, { active: true, until: '2026-12-31' }],
  ])('%j', (given, parsed) => {
    expect(configWith(given).tenants[0]!.support).toEqual(parsed);
  });
  it.each([
    [{ active: 'no' }, /tenants\[0\]\.support\.active/],
    [{ active: true, until: '31.12.2026' }, /tenants\[0\]\.support\.until: expected a date as YYYY-MM-DD/],
    [{ active: true, until: '2026-02-30' }, /tenants\[0\]\.support\.until: expected a calendar date/],
    [{ active: true, until: '2026-13-01' }, /tenants\[0\]\.support\.until: expected a calendar date/],
    [{ active: true, paid: true }, /tenants\[0\]\.support/],
  ])('%j is refused, naming the key', (given, message) => {
    expect(() => configWith(given)).toThrow(message);
  });
});

describe('coveredBySupport', () => {
  it.each<[SupportContract | undefined, string, boolean]>([
    [undefined, '2026-11-17', true],
    [{ active: true }, '2026-11-17', true],
    [{ active: false }, '2026-11-17', false],
    [{ active: false, until: '2030-01-01' }, '2026-11-17', false],
    [{ active: true, until: '2026-12-31' }, '2026-12-31', true],
    [{ active: true, until: '2026-12-31' }, '2027-01-01', false],
  ])('%j on %s: %s', (contract, day, covered) => {
    expect(coveredBySupport(contract, day)).toBe(covered);
  });
});

const engineer: Sender = {
  address: 'ivanov@team.example',
  fromProven: true,
  authFailed: false,
  engineerAddress: 'ivanov@team.example',
  evidence: { fromDomain: 'team.example', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', dkimDomains: ['team.example'] },
};
const requester: Sender = { ...engineer, address: 'anna@west.example', engineerAddress: null, evidence: { ...engineer.evidence, fromDomain: 'west.example' } };

function mail(text: string, priority: Priority | null = null): InboundReading {
  return {
    inboundId: 'in-1',
    mailKey: 'inbound/in-1',
    messageId: 'm-1@west.example',
    fromName: 'Анна',
    addressed: ['west@support.example'],
    summary: 'Не печатается направление',
    department: null,
    fields: { cardNumber: null, caseHistoryNumber: null, login: null, recordName: null, buttonName: null },
    messageFields: null,
    priority,
    ticketKey: null,
    verdict: null,
    newText: text,
    commands: readCommands(text, 'MG'),
    attachments: [],
  };
}

function policyFor(config: MaildeskConfig): DecisionPolicy {
  return {
    ticketPrefix: 'MG',
    engineers: config.engineers,
    sla: { calendar: BusinessCalendar.fromConfig(config), sla: config.sla },
    isDeskAddress: (a) => isSupportAddress(config, a),
    tenant: config.tenants[0]!,
    known: { newTicket: { key: 'MG-5', number: 5 }, linked: [], duplicateTargets: new Set(), featureHolder: null },
  };
}

/** Opens a ticket at `at` for a clinic with `support`; the ticket as stored and the outbox events. */
function open(support: unknown, at: string, priority: Priority | null = null) {
  const config = configWith(support);
  const policy = policyFor(config);
  const now = new Date(at);
  const decision = decide(null, mail('Не печатается направление.', priority), requester, now, policy);
  const ticket = ticketAfter(null, decision, policy.sla, now)!;
  return { ticket, events: decision.events.filter(isOutboxEvent), config, policy };
}

const NO_DEADLINES = { respondBy: null, targetAt: null, dueAt: null, autoCloseAt: null };

describe('decide: a new ticket of a clinic without a contract', () => {
  it.each([
    ['active: false', { active: false }, '2026-11-17T09:00:00Z', true],
    ['until yesterday (Moscow)', { active: true, until: '2026-11-16' }, '2026-11-17T09:00:00Z', true],
    ['until today: the last day still covered', { active: true, until: '2026-11-17' }, '2026-11-17T20:59:00Z', false],
    ['until 31.12, 00:30 on 1.01 in Moscow (still 31.12 in UTC)', { active: true, until: '2026-12-31' }, '2026-12-31T21:30:00Z', true],
    ['no support key: covered', undefined, '2026-11-17T09:00:00Z', false],
  ])('%s', (_name, support, at, outside) => {
    const { ticket, events } = open(support, at, 'error');
    const created = events.find((e) => e.type === 'ticket.created')!;
    if (outside) {
      expect(ticket.outsideContract).toBe(true);
      expect(created.data).toMatchObject({ outsideContract: true });
      expect(ticket.deadlines).toEqual(NO_DEADLINES);
      expect(ticket.nextDue).toBeNull();
    } else {
      expect(ticket.outsideContract).toBeUndefined();
      expect(created.data?.outsideContract).toBeUndefined();
      expect(ticket.deadlines.dueAt).not.toBeNull();
      expect(ticket.nextDue).not.toBeNull();
    }
  });

  it('a blocking ticket is not escalated', () => {
    expect(open({ active: false }, '2026-11-17T09:00:00Z', 'blocking').events.map((e) => e.type)).toEqual(['ticket.created']);
    expect(open({ active: true }, '2026-11-17T09:00:00Z', 'blocking').events.map((e) => e.type)).toEqual(['ticket.created', 'sla.escalated']);
  });

  it('raised to blocking by an engineer: no escalation, still no deadline', () => {
    const { ticket, policy } = open({ active: false }, '2026-11-17T09:00:00Z', 'error');
    const now = new Date('2026-11-17T10:00:00Z');
    const decision = decide(ticket, mail('#priority blocking\n#status in_progress'), engineer, now, policy);
    expect(decision.events.filter(isOutboxEvent).map((e) => e.type)).not.toContain('sla.escalated');
    const after = ticketAfter(ticket, decision, policy.sla, now)!;
    expect(after).toMatchObject({ priority: 'blocking', status: 'in_progress', deadlines: NO_DEADLINES, nextDue: null });
  });

  it('waiting for the customer: no reminder and no auto-close, however long', () => {
    const { ticket, policy } = open({ active: false }, '2026-11-17T09:00:00Z');
    const waiting: Ticket = { ...ticket, status: 'awaiting_test', waitingSince: '2026-11-17T10:00:00Z', pauses: [{ from: '2026-11-17T10:00:00Z', to: null }] };
    expect(withDeadlines(waiting, policy.sla, new Date('2027-03-01T10:00:00Z'))).toMatchObject({ deadlines: NO_DEADLINES, nextDue: null });
  });
});

describe('letters', () => {
  const ticket = (outsideContract: boolean, priority: Priority = 'blocking'): Ticket =>
    newTicket({ key: 'MG-5', number: 5, tenant: 'clinic-west', requester: 'anna@west.example', summary: 'Не печатается направление', priority, createdAt: '2026-11-17T09:00:00.000Z', rootMessageId: '<r@west.example>', ...(outsideContract ? { outsideContract } : {}), deadlines: outsideContract ? NO_DEADLINES : { respondBy: '2026-11-17T14:00:00.000Z', targetAt: null, dueAt: '2026-11-17T14:00:00.000Z', autoCloseAt: null } });
  const created = { id: 'in-1:created', type: 'ticket.created' as const, ticketKey: 'MG-5', tenant: 'clinic-west', at: '2026-11-17T09:00:00.000Z', actor: { kind: 'requester' as const, address: 'anna@west.example' } };

  it.each([
    ['ru', 'работы по этому обращению выполняются вне договора: исправления и доработки оплачиваются отдельно и выполняются после обновления программы до текущей версии', 'Сроки регламента не применяются: обращение вне договора поддержки.', 'Крайний срок решения'],
    ['en', 'this request is handled outside the support contract: fixes and improvements are paid separately and are made after the program is updated to the current version', 'No deadlines apply: the request is outside the support contract.', 'Deadline:'],
  ])('%s acknowledgement: the note, no deadline; a covered ticket has neither note nor that line', (lang, note, noDeadline, deadline) => {
    const config = configWith({ active: false }, lang);
    const outside = customer.acknowledgement(created, ticket(true), config.tenants[0]!, config).text.replace(/\s+/g, ' ');
    expect(outside).toContain(note);
    expect(outside).toContain(noDeadline);
    expect(outside).not.toContain(deadline);
    const covered = customer.acknowledgement(created, ticket(false), config.tenants[0]!, config).text.replace(/\s+/g, ' ');
    expect(covered).not.toContain(note);
    expect(covered).toContain(deadline);
  });

  it.each([
    ['ru', '[MG-5] Новая заявка (вне договора): Не печатается направление', 'ВНЕ ДОГОВОРА ПОДДЕРЖКИ', '[MG-5] СРОЧНО, новая заявка: Не печатается направление'],
    ['en', '[MG-5] New ticket (outside contract): Не печатается направление', 'OUTSIDE THE SUPPORT CONTRACT', '[MG-5] URGENT, new ticket: Не печатается направление'],
  ])('%s engineers\' copy: marked in the subject and first line, not urgent', (lang, subject, mark, coveredSubject) => {
    const config = configWith({ active: false }, lang);
    const letter = engineers.newTicket(created, ticket(true), config.tenants[0]!, config);
    expect(letter.subject).toBe(subject);
    expect(letter.text.split('\n')[0]).toContain(mark);
    const covered = engineers.newTicket(created, ticket(false), config.tenants[0]!, config);
    expect(covered.subject).toBe(coveredSubject);
    expect(covered.text).not.toContain(mark);
  });
});
