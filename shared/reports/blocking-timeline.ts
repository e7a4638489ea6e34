/**
 * The timelines of a month's blocking incidents in the SLA report (issue 16): blocking tickets are
 * worked in the clinic's Telegram group, so their record (what was said, when, by whom) is the
 * ticket's events with the group's comments among them. Per tenant, each blocking ticket with an
 * event in the month: opened, status changes, escalation, breach and the group's comments (author by
 * role, text on one line, cut at 200 characters). Pure, like sla-report.ts; the renderers add one call each.
 */
import type { TicketEvent } from '../domain/events';
import { fmtInstant } from './format';
import type { TicketHistory } from './sla-report';

export interface TimelineEntry {
  at: string;
  what: string;
}

export interface BlockingTimeline {
  ticketKey: string;
  entries: TimelineEntry[];
}

const MAX_TEXT = 200;
const oneLine = (s: string) => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
};

/** What an event says in the timeline; null for events the timeline leaves out (mail copies, notices). */
function describe(e: TicketEvent): string | null {
  switch (e.type) {
    case 'ticket.created':
      return 'открыта (opened)';
    case 'ticket.status_changed':
      return e.data?.silent ? null : `статус (status) ${e.from ?? '?'} -> ${e.to ?? '?'}`;
    case 'ticket.priority_changed':
      return `приоритет (priority) ${e.previousPriority ?? '?'} -> ${e.priority ?? '?'}`;
    case 'sla.escalated':
      return 'эскалация (escalated)';
    case 'sla.breached':
      return 'срок нарушен (deadline breached)';
    case 'ticket.group_comment': {
      const role = e.data?.role === 'engineer' ? 'инженер (engineer)' : 'клиника (clinic)';
      return `Telegram, ${role}: ${oneLine(e.text ?? '')}`;
    }
    default:
      return null;
  }
}

/** One tenant's blocking tickets with an event in the month [from, to), oldest first. */
export function blockingTimelines(
  histories: readonly TicketHistory[],
  tenant: string,
  from: number,
  to: number,
): BlockingTimeline[] {
  const inMonth = (iso: string) => Date.parse(iso) >= from && Date.parse(iso) < to;
  const timelines: Array<BlockingTimeline & { first: string }> = [];
  for (const { ticket, events } of histories) {
    if (ticket.tenant !== tenant || ticket.priority !== 'blocking') continue;
    const entries = [...events]
      .filter((e) => inMonth(e.at))
      .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id))
      .flatMap((e) => {
        const what = describe(e);
        return what ? [{ at: e.at, what }] : [];
      });
    if (entries.length) timelines.push({ ticketKey: ticket.key, entries, first: entries[0]!.at });
  }
  return timelines
    .sort((a, b) => a.first.localeCompare(b.first) || a.ticketKey.localeCompare(b.ticketKey))
    .map(({ ticketKey, entries }) => ({ ticketKey, entries }));
}

export const TIMELINE_HEADING = 'Блокирующие инциденты: хронология (blocking incidents: timeline)';

/** The timelines for the Markdown report. */
export function timelinesMarkdown(timelines: readonly BlockingTimeline[] | undefined, timeZone: string): string[] {
  if (!timelines?.length) return [];
  return [
    '',
    `${TIMELINE_HEADING}:`,
    ...timelines.flatMap((t) => [
      '',
      `${t.ticketKey}:`,
      ...t.entries.map((e) => `- ${fmtInstant(e.at, timeZone)} ${e.what}`),
    ]),
  ];
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The timelines for the HTML report. */
export function timelinesHtml(timelines: readonly BlockingTimeline[] | undefined, timeZone: string): string {
  if (!timelines?.length) return '';
  const items = (t: BlockingTimeline) =>
    t.entries.map((e) => `<li>${escapeHtml(`${fmtInstant(e.at, timeZone)} ${e.what}`)}</li>`).join('');
  const ticket = (t: BlockingTimeline) => {
    const key = escapeHtml(t.ticketKey);
    return `<h4>${key}</h4><ul class="breaches" data-ticket="${key}">${items(t)}</ul>`;
  };
  const tickets = timelines.map(ticket).join('');
  return `<h3>${escapeHtml(TIMELINE_HEADING)}</h3>${tickets}`;
}
