/** evolve on each event type: what the ticket becomes (a table), and the events that leave it as it is. */
import { describe, expect, it } from 'vitest';
import type { DecidedEvent } from '../../shared/domain/decision';
import { eventTypes, type EventType, type TicketEvent } from '../../shared/domain/events';
import { evolve, NoTicketError } from '../../shared/domain/evolve';
import { newTicket, type Ticket } from '../../shared/domain/ticket';

const AT = '2026-11-17T09:00:00.000Z';
function ticket(over: Partial<Ticket> = {}): Ticket {
  return newTicket({ key: 'MG-10', number: 10, tenant: 'clinic-north', requester: 'anna@clinic-north.example', summary: 'x', priority: 'error', createdAt: '2026-11-16T07:00:00.000Z', rootMessageId: 'root@x', ...over });
}
const event = (type: EventType, over: Partial<TicketEvent> = {}): TicketEvent => ({ id: `in-1:${type}`, type, ticketKey: 'MG-10', tenant: 'clinic-north', at: AT, actor: { kind: 'engineer', address: 'engineer1@team.example' }, ...over });
const attachment = { filename: 'a.png', contentType: 'image/png', size: 3, key: 'attachments/in-1/1-a.png' };

const changes: Array<[string, Partial<Ticket>, DecidedEvent, Partial<Ticket>]> = [
  ['mail.received: version, time, thread', {}, { type: 'mail.received', at: AT, lastMessageId: 'm-2' }, { version: 2, updatedAt: AT, lastMessageId: 'm-2' }],
  ['mail.received without a Message-ID keeps the thread', {}, { type: 'mail.received', at: AT }, { version: 2, lastMessageId: 'root@x' }],
  ['mail.received: attachments added', { attachments: [{ ...attachment, key: 'old' }] }, { type: 'mail.received', at: AT, attachments: [attachment] }, { attachments: [{ ...attachment, key: 'old' }, attachment] }],
  ['mail.received: a colleague joins', { cc: ['head@clinic-north.example'] }, { type: 'mail.received', at: AT, participant: 'boris@clinic-north.example' }, { cc: ['head@clinic-north.example', 'boris@clinic-north.example'] }],
  ['mail.received: the wait restarts', { status: 'awaiting_test', waitingSince: '2026-11-10T07:00:00.000Z', reminded: true }, { type: 'mail.received', at: AT, restartsWait: true }, { waitingSince: AT, reminded: false, status: 'awaiting_test' }],
  ['mail.received: #requester and #duplicate', {}, { type: 'mail.received', at: AT, requester: 'boris@clinic-north.example', duplicateOf: 'MG-3' }, { requester: 'boris@clinic-north.example', duplicateOf: 'MG-3' }],
  ['ticket.status_changed: open -> in_progress records response and start', {}, event('ticket.status_changed', { from: 'open', to: 'in_progress' }), { status: 'in_progress', respondedAt: AT, startedAt: AT }],
  ['ticket.status_changed: into a wait opens a pause', { status: 'in_progress' }, event('ticket.status_changed', { from: 'in_progress', to: 'info_requested' }), { status: 'info_requested', statusBeforeWait: 'in_progress', waitingSince: AT, pauses: [{ from: AT, to: null }] }],
  ['ticket.status_changed: to closed', { status: 'in_progress' }, event('ticket.status_changed', { from: 'in_progress', to: 'closed' }), { status: 'closed', closedAt: AT }],
  ['ticket.status_changed: reopened starts a new SLA cycle', { status: 'closed', closedAt: AT, warned: true, breached: true }, event('ticket.status_changed', { from: 'closed', to: 'reopened' }), { status: 'reopened', closedAt: null, clockStart: AT, warned: false, breached: false }],
  ['ticket.priority_changed: new priority, warning and breach ahead again', { warned: true, breached: true }, event('ticket.priority_changed', { priority: 'blocking', previousPriority: 'error' }), { priority: 'blocking', warned: false, breached: false }],
  ['ticket.assigned', {}, event('ticket.assigned', { data: { assignee: 'petrov' } }), { assignee: 'petrov' }],
  ['ticket.deferred adds up', { deferredWd: 4 }, event('ticket.deferred', { data: { days: 5 } }), { deferredWd: 9 }],
  ['ticket.documented adds the knowledge-base link', { documentation: ['https://kb.example/a'] }, event('ticket.documented', { data: { url: 'https://kb.example/b' } }), { documentation: ['https://kb.example/a', 'https://kb.example/b'] }],
  ['ticket.auto_closed', { status: 'awaiting_test', pauses: [{ from: '2026-11-01T07:00:00.000Z', to: null }], waitingSince: '2026-11-01T07:00:00.000Z' }, event('ticket.auto_closed'), { status: 'closed_no_response', closedAt: AT, pauses: [{ from: '2026-11-01T07:00:00.000Z', to: AT }] }],
  ['sla.respond_overdue', {}, event('sla.respond_overdue'), { respondOverdue: true }],
  ['sla.warning', {}, event('sla.warning'), { warned: true }],
  ['sla.breached', {}, event('sla.breached'), { warned: true, breached: true }],
  ['sla.reminder', {}, event('sla.reminder'), { reminded: true }],
];

describe('evolve: events that change the ticket', () => {
  it.each(changes)('%s', (_name, over, e, expected) => {
    const before = ticket(over);
    const after = evolve(before, e);
    expect(after).toMatchObject(expected);
    expect(before).toEqual(ticket(over)); // pure: the ticket given is not touched
  });

  it('mail.received with opens starts a ticket from nothing', () => {
    const opened = evolve(null, { type: 'mail.received', at: AT, opens: { key: 'MG-20', number: 20, tenant: 'clinic-north', requester: 'anna@clinic-north.example', summary: 's', priority: 'minor', createdAt: AT, rootMessageId: 'm-1', attachments: [attachment] } });
    expect(opened).toMatchObject({ key: 'MG-20', status: 'open', version: 1, priority: 'minor', lastMessageId: 'm-1', attachments: [attachment] });
  });

  it('any other event without a ticket is an error', () => {
    expect(() => evolve(null, event('ticket.commented'))).toThrow(NoTicketError);
    expect(() => evolve(null, { type: 'mail.received', at: AT })).toThrow(NoTicketError);
  });
});

const mailOnly: EventType[] = ['ticket.created', 'ticket.commented', 'ticket.answered', 'ticket.internal_note', 'ticket.group_comment', 'ticket.final_reply', 'command.rejected', 'sender.refused', 'engineer.unauthenticated', 'sla.escalated'];

describe('evolve: events that only cause mail', () => {
  it.each(mailOnly)('%s leaves the ticket as it is', (type) => {
    const before = ticket({ status: 'in_progress' });
    expect(evolve(before, event(type, { text: 'x', priority: 'blocking' }))).toEqual(before);
  });

  it('every event type is covered by one of the two tables', () => {
    const covered = new Set<string>([...mailOnly, ...changes.map(([, , e]) => e.type)]);
    expect(eventTypes.filter((t) => !covered.has(t))).toEqual([]);
  });
});
