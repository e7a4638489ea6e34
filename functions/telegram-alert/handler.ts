/**
 * EventBridge rule on the maildesk bus (ticket.created, sla.escalated, sla.breached) -> alertTelegram.
 * The bot token comes from SSM Parameter Store when an alert is sent (functions/wiring.ts
 * ssmTelegram). A thrown error makes EventBridge retry the target; claims keep it to one message.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { alertTelegram, busEventFromEventBridge } from '../../shared/use-cases/alert-telegram';
import { dynamoTickets, lambdaDesk, ssmTelegram } from '../wiring';

const { desk, log } = lambdaDesk('maildesk-telegram-alert', { tickets: dynamoTickets, telegram: ssmTelegram });

export const handler = async (event: EventBridgeEvent<string, Record<string, unknown>>): Promise<void> => {
  const busEvent = busEventFromEventBridge(event);
  const outcome = await alertTelegram(busEvent, desk.alertDeps);
  log.info('telegram alert handled', { eventId: busEvent.id, eventType: busEvent.type, outcome });
};
