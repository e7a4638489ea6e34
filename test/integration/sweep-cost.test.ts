/**
 * The sweep's cost follows the tickets due, not the tickets stored: with 3,000 tickets stored (open,
 * in progress, awaiting test, closed) and 20 due, one sweep reads 20 items from the sparse `due`
 * index, one per shard query page, and touches only those 20 tickets. Read counts come from the
 * DynamoDB responses themselves (Count, ScannedCount, ConsumedCapacity), gathered by a middleware on
 * the store's client, against DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../shared/adapters/clients';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTicketStore, ticketItem } from '../../shared/adapters/dynamo-ticket-store';
import { DUE_SHARDS } from '../../shared/adapters/table-layout';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Priority } from '../../shared/domain/priorities';
import { newTicket, type Status, type Ticket } from '../../shared/domain/ticket';
import { moveTo, withDeadlines } from '../../shared/domain/workflow';
import { memoryLogger } from '../../shared/log';
import { sweepDeadlines, type SweepDeps } from '../../shared/use-cases/sweep-deadlines';
import { exampleConfig, uniqueTable } from '../support/harness';

const msk = (moscow: string) => new Date(`${moscow}+03:00`);
const NOW = msk('2026-03-16T12:00:00');
const STORED = 3000;
const DUE = 20;
const PARALLEL_BATCHES = 16;

/** What DynamoDB answered, per operation: calls, items returned, items scanned, capacity consumed. */
interface Reads {
  calls: number;
  count: number;
  scanned: number;
  capacity: number;
}
const TICKET_READ = 'QueryCommand on the table';
const zero = (): Reads => ({ calls: 0, count: 0, scanned: 0, capacity: 0 });

/** Asks every call for its consumed capacity and adds up what each operation returned. */
function meter(client: DynamoDBClient) {
  const byCommand = new Map<string, Reads>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as { Count?: number; ScannedCount?: number; Item?: unknown; ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> };
      // A Query on the table itself (not an index) is a ticket read: getTicket reads the ticket and its pages in one Query.
      const name = context.commandName === 'QueryCommand' && !input.IndexName ? TICKET_READ : (context.commandName ?? 'unknown');
      const reads = byCommand.get(name) ?? zero();
      reads.calls++;
      reads.count += output.Count ?? (output.Item ? 1 : 0);
      reads.scanned += output.ScannedCount ?? (output.Item ? 1 : 0);
      const consumed = output.ConsumedCapacity;
      reads.capacity += Array.isArray(consumed) ? consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0) : (consumed?.CapacityUnits ?? 0);
      byCommand.set(name, reads);
      return result;
    },
    { step: 'initialize', name: 'meterReads' },
  );
  return {
    reset: () => byCommand.clear(),
    of: (command: string): Reads => ({ ...(byCommand.get(command) ?? zero()) }),
  };
}

const config = exampleConfig();
const calendar = BusinessCalendar.fromConfig(config);
const ctx = { calendar, sla: config.sla };

/** A ticket as the inbound pipeline stores it, moved through `path` at `at`, deadlines computed. */
function ticket(number: number, created: Date, priority: Priority, path: Status[], at: Date): Ticket {
  const createdAt = created.toISOString();
  let t: Ticket = newTicket({
    key: `MG-${number}`,
    number,
    tenant: number % 2 ? 'clinic-north' : 'clinic-south',
    requester: `user${number}@clinic-north.example`,
    requesterName: `Сотрудник ${number}`,
    cc: number % 5 ? [] : ['head@clinic-north.example'],
    summary: `Заявка номер ${number}: не открывается карта пациента после перехода из расписания`,
    department: 'Терапия',
    fields: { cardNumber: String(100000 + number), caseHistoryNumber: null, login: `user${number}`, recordName: 'Приём терапевта', buttonName: null },
    priority,
    createdAt,
    rootMessageId: `root-${number}@clinic-north.example`,
  });
  for (const status of path) t = moveTo(t, status, at.toISOString());
  return withDeadlines(t, ctx, at);
}

/** 3,000 tickets nothing is due on yet (or ever: closed), and 20 whose deadline passed a week ago. */
function population(): Ticket[] {
  const tickets: Ticket[] = [];
  const priorities: Priority[] = ['error', 'minor', 'settings', 'partial', 'feature', 'report'];
  for (let i = 1; i <= STORED; i++) {
    const kind = i % 6;
    const p = priorities[i % priorities.length]!;
    if (kind <= 1) tickets.push(ticket(i, NOW, p, [], NOW)); // open: the 72 h check in 3 days
    else if (kind <= 3) tickets.push(ticket(i, NOW, p, ['in_progress'], NOW)); // in progress: warning days away
    else if (kind === 4) tickets.push(ticket(i, NOW, p, ['in_progress', 'awaiting_test'], NOW)); // waiting: reminder in 7 wd
    else tickets.push(ticket(i, msk('2026-02-02T10:00:00'), p, ['in_progress', 'closed'], msk('2026-02-03T10:00:00'))); // closed: not in the index
  }
  const weekAgo = msk('2026-03-02T10:00:00');
  for (let i = STORED + 1; i <= STORED + DUE; i++) tickets.push(ticket(i, weekAgo, 'error', ['in_progress'], weekAgo));
  return tickets;
}

describe(`sweep cost with ${STORED} tickets stored, ${DUE} due`, () => {
  let client: DynamoDBClient;
  let store: DynamoTicketStore;
  let reads: ReturnType<typeof meter>;
  let deps: SweepDeps;
  let stored: Ticket[];
  let table: string;

  beforeAll(async () => {
    client = localDynamoClient(inject('dynamoEndpoint'));
    table = uniqueTable('cost');
    await ensureTicketTable(client, table);
    store = new DynamoTicketStore(client, table);
    reads = meter(client);
    deps = { tickets: store, config, calendar, log: memoryLogger() };
    const built = Date.now();
    stored = population();
    const started = Date.now();
    // The 3,000 not due: the store's own item layout (ticketItem: GSI keys included), in batches of 25,
    // 16 at a time (a transaction each takes DynamoDB Local ~40 s). The 20 due: through saveTicket.
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const batches: Ticket[][] = [];
    for (let i = 0; i < STORED; i += 25) batches.push(stored.slice(i, Math.min(i + 25, STORED)));
    for (let i = 0; i < batches.length; i += PARALLEL_BATCHES) {
      await Promise.all(
        batches.slice(i, i + PARALLEL_BATCHES).map(async (batch) => {
          let items: Record<string, unknown>[] = batch.map((t) => ({ PutRequest: { Item: ticketItem(t) } }));
          while (items.length) {
            const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items as never } }));
            items = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
          }
        }),
      );
    }
    const saved = await Promise.all(stored.slice(STORED).map((t) => store.saveTicket({ ticket: t, expectedVersion: null, events: [], messageIds: [], inboundId: null })));
    expect(saved.every((r) => r.ok)).toBe(true);
    console.info(`built ${stored.length} tickets in ${started - built} ms, stored them in ${Date.now() - started} ms`);
  }, 120_000); // ~15 s on an idle 2-core machine; DynamoDB Local slows down a lot when other tests share the cores
  afterAll(() => client?.destroy());

  it('the population is what the test says: 20 due now, the rest later or never', () => {
    const due = stored.filter((t) => t.nextDue && t.nextDue.at <= NOW.toISOString());
    expect(due.map((t) => t.key)).toEqual(Array.from({ length: DUE }, (_, i) => `MG-${STORED + 1 + i}`));
    // their warning (80 %) and their deadline both passed; the index holds the earlier, the warning
    expect(due.every((t) => t.nextDue?.kind === 'warn' && t.deadlines.dueAt! < NOW.toISOString())).toBe(true);
    const indexed = stored.filter((t) => t.nextDue);
    expect(indexed.length).toBeGreaterThan(2000); // most stored tickets sit in the index, only not yet due
    expect(stored.filter((t) => t.status === 'closed' && t.nextDue === null)).toHaveLength(STORED / 6);
  });

  it('one sweep reads the 20 due items from the index and touches only those tickets', async () => {
    reads.reset();
    const started = performance.now();
    const result = await sweepDeadlines(NOW, deps);
    const ms = performance.now() - started;
    const query = reads.of('QueryCommand');
    const get = reads.of(TICKET_READ);
    const write = reads.of('TransactWriteItemsCommand');
    console.info(
      `sweep: ${STORED + DUE} stored / ${DUE} due: ${query.calls} index queries returned ${query.count} items (scanned ${query.scanned}, ${query.capacity} RCU), ` +
        `${get.calls} ticket reads (${get.capacity} RCU), ${write.calls} writes, ${ms.toFixed(0)} ms`,
    );

    expect(result).toMatchObject({ due: DUE, raced: 0, failed: 0 });
    expect(result.acted.map((a) => a.kind)).toEqual(Array(DUE).fill('breach'));
    // one query per shard: each returned only what was due, and scanned nothing else
    expect(query.calls).toBe(DUE_SHARDS);
    expect(query.count).toBe(DUE);
    expect(query.scanned).toBe(DUE);
    // each due ticket reloaded (consistent read) and written once with its event
    expect(get.calls).toBe(DUE);
    expect(write.calls).toBe(DUE);
    expect(reads.of('ScanCommand').calls).toBe(0);
    // the index holds keys only (~100 bytes an item): each shard's page is one 4 KB read unit, halved (eventually consistent)
    if (query.capacity > 0) expect(query.capacity).toBeLessThanOrEqual(DUE_SHARDS * 0.5);
  });

  it('the next sweep reads nothing: the acted-on tickets left the index or moved to their next deadline', async () => {
    reads.reset();
    const result = await sweepDeadlines(new Date(NOW.getTime() + 60_000), deps);
    expect(result).toEqual({ due: 0, acted: [], raced: 0, failed: 0 });
    const query = reads.of('QueryCommand');
    console.info(`idle sweep: ${query.calls} index queries, ${query.count} items, ${query.capacity} RCU`);
    expect(query).toMatchObject({ calls: DUE_SHARDS, count: 0, scanned: 0 });
    expect(reads.of(TICKET_READ).calls).toBe(0);
  });

  it('for comparison, a table scan (what a sweep without the index would do) reads every item', async () => {
    reads.reset();
    const doc = DynamoDBDocumentClient.from(client);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: start }));
      start = page.LastEvaluatedKey;
    } while (start);
    const scan = reads.of('ScanCommand');
    console.info(`scan for comparison: ${scan.calls} pages, scanned ${scan.scanned} items, ${scan.capacity} RCU`);
    expect(scan.scanned).toBeGreaterThanOrEqual(STORED + DUE);
    const query = { scanned: DUE };
    expect(scan.scanned / query.scanned).toBeGreaterThan(100);
  });
});
