/**
 * Issue 18: DynamoDB round trips of notify (deliverEvent) for a new ticket, counted on the client against DynamoDB
 * Local, SES through the strict SES v2 double. A new ticket's two letters (acknowledgement, engineers' copy) were
 * claimed one conditional put each and their SES Message-IDs remembered one put each: 4 PutItem + the ticket's Query
 * + the hourly cap's UpdateItem = 6. Now the letters are claimed in one transaction and SES's ids remembered in one
 * batch: 4. Only a redelivery pays more (its cancelled transaction tells which letters are already claimed), and every
 * guarantee of send-once stays: a failed send releases its claim and the claims of the letters not yet sent.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { MemoryBus, MemoryMailStore } from '../../shared/adapters/memory';
import { SesMailSender } from '../../shared/adapters/ses-mail-sender';
import { parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import { buildDesk } from '../../shared/composition';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { TicketEvent } from '../../shared/domain/events';
import { memoryLogger } from '../../shared/log';
import { eventMessageId } from '../../shared/mail/outbound/message-ids';
import { deliverEvent } from '../../shared/use-cases/deliver-event';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { exampleConfig, uniqueTable } from '../support/harness';
import { countRoundTrips } from '../support/round-trips';
import { buildMail } from '../support/mail-builder';
import { accountFor, strictSesMock, TEST_CONFIGURATION_SET } from '../support/strict-ses';

const NOW = new Date('2026-12-01T08:00:00.000Z');
const ANNA = 'anna@clinic-north.example';
const NORTH = 'clinic-north@support.example';
const config = exampleConfig();
/** Every call the store makes, refused ones too (a cancelled transaction is a round trip), by operation. */
const counted: string[] = [];
let client: DynamoDBClient;
let store: DynamoTicketStore;
/** SES's answers, in order: `plan` says which of the next sends are refused (throttled); the rest get ses-1, ses-2... */
const ses = { sent: [] as Array<{ to: string[]; id: string }>, plan: [] as Array<'ok' | 'throttled'>, n: 0 };

beforeAll(async () => {
  client = localDynamoClient(inject('dynamoEndpoint'));
  const table = uniqueTable('notify-rt');
  await ensureTicketTable(client, table);
  countRoundTrips(client, counted);
  store = new DynamoTicketStore(client, table);
});
afterAll(() => client?.destroy());

function desk() {
  const sesClient = new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const strict = strictSesMock(sesClient, accountFor(config), (input) => {
    if (ses.plan.shift() === 'throttled') throw throttled();
    const id = `ses-${++ses.n}`;
    ses.sent.push({ to: input.Destination?.ToAddresses ?? [], id });
    return { MessageId: id };
  });
  const mail = new MemoryMailStore();
  const built = buildDesk({
    tickets: store,
    mail,
    sender: new SesMailSender(sesClient, TEST_CONFIGURATION_SET),
    bus: new MemoryBus(),
    config,
    calendar: BusinessCalendar.fromConfig(config),
    now: () => NOW,
    log: memoryLogger(),
  });
  return { ...built, mail, strict };
}

let mails = 0;
/** A new (non-blocking) ticket from Anna; its ticket.created event as stored (with its nonce). */
async function newTicket(d: ReturnType<typeof desk>): Promise<TicketEvent> {
  const id = `notify-rt-${++mails}-${Date.now()}`;
  await d.mail.put(
    `inbound/${id}`,
    await buildMail({
      from: ANNA,
      to: NORTH,
      subject: `Не печатается направление ${mails}`,
      text: 'Номер амбулаторной карты: 123456\nПриоритет: ошибка',
      messageId: `<${id}@clinic-north.example>`,
    }),
  );
  const outcome = await receiveMail(parseSesEvent(sesEventFor(id, [NORTH]))[0]!, d.receiveDeps);
  if (outcome.kind !== 'created') throw new Error(`expected a new ticket, got ${outcome.kind}`);
  const created = (await store.listEvents(outcome.ticketKey)).find((e) => e.type === 'ticket.created')!;
  expect(created.nonce).toBeTruthy();
  return created;
}

const ourId = (event: TicketEvent, role: 'requester' | 'engineers') => eventMessageId(event.nonce!, role, NORTH);
/** The calls counted since the last look, by operation. */
const calls = () => {
  const byOperation: Record<string, number> = {};
  for (const op of counted.splice(0)) byOperation[op] = (byOperation[op] ?? 0) + 1;
  return byOperation;
};

describe("notify's round trips for a new ticket", () => {
  it('claims both letters in one transaction and remembers both SES ids in one batch: 4 calls, not 6', async () => {
    const d = desk();
    const event = await newTicket(d);
    ses.sent.length = 0;
    calls();
    const delivery = await deliverEvent(event, d.deliverDeps);
    expect(calls()).toEqual({ Query: 1, TransactWriteItems: 1, UpdateItem: 1, BatchWriteItem: 1 });
    expect(delivery).toEqual({ sent: ['requester', 'engineers'], skipped: [] });
    expect(ses.sent.map((m) => m.to)).toEqual([[ANNA], config.engineers.map((e) => e.address)]);
    expect(d.strict.rejections).toEqual([]);
    // both of our Message-IDs and both of SES's thread replies to the ticket
    for (const id of [ourId(event, 'requester'), ourId(event, 'engineers'), ...ses.sent.map((m) => m.id)])
      expect(await store.findByMessageIds([id])).toBe(event.ticketKey);
    calls();
  });

  it('a second delivery of the event sends nothing and pays one cancelled transaction', async () => {
    const d = desk();
    const event = await newTicket(d);
    await deliverEvent(event, d.deliverDeps);
    ses.sent.length = 0;
    calls();
    const again = await deliverEvent(event, d.deliverDeps);
    expect(again).toEqual({ sent: [], skipped: ['requester:already-sent', 'engineers:already-sent'] });
    expect(ses.sent).toEqual([]);
    expect(calls()).toEqual({ Query: 1, TransactWriteItems: 1 });
  });

  it('a redelivery where one letter is already claimed sends only the other one', async () => {
    const d = desk();
    const event = await newTicket(d);
    // an earlier delivery claimed (and sent) the engineers' copy, then died before the acknowledgement
    expect(await store.claimMessageId(ourId(event, 'engineers'), event.ticketKey)).toBe(true);
    ses.sent.length = 0;
    calls();
    const delivery = await deliverEvent(event, d.deliverDeps);
    expect(delivery).toEqual({ sent: ['requester'], skipped: ['engineers:already-sent'] });
    expect(ses.sent.map((m) => m.to)).toEqual([[ANNA]]);
    // the cancelled transaction named the claimed letter; the other one was claimed alone
    expect(calls()).toEqual({ Query: 1, TransactWriteItems: 1, PutItem: 1, UpdateItem: 1, BatchWriteItem: 1 });
  });

  it("a failed first send releases its claim and the second letter's: the retry sends both", async () => {
    const d = desk();
    const event = await newTicket(d);
    ses.sent.length = 0;
    ses.plan = ['throttled'];
    await expect(deliverEvent(event, d.deliverDeps)).rejects.toThrow(TooManyRequestsException);
    expect(ses.sent).toEqual([]);
    const retry = await deliverEvent(event, d.deliverDeps);
    expect(retry).toEqual({ sent: ['requester', 'engineers'], skipped: [] });
    expect(ses.sent.map((m) => m.to[0])).toEqual([ANNA, config.engineers[0]!.address]);
  });

  it('a failed second send: the first letter stays sent and remembered, the retry sends only the second', async () => {
    const d = desk();
    const event = await newTicket(d);
    ses.sent.length = 0;
    ses.plan = ['ok', 'throttled'];
    await expect(deliverEvent(event, d.deliverDeps)).rejects.toThrow(TooManyRequestsException);
    expect(ses.sent.map((m) => m.to)).toEqual([[ANNA]]);
    // SES's id of the acknowledgement threads replies even though the event failed
    expect(await store.findByMessageIds([ses.sent[0]!.id])).toBe(event.ticketKey);
    const retry = await deliverEvent(event, d.deliverDeps);
    expect(retry).toEqual({ sent: ['engineers'], skipped: ['requester:already-sent'] });
    expect(ses.sent.map((m) => m.to[0])).toEqual([ANNA, config.engineers[0]!.address]);
  });
});

function throttled() {
  return new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } });
}
