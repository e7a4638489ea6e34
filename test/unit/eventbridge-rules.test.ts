/** The PutEvents rules (shared/adapters/standins/eventbridge-rules.ts), pure: sizes as AWS counts them, and where each refusal lands. */
import { describe, expect, it } from 'vitest';
import { checkPutEvents, entrySize, MAX_ENTRIES_BYTES, type PutEventsEntry } from '../../shared/adapters/standins/eventbridge-rules';

const account = { busNames: ['maildesk'], requiredBus: 'maildesk' };
const entry = (over: Partial<PutEventsEntry> = {}): PutEventsEntry => ({ EventBusName: 'maildesk', Source: 'maildesk', DetailType: 'ticket.created', Detail: '{"id":"e1"}', ...over });

describe('entrySize (eb-putevent-size)', () => {
  it('counts Time as 14 bytes and the UTF-8 bytes of Source, DetailType, Detail and each Resource; not EventBusName', () => {
    expect(entrySize({ Source: 'ab', DetailType: 'ъ', Detail: '{}', EventBusName: 'long-bus-name' })).toBe(2 + 2 + 2);
    expect(entrySize({ Source: 'a', DetailType: 'b', Detail: '{}', Time: 1, Resources: ['r1', 'r22'] })).toBe(14 + 1 + 1 + 2 + 2 + 3);
  });
});

describe('checkPutEvents', () => {
  it('passes good entries', () => {
    expect(checkPutEvents([entry(), entry()], account)).toEqual({ request: null, entries: [null, null] });
  });

  it('fails the request for 0 or 11 entries, and for entries totalling 256 KB', () => {
    expect(checkPutEvents([], account).request?.rule).toBe('entry-count');
    expect(checkPutEvents(Array.from({ length: 11 }, () => entry()), account).request?.rule).toBe('entry-count');
    expect(checkPutEvents(Array.from({ length: 10 }, () => entry()), account).request).toBeNull();
    const overhead = entrySize(entry({ Detail: '{"x":""}' }));
    const justUnder = entry({ Detail: `{"x":"${'a'.repeat(MAX_ENTRIES_BYTES - 1 - overhead)}"}` });
    expect(entrySize(justUnder)).toBe(MAX_ENTRIES_BYTES - 1);
    expect(checkPutEvents([justUnder], account).request).toBeNull();
    expect(checkPutEvents([entry({ Detail: `{"x":"${'a'.repeat(MAX_ENTRIES_BYTES - overhead)}"}` })], account).request?.rule).toBe('entries-size');
  });

  it('fails only the entry whose Detail is not a JSON object, or that lacks a required field', () => {
    const verdict = checkPutEvents([entry({ Detail: '"text"' }), entry(), entry({ Detail: 'null' }), entry({ Source: '' })], account);
    expect(verdict.request).toBeNull();
    expect(verdict.entries.map((v) => v?.name ?? null)).toEqual(['MalformedDetail', null, 'MalformedDetail', 'InvalidArgument']);
  });

  it('names the bus: an unknown bus fails the request, a bus ARN is its name, the default bus breaks the stack rule', () => {
    expect(checkPutEvents([entry({ EventBusName: 'nope' })], account).request?.name).toBe('ResourceNotFoundException');
    expect(checkPutEvents([entry({ EventBusName: 'arn:aws:events:eu-west-1:1:event-bus/maildesk' })], account).entries).toEqual([null]);
    expect(checkPutEvents([entry({ EventBusName: undefined })], account).entries[0]?.rule).toBe('bus-named');
    expect(checkPutEvents([entry({ EventBusName: undefined })], { busNames: [] }).entries).toEqual([null]);
  });

  it('cites an AWS page for every refusal', () => {
    const refusals = [checkPutEvents([], account).request, ...checkPutEvents([entry({ Detail: '[]' }), entry({ Source: 'aws.ses' })], account).entries];
    for (const r of refusals) expect(r?.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});
