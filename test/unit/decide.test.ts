/**
 * The decider as tables: (ticket state, mail, sender, now) -> events. No store, no clock: what the use
 * case would look up is given in `known`. Rows read like the regulation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSupportAddress, parseConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { decide } from '../../shared/domain/decide';
import { wouldTakeFeatureSlot } from '../../shared/domain/decide-commands';
import { isOutboxEvent, MissingLookupError, mayJoin, mentionedKeys, opening, type DecisionKind, type DecisionPolicy, type InboundReading, type MailReceived, type Sender } from '../../shared/domain/decision';
import type { TicketEvent } from '../../shared/domain/events';
import { ticketAfter } from '../../shared/domain/evolve';
import { newTicket, type Ticket } from '../../shared/domain/ticket';
import { readCommands } from '../../shared/mail/inbound/commands';
import { rejectionLines } from '../../shared/mail/outbound/rejections';

const config = parseConfig(JSON.parse(readFileSync('maildesk.config.example.json', 'utf8')));
const calendar = BusinessCalendar.fromConfig(config);
const msk = (local: string) => new Date(`${local}+03:00`);
const NOW = msk('2026-11-17T12:00:00');
const north = config.tenants.find((t) => t.id === 'clinic-north')!;
const south = config.tenants.find((t) => t.id === 'clinic-south')!;

function policy(known: Partial<DecisionPolicy['known']> = {}, tenant: DecisionPolicy['tenant'] = north): DecisionPolicy {
  return {
    ticketPrefix: 'MG',
    engineers: config.engineers,
    sla: { calendar, sla: config.sla },
    isDeskAddress: (a) => isSupportAddress(config, a),
    tenant,
    known: { newTicket: { key: 'MG-20', number: 20 }, linked: [], duplicateTargets: new Set(), featureHolder: null, ...known },
  };
}

/** MG-10 of clinic-north, opened Monday 2026-11-16 10:00 Moscow by anna, `open`, priority error. */
function ticket(over: Partial<Ticket> = {}): Ticket {
  return newTicket({ key: 'MG-10', number: 10, tenant: 'clinic-north', requester: 'anna@clinic-north.example', summary: 'x', priority: 'error', createdAt: msk('2026-11-16T10:00:00').toISOString(), rootMessageId: 'root@clinic-north.example', ...over });
}

function mail(text: string, over: Partial<InboundReading> = {}): InboundReading {
  return {
    inboundId: 'in-1',
    mailKey: 'inbound/in-1',
    messageId: 'm-1@clinic-north.example',
    fromName: 'Анна',
    addressed: ['clinic-north@support.example', 'head@clinic-north.example'],
    summary: 'Не печатается направление',
    department: null,
    fields: { cardNumber: null, caseHistoryNumber: null, login: null, recordName: null, buttonName: null },
    messageFields: null,
    priority: null,
    ticketKey: null,
    verdict: null,
    newText: text,
    commands: readCommands(text, 'MG'),
    attachments: [],
    ...over,
  };
}

const evidence = { fromDomain: 'clinic-north.example', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', dkimDomains: ['clinic-north.example'] };
const senders = {
  requester: { address: 'anna@clinic-north.example', fromProven: true, authFailed: false, engineerAddress: null, evidence },
  colleague: { address: 'boris@clinic-north.example', fromProven: true, authFailed: false, engineerAddress: null, evidence },
  'failing requester': { address: 'anna@clinic-north.example', fromProven: false, authFailed: true, engineerAddress: null, evidence: { ...evidence, spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' } },
  outsider: { address: 'x@elsewhere.example', fromProven: true, authFailed: false, engineerAddress: null, evidence: { ...evidence, fromDomain: 'elsewhere.example' } },
  engineer: { address: 'engineer1@team.example', fromProven: true, authFailed: false, engineerAddress: 'engineer1@team.example', evidence: { ...evidence, fromDomain: 'team.example' } },
  'unproven engineer': { address: 'engineer1@team.example', fromProven: false, authFailed: true, engineerAddress: 'engineer1@team.example', evidence: { ...evidence, fromDomain: 'team.example', dmarc: 'FAIL', dkim: 'FAIL' } },
} satisfies Record<string, Sender>;
type SenderKind = keyof typeof senders;

interface Row {
  name: string;
  ticket: Partial<Ticket> | null;
  text: string;
  mail?: Partial<InboundReading>;
  sender: SenderKind;
  known?: Partial<DecisionPolicy['known']>;
  tenant?: DecisionPolicy['tenant'];
  kind: DecisionKind;
  /** outbox events in order: type and the fields that matter */
  events: Array<[TicketEvent['type'], Partial<TicketEvent>?]>;
  /** the mail's own mark on the ticket */
  receipt?: Partial<MailReceived> | null;
}

/** The refused commands, read in English (the codes are rendered per language: rejections.test.ts). */
const rejected = (...problems: RegExp[]) => ({
  rejections: {
    asymmetricMatch: (got: TicketEvent['rejections']) => problems.every((p) => p.test(rejectionLines({ rejections: got }, 'en').join('\n'))),
  } as unknown as TicketEvent['rejections'],
});

const rows: Row[] = [
  // new mail
  { name: 'new mail: a ticket with the default priority, Cc kept', ticket: null, text: 'Не печатается', sender: 'requester', kind: 'created', events: [['ticket.created', { ticketKey: 'MG-20', priority: 'error', actor: { kind: 'requester', address: 'anna@clinic-north.example' } }]], receipt: { opens: expect.objectContaining({ cc: ['head@clinic-north.example'], requester: 'anna@clinic-north.example', priority: 'error' }) as never } },
  { name: 'new mail, blocking: engineers alerted at once', ticket: null, text: 'Всё стоит', mail: { priority: 'blocking' }, sender: 'requester', kind: 'created', events: [['ticket.created', { priority: 'blocking' }], ['sla.escalated', { priority: 'blocking', actor: { kind: 'system', address: null } }]] },
  { name: 'new mail failing authentication: no Cc, marked for the engineers', ticket: null, text: 'Не печатается', sender: 'failing requester', kind: 'created', events: [['ticket.created', { data: { unauthenticated: true } }]], receipt: { opens: expect.objectContaining({ cc: [] }) as never } },
  { name: 'new mail citing a known and an unknown ticket: linked, the tag noted', ticket: null, text: 'Как в MG-3', mail: { ticketKey: 'MG-99' }, known: { linked: ['MG-3'] }, sender: 'requester', kind: 'created', events: [['ticket.created', { data: { mentionsUnknown: 'MG-99' } }]], receipt: { opens: expect.objectContaining({ linkedTo: ['MG-3'] }) as never } },
  { name: 'new mail from outside the allowed domains: refused, no ticket', ticket: null, text: 'Здравствуйте', sender: 'outsider', tenant: south, kind: 'refused', events: [['sender.refused', { ticketKey: null, recipient: 'x@elsewhere.example', reason: 'sender-domain' }]] },
  { name: 'engineer opens a ticket for a customer with #requester', ticket: null, text: '#requester boris@clinic-north.example\nКлиент звонил', sender: 'engineer', kind: 'created', events: [['ticket.created', { text: 'Клиент звонил', actor: { kind: 'engineer', address: 'engineer1@team.example' } }]], receipt: { opens: expect.objectContaining({ requester: 'boris@clinic-north.example', requesterName: null }) as never } },
  { name: 'engineer with #requester: the fields below the command lines', ticket: null, text: '#requester boris@clinic-north.example\nКарта 7', mail: { messageFields: { cardNumber: '7', caseHistoryNumber: null, login: null, recordName: null, buttonName: null } }, sender: 'engineer', kind: 'created', events: [['ticket.created']], receipt: { opens: expect.objectContaining({ fields: expect.objectContaining({ cardNumber: '7' }) }) as never } },
  { name: 'unproven engineer opens a ticket: a plain ticket, the engineer told', ticket: null, text: '#status in_progress\nБерём', sender: 'unproven engineer', kind: 'created', events: [['ticket.created', { data: { unauthenticated: true } }], ['engineer.unauthenticated', { recipient: 'engineer1@team.example', data: expect.objectContaining({ commands: 1, dmarc: 'FAIL' }) as never }]] },
  // customer replies
  { name: 'customer comment on an open ticket', ticket: {}, text: 'Ещё скриншот', sender: 'requester', kind: 'updated', events: [['ticket.commented', { text: 'Ещё скриншот' }]], receipt: { lastMessageId: 'm-1@clinic-north.example' } },
  { name: 'answer to info_requested: back to where it was', ticket: { status: 'info_requested', statusBeforeWait: 'in_progress', respondedAt: '2026-11-16T08:00:00.000Z' }, text: 'Номер карты 12', sender: 'requester', kind: 'updated', events: [['ticket.commented'], ['ticket.status_changed', { from: 'info_requested', to: 'in_progress' }]] },
  { name: 'verdict accepted in awaiting_test: verified (silent), then deploying', ticket: { status: 'awaiting_test' }, text: 'Проверено, ошибок нет', mail: { verdict: 'accepted' }, sender: 'requester', kind: 'updated', events: [['ticket.commented'], ['ticket.status_changed', { to: 'verified', data: { silent: true } }], ['ticket.status_changed', { from: 'verified', to: 'deploying' }]] },
  { name: 'verdict rejected in awaiting_test: bug_found, then in_progress', ticket: { status: 'awaiting_test' }, text: 'Найдена ошибка', mail: { verdict: 'rejected' }, sender: 'requester', kind: 'updated', events: [['ticket.commented'], ['ticket.status_changed', { to: 'bug_found' }], ['ticket.status_changed', { to: 'in_progress' }]] },
  { name: 'no verdict in awaiting_test: a comment restarting the wait', ticket: { status: 'awaiting_test' }, text: 'Ещё не проверили', sender: 'requester', kind: 'updated', events: [['ticket.commented']], receipt: { restartsWait: true } },
  { name: 'failing-auth verdict: only a comment, no move, no restart', ticket: { status: 'awaiting_test' }, text: 'Проверено, ошибок нет', mail: { verdict: 'accepted' }, sender: 'failing requester', kind: 'updated', events: [['ticket.commented', { data: { unauthenticated: true } }]], receipt: { restartsWait: undefined, participant: undefined } },
  { name: 'a proven colleague joins as Cc', ticket: {}, text: 'Подтверждаю', sender: 'colleague', kind: 'updated', events: [['ticket.commented']], receipt: { participant: 'boris@clinic-north.example' } },
  { name: 'reply to a final ticket: one explanation, nothing else', ticket: { status: 'closed' }, text: 'Опять не работает', sender: 'requester', kind: 'final-reply', events: [['ticket.final_reply', { recipient: 'anna@clinic-north.example' }]], receipt: null },
  { name: 'unproven engineer answering info_requested: a comment, it stays waiting, the engineer told', ticket: { status: 'info_requested' }, text: '#status in_progress\nОтвет', sender: 'unproven engineer', kind: 'updated', events: [['ticket.commented', { data: { unauthenticated: true } }], ['engineer.unauthenticated', { recipient: 'engineer1@team.example' }]], receipt: { participant: undefined } },
  // engineer commands
  { name: '#status in_progress with text: the move carries the text, the engineer takes the ticket', ticket: {}, text: '#status in_progress\nБерём', sender: 'engineer', kind: 'updated', events: [['ticket.assigned', { data: { assignee: 'ivanov', taken: true } }], ['ticket.status_changed', { from: 'open', to: 'in_progress', text: 'Берём' }]] },
  { name: '#статус в работе: taken by the engineer who wrote it', ticket: {}, text: '#статус в работе', sender: 'engineer', kind: 'updated', events: [['ticket.assigned', { data: { assignee: 'ivanov', taken: true } }], ['ticket.status_changed', { to: 'in_progress' }]] },
  { name: '#status in_progress on an assigned ticket: the assignee stays', ticket: { assignee: 'petrov' }, text: '#status in_progress', sender: 'engineer', kind: 'updated', events: [['ticket.status_changed', { to: 'in_progress' }]] },
  { name: '#status in_progress with #assign petrov: petrov, not the writer', ticket: {}, text: '#status in_progress\n#assign petrov', sender: 'engineer', kind: 'updated', events: [['ticket.assigned', { recipient: 'engineer2@team.example', data: { assignee: 'petrov' } }], ['ticket.status_changed', { to: 'in_progress' }]] },
  { name: '#status info_requested: asking is not taking', ticket: {}, text: '#status info_requested\nКакой браузер?', sender: 'engineer', kind: 'updated', events: [['ticket.status_changed', { to: 'info_requested' }]] },
  { name: 'plain engineer text: an answer', ticket: { status: 'in_progress' }, text: 'Посмотрим', sender: 'engineer', kind: 'updated', events: [['ticket.answered', { text: 'Посмотрим' }]] },
  { name: '#priority blocking: changed and escalated', ticket: {}, text: '#priority blocking', sender: 'engineer', kind: 'updated', events: [['ticket.priority_changed', { priority: 'blocking', previousPriority: 'error' }], ['sla.escalated', { data: { raisedFrom: 'error' } }]] },
  { name: '#priority minor: changed, no escalation', ticket: {}, text: '#priority minor\nПонизили', sender: 'engineer', kind: 'updated', events: [['ticket.priority_changed', { priority: 'minor', text: 'Понизили' }]] },
  { name: '#assign petrov: assigned, petrov told', ticket: {}, text: '#assign petrov', sender: 'engineer', kind: 'updated', events: [['ticket.assigned', { recipient: 'engineer2@team.example', data: { assignee: 'petrov' } }]] },
  { name: '#defer 5 with text', ticket: { status: 'in_progress' }, text: '#defer 5\nЖдём обновления', sender: 'engineer', kind: 'updated', events: [['ticket.deferred', { data: { days: 5 }, text: 'Ждём обновления' }]] },
  { name: '#duplicate MG-3 of the same tenant: closed as duplicate with the reason', ticket: {}, text: '#duplicate MG-3\nУже в работе', known: { duplicateTargets: new Set(['MG-3']) }, sender: 'engineer', kind: 'updated', events: [['ticket.status_changed', { to: 'duplicate', reason: 'Уже в работе' }]], receipt: { duplicateOf: 'MG-3' } },
  { name: '#internal: a note, the customer told nothing', ticket: { status: 'in_progress' }, text: '#internal\nЗвонил клиенту', sender: 'engineer', kind: 'updated', events: [['ticket.internal_note', { text: 'Звонил клиенту' }]] },
  { name: '#requester: the ticket changes hands', ticket: { status: 'in_progress' }, text: '#requester boris@clinic-north.example\nПередаём', sender: 'engineer', kind: 'updated', events: [['ticket.answered']], receipt: { requester: 'boris@clinic-north.example' } },
  { name: '#status in_progress on a closed ticket: taken, reopened (silent), then in_progress', ticket: { status: 'closed' }, text: '#status in_progress\nВозвращаем', sender: 'engineer', kind: 'updated', events: [['ticket.assigned', { data: { assignee: 'ivanov', taken: true } }], ['ticket.status_changed', { to: 'reopened', data: { silent: true } }], ['ticket.status_changed', { from: 'reopened', to: 'in_progress', text: 'Возвращаем' }]] },
  { name: 'engineer text to a final ticket: one explanation', ticket: { status: 'closed' }, text: 'Ещё вопрос', sender: 'engineer', kind: 'final-reply', events: [['ticket.final_reply']] },
  { name: 'rejections list every problem, nothing applied', ticket: {}, text: '#status nonsense\n#defer 0\n#duplicate MG-77\n#assign nobody', sender: 'engineer', kind: 'rejected-commands', events: [['command.rejected', rejected(/#status nonsense/, /#defer/, /#duplicate MG-77: no such ticket/, /#assign nobody: no such engineer/)]], receipt: { lastMessageId: undefined } },
  { name: 'feature slot busy: #status in_progress rejected, the holder named', ticket: { priority: 'feature' }, text: '#status in_progress', known: { featureHolder: 'MG-4' }, sender: 'engineer', kind: 'rejected-commands', events: [['command.rejected', rejected(/MG-4/)]] },
  { name: 'a not allowed move: rejected with the allowed ones', ticket: { status: 'open' }, text: '#status verified', sender: 'engineer', kind: 'rejected-commands', events: [['command.rejected', rejected(/not allowed from open/, /allowed: in_progress/)]] },
];

describe('decide: (ticket, mail, sender, now) -> events', () => {
  it.each(rows)('$name', (row) => {
    // given
    const before = row.ticket ? ticket(row.ticket) : null;
    // when
    const decision = decide(before, mail(row.text, row.mail), senders[row.sender], NOW, policy(row.known, row.tenant));
    // then
    expect(decision.kind).toBe(row.kind);
    const outbox = decision.events.filter(isOutboxEvent);
    expect(outbox.map((e) => e.type)).toEqual(row.events.map(([type]) => type));
    row.events.forEach(([, fields], i) => {
      expect(outbox[i]).toMatchObject({ at: NOW.toISOString(), id: expect.stringMatching(/^in-1:/) as unknown as string, ...fields });
    });
    const receipt = decision.events.find((e): e is MailReceived => e.type === 'mail.received');
    if (row.receipt === null) expect(receipt).toBeUndefined();
    else if (row.receipt) {
      expect(receipt).toBeDefined();
      for (const [k, v] of Object.entries(row.receipt)) expect(receipt![k as keyof MailReceived], k).toEqual(v);
    }
  });

  it('a new ticket without its number looked up first is a programming error, not a guess', () => {
    expect(() => decide(null, mail('x'), senders.requester, NOW, policy({ newTicket: null }))).toThrow(MissingLookupError);
    // a refusal needs no number
    expect(decide(null, mail('x'), senders.outsider, NOW, policy({ newTicket: null }, south)).kind).toBe('refused');
  });

  it('event ids are the inbound id and a step, so a retried mail writes the same events', () => {
    const again = () => decide(ticket({ status: 'awaiting_test' }), mail('ok', { verdict: 'accepted' }), senders.requester, NOW, policy()).events.filter(isOutboxEvent).map((e) => e.id);
    expect(again()).toEqual(['in-1:comment', 'in-1:status-0', 'in-1:status-1']);
    expect(new Set(again()).size).toBe(3);
  });

  it('the ticket after a decision is the fold of its events, with deadlines at now', () => {
    const before = ticket({ status: 'awaiting_test', waitingSince: '2026-11-16T08:00:00.000Z', pauses: [{ from: '2026-11-16T08:00:00.000Z', to: null }], statusBeforeWait: 'in_progress', respondedAt: '2026-11-16T07:30:00.000Z' });
    const after = ticketAfter(before, decide(before, mail('Проверено', { verdict: 'accepted' }), senders.colleague, NOW, policy()), policy().sla, NOW)!;
    expect(after).toMatchObject({ status: 'deploying', version: 2, cc: ['boris@clinic-north.example'], lastMessageId: 'm-1@clinic-north.example', pauses: [{ from: '2026-11-16T08:00:00.000Z', to: NOW.toISOString() }] });
    expect(after.nextDue).not.toEqual(before.nextDue);
  });

  it('rejected commands change only the version: the thread and deadlines stay', () => {
    const before = ticket();
    const after = ticketAfter(before, decide(before, mail('#status nonsense'), senders.engineer, NOW, policy()), policy().sla, NOW)!;
    expect(after).toEqual({ ...before, version: 2, updatedAt: NOW.toISOString() });
  });
});

describe('what the use case looks up before deciding', () => {
  it.each<[string, Partial<Ticket>, string, boolean]>([
    ['a feature ticket going into work', { priority: 'feature' }, '#status in_progress', true],
    ['a ticket in work raised to feature', { status: 'in_progress' }, '#priority feature', true],
    ['a non-feature ticket going into work', {}, '#status in_progress', false],
    ['a feature ticket answered without commands', { priority: 'feature' }, 'Текст', false],
  ])('the feature slot holder: %s -> %s', (_name, over, text, expected) => {
    expect(wouldTakeFeatureSlot(ticket(over), mail(text), senders.engineer, policy())).toBe(expected);
  });

  it.each<[string, SenderKind, boolean]>([
    ['the requester', 'requester', true],
    ['a proven colleague of the same domain', 'colleague', true],
    ['an outsider', 'outsider', false],
    ['an engineer address, even unproven (it only comments)', 'unproven engineer', true],
  ])('mayJoin: %s', (_name, kind, expected) => {
    expect(mayJoin(ticket(), senders[kind], north)).toBe(expected);
  });

  it('a colleague whose From is not proven may not join', () => {
    expect(mayJoin(ticket(), { ...senders.colleague, fromProven: false }, north)).toBe(false);
  });

  it('mentions: the first 20 distinct keys with the prefix, not the own key', () => {
    const text = Array.from({ length: 30 }, (_, i) => `MG-${i} XX-${i}`).join(' ') + ' MG-1 MG-20';
    const keys = mentionedKeys(text, 'MG', 'MG-5');
    expect(keys).toHaveLength(20);
    expect(keys).not.toContain('MG-5');
    expect(keys.every((k) => k.startsWith('MG-'))).toBe(true);
  });

  it('opening: refused outside allowed domains, an engineer names the requester', () => {
    expect(opening(mail('x'), senders.outsider, south)).toEqual({ refused: true });
    expect(opening(mail('#requester boris@clinic-north.example\nТекст'), senders.engineer, south)).toMatchObject({ refused: false, requester: 'boris@clinic-north.example', text: 'Текст' });
  });
});
