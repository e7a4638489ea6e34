/** SES receipt rule (S3 action, then this Lambda, async) -> receiveMail for each record. */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { S3MailStore } from '../../shared/adapters/s3-mail-store';
import { configFromEnvironment } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { jsonLogger } from '../../shared/log';
import { parseSesEvent } from '../../shared/ses-event';
import { requireEnv } from '../../shared/lambda-env';
import { receiveMail } from '../../shared/use-cases/receive-mail';

const env = requireEnv(['TABLE_NAME', 'MAIL_BUCKET']);
const config = configFromEnvironment();
const log = jsonLogger(undefined, 'maildesk-inbound');
const deps = {
  mail: new S3MailStore(new S3Client({}), env.MAIL_BUCKET),
  tickets: new DynamoTicketStore(new DynamoDBClient({}), env.TABLE_NAME),
  config,
  calendar: BusinessCalendar.fromConfig(config),
  now: () => new Date(),
  log,
};

export const handler = middy().handler(async (event: unknown) => {
  for (const inbound of parseSesEvent(event)) {
    const outcome = await receiveMail(inbound, deps);
    log.info('inbound processed', { inboundId: inbound.inboundId, outcome: outcome.kind });
  }
});
