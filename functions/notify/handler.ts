/** DynamoDB stream -> deliverEvent for each new outbox event; the first failure is reported (partial batch). */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deliverStreamBatch } from '../../shared/adapters/stream-records';
import type { TicketEvent } from '../../shared/domain/events';
import { deliverEvent } from '../../shared/use-cases/deliver-event';
import { dynamoTickets, eventBridgeBus, lambdaDesk, s3MailSignedLinks } from '../wiring';
import { sesSender } from '../ses-sender';

// mail: the customers' files for the engineers' copy (read, or presigned when over the limit, signed
// with the attachment-links key from SSM)
const { desk, log } = lambdaDesk('maildesk-notify', {
  tickets: dynamoTickets,
  sender: sesSender,
  bus: eventBridgeBus,
  mail: s3MailSignedLinks,
});

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const deliver = (outbox: TicketEvent) => deliverEvent(outbox, desk.deliverDeps);
  const { batchItemFailures, failed } = await deliverStreamBatch(event.Records, deliver);
  if (failed) log.error('delivery failed: will retry', { eventId: failed.event.id, error: failed.error.name });
  return { batchItemFailures };
};
