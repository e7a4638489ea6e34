/**
 * Mail loops on the real local stack, with real SMTP between installations: the desk writing to
 * itself, two maildesk installations answering each other, auto-responders. Every loop stops
 * after the first automatic answer (RFC 3834 Auto-Submitted on everything we send, never an
 * answer to automatic mail), and a responder that ignores the RFCs is bounded by the per-sender cap.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import type { ParsedMail } from '../../shared/mail/inbound/types';
import { exampleConfig, startHarness, type Harness } from '../support/harness';
import { buildMail, messageId } from '../support/mail-builder';

type OutMail = ParsedMail & { file: string };

const NORTH = 'clinic-north@support.example';
const OTHER_DESK = 'desk@other-desk.example';

/** The other installation: its own tenant and engineers, a customer domain that is our desk's. */
const otherConfig = () =>
  parseConfig({
    ticketPrefix: 'OD',
    engineers: [{ login: 'otheng', address: 'eng@other-desk.example' }],
    tenants: [{ id: 'other', name: 'Другая поддержка', addresses: [OTHER_DESK], departments: [], language: 'ru' }],
    autoReplyLimitPerHour: 10,
  });

let a: Harness;
let b: Harness;
const figures = { loops: 0, automaticAnswers: 0, maxRounds: 0 };

beforeAll(async () => {
  [a, b] = await Promise.all([startHarness({ config: exampleConfig() }), startHarness({ config: otherConfig() })]);
});
afterAll(async () => {
  console.log(`RELIABILITY loops: loops started=${figures.loops}, automatic answers in all=${figures.automaticAnswers}, longest exchange=${figures.maxRounds} rounds`);
  await Promise.all([a?.close(), b?.close()]);
});

const rawOf = async (h: Harness, m: OutMail) => readFile(join(h.stack.outboxDir, m.file));

/**
 * Carries mail between the installations (and to responders) until nothing new is sent: each round
 * takes the mails an installation just sent, routes the ones addressed to the other side (or to a
 * responder, which answers through `respond`), and sends them by SMTP. Returns the number of rounds.
 */
async function exchange(options: { responder?: { address: string; respond: (m: OutMail, raw: Buffer) => Promise<Buffer | null> }; maxRounds?: number; mutate?: (raw: Buffer) => Buffer }): Promise<{ rounds: number; automatic: number }> {
  let rounds = 0;
  let automatic = 0;
  for (; rounds < (options.maxRounds ?? 30); rounds++) {
    const [fromA, fromB] = await Promise.all([a.newMail(), b.newMail()]);
    // automatic answers: what the desks send back to whoever wrote (the engineers' copies are not answers)
    automatic += [...fromA, ...fromB].filter((m) => m.headers['auto-submitted'] === 'auto-replied').length;
    let carried = 0;
    for (const [source, target, mails] of [
      [a, b, fromA],
      [b, a, fromB],
    ] as const) {
      const targetAddresses = target === a ? exampleConfig().tenants.flatMap((t) => t.addresses) : [OTHER_DESK];
      for (const m of mails) {
        const raw = await rawOf(source, m);
        const rcpt = [...m.to, ...m.cc].map((x) => x.address);
        const toTarget = rcpt.filter((r) => targetAddresses.includes(r));
        if (toTarget.length) {
          await target.sendRaw(options.mutate ? options.mutate(raw) : raw, { from: m.from!.address, to: toTarget });
          carried++;
        }
        if (options.responder && rcpt.includes(options.responder.address)) {
          const answer = await options.responder.respond(m, raw);
          if (answer) {
            await source.sendRaw(answer, { from: options.responder.address, to: [m.from!.address] });
            carried++;
          }
        }
      }
    }
    if (carried === 0) break;
  }
  figures.loops++;
  figures.automaticAnswers += automatic;
  figures.maxRounds = Math.max(figures.maxRounds, rounds);
  return { rounds, automatic };
}

describe('the desk writing to itself', () => {
  it('ignores mail from its own addresses: no ticket, no answer', async () => {
    for (const from of ['clinic-south@support.example', NORTH, 'help@clinic-south.example']) {
      await a.send({ from, to: NORTH, subject: 'Письмо самому себе', text: 'loop', messageId: messageId('self') });
      expect(a.stack.outcomes.at(-1)).toEqual({ kind: 'ignored', reason: 'loop:own-address' });
    }
    expect(await a.newMail()).toHaveLength(0);
  });

  it('a customer copying another desk address gets one ticket; nothing is sent to our own addresses', async () => {
    await a.send({ from: 'copy@clinic-north.example', to: NORTH, cc: 'clinic-south@support.example, colleague@clinic-north.example', subject: 'Копия на другой адрес', text: 'x', messageId: messageId('cc') });
    const mails = await a.newMail();
    expect(a.stack.outcomes.at(-1)!.kind).toBe('created');
    const recipients = mails.flatMap((m) => [...m.to, ...m.cc].map((x) => x.address));
    expect(recipients.filter((r) => r.endsWith('@support.example') && !r.startsWith('engineer'))).toEqual([]);
    expect(recipients).toContain('colleague@clinic-north.example');
    // nothing went out that could come back: the exchange ends at once
    expect((await exchange({})).rounds).toBeLessThanOrEqual(1);
  });
});

describe('two maildesk installations', () => {
  it('our acknowledgement reaching another desk is not answered (Auto-Submitted), and vice versa', async () => {
    // someone at the other desk's customer writes to us from the other desk's address
    await a.send({ from: OTHER_DESK, to: NORTH, subject: 'Вопрос от другой поддержки', text: 'Здравствуйте', messageId: messageId('od') });
    const { rounds, automatic } = await exchange({});
    // one ticket here, one acknowledgement sent to the other desk, which ignores it: done
    expect(automatic).toBe(1);
    expect(rounds).toBeLessThanOrEqual(2);
    expect(b.stack.outcomes.at(-1)).toEqual({ kind: 'ignored', reason: 'auto-generated:auto-submitted:auto-replied' });
    expect(await b.stack.store.listTickets()).toHaveLength(0);
  });

  it('even when a relay strips Auto-Submitted, the exchange stops after the first automatic answer of each side', async () => {
    const strip = (raw: Buffer) => Buffer.from(raw.toString('latin1').replace(/^Auto-Submitted:[^\r\n]*\r?\n/im, '').replace(/^X-Auto-Response-Suppress:[^\r\n]*\r?\n/im, ''), 'latin1');
    await b.send({ from: NORTH.replace('clinic-north', 'clinic-north'), to: OTHER_DESK, subject: 'Подделка нашего адреса', text: 'x', messageId: messageId('forged') });
    // b acknowledges "clinic-north@support.example" (forged From): our desk gets the stripped ack...
    const { rounds, automatic } = await exchange({ mutate: strip });
    // ...from another desk's address, which is not ours: a ticket and one ack back; that ack, stripped too,
    // threads to b's ticket (our ack replies to b's) and is a comment there: no third automatic answer.
    expect(automatic).toBe(2);
    expect(rounds).toBeLessThanOrEqual(4);
  });
});

describe('auto-responders', () => {
  const ask = async (from: string, subject: string) => {
    await a.send({ from, to: NORTH, subject, text: 'Не работает печать', messageId: messageId('ask') });
  };

  it('an RFC 3834 auto-responder answers our acknowledgement once; we do not answer it', async () => {
    const me = 'rfc-responder@clinic-north.example';
    await ask(me, 'Печать');
    const { automatic } = await exchange({
      responder: {
        address: me,
        respond: async (m) =>
          buildMail({ from: me, to: m.from!.address, subject: `Автоответ: ${m.subject}`, text: 'Я в отпуске', inReplyTo: `<${m.messageId}>`, headers: { 'Auto-Submitted': 'auto-replied' } }),
      },
    });
    expect(automatic).toBe(1); // our acknowledgement only
    expect(a.stack.outcomes.at(-1)!.kind).toBe('ignored');
  });

  it('an Outlook out-of-office answers once; we do not answer it', async () => {
    const me = 'oof@clinic-north.example';
    await ask(me, 'Отчёт');
    const { automatic } = await exchange({
      responder: {
        address: me,
        respond: async (m) =>
          buildMail({ from: me, to: m.from!.address, subject: `Automatic reply: ${m.subject}`, text: 'Out of office', headers: { 'X-Auto-Response-Suppress': 'All', 'X-MS-Exchange-Generated-Message-Source': 'Mailbox Rules Agent' } }),
      },
    });
    expect(automatic).toBe(1);
    expect(a.stack.outcomes.at(-1)).toEqual({ kind: 'ignored', reason: 'auto-generated:outlook-auto-reply' });
  });

  it('a responder that ignores every RFC and threads its answer: a comment for the engineers, nothing back to it', async () => {
    const me = 'naive@clinic-north.example';
    await ask(me, 'Наивный автоответчик');
    const { automatic, rounds } = await exchange({
      responder: {
        address: me,
        respond: async (m) => buildMail({ from: me, to: m.from!.address, subject: `Re: ${m.subject}`, text: 'Спасибо за письмо, отвечу позже', inReplyTo: `<${m.messageId}>`, references: `<${m.messageId}>` }),
      },
    });
    expect(automatic).toBe(1);
    expect(rounds).toBeLessThanOrEqual(3);
    expect(a.stack.outcomes.at(-1)!.kind).toBe('updated');
  });

  it('a responder that ignores every RFC and writes new mail each time: bounded by the per-sender cap', async () => {
    const me = 'stubborn@gmail.example';
    const limit = exampleConfig().autoReplyLimitPerHour;
    // clinic-south refuses senders outside its domains: each refusal provokes a fresh mail
    await a.send({ from: me, to: 'clinic-south@support.example', subject: 'Вопрос', text: 'x', messageId: messageId('stub') });
    let n = 0;
    const hourBefore = Math.floor(Date.now() / 3_600_000);
    const { automatic } = await exchange({
      maxRounds: 3 * limit,
      responder: { address: me, respond: async (m) => buildMail({ from: me, to: m.from!.address, subject: `Ваше письмо ${++n}`, text: 'Получено', messageId: messageId('stub') }) },
    });
    // the cap counts per clock hour (a run across the hour may see it twice)
    const hours = Math.floor(Date.now() / 3_600_000) - hourBefore + 1;
    expect(automatic).toBeGreaterThanOrEqual(limit);
    expect(automatic).toBeLessThanOrEqual(limit * hours);
    expect(n).toBe(automatic);
  });
});
