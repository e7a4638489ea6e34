/** EventBridge schedule rate(1 minute) -> sweepDeadlines(now). */
import { sweepDeadlines } from '../../shared/use-cases/sweep-deadlines';
import { businessCalendar, dynamoTickets, lambdaDesk } from '../wiring';

const { desk, log } = lambdaDesk('maildesk-sla-sweep', { tickets: dynamoTickets, calendar: businessCalendar });

export const handler = async (): Promise<void> => {
  const result = await sweepDeadlines(new Date(), desk.sweepDeps);
  log.info('sweep done', { due: result.due, acted: result.acted.length, raced: result.raced, failed: result.failed });
};
