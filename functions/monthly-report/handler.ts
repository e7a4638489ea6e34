/**
 * EventBridge schedule (daily) -> sendMonthlyReports(now): on the first working day of a month each
 * tenant's reportRecipients get last month's SLA report, once per tenant and month (claims).
 * A manual invoke may pass {"month": "2026-11", "force": true} to send outside the first working
 * day (the claim still allows one mail per tenant and month).
 */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { SesMailSender } from '../../shared/adapters/ses-mail-sender';
import { configFromEnvironment } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { requireEnv } from '../../shared/lambda-env';
import { jsonLogger } from '../../shared/log';
import { MONTH_PATTERN } from '../../shared/reports/sla-report';
import { sendMonthlyReports, type MonthlyReportDeps } from '../../shared/use-cases/send-monthly-reports';

const env = requireEnv(['TABLE_NAME']);
const config = configFromEnvironment();
const log = jsonLogger(undefined, 'maildesk-monthly-report');
// The schedule fires daily and reports go out on one day a month, so nearly every run is a cold
// start that only checks the date: the SDK clients are made when a report is due, not at init.
let clients: Pick<MonthlyReportDeps, 'tickets' | 'sender'> | undefined;
const reportClients = () =>
  (clients ??= {
    tickets: new DynamoTicketStore(new DynamoDBClient({}), env.TABLE_NAME),
    sender: new SesMailSender(new SESv2Client({}), process.env.SES_CONFIGURATION_SET || undefined),
  });
const deps: MonthlyReportDeps = {
  get tickets() {
    return reportClients().tickets;
  },
  get sender() {
    return reportClients().sender;
  },
  config,
  calendar: BusinessCalendar.fromConfig(config),
  log,
};

const manual = z.object({ month: z.string().regex(MONTH_PATTERN).optional(), force: z.boolean().optional() });

export const handler = middy().handler(async (event: unknown) => {
  const parsed = manual.safeParse(event ?? {});
  const options = parsed.success ? parsed.data : {};
  const result = await sendMonthlyReports(new Date(), deps, options);
  log.info('monthly report check done', { due: result.due, month: result.month, sent: result.sent, skipped: result.skipped.map((s) => `${s.tenant}:${s.reason}`) });
  return result;
});
