/**
 * The local stack's reader of the table's stream, as Lambda's event source mapping reads the real one: each page
 * of records goes through the stream's batch delivery in order, shard by shard. Polling costs CPU in this process
 * and in DynamoDB Local even when nothing happens (it was 10 calls a second), so the poller reads again at once
 * while there are records, backs off while the stream is idle (pollMs, doubling up to maxPollMs), and is woken by
 * the stack after each write it makes itself (`wake`): a mail's notifications do not wait for the back-off.
 * Shards are listed (DescribeStream) at start, every `describeEveryMs` and after a shard ends, not on every read.
 * Writes from other processes (the CLI against a running stack) are seen within maxPollMs.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { TicketEvent } from '../../shared/domain/events';
import type { Logger } from '../../shared/log';
import { deliverStreamBatch } from '../../shared/adapters/stream-records';

export interface StreamPollerOptions {
  /** DynamoDB Local's endpoint (the stream's API is served there too) */
  endpoint: string;
  streamArn: string;
  /**
   * Shards open at start-up begin at their start (true: a database shared with other runs, whose records may not
   * have been delivered) or at LATEST (false: a persisted database's history was delivered in an earlier run).
   */
  fromStart: boolean;
  /** first wait after an empty read (default 50 ms) */
  pollMs?: number;
  /** longest wait while idle (default 1000 ms, at least pollMs) */
  maxPollMs?: number;
  /** how often the shard list is read again while shards stay open (default 10 s) */
  describeEveryMs?: number;
  deliver: (event: TicketEvent) => Promise<unknown>;
  /** keeps an event that failed 3 times in the failed folder, for a replay */
  recordFailure: (name: string, reason: string, body: object) => Promise<void>;
  log: Logger;
}

export interface StreamPoller {
  /** read now: something was just written */
  wake(): void;
  /** resolves once every stream record written before the call has been delivered */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function startStreamPoller(o: StreamPollerOptions): StreamPoller {
  const { streamArn, log } = o;
  const streams = new DynamoDBStreamsClient({
    endpoint: o.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const minMs = o.pollMs ?? 50;
  const maxMs = Math.max(minMs, o.maxPollMs ?? 1000);
  const describeEveryMs = o.describeEveryMs ?? 10_000;
  const iterators = new Map<string, string | undefined>();
  const lastSequence = new Map<string, string>();
  let shards: string[] = [];
  let describedAt = 0;
  let newShardStart: 'LATEST' | 'TRIM_HORIZON' = o.fromStart ? 'TRIM_HORIZON' : 'LATEST';
  let stopped = false;
  let woken = false;
  let wakeSleep: (() => void) | null = null;
  let idleWaiters: Array<() => void> = [];

  // Each page through the stream's batch delivery (as the notify Lambda); a failed record is tried
  // again from where it stopped, and after 3 attempts kept in the failed folder for a replay.
  const deliverPage = async (records: readonly _Record[]) => {
    let pending = records;
    for (let attempt = 1; pending.length > 0; ) {
      const { failed } = await deliverStreamBatch(pending, o.deliver);
      if (!failed) return;
      if (attempt >= 3) {
        log.error('delivery failed: kept for replay', { eventId: failed.event.id, error: failed.error.name });
        await o.recordFailure(`event-${failed.event.id.replace(/[^A-Za-z0-9._-]/g, '_')}`, failed.error.message, {
          kind: 'event',
          event: failed.event,
        });
        [pending, attempt] = [pending.slice(failed.index + 1), 1];
      } else {
        await new Promise((r) => setTimeout(r, 100 * attempt));
        [pending, attempt] = [pending.slice(failed.index), attempt + 1];
      }
    }
  };

  // DynamoDB Local may call an iterator taken on a still empty shard "trimmed" once writes to other
  // tables of the same instance have moved the sequence numbers on (tests run several stacks on one
  // instance); iterators also expire. Either way: a fresh iterator after the last record delivered
  // (or from the shard's start: delivery is idempotent), read again at once.
  const getRecords = async (shardId: string, iterator: string) => {
    try {
      return await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
      const after = lastSequence.get(shardId);
      const fresh = await streams.send(
        new GetShardIteratorCommand(
          after
            ? {
                StreamArn: streamArn,
                ShardId: shardId,
                ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
                SequenceNumber: after,
              }
            : { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' },
        ),
      );
      if (!fresh.ShardIterator) return { Records: [], NextShardIterator: undefined };
      return streams.send(new GetRecordsCommand({ ShardIterator: fresh.ShardIterator }));
    }
  };

  const listShards = async () => {
    const stream = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    shards = (stream.StreamDescription?.Shards ?? []).map((s) => s.ShardId!);
    describedAt = Date.now();
  };

  const pollOnce = async (): Promise<number> => {
    if (Date.now() - describedAt >= describeEveryMs) await listShards();
    let seen = 0;
    let shardEnded = false;
    for (const id of shards) {
      if (!iterators.has(id)) {
        const it = await streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: newShardStart }),
        );
        iterators.set(id, it.ShardIterator);
      }
      const iterator = iterators.get(id);
      if (!iterator) continue;
      const page = await getRecords(id, iterator);
      iterators.set(id, page.NextShardIterator);
      if (!page.NextShardIterator) shardEnded = true;
      const records = page.Records ?? [];
      seen += records.length;
      await deliverPage(records);
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) lastSequence.set(id, last);
    }
    // A closed shard has children that begin at their start: list them on the next read.
    if (shardEnded) describedAt = 0;
    newShardStart = 'TRIM_HORIZON';
    return seen;
  };

  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(() => {
        wakeSleep = null;
        done();
      }, ms);
      wakeSleep = () => {
        clearTimeout(timer);
        wakeSleep = null;
        done();
      };
    });

  const loop = async () => {
    let wait = minMs;
    while (!stopped) {
      woken = false;
      let seen = 0;
      try {
        seen = await pollOnce();
      } catch (error) {
        if (!stopped) log.warn('stream poll failed: retrying', { error: (error as Error).name });
      }
      if (seen > 0) {
        wait = minMs;
        continue;
      }
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const done of waiters) done();
      if (stopped) break;
      // Woken during the read: the write may have landed after it, read again soon. Never at once: DynamoDB
      // Local shows a record on the stream a moment after the write, and drain's two idle reads must span that.
      if (woken) wait = minMs;
      await sleep(wait);
      wait = woken ? minMs : Math.min(maxMs, wait * 2);
    }
  };
  const running = loop();

  const wake = () => {
    woken = true;
    wakeSleep?.();
  };
  return {
    wake,
    drain: () =>
      new Promise<void>((done) => {
        // Two idle reads in a row, pollMs apart (as the loop did before it backed off): everything written before
        // the call has been seen. Woken once, so a backed-off poller does not make the caller wait.
        let idle = 0;
        const wait = () => idleWaiters.push(() => (++idle >= 2 ? done() : wait()));
        wait();
        wake();
      }),
    async stop() {
      stopped = true;
      wakeSleep?.();
      await running;
      streams.destroy();
    },
  };
}
