/** deliverStreamBatch: the stream's partial batch failures, shared by the notify Lambda and the local poller. */
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { deliverStreamBatch, type StreamRecordLike } from '../../shared/adapters/stream-records';
import { EVENT_SK_PREFIX } from '../../shared/adapters/table-layout';
import type { TicketEvent } from '../../shared/domain/events';

const eventRecord = (id: string, sequence: string): StreamRecordLike => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: sequence,
    NewImage: marshall({ pk: 'TICKET#MG-1', sk: `${EVENT_SK_PREFIX}2026-03-02T07:00:00.000Z#${id}`, itemType: 'event', id, type: 'ticket.created', ticketKey: 'MG-1', at: '2026-03-02T07:00:00.000Z' }),
  },
});
const ticketRecord = (sequence: string): StreamRecordLike => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: sequence, NewImage: marshall({ pk: 'TICKET#MG-1', sk: 'TICKET', key: 'MG-1' }) } });
const modifyRecord = (id: string, sequence: string): StreamRecordLike => ({ ...eventRecord(id, sequence), eventName: 'MODIFY' });

describe('deliverStreamBatch', () => {
  it('delivers the outbox events in order and skips records that are not new event items', async () => {
    const seen: string[] = [];
    const outcome = await deliverStreamBatch([ticketRecord('1'), eventRecord('e1', '2'), modifyRecord('e0', '3'), eventRecord('e2', '4')], async (e: TicketEvent) => void seen.push(e.id));
    expect(seen).toEqual(['e1', 'e2']);
    expect(outcome).toEqual({ batchItemFailures: [], delivered: 2, failed: null });
  });

  it('the first failure stops the batch and reports its sequence number; later records are not delivered', async () => {
    const seen: string[] = [];
    const records = [eventRecord('e1', '10'), ticketRecord('11'), eventRecord('e2', '12'), eventRecord('e3', '13')];
    const outcome = await deliverStreamBatch(records, async (e) => {
      if (e.id === 'e2') throw new Error('SES throttled');
      seen.push(e.id);
    });
    expect(seen).toEqual(['e1']);
    expect(outcome.batchItemFailures).toEqual([{ itemIdentifier: '12' }]);
    expect(outcome.delivered).toBe(1);
    expect(outcome.failed).toMatchObject({ index: 2, event: { id: 'e2' }, error: { message: 'SES throttled' } });
  });
});
