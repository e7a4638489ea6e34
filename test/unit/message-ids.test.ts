/** Outgoing Message-IDs (issue 12): stable per event nonce and role, opaque, 128 bits. */
import { describe, expect, it } from 'vitest';
import { eventMessageId, newEventNonce, randomMessageId } from '../../shared/mail/outbound/message-ids';

describe('eventMessageId', () => {
  it('is the same for the same nonce and role (the send-once claim), different for another role or nonce', () => {
    // given
    const nonce = newEventNonce();
    // when
    const requester = eventMessageId(nonce, 'requester', 'clinic-north@support.example');
    // then
    expect(eventMessageId(nonce, 'requester', 'clinic-north@support.example')).toBe(requester);
    expect(eventMessageId(nonce, 'engineers', 'clinic-north@support.example')).not.toBe(requester);
    expect(eventMessageId(newEventNonce(), 'requester', 'clinic-north@support.example')).not.toBe(requester);
    expect(requester).toMatch(/^[0-9a-f]{32}@support\.example$/);
  });

  it('nonces and random ids do not repeat', () => {
    const nonces = new Set(Array.from({ length: 1000 }, newEventNonce));
    const ids = new Set(Array.from({ length: 1000 }, () => randomMessageId('a@support.example')));
    expect(nonces.size).toBe(1000);
    expect(ids.size).toBe(1000);
    for (const n of nonces) expect(n).toMatch(/^[0-9a-f]{32}$/);
  });
});
