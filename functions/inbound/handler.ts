/** SES receipt rule (S3 action, then this Lambda, async) -> receiveMail for each record. */
import { parseSesEvent } from '../../shared/adapters/ses-event';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { businessCalendar, dynamoTickets, lambdaDesk, s3Mail } from '../wiring';

const { desk, log } = lambdaDesk('maildesk-inbound', {
  tickets: dynamoTickets,
  mail: s3Mail,
  calendar: businessCalendar,
});

export const handler = async (event: unknown): Promise<void> => {
  for (const inbound of parseSesEvent(event)) {
    const outcome = await receiveMail(inbound, desk.receiveDeps);
    log.info('inbound processed', { inboundId: inbound.inboundId, outcome: outcome.kind });
  }
};
