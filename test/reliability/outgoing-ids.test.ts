/**
 * Issue 12, item 2 (outgoing side): a Message-ID we send must not be guessable. A reply that cites
 * one of our Message-IDs finds its ticket by it, so an id built from the ticket key, the event
 * type, the role or a deadline (`MG-1_breach_<deadline>.engineers@...`) lets an outsider thread
 * into a ticket by guessing. Every outgoing id carries >= 96 random bits and names nothing; and
 * since the id is also the send-once claim, a second delivery of the same event sends nothing.
 *
 * Real local stack (DynamoDB Local, SMTP in, stream -> notify -> outbox), clock set by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { eventTypes } from '../../shared/domain/events';
import { memoryLogger } from '../../shared/log';
import { deliverEvent } from '../../shared/use-cases/deliver-event';
import type { MailSender, OutgoingMail } from '../../shared/use-cases/ports';
import { sendMonthlyReports } from '../../shared/use-cases/send-monthly-reports';
import { sweepDeadlines } from '../../shared/use-cases/sweep-deadlines';
import { startHarness, type Harness } from '../support/harness';
import { messageId } from '../support/mail-builder';

const NORTH = 'clinic-north@support.example';
const SOUTH = 'clinic-south@support.example';
const ANNA = 'anna@clinic-north.example';
const msk = (moscow: string) => new Date(`${moscow}+03:00`);

/** The whole stack per test (SMTP, stream, sweeps): generous on a shared, loaded machine. */
const STACK_TEST_TIMEOUT_MS = 240_000;

let h: Harness;
let clock = msk('2026-03-16T12:00:00').getTime();
/** Every outgoing mail's Message-ID with what it must not reveal. */
const sent: Array<{ id: string; what: string; secrets: string[] }> = [];

class RecordingSender implements MailSender {
  mails: OutgoingMail[] = [];
  async send(mail: OutgoingMail) {
    this.mails.push(mail);
    return { providerMessageId: null };
  }
}

beforeAll(async () => {
  h = await startHarness({ now: () => new Date(clock) });
});
afterAll(async () => h?.close());

/** Every spelling of a timestamp that an id could carry: ISO date, compact date, date and hour. */
function timeForms(iso: string): string[] {
  const d = iso.slice(0, 10);
  return [d, d.replaceAll('-', ''), d.replaceAll('-', '_'), iso.slice(0, 13).replace(/[-:T]/g, ''), String(Math.floor(Date.parse(iso) / 1000))];
}

const roles = ['requester', 'engineers', 'recipient', 'actor', 'report'];

describe('outgoing Message-IDs', () => {
  it('of acknowledgements, engineers copies, refusals, SLA mails and monthly reports name nothing and are random', async () => {
    // given: two tickets (one blocking: escalated at once), a refused outsider, then the sweeps
    await h.send({ from: ANNA, to: NORTH, cc: 'colleague@clinic-north.example', subject: 'Не сохраняется протокол - Терапия', text: 'Протокол не сохраняется.', messageId: messageId('ids-1') });
    await h.send({ from: 'boris@clinic-north.example', to: NORTH, subject: '[Блокировка] Не открывается расписание', text: 'Не открывается.', messageId: messageId('ids-2') });
    await h.send({ from: 'outsider@gmail.example', to: SOUTH, subject: 'Вопрос', text: 'x', messageId: messageId('ids-3') });
    const tickets = await h.stack.store.listTickets();
    expect(tickets.map((t) => t.key)).toEqual(['MG-1', 'MG-2']);
    const deadlines = tickets.flatMap((t) => Object.values(t.deadlines).filter((v): v is string => typeof v === 'string'));
    const mails = [...(await h.newMail())];
    // blocking: warning at 80 % of 5 h, then the breach; the error ticket: 72 h, warning, breach
    for (const at of ['2026-03-16T16:00:00', '2026-03-16T17:30:00', '2026-03-19T12:00:00', '2026-03-20T12:00:00', '2026-03-23T12:30:00']) {
      clock = msk(at).getTime();
      await sweepDeadlines(msk(at), h.stack.sweepDeps);
      mails.push(...(await h.newMail()));
    }
    const types = new Set((await Promise.all(tickets.map((t) => h.stack.store.listEvents(t.key)))).flat().map((e) => e.type));
    expect([...types].sort()).toEqual(['sla.breached', 'sla.escalated', 'sla.respond_overdue', 'sla.warning', 'ticket.created']);

    for (const m of mails) {
      const key = /\[(MG-\d+)\]/.exec(m.subject)?.[1];
      sent.push({ id: m.messageId!, what: `${m.headers['x-maildesk-event']} ${m.subject}`, secrets: [...(key ? [key, key.replace('-', ''), key.replace('-', '_')] : []), ...deadlines.flatMap(timeForms)] });
    }
    // the monthly reports of two months, through the use case
    const reports = new RecordingSender();
    const reportDeps = { tickets: h.stack.store, sender: reports, config: h.stack.receiveDeps.config, calendar: BusinessCalendar.fromConfig(h.stack.receiveDeps.config), log: memoryLogger() };
    for (const month of ['2026-02', '2026-03']) await sendMonthlyReports(msk('2026-04-01T10:00:00'), reportDeps, { force: true, month });
    expect(reports.mails).toHaveLength(2);
    for (const r of reports.mails) sent.push({ id: r.messageId, what: `report ${r.subject}`, secrets: ['clinic-north', 'report', ...timeForms(`${r.headers['X-Maildesk-Report']!.slice(4)}-01T00:00:00Z`).slice(0, 3), r.headers['X-Maildesk-Report']!.slice(4)] });

    // then: ack, engineers copy (x2), escalation, refusal, respond-overdue, 2 warnings, 2 breaches, 2 reports
    expect(sent.length).toBeGreaterThanOrEqual(12);
    const ids = sent.map((s) => s.id);
    expect(new Set(ids.map((i) => i.toLowerCase())).size, 'all distinct').toBe(ids.length);
    const locals = ids.map((i) => i.split('@')[0]!.toLowerCase());
    for (const [i, s] of sent.entries()) {
      const local = locals[i]!;
      for (const secret of [...s.secrets, ...eventTypes, ...eventTypes.flatMap((t) => t.split('.')), ...roles, 'breach', 'warn', 'created']) {
        expect(local, `${s.what}: ${s.id} names "${secret}"`).not.toContain(secret.toLowerCase());
      }
      // at least 24 hex digits (96 bits) in a row
      expect(local, `${s.what}: ${s.id}`).toMatch(/[0-9a-f]{24,}/);
    }
    // random, not a counter or a hash of something shared: each of the first 24 hex positions varies across the mails
    const hex = locals.map((l) => /[0-9a-f]{24,}/.exec(l)![0]);
    for (let p = 0; p < 24; p++) expect(new Set(hex.map((x) => x[p])).size, `position ${p} is the same in every id`).toBeGreaterThan(1);
  }, STACK_TEST_TIMEOUT_MS);

  it('a second delivery of every event sends nothing: the id is the same, so the send-once claim still holds', async () => {
    const events = [...(await h.stack.store.listEvents('MG-1')), ...(await h.stack.store.listEvents('MG-2'))];
    expect(events.length).toBeGreaterThanOrEqual(8);
    for (const event of events) {
      const delivery = await deliverEvent(event, h.stack.deliverDeps);
      expect(delivery.sent, `${event.type} sent again`).toEqual([]);
    }
    expect(await h.newMail()).toHaveLength(0);
  }, STACK_TEST_TIMEOUT_MS);
});
