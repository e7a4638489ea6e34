/**
 * DynamoTicketStore's once-only writes against DynamoDB Local: an outgoing mail's Message-ID is its
 * send-once claim and its reply lookup in one item, and the `due` index answers with keys only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CapacityMeter, meterClient } from '../../bench/capacity';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore, TornTicketError } from '../../shared/adapters/dynamo-ticket-store';
import { CUT_MARK } from '../../shared/adapters/ticket-bounds';
import type { TicketEvent } from '../../shared/domain/events';
import { keys } from '../../shared/adapters/table-layout';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { newTicket } from '../../shared/domain/ticket';
import { moveTo, withDeadlines } from '../../shared/domain/workflow';
import { exampleConfig, uniqueTable } from '../support/harness';

let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let store: DynamoTicketStore;
let table: string;

beforeAll(async () => {
  client = localDynamoClient(inject('dynamoEndpoint'));
  table = uniqueTable('store');
  await ensureTicketTable(client, table);
  store = new DynamoTicketStore(client, table);
  doc = DynamoDBDocumentClient.from(client);
});
afterAll(() => client?.destroy());

describe('claimMessageId: one item is the send-once claim and the reply lookup', () => {
  it('the first delivery claims, every later one (any case of the id) is told the mail is taken', async () => {
    expect(await store.claimMessageId('evt-1.requester@clinic-north.example', 'MG-1')).toBe(true);
    expect(await store.claimMessageId('evt-1.requester@clinic-north.example', 'MG-1')).toBe(false);
    expect(await store.claimMessageId('EVT-1.Requester@Clinic-North.example', 'MG-1')).toBe(false);
    // the claim is also what threads a reply to that mail
    expect(await store.findByMessageIds(['evt-1.requester@clinic-north.example'])).toBe('MG-1');
  });

  it('released after a failed send: the retry claims it again, and the lookup went with the claim', async () => {
    expect(await store.claimMessageId('evt-2.engineers@clinic-north.example', 'MG-2')).toBe(true);
    await store.releaseMessageId('evt-2.engineers@clinic-north.example');
    expect(await store.findByMessageIds(['evt-2.engineers@clinic-north.example'])).toBeNull();
    expect(await store.claimMessageId('evt-2.engineers@clinic-north.example', 'MG-2')).toBe(true);
  });

  it('a mail without a ticket (a refusal) is claimed too, and leads no reply anywhere', async () => {
    expect(await store.claimMessageId('evt-3.sender@clinic-north.example', null)).toBe(true);
    expect(await store.claimMessageId('evt-3.sender@clinic-north.example', null)).toBe(false);
    expect(await store.findByMessageIds(['evt-3.sender@clinic-north.example'])).toBeNull();
  });

  it('a lookup written before claims existed (no token) counts as sent', async () => {
    await store.rememberMessageId('evt-4.requester@clinic-north.example', 'MG-4');
    expect(await store.claimMessageId('evt-4.requester@clinic-north.example', 'MG-4')).toBe(false);
  });

  it('a claim whose answer was lost is recognised by its token on the read-back', async () => {
    // the put is made, then its answer is replaced by a timeout; with the SDK's own retries off the
    // store's read-back decides, and finds its own token there
    let lost = 0;
    const flaky = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    flaky.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        if (lost === 0 && (args.input as { ConditionExpression?: string }).ConditionExpression) {
          lost++;
          throw Object.assign(new Error('answer lost'), { name: 'TimeoutError' });
        }
        return result;
      },
      { step: 'initialize', name: 'loseFirstAnswer' },
    );
    const flakyStore = new DynamoTicketStore(flaky, table);
    expect(await flakyStore.claimMessageId('evt-5.requester@clinic-north.example', 'MG-5')).toBe(true);
    expect(lost).toBe(1);
    // another delivery (another token) is refused
    expect(await store.claimMessageId('evt-5.requester@clinic-north.example', 'MG-5')).toBe(false);
    const item = await doc.send(new GetCommand({ TableName: table, Key: keys.messageId('evt-5.requester@clinic-north.example') }));
    expect(item.Item).toMatchObject({ ticketKey: 'MG-5', token: expect.any(String) });
    flaky.destroy();
  });
});

describe('findDue: keys from a keys-only index', () => {
  it('returns the key and deadline of each ticket due, nothing of the ticket itself, none that is not due', async () => {
    const config = exampleConfig();
    const ctx = { calendar: BusinessCalendar.fromConfig(config), sla: config.sla };
    const at = new Date('2026-03-02T07:00:00Z');
    const make = (n: number) =>
      withDeadlines(
        moveTo(
          newTicket({
            key: `MG-${n}`,
            number: n,
            tenant: 'clinic-north',
            requester: `user${n}@clinic-north.example`,
            requesterName: 'Сотрудник',
            cc: [],
            summary: 'Не печатается направление',
            department: null,
            fields: { cardNumber: null, caseHistoryNumber: null, login: null, recordName: null, buttonName: null },
            priority: 'error',
            createdAt: at.toISOString(),
            rootMessageId: `root-${n}@clinic-north.example`,
          }),
          'in_progress',
          at.toISOString(),
        ),
        ctx,
        at,
      );
    const tickets = [make(101), make(102), make(103)];
    for (const t of tickets) expect(await store.saveTicket({ ticket: t, expectedVersion: null, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    const firstDue = tickets[0]!.nextDue!.at;
    expect(await store.findDue(new Date(Date.parse(firstDue) - 60_000).toISOString())).toEqual([]);
    const due = await store.findDue(firstDue);
    expect(due.sort((a, b) => a.key.localeCompare(b.key))).toEqual(tickets.map((t) => ({ key: t.key, dueAt: firstDue })));
  });
});

describe('the feature slot: taken and given back in the ticket\'s own transaction', () => {
  const feature = (n: number, tenant = 'clinic-south') =>
    newTicket({ key: `MG-${n}`, number: n, tenant, requester: `f${n}@${tenant}.example`, summary: 'Новая форма', priority: 'feature', createdAt: '2026-03-02T07:00:00.000Z', rootMessageId: `f-${n}@${tenant}.example` });
  const started = (t: ReturnType<typeof feature>) => moveTo(t, 'in_progress', '2026-03-02T08:00:00.000Z');
  const save = (ticket: ReturnType<typeof feature>, expectedVersion: number | null, featureSlot: 'take' | 'release' | null = null) =>
    store.saveTicket({ ticket, expectedVersion, events: [], messageIds: [], inboundId: null, featureSlot });
  const slotItem = async (tenant: string) => (await doc.send(new GetCommand({ TableName: table, Key: keys.featureSlot(tenant), ConsistentRead: true }))).Item;

  it('one feature ticket of a tenant in work: the second is refused, names the first, and nothing of it is written', async () => {
    const a = feature(201);
    const b = feature(202);
    expect(await save(a, null)).toEqual({ ok: true });
    expect(await save(b, null)).toEqual({ ok: true });
    expect(await save({ ...started(a), version: 2 }, 1, 'take')).toEqual({ ok: true });
    expect(await save({ ...started(b), version: 2 }, 1, 'take')).toEqual({ ok: false, reason: 'feature-busy', holder: 'MG-201' });
    expect((await store.getTicket('MG-202'))?.status).toBe('open'); // the whole transaction was refused
    // another tenant has its own slot
    const c = feature(203, 'clinic-north');
    expect(await save(c, null)).toEqual({ ok: true });
    expect(await save({ ...started(c), version: 2 }, 1, 'take')).toEqual({ ok: true });
    expect((await slotItem('clinic-south'))?.holders).toEqual(new Set(['MG-201']));
  });

  it('given back when the first is accepted: then the second may take it; a give-back that is not the holder\'s changes nothing', async () => {
    const a = { ...started(feature(201)), version: 2 };
    expect(await save({ ...moveTo(a, 'awaiting_test', '2026-03-03T08:00:00.000Z'), version: 3 }, 2)).toEqual({ ok: true });
    const b = (await store.getTicket('MG-202'))!;
    expect(await save({ ...b, version: b.version + 1 }, b.version, 'release')).toEqual({ ok: true }); // not the holder
    expect((await slotItem('clinic-south'))?.holders).toEqual(new Set(['MG-201']));
    const a3 = (await store.getTicket('MG-201'))!;
    expect(await save({ ...moveTo(a3, 'verified', '2026-03-04T08:00:00.000Z'), version: a3.version + 1 }, a3.version, 'release')).toEqual({ ok: true });
    expect((await slotItem('clinic-south'))?.holders).toBeUndefined();
    const b2 = (await store.getTicket('MG-202'))!;
    expect(await save({ ...started(b2), version: b2.version + 1 }, b2.version, 'take')).toEqual({ ok: true });
    expect((await slotItem('clinic-south'))?.holders).toEqual(new Set(['MG-202']));
  });
});

describe('a ticket item stays bounded: long lists live in page items beside it', () => {
  /** Counts the calls the store makes and the items of each transaction it writes. */
  const metered = () => {
    const client = localDynamoClient(inject('dynamoEndpoint'));
    const meter = new CapacityMeter();
    meterClient(client, meter);
    const transactions: number[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if ((context as { commandName?: string }).commandName === 'TransactWriteItemsCommand') transactions.push(((args.input as { TransactItems?: unknown[] }).TransactItems ?? []).length);
        return next(args);
      },
      { step: 'initialize', name: 'countTransactItems' },
    );
    return { client, meter, transactions, store: new DynamoTicketStore(client, table) };
  };
  const attachment = (i: number) => ({ filename: `${i}-снимок-экрана-регистратуры-${'ё'.repeat(100)}.png`, contentType: 'image/png', size: i, key: `attachments/mail-${i}/${i}-снимок.png` });
  const big = (n: number, count: number) =>
    newTicket({ key: `MG-${n}`, number: n, tenant: 'clinic-north', requester: `big${n}@clinic-north.example`, summary: 'Много вложений', priority: 'error', createdAt: '2026-03-02T07:00:00.000Z', rootMessageId: `big-${n}@clinic-north.example`, attachments: Array.from({ length: count }, (_, i) => attachment(i)) });

  it('a ticket without pages is read in one request, at the cost of a GetItem of its item', async () => {
    const { client, meter, store: meteredStore } = metered();
    const ticket = big(301, 2);
    expect(await meteredStore.saveTicket({ ticket, expectedVersion: null, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    meter.take();
    // the baseline: the item alone, read as the store read it before
    await DynamoDBDocumentClient.from(client).send(new GetCommand({ TableName: table, Key: keys.ticket('MG-301'), ConsistentRead: true }));
    const baseline = meter.take();
    expect(await meteredStore.getTicket('MG-301')).toEqual(ticket);
    const read = meter.take();
    expect(read.calls).toBe(1);
    expect(read.rcu).toBe(baseline.rcu);
    client.destroy();
  });

  it('appending to a paged list writes the ticket and its last pages only, and reads back whole', async () => {
    const { client, meter, transactions, store: meteredStore } = metered();
    const first = big(302, 300);
    expect(await meteredStore.saveTicket({ ticket: first, expectedVersion: null, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    const created = { wcu: meter.take().wcu, items: transactions.pop()! };
    expect(created.items).toBeGreaterThan(3); // the ticket and several pages
    const read = (await meteredStore.getTicket('MG-302'))!;
    expect(read.attachments).toEqual(first.attachments);
    meter.take();
    // when: ten more attachments, saved by the store that read it, then by one that did not
    const second = { ...read, version: 2, attachments: [...read.attachments, ...Array.from({ length: 10 }, (_, i) => attachment(300 + i))] };
    expect(await meteredStore.saveTicket({ ticket: second, expectedVersion: 1, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    const appended = { wcu: meter.take().wcu, items: transactions.pop()!, };
    const third = { ...second, version: 3, attachments: [...second.attachments, attachment(310)] };
    expect(await store.saveTicket({ ticket: third, expectedVersion: 2, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    // then: the ticket item and at most two pages (the last one, and a new one if it spilled over)
    expect(appended.items).toBeLessThanOrEqual(3);
    expect(appended.wcu).toBeLessThan(created.wcu / 2);
    expect((await store.getTicket('MG-302'))!.attachments).toEqual(third.attachments);
    // a stale save (version 2 again) is a conflict, pages or not
    expect(await store.saveTicket({ ticket: { ...third, version: 3 }, expectedVersion: 2, events: [], messageIds: [], inboundId: null })).toEqual({ ok: false, reason: 'conflict' });
    client.destroy();
  });

  it('a page other than the one the ticket item names is never read as part of the ticket', async () => {
    expect(await store.saveTicket({ ticket: big(303, 300), expectedVersion: null, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    const pageKey = keys.ticketPage('MG-303', 'attachments', 0);
    const page = (await doc.send(new GetCommand({ TableName: table, Key: pageKey, ConsistentRead: true }))).Item!;
    // given: the page overwritten out of band (a write the ticket item does not know of), its hash field kept
    await doc.send(new PutCommand({ TableName: table, Item: { ...page, entries: [attachment(999)] } }));
    // then: the read does not mix it in
    await expect(new DynamoTicketStore(client, table).getTicket('MG-303')).rejects.toThrow(TornTicketError);
  });

  it('a ticket stored before pages existed (its whole list in the item) reads back whole and is paged on its next save', async () => {
    const old = big(305, 300);
    // the item as the store wrote it before: every attachment in the ticket item, no listPages
    await doc.send(new PutCommand({ TableName: table, Item: { ...keys.ticket('MG-305'), itemType: 'ticket', gsi1pk: 'TENANT#clinic-north', gsi1sk: `${old.createdAt}#MG-305`, ...old } }));
    const read = (await store.getTicket('MG-305'))!;
    expect(read.attachments).toEqual(old.attachments);
    expect(await store.saveTicket({ ticket: { ...read, version: 2 }, expectedVersion: 1, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    const item = (await doc.send(new GetCommand({ TableName: table, Key: keys.ticket('MG-305'), ConsistentRead: true }))).Item!;
    expect((item.attachments as unknown[]).length).toBeLessThan(old.attachments.length);
    expect(item.listPages).toBeDefined();
    expect((await store.getTicket('MG-305'))!.attachments).toEqual(old.attachments);
  });

  it('an event item stays under 400 KB whatever the mail held (64 K characters of text and reason, 500 long attachment keys)', async () => {
    const cjk = '診'.repeat(65_536); // 192 KB of UTF-8 each
    const event: TicketEvent = {
      id: 'in-304:comment',
      type: 'ticket.commented',
      ticketKey: 'MG-304',
      tenant: 'clinic-north',
      at: '2026-03-02T07:00:00.000Z',
      actor: { kind: 'requester', address: 'big304@clinic-north.example' },
      text: cjk,
      reason: cjk,
      attachmentKeys: Array.from({ length: 500 }, (_, i) => `attachments/in-304/${i}-${'x'.repeat(1000)}`),
    };
    expect(await store.saveEvents([event], 'in-304')).toEqual({ ok: true });
    const [stored] = await store.listEvents('MG-304');
    expect(stored!.text!.endsWith(CUT_MARK)).toBe(true);
    expect(cjk.startsWith(stored!.text!.slice(0, -CUT_MARK.length))).toBe(true);
    expect(stored!.attachmentKeys!.length).toBeGreaterThan(0);
    expect(event.attachmentKeys!.slice(0, stored!.attachmentKeys!.length)).toEqual(stored!.attachmentKeys);
  });
});
