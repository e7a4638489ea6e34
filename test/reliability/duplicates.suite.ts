/**
 * Duplicate delivery: SES invokes the inbound function at least once, Lambda retries, clients
 * resend. The same SES event (same inbound id) 2-5 times, one after the other and all at once,
 * and the same mail resent under a new inbound id (same Message-ID), for new tickets, customer
 * replies and engineer commands: one ticket, one acknowledgement, one comment per reply.
 * Runs on the real local stack (DynamoDB Local, its stream polled into notify, the outbox).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveMail, type InboundMail, type Outcome } from '../../shared/use-cases/receive-mail';
import { startHarness, type Harness } from '../support/harness';
import { buildMail, messageId, storeInbound } from '../support/mail-builder';

export interface DuplicateScale {
  /** how many times each mail is delivered (each value is one case, sequential and concurrent) */
  times: number[];
  /** distinct mails per case */
  mailsPerCase: number;
}

export const SHORT_DUPLICATES: DuplicateScale = { times: [2, 3, 4, 5], mailsPerCase: 1 };

const NORTH = 'clinic-north@support.example';
type Mode = 'sequential' | 'concurrent';
const MODES: Mode[] = ['sequential', 'concurrent'];

export function duplicateSuite(scale: DuplicateScale) {
  let h: Harness;
  const figures = { extraDeliveries: 0, mails: 0, doubled: 0, lost: 0 };
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    console.log(`RELIABILITY duplicates: mails=${figures.mails} extra deliveries=${figures.extraDeliveries} lost=${figures.lost} doubled=${figures.doubled}`);
    await h?.close();
  });

  const receive = (inbound: InboundMail) => receiveMail(inbound, h.stack.receiveDeps);
  const deliver = async (inbounds: InboundMail[], mode: Mode): Promise<Outcome[]> => {
    if (mode === 'concurrent') return Promise.all(inbounds.map(receive));
    const out: Outcome[] = [];
    for (const inbound of inbounds) out.push(await receive(inbound));
    return out;
  };
  /** the mails the stack sent since the last call, by ticket */
  const sentByTicket = async () => {
    const byTicket = new Map<string, Awaited<ReturnType<Harness['newMail']>>>();
    for (const m of await h.newMail()) {
      const key = m.headers['x-maildesk-ticket'] ?? '-';
      byTicket.set(key, [...(byTicket.get(key) ?? []), m]);
    }
    return byTicket;
  };
  const count = (lost: boolean, doubled: boolean) => {
    figures.mails++;
    if (lost) figures.lost++;
    if (doubled) figures.doubled++;
  };

  let sender = 0;
  const newTicketMail = async () => {
    const from = `dup${++sender}@clinic-north.example`;
    const raw = await buildMail({ from, to: NORTH, subject: `Дубль ${sender}`, text: 'Номер амбулаторной карты: 777\nНе печатается направление', messageId: messageId('dup') });
    return { from, raw };
  };

  /** Each case: a new mail delivered `times` times, `mode`; `resend` uses a new inbound id each time (same raw mail, same Message-ID). */
  const newTicketCases = (resend: boolean) =>
    MODES.flatMap((mode) => scale.times.flatMap((times) => Array.from({ length: scale.mailsPerCase }, () => ({ mode, times, resend }))));

  for (const resend of [false, true]) {
    it(resend ? 'the same mail resent under new SES ids (same Message-ID) 2-5 times: one ticket, one acknowledgement' : 'the same SES event delivered 2-5 times: one ticket, one acknowledgement', async () => {
      const cases = await Promise.all(
        newTicketCases(resend).map(async (c) => {
          const mail = await newTicketMail();
          const first = await storeInbound(h, mail.raw);
          const inbounds = resend ? [first, ...(await Promise.all(Array.from({ length: c.times - 1 }, () => storeInbound(h, mail.raw))))] : Array.from({ length: c.times }, () => first);
          return { ...c, ...mail, inbounds };
        }),
      );
      // every case at once: the duplicates of one mail race each other and the other cases
      const outcomes = await Promise.all(cases.map((c) => deliver(c.inbounds, c.mode)));
      const sent = await sentByTicket();
      for (const [i, c] of cases.entries()) {
        figures.extraDeliveries += c.times - 1;
        const created = outcomes[i]!.filter((o) => o.kind === 'created');
        expect(created, `${c.times}x ${c.mode}`).toHaveLength(1);
        expect(outcomes[i]!.filter((o) => o.kind === 'duplicate')).toHaveLength(c.times - 1);
        const key = (created[0] as { ticketKey: string }).ticketKey;
        const tickets = (await h.stack.store.listTickets({ tenant: 'clinic-north' })).filter((t) => t.requester === c.from);
        const mails = sent.get(key) ?? [];
        const acks = mails.filter((x) => x.to.some((a) => a.address === c.from));
        count(tickets.length === 0 || acks.length === 0, tickets.length > 1 || acks.length > 1 || mails.length > 2);
        expect(tickets).toHaveLength(1);
        expect(acks).toHaveLength(1);
        expect(mails).toHaveLength(2); // the acknowledgement and the engineers' copy
        expect((await h.stack.store.listEvents(key)).filter((e) => e.type === 'ticket.created')).toHaveLength(1);
      }
    });
  }

  describe('replies delivered again', () => {
    const openTicket = async () => {
      const { from, raw } = await newTicketMail();
      const root = /^Message-ID: (<[^>]+>)/im.exec(raw.toString())![1]!;
      const outcome = await receive(await storeInbound(h, raw));
      expect(outcome.kind).toBe('created');
      return { key: (outcome as { ticketKey: string }).ticketKey, from, root };
    };

    it('one comment and one mail to the engineers per customer reply: the same SES event and resent, 2-5 times, sequential and concurrent', async () => {
      const tickets = await Promise.all(MODES.map(() => openTicket()));
      await h.newMail();
      const runs = await Promise.all(
        MODES.map(async (mode, m) => {
          const { key, from, root } = tickets[m]!;
          let replies = 0;
          for (const times of scale.times) {
            for (let r = 0; r < scale.mailsPerCase; r++) {
              const raw = await buildMail({ from, to: NORTH, subject: `Re: [${key}] Дубль`, text: `Дополнение ${times}-${r}`, messageId: messageId('re'), inReplyTo: root, references: root });
              const inbound = await storeInbound(h, raw);
              const again = await Promise.all(Array.from({ length: times - 1 }, () => storeInbound(h, raw)));
              const outcomes = await deliver([...Array.from({ length: times }, () => inbound), ...again], mode);
              figures.extraDeliveries += 2 * times - 2;
              expect(outcomes.filter((o) => o.kind === 'updated')).toHaveLength(1);
              expect(outcomes.filter((o) => o.kind === 'duplicate')).toHaveLength(2 * times - 2);
              replies++;
            }
          }
          return { key, replies };
        }),
      );
      const sent = await sentByTicket();
      for (const { key, replies } of runs) {
        const comments = (await h.stack.store.listEvents(key)).filter((e) => e.type === 'ticket.commented');
        const mails = sent.get(key) ?? [];
        for (let i = 0; i < replies; i++) count(comments.length < replies || mails.length < replies, comments.length > replies || mails.length > replies);
        expect(comments).toHaveLength(replies);
        expect(mails.filter((m) => m.headers['x-maildesk-event'] === 'ticket.commented')).toHaveLength(replies);
        expect(mails).toHaveLength(replies);
      }
    });

    it('an engineer command delivered again (same event and resent, at once) moves the ticket once and mails the customer once', async () => {
      const times = Math.max(...scale.times);
      const { key, from, root } = await openTicket();
      await h.newMail();
      const raw = await buildMail({ from: 'engineer1@team.example', to: NORTH, subject: `Re: [${key}] Дубль`, text: '#status in_progress\nВзяли в работу.', messageId: messageId('eng'), inReplyTo: root });
      const inbound = await storeInbound(h, raw);
      const again = await Promise.all(Array.from({ length: times - 1 }, () => storeInbound(h, raw)));
      const outcomes = await deliver([...Array.from({ length: times }, () => inbound), ...again], 'concurrent');
      figures.extraDeliveries += 2 * times - 2;
      expect(outcomes.filter((o) => o.kind === 'updated')).toHaveLength(1);
      const moves = (await h.stack.store.listEvents(key)).filter((e) => e.type === 'ticket.status_changed');
      expect(moves).toHaveLength(1);
      expect((await h.stack.store.getTicket(key))!.status).toBe('in_progress');
      // Taking the ticket into work also assigns it: the other engineers hear once who took it.
      const sent = (await sentByTicket()).get(key) ?? [];
      const mails = sent.filter((m) => m.to.some((a) => a.address === from));
      const told = sent.filter((m) => m.headers['x-maildesk-event'] === 'ticket.assigned');
      count(moves.length === 0 || mails.length === 0, moves.length > 1 || mails.length > 1);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to.map((a) => a.address)).toEqual([from]);
      expect(told).toHaveLength(1);
      expect(sent).toHaveLength(2);
    });
  });
}
