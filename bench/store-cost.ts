/**
 * 3 Store cost: capacity units DynamoDB Local reports (ReturnConsumedCapacity=INDEXES, so GSI
 * writes are included) per new ticket, per customer reply, per engineer command, and per sweep
 * that finds nothing due, split into the inbound Lambda's share (receiveMail) and notify's
 * (deliverEvent), per operation and per table/index. Mails go one at a time so each mail's
 * capacity is its own.
 */
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoTicketStore } from '../shared/adapters/dynamo-ticket-store';
import { DUE_SHARDS } from '../shared/adapters/table-layout';
import { ensureTicketTable } from '../shared/adapters/ticket-table';
import type { MaildeskConfig } from '../shared/config';
import { buildDesk } from '../shared/composition';
import { BusinessCalendar } from '../shared/domain/business-calendar';
import { deliverEvent } from '../shared/use-cases/deliver-event';
import { receiveMail } from '../shared/use-cases/receive-mail';
import { sweepDeadlines } from '../shared/use-cases/sweep-deadlines';
import { CapacityMeter, type CapacityTotals } from './capacity';
import type { CorpusMail } from './corpus';
import { MemoryMailStore } from '../shared/adapters/memory';
import { benchLogger, inboundFor, makePipeline, round } from './pipeline';

export interface CostStats {
  mails: number;
  mean: number;
  p50: number;
  max: number;
}

export interface KindCost {
  wcu: CostStats;
  rcu: CostStats;
  inboundWcu: number;
  notifyWcu: number;
  inboundRcu: number;
  notifyRcu: number;
  /** mean WCU per mail, by operation and by table/index */
  wcuByOperation: Record<string, number>;
  capacityByTarget: Record<string, number>;
  /** mean calls per mail */
  calls: number;
  /** mean round trips to DynamoDB per mail, by operation, in inbound (receiveMail) and in notify (deliverEvent) */
  callsByOperation?: { inbound: Record<string, number>; notify: Record<string, number> };
}

export interface StoreCostResult {
  newTicket: KindCost;
  reply: KindCost;
  engineerCommand: KindCost;
  emptySweep: { shards: number; rcu: number; rcuPerShard: number; queries: number; wcu: number };
}

const stats = (values: number[]): CostStats => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    mails: values.length,
    mean: round(values.reduce((s, v) => s + v, 0) / Math.max(1, values.length), 1),
    p50: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
    max: sorted.at(-1) ?? 0,
  };
};

function kindCost(samples: Array<{ inbound: CapacityTotals; notify: CapacityTotals }>): KindCost {
  const n = Math.max(1, samples.length);
  const byOperation: Record<string, number> = {};
  const byTarget: Record<string, number> = {};
  let calls = 0;
  for (const s of samples) {
    for (const t of [s.inbound, s.notify]) {
      calls += t.calls;
      for (const [op, v] of Object.entries(t.byOperation)) byOperation[op] = (byOperation[op] ?? 0) + v.wcu / n;
      for (const [target, v] of Object.entries(t.byTarget)) byTarget[target] = (byTarget[target] ?? 0) + v / n;
    }
  }
  const callsOf = (part: 'inbound' | 'notify') => {
    const byOp: Record<string, number> = {};
    for (const s of samples)
      for (const [op, v] of Object.entries(s[part].byOperation)) byOp[op] = (byOp[op] ?? 0) + v.calls / n;
    return Object.fromEntries(Object.entries(byOp).map(([k, v]) => [k, round(v, 2)]));
  };
  const mean = (f: (s: { inbound: CapacityTotals; notify: CapacityTotals }) => number) =>
    round(samples.reduce((a, s) => a + f(s), 0) / n, 1);
  return {
    wcu: stats(samples.map((s) => s.inbound.wcu + s.notify.wcu)),
    rcu: stats(samples.map((s) => s.inbound.rcu + s.notify.rcu)),
    inboundWcu: mean((s) => s.inbound.wcu),
    notifyWcu: mean((s) => s.notify.wcu),
    inboundRcu: mean((s) => s.inbound.rcu),
    notifyRcu: mean((s) => s.notify.rcu),
    wcuByOperation: Object.fromEntries(
      Object.entries(byOperation)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => [k, round(v, 1)]),
    ),
    capacityByTarget: Object.fromEntries(Object.entries(byTarget).map(([k, v]) => [k, round(v, 1)])),
    calls: round(calls / n, 1),
    callsByOperation: { inbound: callsOf('inbound'), notify: callsOf('notify') },
  };
}

export async function measureStoreCost(o: {
  client: DynamoDBClient;
  meter: CapacityMeter;
  config: MaildeskConfig;
  newMails: CorpusMail[];
  replies: CorpusMail[];
  commands: CorpusMail[];
  keepTable?: boolean;
}): Promise<StoreCostResult> {
  const table = `bench-cost-${Date.now().toString(36)}`;
  await ensureTicketTable(o.client, table);
  const mail = new MemoryMailStore();
  const p = makePipeline(new DynamoTicketStore(o.client, table), mail, o.config);
  const run = async (mails: CorpusMail[], expected: string[]) => {
    const samples: Array<{ inbound: CapacityTotals; notify: CapacityTotals }> = [];
    for (const m of mails) {
      const id = `${m.id}-cost`;
      await mail.put(`inbound/${id}`, m.raw);
      o.meter.take();
      const outcome = await receiveMail(inboundFor(m, id), p.receiveDeps);
      if (!expected.includes(outcome.kind))
        throw new Error(
          `store cost: ${m.id} gave ${JSON.stringify(outcome)}, expected ${expected.join('/')}: no figure from a ` +
            `broken pipeline`,
        );
      const inbound = o.meter.take();
      for (const event of p.store.take(id)) await deliverEvent(event, p.deliverDeps);
      samples.push({ inbound, notify: o.meter.take() });
    }
    return kindCost(samples);
  };
  const newTicket = await run(o.newMails, ['created']);
  const reply = await run(o.replies, ['updated']);
  const engineerCommand = await run(o.commands, ['updated']);

  // Nothing is due right after the tickets were opened: the sweep only queries the shards.
  o.meter.take();
  const { sweepDeps } = buildDesk({
    tickets: p.store,
    config: o.config,
    calendar: BusinessCalendar.fromConfig(o.config),
    log: benchLogger(),
  });
  const result = await sweepDeadlines(new Date(), sweepDeps);
  const sweep = o.meter.take();
  if (result.due !== 0) throw new Error(`store cost: the empty sweep found ${result.due} due tickets`);
  if (!o.keepTable) await o.client.send(new DeleteTableCommand({ TableName: table }));
  return {
    newTicket,
    reply,
    engineerCommand,
    emptySweep: {
      shards: DUE_SHARDS,
      rcu: sweep.rcu,
      rcuPerShard: round(sweep.rcu / DUE_SHARDS, 2),
      queries: sweep.byOperation.Query?.calls ?? 0,
      wcu: sweep.wcu,
    },
  };
}
