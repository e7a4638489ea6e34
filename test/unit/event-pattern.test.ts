/** The event-pattern matcher the shipped-bundles test filters stream records and routes bus events with. */
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../support/event-pattern';

// The stream mapping's filter, as the template writes it.
const notifyFilter = { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'EVENT#' }] } } } };
const record = (eventName: string, sk: string) => ({ eventName, dynamodb: { Keys: { pk: { S: 'TICKET#MG-1' }, sk: { S: sk } } } });

describe('matchesPattern', () => {
  it('lets through inserted event items only', () => {
    expect(matchesPattern(notifyFilter, record('INSERT', 'EVENT#2026#e1'))).toBe(true);
    expect(matchesPattern(notifyFilter, record('MODIFY', 'EVENT#2026#e1'))).toBe(false);
    expect(matchesPattern(notifyFilter, record('INSERT', 'TICKET'))).toBe(false);
    expect(matchesPattern(notifyFilter, { eventName: 'INSERT' })).toBe(false);
  });

  it('matches nested detail values, exists and anything-but, and refuses an operator it does not know', () => {
    const event = { source: 'maildesk', 'detail-type': 'ticket.created', detail: { priority: 'blocking' }, resources: ['a', 'b'] };
    expect(matchesPattern({ source: ['maildesk'], 'detail-type': ['ticket.created'], detail: { priority: ['blocking'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { priority: ['error'] } }, event)).toBe(false);
    expect(matchesPattern({ resources: ['b'] }, event)).toBe(true);
    expect(matchesPattern({ detail: { status: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { priority: [{ 'anything-but': ['error'] }] } }, event)).toBe(true);
    expect(() => matchesPattern({ detail: { n: [{ numeric: ['>', 1] }] } }, event)).toThrow(/not supported/);
  });
});
