/** DynamoDB stream -> deliverEvent for each new outbox event; failures reported per record. */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { EventBridgeBus } from '../../shared/adapters/event-bus';
import { SesMailSender } from '../../shared/adapters/ses-mail-sender';
import { configFromEnvironment } from '../../shared/config';
import { requireEnv } from '../../shared/lambda-env';
import { jsonLogger } from '../../shared/log';
import { eventFromStreamRecord } from '../../shared/adapters/stream-records';
import { deliverEvent } from '../../shared/use-cases/deliver-event';

const env = requireEnv(['TABLE_NAME', 'EVENT_BUS_NAME']);
const log = jsonLogger(undefined, 'maildesk-notify');
const deps = {
  tickets: new DynamoTicketStore(new DynamoDBClient({}), env.TABLE_NAME),
  sender: new SesMailSender(new SESv2Client({}), process.env.SES_CONFIGURATION_SET || undefined),
  bus: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME),
  config: configFromEnvironment(),
  log,
};

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event) => {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const outbox = eventFromStreamRecord(record);
    if (!outbox) continue;
    try {
      await deliverEvent(outbox, deps);
    } catch (error) {
      log.error('delivery failed: will retry', { eventId: outbox.id, error: (error as Error).name });
      // Stream order matters per shard: report the first failure, Lambda retries from there.
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      break;
    }
  }
  return { batchItemFailures };
});
