/** The SLA report's timelines of blocking incidents: which tickets, which events, how a group comment reads. */
import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../shared/domain/events';
import { newTicket, type Ticket } from '../../shared/domain/ticket';
import { blockingTimelines, timelinesHtml, timelinesMarkdown } from '../../shared/reports/blocking-timeline';

const NOV = [Date.parse('2026-10-31T21:00:00Z'), Date.parse('2026-11-30T21:00:00Z')] as const;
const ticket = (key: string, over: Partial<Ticket> = {}): Ticket => ({
  ...newTicket({ key, number: Number(key.slice(3)), tenant: 'clinic-north', requester: 'a@clinic-north.example', summary: 's', priority: 'blocking', createdAt: '2026-11-16T07:00:00.000Z', rootMessageId: 'r@x' }),
  ...over,
});
let seq = 0;
const ev = (key: string, type: TicketEvent['type'], at: string, over: Partial<TicketEvent> = {}): TicketEvent => ({ id: `${key}:${++seq}`, type, ticketKey: key, tenant: 'clinic-north', at, actor: { kind: 'system', address: null }, ...over });

describe('blockingTimelines', () => {
  const history = [
    {
      ticket: ticket('MG-1'),
      events: [
        ev('MG-1', 'ticket.created', '2026-11-16T07:00:00.000Z'),
        ev('MG-1', 'sla.escalated', '2026-11-16T07:00:00.000Z'),
        ev('MG-1', 'ticket.commented', '2026-11-16T07:05:00.000Z', { text: 'mail text' }),
        ev('MG-1', 'ticket.group_comment', '2026-11-16T07:10:00.000Z', { text: 'сервер\n  лежит', data: { via: 'telegram', role: 'clinic', author: '@anna' } }),
        ev('MG-1', 'ticket.status_changed', '2026-11-16T07:20:00.000Z', { from: 'open', to: 'in_progress' }),
        ev('MG-1', 'ticket.status_changed', '2026-11-16T07:30:00.000Z', { from: 'awaiting_test', to: 'verified', data: { silent: true } }),
        ev('MG-1', 'ticket.group_comment', '2026-11-16T07:40:00.000Z', { text: 'x'.repeat(300), data: { via: 'telegram', role: 'engineer' } }),
        ev('MG-1', 'sla.breached', '2026-12-01T07:00:00.000Z'),
      ],
    },
    { ticket: ticket('MG-2', { priority: 'error' }), events: [ev('MG-2', 'ticket.created', '2026-11-16T08:00:00.000Z')] },
    { ticket: ticket('MG-3', { tenant: 'clinic-south' }), events: [ev('MG-3', 'ticket.created', '2026-11-16T08:00:00.000Z', { tenant: 'clinic-south' })] },
    { ticket: ticket('MG-4'), events: [ev('MG-4', 'ticket.created', '2026-10-16T08:00:00.000Z')] },
  ];

  it('lists the month\'s events of the tenant\'s blocking tickets: opened, escalation, status, the group\'s comments by role', () => {
    const [t, ...rest] = blockingTimelines(history, 'clinic-north', ...NOV);
    expect(rest).toEqual([]);
    expect(t!.ticketKey).toBe('MG-1');
    expect(t!.entries.map((e) => e.what)).toEqual([
      'открыта (opened)',
      'эскалация (escalated)',
      'Telegram, клиника (clinic): сервер лежит',
      'статус (status) open -> in_progress',
      `Telegram, инженер (engineer): ${'x'.repeat(199)}…`,
    ]);
    expect(JSON.stringify(t)).not.toContain('@anna');
  });

  it('renders as Markdown and as HTML (escaped)', () => {
    const timelines = [{ ticketKey: 'MG-1', entries: [{ at: '2026-11-16T07:10:00.000Z', what: 'Telegram, клиника (clinic): <b>ok</b>' }] }];
    expect(timelinesMarkdown(timelines, 'Europe/Moscow')).toEqual(['', 'Блокирующие инциденты: хронология (blocking incidents: timeline):', '', 'MG-1:', '- 16.11.2026 10:10 Telegram, клиника (clinic): <b>ok</b>']);
    expect(timelinesHtml(timelines, 'Europe/Moscow')).toContain('<li>16.11.2026 10:10 Telegram, клиника (clinic): &lt;b&gt;ok&lt;/b&gt;</li>');
    expect([timelinesMarkdown([], 'UTC'), timelinesHtml(undefined, 'UTC')]).toEqual([[], '']);
  });
});
