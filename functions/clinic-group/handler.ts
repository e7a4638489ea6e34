/**
 * EventBridge rule on the maildesk bus (a blocking ticket's news) -> postToClinicGroup. A thrown
 * error makes EventBridge retry the target; claims keep it to one post.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { busEventFromEventBridge } from '../../shared/use-cases/alert-telegram';
import { postToClinicGroup } from '../../shared/use-cases/post-to-clinic-group';
import { ssmTelegramBridge } from '../telegram-ssm';
import { dynamoTickets, lambdaDesk } from '../wiring';

const { desk, log } = lambdaDesk('maildesk-clinic-group', { tickets: dynamoTickets, telegram: ssmTelegramBridge });

export const handler = async (event: EventBridgeEvent<string, Record<string, unknown>>): Promise<void> => {
  const busEvent = busEventFromEventBridge(event);
  const outcome = await postToClinicGroup(busEvent, desk.groupPostDeps);
  log.info('clinic group post handled', { eventId: busEvent.id, eventType: busEvent.type, outcome });
};
