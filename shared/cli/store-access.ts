/** Which table the CLI reads and where it sends mail: the local stack's by default, the deployed stack's with --aws. */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { localDynamoClient } from '../adapters/clients';
import { DynamoTicketStore } from '../adapters/dynamo-ticket-store';
import { OutboxMailSender } from '../adapters/outbox-mail-sender';
import { SesMailSender } from '../adapters/ses-mail-sender';
import { SmtpMailSender } from '../adapters/smtp-mail-sender';
import type { MailSender, TicketStore } from '../use-cases/ports';

export interface StoreTarget {
  aws: boolean;
  table?: string;
}

/**
 * The store behind the ports (the commands use TicketReader, the sweep its narrow deps...), and how to let go of it.
 */
export function openStore(
  target: StoreTarget,
  env: NodeJS.ProcessEnv = process.env,
): { store: TicketStore; close(): void } {
  if (target.aws) {
    const table = target.table ?? env.MAILDESK_TABLE ?? env.TABLE_NAME;
    if (!table)
      throw new Error('--aws needs the table name: --table NAME or MAILDESK_TABLE (see the stack output TableName)');
    const client = new DynamoDBClient({});
    return { store: new DynamoTicketStore(client, table), close: () => client.destroy() };
  }
  const port = Number(env.MAILDESK_DYNAMODB_PORT ?? 8000);
  const client = localDynamoClient(`http://127.0.0.1:${port}`);
  return {
    store: new DynamoTicketStore(client, target.table ?? env.MAILDESK_TABLE ?? 'maildesk'),
    close: () => client.destroy(),
  };
}

/** Where the CLI sends mail: SES with --aws, else the local stack's relay or outbox folder. */
export function cliMailSender(
  aws: boolean,
  env: NodeJS.ProcessEnv = process.env,
): { sender: MailSender; where: string } {
  if (aws)
    return { sender: new SesMailSender(new SESv2Client({}), env.SES_CONFIGURATION_SET || undefined), where: 'SES' };
  if (env.MAILDESK_SMTP_RELAY)
    return { sender: new SmtpMailSender(env.MAILDESK_SMTP_RELAY), where: env.MAILDESK_SMTP_RELAY };
  const outbox = join(env.MAILDESK_DATA ?? '.maildesk', 'outbox');
  return { sender: new OutboxMailSender(outbox), where: outbox };
}
