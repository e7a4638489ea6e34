/**
 * sendMonthlyReports: on the first working day of a month, each tenant's `reportRecipients` get
 * last month's SLA report (HTML attached, a short summary in the body).
 * 1 is today (in the config's zone) the first working day of its month? if not, nothing to do
 * 2 per tenant with recipients: claim `report#<tenant>#<month>` (once per tenant and month, however
 *   often the timer or the schedule fires), load the history, render, send
 * 3 a failed tenant releases its claim and the run fails after trying the others, so a retry
 *   sends exactly the missing ones
 */
import type { MaildeskConfig, Tenant } from '../config';
import type { BusinessCalendar } from '../domain/business-calendar';
import type { Logger } from '../log';
import { mailbox } from '../mail/outbound/compose';
import { randomMessageId } from '../mail/outbound/message-ids';
import { reportLetter } from '../mail/outbound/report';
import { loadSlaReport } from '../reports/load-history';
import { renderHtml } from '../reports/render-html';
import { previousMonth, type SlaReport } from '../reports/sla-report';
import type { Claims, MailSender, OutgoingMail, TicketReader } from './ports';

export interface MonthlyReportDeps {
  tickets: Pick<TicketReader, 'listTickets' | 'listEvents'> & Claims;
  sender: MailSender;
  config: MaildeskConfig;
  calendar: BusinessCalendar;
  log: Logger;
}

export interface MonthlyReportResult {
  /** whether `now` is on the first working day of its month (or the run was forced) */
  due: boolean;
  month: string | null;
  sent: string[];
  skipped: Array<{ tenant: string; reason: 'no-recipients' | 'already-sent' }>;
}

/** Claims live long enough to outlast the month they guard. */
const CLAIM_TTL_SECONDS = 400 * 24 * 3600;

export const reportClaim = (tenant: string, month: string) => `report#${tenant}#${month}`;

/** Whether a local date (YYYY-MM-DD) is the first working day of its month by the calendar. */
export function isFirstWorkingDayOfMonth(date: string, calendar: BusinessCalendar): boolean {
  if (!calendar.isWorkingDay(date)) return false;
  const day = Number(date.slice(8, 10));
  for (let d = 1; d < day; d++)
    if (calendar.isWorkingDay(`${date.slice(0, 8)}${String(d).padStart(2, '0')}`)) return false;
  return true;
}

/**
 * `messageId` defaults to a random one: the claim above, not the id, sends the report once, and an id
 * naming the tenant and month could be cited to find its way into a thread.
 */
export function reportMail(
  report: SlaReport,
  tenant: Tenant,
  html: string,
  messageId = randomMessageId(tenant.addresses[0]!),
): OutgoingMail {
  const from = tenant.addresses[0]!;
  const { subject, text } = reportLetter(report, tenant);
  return {
    from: mailbox(tenant.name, from),
    to: tenant.reportRecipients,
    cc: [],
    replyTo: from,
    subject,
    text,
    messageId,
    inReplyTo: null,
    references: [],
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-Maildesk-Report': `sla ${report.month}`,
    },
    attachments: [
      {
        filename: `sla-report-${tenant.id}-${report.month}.html`,
        contentType: 'text/html; charset=utf-8',
        content: Buffer.from(html, 'utf8'),
      },
    ],
  };
}

export async function sendMonthlyReports(
  now: Date,
  deps: MonthlyReportDeps,
  options: { force?: boolean; month?: string } = {},
): Promise<MonthlyReportResult> {
  const { config, calendar, log } = deps;
  const due = Boolean(options.force) || isFirstWorkingDayOfMonth(calendar.localDate(now), calendar);
  if (!due) return { due: false, month: null, sent: [], skipped: [] };
  const month = options.month ?? previousMonth(now, calendar);
  const result: MonthlyReportResult = { due: true, month, sent: [], skipped: [] };
  const failures: Error[] = [];
  for (const tenant of config.tenants) {
    if (tenant.reportRecipients.length === 0) {
      result.skipped.push({ tenant: tenant.id, reason: 'no-recipients' });
      continue;
    }
    const marker = reportClaim(tenant.id, month);
    if (!(await deps.tickets.claim(marker, CLAIM_TTL_SECONDS))) {
      result.skipped.push({ tenant: tenant.id, reason: 'already-sent' });
      continue;
    }
    try {
      const report = await loadSlaReport(deps.tickets, config, calendar, { month, tenants: [tenant.id], now });
      await deps.sender.send(reportMail(report, tenant, renderHtml(report)));
      result.sent.push(tenant.id);
      log.info('monthly report sent', {
        tenant: tenant.id,
        month,
        recipients: tenant.reportRecipients.length,
        opened: report.tenants[0]!.total.opened,
      });
    } catch (error) {
      await deps.tickets.release(marker);
      log.error('monthly report failed: will retry', { tenant: tenant.id, month, error: (error as Error).name });
      failures.push(error as Error);
    }
  }
  if (failures.length)
    throw new AggregateError(
      failures,
      `monthly report failed for ${failures.length} tenant(s); the next run retries them`,
    );
  return result;
}
