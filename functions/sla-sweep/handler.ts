/** EventBridge schedule rate(1 minute) -> sweepDeadlines(now). */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { configFromEnvironment } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { requireEnv } from '../../shared/lambda-env';
import { jsonLogger } from '../../shared/log';
import { sweepDeadlines } from '../../shared/use-cases/sweep-deadlines';

const env = requireEnv(['TABLE_NAME']);
const config = configFromEnvironment();
const log = jsonLogger(undefined, 'maildesk-sla-sweep');
const deps = { tickets: new DynamoTicketStore(new DynamoDBClient({}), env.TABLE_NAME), config, calendar: BusinessCalendar.fromConfig(config), log };

export const handler = middy().handler(async () => {
  const result = await sweepDeadlines(new Date(), deps);
  log.info('sweep done', { due: result.due, acted: result.acted.length, raced: result.raced, failed: result.failed });
});
