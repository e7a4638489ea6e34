/**
 * EventBridge rule on the maildesk bus (ticket.created, sla.escalated, sla.breached) -> alertTelegram.
 * The bot token is read once per container from SSM Parameter Store (config telegram.botTokenParameter,
 * SecureString). A thrown error makes EventBridge retry the target; claims keep it to one message.
 */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent } from 'aws-lambda';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { configFromEnvironment } from '../../shared/config';
import { requireEnv } from '../../shared/lambda-env';
import { jsonLogger } from '../../shared/log';
import { alertTelegram, busEventFromEventBridge } from '../../shared/use-cases/alert-telegram';

const env = requireEnv(['TABLE_NAME']);
const config = configFromEnvironment();
const log = jsonLogger(undefined, 'maildesk-telegram-alert');
const ssm = new SSMClient({});
const claims = new DynamoTicketStore(new DynamoDBClient({}), env.TABLE_NAME);

let cachedToken: Promise<string> | null = null;
function token(): Promise<string> {
  const name = config.telegram?.botTokenParameter;
  if (!name) return Promise.reject(new Error('config has no telegram section'));
  cachedToken ??= ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })).then((r) => {
    if (!r.Parameter?.Value) throw new Error(`SSM parameter ${name} has no value`);
    return r.Parameter.Value;
  });
  // A failed read is not cached: the retry reads again.
  cachedToken.catch(() => (cachedToken = null));
  return cachedToken;
}

export const handler = middy<EventBridgeEvent<string, Record<string, unknown>>>().handler(async (event) => {
  const busEvent = busEventFromEventBridge(event);
  const outcome = await alertTelegram(busEvent, { claims, config, token, apiBase: process.env.TELEGRAM_API_BASE || undefined, log });
  log.info('telegram alert handled', { eventId: busEvent.id, eventType: busEvent.type, outcome });
});
