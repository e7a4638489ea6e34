/**
 * Consumed capacity, measured without touching the store: a middleware on the DynamoDB client
 * asks every data-plane call for ReturnConsumedCapacity=INDEXES and adds up what DynamoDB
 * (Local) reports, per operation and per table/index. DynamoTicketStore's DocumentClient shares
 * the client's middleware stack, so every call the store makes is counted.
 */
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const METERED = new Set([...READS, 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface CapacityTotals {
  rcu: number;
  wcu: number;
  calls: number;
  /** per operation: { GetItem: { rcu, wcu, calls } } */
  byOperation: Record<string, { rcu: number; wcu: number; calls: number }>;
  /** per table / index: table, gsi:<name> */
  byTarget: Record<string, number>;
}

const empty = (): CapacityTotals => ({ rcu: 0, wcu: 0, calls: 0, byOperation: {}, byTarget: {} });

export class CapacityMeter {
  private totals = empty();

  /** Capacity consumed since the last reset (a copy), and starts counting again from zero. */
  take(): CapacityTotals {
    const t = this.totals;
    this.totals = empty();
    return t;
  }

  peek(): CapacityTotals {
    return structuredClone(this.totals);
  }

  record(operation: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
    const read = READS.has(operation);
    const op = (this.totals.byOperation[operation] ??= { rcu: 0, wcu: 0, calls: 0 });
    op.calls++;
    this.totals.calls++;
    for (const c of list) {
      const units = c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0);
      if (read) {
        op.rcu += units;
        this.totals.rcu += units;
      } else {
        op.wcu += units;
        this.totals.wcu += units;
      }
      if (c.Table?.CapacityUnits !== undefined)
        this.totals.byTarget.table = (this.totals.byTarget.table ?? 0) + c.Table.CapacityUnits;
      for (const [name, index] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
        this.totals.byTarget[`gsi:${name}`] = (this.totals.byTarget[`gsi:${name}`] ?? 0) + (index.CapacityUnits ?? 0);
      }
    }
  }
}

/** Adds the meter to `client` (and so to every DocumentClient made from it). */
export function meterClient(client: DynamoDBClient, meter: CapacityMeter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;
      if (!METERED.has(operation)) return next(args);
      input.ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      meter.record(
        operation,
        (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity,
      );
      return result;
    },
    { step: 'initialize', name: 'maildeskBenchCapacityMeter', override: true },
  );
}
