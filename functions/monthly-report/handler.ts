/**
 * EventBridge schedule (daily) -> sendMonthlyReports(now): on the first working day of a month each
 * tenant's reportRecipients get last month's SLA report, once per tenant and month (claims).
 * A manual invoke may pass {"month": "2026-11", "force": true} to send outside the first working
 * day (the claim still allows one mail per tenant and month).
 * Nearly every run is a cold start that only checks the date: the DynamoDB and SES clients are
 * made when a report is due (onFirstUse).
 */
import { z } from 'zod';
import { MONTH_PATTERN } from '../../shared/reports/sla-report';
import { sendMonthlyReports } from '../../shared/use-cases/send-monthly-reports';
import { businessCalendar, dynamoTickets, lambdaDesk } from '../wiring';
import { sesSender } from '../ses-sender';

// The calendar is made now (every run checks the date); the clients only when a report is due.
const { desk, log } = lambdaDesk(
  'maildesk-monthly-report',
  { tickets: dynamoTickets, sender: sesSender, calendar: businessCalendar },
  { onFirstUse: ['tickets', 'sender'] },
);

const manual = z.object({ month: z.string().regex(MONTH_PATTERN).optional(), force: z.boolean().optional() });

export const handler = async (event: unknown) => {
  const parsed = manual.safeParse(event ?? {});
  const options = parsed.success ? parsed.data : {};
  const result = await sendMonthlyReports(new Date(), desk.reportDeps, options);
  const skipped = result.skipped.map((s) => `${s.tenant}:${s.reason}`);
  log.info('monthly report check done', { due: result.due, month: result.month, sent: result.sent, skipped });
  return result;
};
