/**
 * Our outgoing Message-IDs. A reply citing one of them finds its ticket, so an id must not be
 * guessable: 128 random bits, nothing from the ticket key, event type, role or any time.
 * An event's mail must still get the same id on every delivery (the id is the send-once claim),
 * so the randomness is a nonce stored with the event item when it is first written.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 128 random bits, hex: written once into each event item. */
export const newEventNonce = (): string => randomBytes(16).toString('hex');

const domainOf = (address: string) => address.split('@')[1] ?? 'maildesk.local';

/** The Message-ID of one mail (`role`) of an event: stable for the event's nonce, opaque without it. */
export function eventMessageId(nonce: string, role: string, from: string): string {
  return `${createHash('sha256').update(`${nonce}\0${role}`).digest('hex').slice(0, 32)}@${domainOf(from)}`;
}

/** A Message-ID for a mail that is sent once by other means (its own claim): fresh randomness. */
export const randomMessageId = (from: string): string => `${randomBytes(16).toString('hex')}@${domainOf(from)}`;
