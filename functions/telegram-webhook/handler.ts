/**
 * Lambda function URL -> receiveTelegramUpdate. Telegram posts each update of the clinics' groups
 * here with the secret token header; 401 without it. A thrown error answers 5xx, and Telegram
 * delivers the update again (its inbound marker keeps it once-only).
 */
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { receiveTelegramUpdate } from '../../shared/use-cases/receive-telegram-update';
import { ssmTelegramBridge } from '../telegram-ssm';
import { businessCalendar, dynamoTickets, lambdaDesk } from '../wiring';

const { desk, log } = lambdaDesk('maildesk-telegram-webhook', {
  tickets: dynamoTickets,
  telegram: ssmTelegramBridge,
  calendar: businessCalendar,
});

export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const secretToken = event.headers?.['x-telegram-bot-api-secret-token'];
  const answer = await receiveTelegramUpdate({ secretToken, body }, desk.telegramUpdateDeps);
  log.info('telegram update handled', { status: answer.status, outcome: answer.outcome });
  return { statusCode: answer.status, body: answer.status === 401 ? 'unauthorized' : 'ok' };
};
