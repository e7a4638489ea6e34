/**
 * Issue 18: the local stack's stream poller against DynamoDB Local, through a loopback proxy that counts the
 * stream calls by operation. Idle, it backs off (it read the stream 5 times a second, each time listing the
 * shards too: 10 calls a second that cost CPU here and in DynamoDB Local); woken after a write, it delivers at
 * once; drain still sees every event written before it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import type { TicketEvent } from '../../shared/domain/events';
import { jsonLogger } from '../../shared/log';
import { startStreamPoller, type StreamPoller } from '../../infra/local/stream-poller';

const endpoint = inject('dynamoEndpoint');
const client = localDynamoClient(endpoint);
const calls: string[] = [];
let proxy: Server;
let proxyEndpoint: string;

beforeAll(async () => {
  const target = new URL(endpoint);
  proxy = createServer((req, res) => {
    calls.push(String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '?');
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  client.destroy();
  await new Promise((done) => proxy.close(done));
});

const event = (id: string): TicketEvent =>
  ({ id, type: 'ticket.commented', tenant: 't', ticketKey: null, at: new Date().toISOString() }) as TicketEvent;

async function pollerOnNewTable(options: { pollMs?: number; maxPollMs?: number; describeEveryMs?: number } = {}) {
  const table = `poller-${randomUUID().slice(0, 8)}`;
  await ensureTicketTable(client, table);
  const described = await client.send(new DescribeTableCommand({ TableName: table }));
  const delivered: Array<{ id: string; at: number }> = [];
  const poller: StreamPoller = startStreamPoller({
    endpoint: proxyEndpoint,
    streamArn: described.Table!.LatestStreamArn!,
    fromStart: true,
    ...options,
    deliver: async (e) => void delivered.push({ id: e.id, at: Date.now() }),
    recordFailure: async () => {},
    log: jsonLogger(() => {}),
  });
  return { store: new DynamoTicketStore(client, table), poller, delivered };
}

const count = (from: number) =>
  calls.slice(from).reduce<Record<string, number>>((acc, op) => ({ ...acc, [op]: (acc[op] ?? 0) + 1 }), {});

describe('stream poller', () => {
  it('idle for 3 s: at most 8 stream calls, the shards listed once (was 30: DescribeStream + GetRecords every 200 ms)', async () => {
    // given
    const { poller } = await pollerOnNewTable();
    await new Promise((r) => setTimeout(r, 500)); // started, backing off
    const from = calls.length;
    // when
    await new Promise((r) => setTimeout(r, 3_000));
    // then
    const ops = count(from);
    await poller.stop();
    expect(ops.GetRecords ?? 0).toBeGreaterThanOrEqual(2); // still reading: a write from elsewhere is seen
    expect((ops.GetRecords ?? 0) + (ops.DescribeStream ?? 0)).toBeLessThanOrEqual(8);
    expect(ops.DescribeStream ?? 0).toBeLessThanOrEqual(1);
  }, 60_000);

  it('a write followed by wake() is delivered at once, though the poller had backed off to 6.4 s', async () => {
    // given
    const { store, poller, delivered } = await pollerOnNewTable({ pollMs: 50, maxPollMs: 10_000 });
    await new Promise((r) => setTimeout(r, 7_000)); // 50, 100, ... 3200, 6400 ms: backed off
    // when
    expect((await store.saveEvents([event('woken')], null)).ok).toBe(true);
    const written = Date.now();
    poller.wake();
    await poller.drain();
    // then
    await poller.stop();
    expect(delivered.map((d) => d.id)).toEqual(['woken']);
    expect(delivered[0]!.at - written).toBeLessThan(2_500);
  }, 60_000);

  it('without a wake, a write from another process is still delivered, within the longest back-off', async () => {
    // given
    const { store, poller, delivered } = await pollerOnNewTable({ pollMs: 50, maxPollMs: 400 });
    await new Promise((r) => setTimeout(r, 1_500));
    // when
    await store.saveEvents([event('elsewhere-1'), event('elsewhere-2')], null);
    for (let waited = 0; delivered.length < 2 && waited < 20_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    // then
    await poller.stop();
    expect(delivered.map((d) => d.id).sort()).toEqual(['elsewhere-1', 'elsewhere-2']);
  }, 60_000);
});
