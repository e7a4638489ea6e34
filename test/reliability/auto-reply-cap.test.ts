/**
 * Issue 12, item 4: acknowledgements as a spam cannon. The per-sender cap counted only the
 * (spoofable) From, while the acknowledgement went to every To/Cc of the inbound mail: 12 mails
 * with 200 Cc each gave acknowledgements to 2,412 addresses with the attacker's subject.
 * Now an automatic answer goes to the sender and at most 10 Cc, and every address it goes to
 * counts against its own hourly cap (`autoReplyLimitPerHour`).
 *
 * Real local stack (DynamoDB Local, SMTP in, stream -> notify -> outbox); the clock is fixed inside
 * one hour, so the hourly cap is one window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../shared/mail/inbound/types';
import { startHarness, type Harness } from '../support/harness';
import { buildMail, messageId } from '../support/mail-builder';

const NORTH = 'clinic-north@support.example';
const MAILS = 12;
const CC = 200;
/** what an automatic answer may reach: the sender and 10 Cc */
const REACH = 1 + 10;

/** The whole stack per test (SMTP, stream, sweeps): generous on a shared, loaded machine. */
const STACK_TEST_TIMEOUT_MS = 240_000;

let h: Harness;
let limit: number;
const figures: string[] = [];

beforeAll(async () => {
  h = await startHarness({ now: () => new Date('2026-03-16T09:10:00Z') });
  limit = h.stack.receiveDeps.config.autoReplyLimitPerHour;
});
afterAll(async () => {
  console.log(`RELIABILITY auto-reply cap: ${figures.join('; ')}`);
  await h?.close();
});

const victims = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}@victims.example`);

async function blast(mails: Array<{ from: string; cc: string[] }>) {
  for (const [i, m] of mails.entries()) {
    const raw = await buildMail({ from: m.from, to: NORTH, cc: m.cc, subject: `Купите наши таблетки ${i}`, text: 'Реклама', messageId: messageId('cannon') });
    // as SES would hand it over: the desk is the only envelope recipient
    await h.sendRaw(raw, { from: m.from, to: [NORTH] });
  }
  const out = await h.newMail();
  const answers = out.filter((m) => m.headers['auto-submitted'] === 'auto-replied');
  const deliveries = answers.flatMap((m: ParsedMail) => [...m.to, ...m.cc].map((a) => a.address.toLowerCase()));
  const perAddress = new Map<string, number>();
  for (const a of deliveries) perAddress.set(a, (perAddress.get(a) ?? 0) + 1);
  return { answers, deliveries, perAddress };
}

describe('automatic answers reach few', () => {
  it(`${MAILS} mails from different senders, each with the same ${CC} Cc: each answer reaches at most ${REACH}, each address at most the hourly cap`, async () => {
    const cc = victims('same', CC);
    const senders = Array.from({ length: MAILS }, (_, i) => `sender${i}@clinic-north.example`);
    const { answers, deliveries, perAddress } = await blast(senders.map((from) => ({ from, cc })));
    figures.push(`same Cc: ${answers.length} answers to ${deliveries.length} addresses (unbounded: ${MAILS * (CC + 1)})`);
    expect(h.stack.outcomes.filter((o) => o.kind === 'created')).toHaveLength(MAILS);
    expect(deliveries.length).toBeLessThanOrEqual(MAILS * REACH);
    for (const m of answers) expect([...m.to, ...m.cc].length).toBeLessThanOrEqual(REACH);
    for (const [address, n] of perAddress) expect(n, address).toBeLessThanOrEqual(limit);
    // every sender still got its acknowledgement: only the capped Cc were dropped
    for (const from of senders) expect(perAddress.get(from), from).toBe(1);
  }, STACK_TEST_TIMEOUT_MS);

  it(`${MAILS} mails from one sender, each with ${CC} other Cc: the sender's own cap stops the answers, Cc bounded`, async () => {
    const from = 'one-sender@clinic-north.example';
    const { answers, deliveries, perAddress } = await blast(Array.from({ length: MAILS }, (_, i) => ({ from, cc: victims(`other${i}`, CC) })));
    figures.push(`one sender: ${answers.length} answers to ${deliveries.length} addresses (unbounded: ${limit * (CC + 1)})`);
    expect(perAddress.get(from)).toBe(limit);
    expect(answers).toHaveLength(limit);
    expect(deliveries.length).toBeLessThanOrEqual(limit * REACH);
    for (const [address, n] of perAddress) expect(n, address).toBeLessThanOrEqual(limit);
  }, STACK_TEST_TIMEOUT_MS);
});
