/**
 * Issue 18: DynamoDB round trips of inbound (receiveMail), counted on the client against DynamoDB Local. Before a
 * new ticket two reads keep a redelivered or resent mail from taking a ticket number: was this inbound id seen (the
 * inbound marker), and is the mail's own Message-ID already a ticket's. They were two GetItem; now one BatchGetItem
 * with the reply's thread lookup (In-Reply-To, References) in it too. The transaction's conditions still make every
 * write exactly once; the reads only save ticket numbers.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { MemoryMailStore } from '../../shared/adapters/memory';
import { parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import { buildDesk } from '../../shared/composition';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { memoryLogger } from '../../shared/log';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { exampleConfig, uniqueTable } from '../support/harness';
import { countRoundTrips } from '../support/round-trips';
import { buildMail, type MailSpec } from '../support/mail-builder';

const NOW = new Date('2026-12-01T08:00:00.000Z');
const ANNA = 'anna@clinic-north.example';
const NORTH = 'clinic-north@support.example';
const config = exampleConfig();
/** Every call the store makes, refused ones too, by operation. */
const counted: string[] = [];
let client: DynamoDBClient;
let store: DynamoTicketStore;
const mail = new MemoryMailStore();

beforeAll(async () => {
  client = localDynamoClient(inject('dynamoEndpoint'));
  const table = uniqueTable('inbound-rt');
  await ensureTicketTable(client, table);
  countRoundTrips(client, counted);
  store = new DynamoTicketStore(client, table);
});
afterAll(() => client?.destroy());

const deps = () =>
  buildDesk({
    tickets: store,
    mail,
    config,
    calendar: BusinessCalendar.fromConfig(config),
    now: () => NOW,
    log: memoryLogger(),
  }).receiveDeps;

let n = 0;
/** Stores the mail under a new SES id (or the given one) and receives it; the outcome and the calls it made. */
async function receive(spec: MailSpec, inboundId = `inbound-rt-${++n}-${Date.now()}`) {
  await mail.put(`inbound/${inboundId}`, await buildMail(spec));
  counted.length = 0;
  const outcome = await receiveMail(parseSesEvent(sesEventFor(inboundId, [NORTH]))[0]!, deps());
  const calls: Record<string, number> = {};
  for (const op of counted.splice(0)) calls[op] = (calls[op] ?? 0) + 1;
  return { outcome, calls, inboundId };
}

const opening = (id: string, extra: Partial<MailSpec> = {}): MailSpec => ({
  from: ANNA,
  to: NORTH,
  subject: `Не открывается карта пациента ${id}`,
  text: 'Номер амбулаторной карты: 123456\nПриоритет: ошибка',
  messageId: `<${id}@clinic-north.example>`,
  ...extra,
});

describe("inbound's round trips", () => {
  it('a new ticket: one read (marker and own Message-ID together), the number, the transaction', async () => {
    const first = await receive(opening('rt-new-1'));
    expect(first.outcome).toMatchObject({ kind: 'created' });
    expect(first.calls).toEqual({ BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 });
  });

  it('a new ticket that answers a mail the desk does not know: still one read before the number', async () => {
    const opened = await receive(opening('rt-new-2', { inReplyTo: '<personal-1@clinic-north.example>' }));
    expect(opened.outcome).toMatchObject({ kind: 'created' });
    expect(opened.calls).toEqual({ BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 });
  });

  it('a reply: the marker and the thread lookup in one read, the ticket, the transaction', async () => {
    const opened = await receive(opening('rt-thread-1'));
    expect(opened.outcome).toMatchObject({ kind: 'created' });
    const reply = await receive({
      from: ANNA,
      to: NORTH,
      subject: 'Re: Не открывается карта пациента',
      text: 'Ошибка повторяется с утра.',
      messageId: '<rt-thread-1-re@clinic-north.example>',
      inReplyTo: '<rt-thread-1@clinic-north.example>',
    });
    expect(reply.outcome).toMatchObject({ kind: 'updated', ticketKey: (opened.outcome as { ticketKey: string }).ticketKey });
    expect(reply.calls).toEqual({ BatchGetItem: 1, Query: 1, TransactWriteItems: 1 });
  });

  it('the same SES event again, and the same mail under a new SES id: duplicates after one read, no number taken', async () => {
    const spec = opening('rt-dup-1');
    const first = await receive(spec);
    expect(first.outcome).toMatchObject({ kind: 'created' });
    const again = await receive(spec, first.inboundId);
    expect(again.outcome).toEqual({ kind: 'duplicate' });
    expect(again.calls).toEqual({ BatchGetItem: 1 });
    const resent = await receive(spec);
    expect(resent.outcome).toEqual({ kind: 'duplicate' });
    expect(resent.calls).toEqual({ BatchGetItem: 1 });
    expect((await store.listTickets()).filter((t) => t.summary.includes('rt-dup-1'))).toHaveLength(1);
  });
});
