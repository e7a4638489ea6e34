/**
 * The regulation's gates in the monthly SLA report (issue 16), per tenant:
 * - code-change tickets (priorities in `documentationRequiredFor`) closed in the month, each with the
 *   knowledge-base links it was closed with;
 * - tickets opened without an active support contract: no SLA applies, so they stay out of the SLA
 *   rows and are listed apart (those opened in the month, and those still open).
 * Pure, like sla-report.ts; the renderers turn the section into lines.
 */
import { DEFAULT_DOCUMENTATION_REQUIRED_FOR, documentationOf } from '../domain/documentation';
import type { Priority } from '../domain/priorities';
import { isFinal, type Status } from '../domain/ticket';
import { fmtInstant, priorityLabel } from './format';
import type { TicketHistory } from './sla-report';

export interface CodeChangeClosed {
  ticketKey: string;
  priority: Priority;
  closedAt: string;
  documentation: string[];
}

export interface OutsideContractTicket {
  ticketKey: string;
  priority: Priority;
  status: Status;
  createdAt: string;
}

export interface GateSection {
  codeChanges: CodeChangeClosed[];
  outsideContract: OutsideContractTicket[];
}

/** One tenant's gates in the month [from, to). */
export function gateSection(
  histories: readonly TicketHistory[],
  tenant: string,
  from: number,
  to: number,
  requiredFor: readonly Priority[] = DEFAULT_DOCUMENTATION_REQUIRED_FOR,
): GateSection {
  const inMonth = (iso: string | undefined) => iso !== undefined && Date.parse(iso) >= from && Date.parse(iso) < to;
  const section: GateSection = { codeChanges: [], outsideContract: [] };
  for (const { ticket, events } of histories) {
    if (ticket.tenant !== tenant) continue;
    if (ticket.outsideContract && (inMonth(ticket.createdAt) || !isFinal(ticket.status)))
      section.outsideContract.push({
        ticketKey: ticket.key,
        priority: ticket.priority,
        status: ticket.status,
        createdAt: ticket.createdAt,
      });
    // Closed as done (not cancelled or a duplicate): the first close in the month counts.
    const closed = events
      .filter((e) => e.type === 'ticket.status_changed' && e.to === 'closed')
      .sort((a, b) => a.at.localeCompare(b.at))[0];
    if (requiredFor.includes(ticket.priority) && closed && inMonth(closed.at))
      section.codeChanges.push({
        ticketKey: ticket.key,
        priority: ticket.priority,
        closedAt: closed.at,
        documentation: [...documentationOf(ticket)],
      });
  }
  section.codeChanges.sort((a, b) => a.closedAt.localeCompare(b.closedAt) || a.ticketKey.localeCompare(b.ticketKey));
  section.outsideContract.sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.ticketKey.localeCompare(b.ticketKey),
  );
  return section;
}

export const gateHeadings = {
  codeChanges: 'Изменения программы, закрытые с документацией (code-change tickets closed, with documentation)',
  outsideContract: 'Вне договора поддержки, без SLA (outside the support contract, no SLA)',
  undocumented: 'документация не указана (no documentation)',
} as const;

/** The section as lists for a renderer (Markdown lines, HTML items): empty lists are left out. */
export function gateLists(
  section: GateSection | undefined,
  when: (iso: string) => string,
  label: (p: Priority) => string,
): Array<{ heading: string; items: string[] }> {
  if (!section) return [];
  const lists = [
    {
      heading: gateHeadings.codeChanges,
      items: section.codeChanges.map(
        (c) =>
          `${c.ticketKey}, ${label(c.priority)}: закрыта (closed) ${when(c.closedAt)}; ` +
          (c.documentation.length ? c.documentation.join(', ') : gateHeadings.undocumented),
      ),
    },
    {
      heading: gateHeadings.outsideContract,
      items: section.outsideContract.map(
        (o) => `${o.ticketKey}, ${label(o.priority)}: открыта (opened) ${when(o.createdAt)}, ${o.status}`,
      ),
    },
  ];
  return lists.filter((l) => l.items.length);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The section for the HTML report: a heading and a list per non-empty list. */
export function gatesHtml(section: GateSection | undefined, timeZone: string): string {
  const list = (items: string[]) => items.map((i) => `<li>${escapeHtml(i)}</li>`).join('');
  return gateLists(section, (iso) => fmtInstant(iso, timeZone), priorityLabel)
    .map((l) => `<h3>${escapeHtml(l.heading)}</h3><ul class="breaches">${list(l.items)}</ul>`)
    .join('');
}

/** The section for the Markdown report. */
export function gatesMarkdown(section: GateSection | undefined, timeZone: string): string[] {
  return gateLists(section, (iso) => fmtInstant(iso, timeZone), priorityLabel).flatMap((l) => [
    '',
    `${l.heading}:`,
    '',
    ...l.items.map((i) => `- ${i}`),
  ]);
}
