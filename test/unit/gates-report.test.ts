/**
 * Issue 16 in the monthly SLA report: code-change tickets closed in the month with their knowledge-base
 * links, and tickets outside the support contract listed apart (not measured against an SLA that does
 * not apply to them). Tickets and events built by hand for November 2026, Moscow.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { TicketEvent } from '../../shared/domain/events';
import type { Priority } from '../../shared/domain/priorities';
import { newTicket, type Status, type Ticket } from '../../shared/domain/ticket';
import { renderHtml } from '../../shared/reports/render-html';
import { renderMarkdown } from '../../shared/reports/render-markdown';
import { buildSlaReport, type TicketHistory } from '../../shared/reports/sla-report';

const config = parseConfig({
  engineers: ['engineer1@team.example'],
  tenants: [
    { id: 'clinic-north', name: 'Северная клиника', addresses: ['clinic-north@support.example'] },
    { id: 'clinic-south', name: 'Южная клиника', addresses: ['clinic-south@support.example'], support: { active: false } },
  ],
});
const calendar = BusinessCalendar.fromConfig(config);
const KB = 'https://kb.example/articles/1';

function history(key: string, tenant: string, priority: Priority, status: Status, closedAt: string | null, extra: Partial<Ticket> = {}): TicketHistory {
  const createdAt = '2026-11-02T07:00:00.000Z';
  const ticket = newTicket({ key, number: Number(key.slice(3)), tenant, requester: `a@${tenant}.example`, summary: key, priority, createdAt, rootMessageId: `<${key}@x>`, status, closedAt, ...extra });
  const at = (type: TicketEvent['type'], when: string, more: Partial<TicketEvent> = {}): TicketEvent => ({ id: `${key}:${type}:${when}`, type, ticketKey: key, tenant, at: when, actor: { kind: 'engineer', address: 'engineer1@team.example' }, ...more });
  const events = [at('ticket.created', createdAt)];
  if (closedAt) events.push(at('ticket.status_changed', closedAt, { from: 'in_progress', to: status }));
  return { ticket, events };
}

const histories = [
  history('MG-1', 'clinic-north', 'feature', 'closed', '2026-11-20T09:00:00.000Z', { documentation: [KB] }),
  history('MG-2', 'clinic-north', 'report', 'closed', '2026-11-10T09:00:00.000Z'), // stored before the gate: no link
  history('MG-3', 'clinic-north', 'error', 'closed', '2026-11-11T09:00:00.000Z'), // no code change
  history('MG-4', 'clinic-north', 'feature', 'cancelled', '2026-11-12T09:00:00.000Z'), // not done
  history('MG-5', 'clinic-north', 'feature', 'closed', '2026-12-02T09:00:00.000Z', { documentation: [KB] }), // next month
  history('MG-6', 'clinic-south', 'blocking', 'open', null, { outsideContract: true }),
  history('MG-7', 'clinic-south', 'error', 'open', null),
];
const report = buildSlaReport(histories, config, calendar, { month: '2026-11', now: new Date('2026-12-05T12:00:00+03:00') });

describe('report: the gates', () => {
  it('code-change tickets closed in the month, each with its documentation', () => {
    expect(report.tenants[0]!.gates).toEqual({
      codeChanges: [
        { ticketKey: 'MG-2', priority: 'report', closedAt: '2026-11-10T09:00:00.000Z', documentation: [] },
        { ticketKey: 'MG-1', priority: 'feature', closedAt: '2026-11-20T09:00:00.000Z', documentation: [KB] },
      ],
      outsideContract: [],
    });
  });

  it('tickets outside the contract: listed apart, not in the SLA rows', () => {
    const south = report.tenants[1]!;
    expect(south.gates?.outsideContract).toEqual([{ ticketKey: 'MG-6', priority: 'blocking', status: 'open', createdAt: '2026-11-02T07:00:00.000Z' }]);
    expect(south.rows.map((r) => [r.priority, r.opened])).toEqual([['error', 1]]);
    expect(south.total.opened).toBe(1);
  });

  it('Markdown and HTML show both lists', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('Изменения программы, закрытые с документацией (code-change tickets closed, with documentation):');
    expect(md).toContain(`- MG-1, Новые функции, доработки (feature): закрыта (closed) 20.11.2026 12:00; ${KB}`);
    expect(md).toContain('- MG-2, Новый отчет (report): закрыта (closed) 10.11.2026 12:00; документация не указана (no documentation)');
    expect(md).toContain('Вне договора поддержки, без SLA (outside the support contract, no SLA):\n\n- MG-6, Блокировка (blocking): открыта (opened) 02.11.2026 10:00, open');
    expect(md).not.toContain('MG-5,');
    const html = renderHtml(report);
    expect(html).toContain(`<li>MG-1, Новые функции, доработки (feature): закрыта (closed) 20.11.2026 12:00; ${KB}</li>`);
    expect(html).toContain('<h3>Вне договора поддержки, без SLA (outside the support contract, no SLA)</h3>');
  });
});
