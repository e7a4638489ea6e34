/** The strict validator in front of a PutEvents mock: what AWS refuses is refused, the rest reaches the mock. */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../shared/adapters/event-bus';
import { strictEventBridge } from '../support/strict-eventbridge';

function setup() {
  const client = new EventBridgeClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const put: PutEventsRequestEntry[] = [];
  const strict = strictEventBridge({ busNames: ['maildesk'], requiredBus: 'maildesk' });
  mockClient(client)
    .on(PutEventsCommand)
    .callsFake(
      strict.respond((input) => {
        put.push(...(input.Entries ?? []));
        return { FailedEntryCount: 0, Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e${put.length}-${i}` })) };
      }),
    );
  return { client, put, strict };
}

describe('strictEventBridge', () => {
  it('passes what EventBridgeBus publishes', async () => {
    const { client, put, strict } = setup();
    await new EventBridgeBus(client, 'maildesk').publish(Array.from({ length: 11 }, (_, n) => ({ type: 'ticket.created', id: `e${n}`, detail: {} })));
    expect(put).toHaveLength(11);
    expect(strict.rejections).toEqual([]);
  });

  it('throws AWS exception for a broken request and fails a broken entry alone', async () => {
    const { client, put, strict } = setup();
    const entry = { EventBusName: 'maildesk', Source: 'maildesk', DetailType: 't', Detail: '{}' };
    await expect(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) }))).rejects.toMatchObject({ name: 'ValidationException' });
    const result = await client.send(new PutEventsCommand({ Entries: [{ ...entry, Detail: '[1]' }, entry] }));
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.map((e) => e.ErrorCode ?? e.EventId)).toEqual(['MalformedDetail', 'e1-0']);
    expect(put).toHaveLength(1);
    expect(strict.rejections.map((r) => r.rule)).toEqual(['entry-count', 'detail-json-object']);
  });
});
