/**
 * The bench measures the real pipeline, so it must also prove the pipeline did the work: a tiny run
 * of each measurement against DynamoDB Local (from the global setup), and the corpus generator's
 * determinism. A pipeline that creates no tickets must fail the check, not post a fast figure.
 */
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../shared/adapters/clients';
import { CapacityMeter, meterClient } from '../../bench/capacity';
import { corpusDigest, corpusStats, generateCorpus, type Corpus } from '../../bench/corpus';
import { measureFloor } from '../../bench/floor';
import { measureIngest } from '../../bench/ingest';
import { exampleConfig } from '../../bench/pipeline';
import { measureStoreCost } from '../../bench/store-cost';
import { measureSweepPoint, templateTicket } from '../../bench/sweep';

const config = exampleConfig();
const TINY = { seed: 7, newTickets: 6, commands: 2, smallAttachmentShare: 0, largeAttachmentShare: 0.08, largeAttachmentBytes: 64 * 1024 };
let client: DynamoDBClient;
let corpus: Corpus;

beforeAll(async () => {
  client = localDynamoClient(inject('dynamoEndpoint'));
  // 6 new-ticket mails, 6 replies, 2 engineer commands; one attachment (the "10 MB" one, shrunk to 64 KB).
  corpus = await generateCorpus(TINY);
});
afterAll(() => client?.destroy());

describe('bench corpus', () => {
  it('is the same bytes for the same seed and different for another', async () => {
    const again = await generateCorpus(TINY);
    const other = await generateCorpus({ ...TINY, seed: 8 });
    expect(corpusDigest(again)).toBe(corpusDigest(corpus));
    expect(corpusDigest(other)).not.toBe(corpusDigest(corpus));
  });

  it('has the advertised shares: exactly 10% with an attachment and 1% with the large one', async () => {
    const big = await generateCorpus({ seed: 3, newTickets: 50, largeAttachmentBytes: 8192, smallAttachmentBytes: [1024, 4096] });
    const stats = corpusStats(big);
    expect(stats.mails).toBe(100);
    expect(stats.withAttachment).toBe(11);
    expect([...big.newMails, ...big.replies].filter((m) => m.attachmentBytes === 8192)).toHaveLength(1);
    expect(Object.keys(stats.charsets).sort()).toEqual(['koi8-r', 'utf-8', 'windows-1251']);
    expect(Object.keys(stats.formats).sort()).toEqual(['alternative', 'html', 'plain']);
    // every reply answers a new-ticket mail of the corpus
    const ids = new Set(big.newMails.map((m) => m.messageId));
    expect(big.replies.every((r) => r.parentMessageId && ids.has(r.parentMessageId))).toBe(true);
  });
});

describe('bench measurements (tiny runs)', () => {
  it('ingest: one ticket per new-ticket mail, each reply a comment on its ticket', async () => {
    const run = await measureIngest({ client, config, newMails: corpus.newMails, replies: corpus.replies, concurrency: 4, scratch: tmpdir(), tablePrefix: 'bench-test' });
    expect(run.check.problems).toEqual([]);
    expect(run.check.ok).toBe(true);
    expect(run.check.ticketsCreated).toBe(6);
    expect(run.check.ticketsInTable).toBe(6);
    expect(run.check.repliesCommented).toBe(6);
    expect(run.check.commentEventsInTable).toBe(6);
    expect(run.newTickets.mails).toBe(6);
    expect(run.newTickets.mailsPerSecond).toBeGreaterThan(0);
    expect(run.newTickets.mailsSent).toBeGreaterThanOrEqual(12);
  });

  it('ingest: a pipeline that opens no tickets fails the check instead of posting a figure', async () => {
    // Nothing in this config routes the corpus's mails to a tenant: every mail is ignored, fast.
    const broken = { ...config, tenants: config.tenants.map((t, i) => ({ ...t, addresses: [`nobody-${i}@elsewhere.example`] })) };
    const run = await measureIngest({ config: broken, newMails: corpus.newMails.slice(0, 3), replies: corpus.replies.slice(0, 3), concurrency: 2, scratch: tmpdir(), store: 'memory' });
    expect(run.check.ok).toBe(false);
    expect(run.check.ticketsCreated).toBe(0);
    expect(run.check.problems.join('\n')).toMatch(/expected a new ticket/);
  });

  it('store cost: counts capacity per mail, GSI writes included', async () => {
    const metered = localDynamoClient(inject('dynamoEndpoint'));
    const meter = new CapacityMeter();
    meterClient(metered, meter);
    try {
      const cost = await measureStoreCost({ client: metered, meter, config, newMails: corpus.newMails.slice(0, 2), replies: corpus.replies.slice(0, 2), commands: corpus.commands });
      expect(cost.newTicket.wcu.mails).toBe(2);
      expect(cost.newTicket.wcu.mean).toBeGreaterThan(0);
      expect(cost.newTicket.capacityByTarget['gsi:due']).toBeGreaterThan(0);
      expect(cost.reply.wcu.mean).toBeGreaterThan(0);
      expect(cost.engineerCommand.wcu.mails).toBe(2);
      expect(cost.emptySweep.queries).toBe(cost.emptySweep.shards);
      // Round trips by operation (issue 18): one transaction per new ticket in inbound, the ticket read in notify.
      expect(cost.newTicket.callsByOperation?.inbound.TransactWriteItems).toBe(1);
      expect(cost.newTicket.callsByOperation?.notify.Query).toBeGreaterThanOrEqual(1);
      const perMail = Object.values({ ...cost.reply.callsByOperation?.inbound }).reduce((a, b) => a + b, 0) +
        Object.values({ ...cost.reply.callsByOperation?.notify }).reduce((a, b) => a + b, 0);
      expect(perMail).toBeCloseTo(cost.reply.calls, 0);
    } finally {
      metered.destroy();
    }
  });

  it('sweep: finds exactly the due tickets among the stored ones and acts on each', async () => {
    const metered = localDynamoClient(inject('dynamoEndpoint'));
    const meter = new CapacityMeter();
    meterClient(metered, meter);
    try {
      const template = await templateTicket(config, corpus.newMails[0]!);
      const point = await measureSweepPoint({ client: metered, meter, config, template, stored: 40, due: 4, now: new Date() });
      expect(point.acted).toBeGreaterThanOrEqual(4);
      expect(point.queryRcu).toBeGreaterThan(0);
    } finally {
      metered.destroy();
    }
  });

  it('floor: ratios from a real pipeline run over the in-memory store', async () => {
    const floor = await measureFloor(config, corpus.newMails.slice(0, 3), corpus.replies.slice(0, 3), 1);
    expect(floor.all.mails).toBe(6);
    expect(floor.all.medianRatio).toBeGreaterThan(0);
    expect(Number.isFinite(floor.cpu.ratio)).toBe(true);
    expect(floor.all.composeMs).toBeGreaterThanOrEqual(0);
  });
});
