/**
 * The TicketStore contract: the cases every adapter of the store ports must pass (DynamoDB and
 * memory). Observed through the ports only; DynamoDB's own layout (pages, items, capacity) stays in
 * test/integration/ticket-store.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { TicketEvent } from '../../shared/domain/events';
import { newTicket, type Ticket } from '../../shared/domain/ticket';
import { moveTo, withDeadlines } from '../../shared/domain/workflow';
import type { TicketStore } from '../../shared/use-cases/ports';
import { exampleConfig } from './harness';

const ticket = (n: number, over: Partial<Parameters<typeof newTicket>[0]> = {}): Ticket =>
  newTicket({
    key: `MG-${n}`,
    number: n,
    tenant: 'clinic-north',
    requester: `user${n}@clinic-north.example`,
    summary: 'Не печатается направление',
    priority: 'error',
    createdAt: '2026-03-02T07:00:00.000Z',
    rootMessageId: `root-${n}@clinic-north.example`,
    ...over,
  });

const created = (t: Ticket, id: string): TicketEvent =>
  ({ id, type: 'ticket.created', ticketKey: t.key, at: t.createdAt }) as TicketEvent;

/** `store()` gives the store under test; each case uses its own keys, so one store may serve all. */
export function ticketStoreContract(name: string, store: () => TicketStore): void {
  describe(`${name}: the TicketStore contract`, () => {
    it('claimMessageId: the first claims, later ones (any case) are refused, and the claim threads replies', async () => {
      expect(await store().claimMessageId('c-evt-1.requester@clinic-north.example', 'MG-1')).toBe(true);
      expect(await store().claimMessageId('c-evt-1.requester@clinic-north.example', 'MG-1')).toBe(false);
      expect(await store().claimMessageId('C-EVT-1.Requester@Clinic-North.example', 'MG-1')).toBe(false);
      expect(await store().findByMessageIds(['c-evt-1.requester@clinic-north.example'])).toBe('MG-1');
    });

    it('releaseMessageId: the retry claims again, and the lookup went with the claim', async () => {
      expect(await store().claimMessageId('c-evt-2.engineers@clinic-north.example', 'MG-2')).toBe(true);
      await store().releaseMessageId('c-evt-2.engineers@clinic-north.example');
      expect(await store().findByMessageIds(['c-evt-2.engineers@clinic-north.example'])).toBeNull();
      expect(await store().claimMessageId('c-evt-2.engineers@clinic-north.example', 'MG-2')).toBe(true);
    });

    it('a claim without a ticket leads no reply anywhere; a remembered id counts as sent', async () => {
      expect(await store().claimMessageId('c-evt-3.sender@clinic-north.example', null)).toBe(true);
      expect(await store().claimMessageId('c-evt-3.sender@clinic-north.example', null)).toBe(false);
      expect(await store().findByMessageIds(['c-evt-3.sender@clinic-north.example'])).toBeNull();
      await store().rememberMessageId('c-evt-4.requester@clinic-north.example', 'MG-4');
      expect(await store().claimMessageId('c-evt-4.requester@clinic-north.example', 'MG-4')).toBe(false);
    });

    it("claimMessageIds: one event's mails claimed together; a redelivery wins only those not claimed yet", async () => {
      const [ack, copy, third] = ['c-evt-5.requester', 'c-evt-5.engineers', 'c-evt-5.actor'].map(
        (local) => `${local}@clinic-north.example`,
      ) as [string, string, string];
      expect(await store().claimMessageId(copy, 'MG-5')).toBe(true);
      expect(await store().claimMessageIds([ack, copy, third], 'MG-5')).toEqual(new Set([ack, third]));
      expect(await store().claimMessageIds([ack, copy, third.toUpperCase()], 'MG-5')).toEqual(new Set());
      expect(await store().findByMessageIds([third])).toBe('MG-5');
      await store().releaseMessageId(ack);
      expect(await store().claimMessageIds([ack, copy], 'MG-5')).toEqual(new Set([ack]));
      // the same id twice (any case) is one claim, won by both spellings
      const twice = 'c-evt-6.requester@clinic-north.example';
      expect(await store().claimMessageIds([twice, twice.toUpperCase()], null)).toEqual(
        new Set([twice, twice.toUpperCase()]),
      );
      expect(await store().findByMessageIds([twice])).toBeNull();
    });

    it("rememberMessageIds: the providers' ids of several mails thread replies, and count as sent", async () => {
      await store().rememberMessageIds([
        { messageId: 'c-ses-7a', ticketKey: 'MG-7' },
        { messageId: 'c-ses-7b', ticketKey: 'MG-7' },
        { messageId: 'C-SES-7A', ticketKey: 'MG-7' },
      ]);
      expect(await store().findByMessageIds(['c-ses-7a'])).toBe('MG-7');
      expect(await store().findByMessageIds(['c-ses-7b'])).toBe('MG-7');
      expect(await store().claimMessageIds(['c-ses-7b'], 'MG-7')).toEqual(new Set());
      await store().rememberMessageIds([]);
    });

    it('lookupInbound: the inbound marker and the tickets of the known Message-IDs (any case), in one answer', async () => {
      const t = ticket(8);
      const own = 'c-own-8@clinic-north.example';
      const before = await store().lookupInbound('c-inbound-8', [own, 'c-unknown-8@x.example']);
      expect(before).toEqual({ received: false, tickets: new Map() });
      const save = { ticket: t, expectedVersion: null, events: [], messageIds: [own], inboundId: 'c-inbound-8' };
      expect(await store().saveTicket(save)).toEqual({ ok: true });
      await store().rememberMessageIds([{ messageId: 'c-ses-8', ticketKey: 'MG-8' }]);
      const ids = ['c-unknown-8@x.example', own.toUpperCase(), 'c-ses-8', own];
      expect(await store().lookupInbound('c-inbound-8', ids)).toEqual({
        received: true,
        tickets: new Map([
          [own.toUpperCase(), 'MG-8'],
          ['c-ses-8', 'MG-8'],
          [own, 'MG-8'],
        ]),
      });
      expect((await store().lookupInbound('c-inbound-8b', [])).received).toBe(false);
    });

    it('claim: once per marker, again for the same owner, free again after release', async () => {
      expect(await store().claim('c-marker-1')).toBe(true);
      expect(await store().claim('c-marker-1')).toBe(false);
      expect(await store().claim('c-marker-2', 60, 'inbound-a')).toBe(true);
      expect(await store().claim('c-marker-2', 60, 'inbound-a')).toBe(true);
      expect(await store().claim('c-marker-2', 60, 'inbound-b')).toBe(false);
      await store().release('c-marker-1');
      expect(await store().claim('c-marker-1')).toBe(true);
    });

    it('increment counts up from one per counter', async () => {
      expect(await store().increment('c-counter-1', 3600)).toBe(1);
      expect(await store().increment('c-counter-1', 3600)).toBe(2);
      expect(await store().increment('c-counter-2', 3600)).toBe(1);
    });

    it('saveTicket: written once per inbound id, on the version read; reads back with its events and lookups', async () => {
      const t = ticket(301);
      expect(await store().wasReceived('c-in-301')).toBe(false);
      const change = {
        ticket: t,
        expectedVersion: null,
        events: [created(t, 'MG-301:created')],
        messageIds: ['c-root-301@clinic-north.example'],
        inboundId: 'c-in-301',
      };
      expect(await store().saveTicket(change)).toEqual({ ok: true });
      expect(await store().wasReceived('c-in-301')).toBe(true);
      expect(await store().saveTicket(change)).toMatchObject({ ok: false });
      expect((await store().getTicket('MG-301'))?.summary).toBe(t.summary);
      expect(await store().findByMessageIds(['unknown@x.example', 'C-ROOT-301@clinic-north.example'])).toBe('MG-301');
      expect((await store().listEvents('MG-301')).map((e) => e.id)).toEqual(['MG-301:created']);
      // a stale version is a conflict and changes nothing
      const next = { ...moveTo(t, 'in_progress', '2026-03-02T08:00:00.000Z'), version: t.version + 1 };
      expect(
        await store().saveTicket({
          ticket: next,
          expectedVersion: t.version + 5,
          events: [],
          messageIds: [],
          inboundId: null,
        }),
      ).toEqual({ ok: false, reason: 'conflict' });
      expect((await store().getTicket('MG-301'))?.status).toBe('open');
      expect(
        await store().saveTicket({
          ticket: next,
          expectedVersion: t.version,
          events: [],
          messageIds: [],
          inboundId: null,
        }),
      ).toEqual({ ok: true });
      expect((await store().getTicket('MG-301'))?.status).toBe('in_progress');
      expect(
        (await store().listTickets({ tenant: 'clinic-north', status: 'in_progress' })).map((x) => x.key),
      ).toContain('MG-301');
      expect((await store().listTickets({ tenant: 'clinic-north', status: 'closed' })).map((x) => x.key)).not.toContain(
        'MG-301',
      );
    });

    it('findDue: the key and deadline of each ticket due, none that is not due', async () => {
      const config = exampleConfig();
      const ctx = { calendar: BusinessCalendar.fromConfig(config), sla: config.sla };
      const at = new Date('2026-03-02T07:00:00Z');
      const tickets = [401, 402].map((n) =>
        withDeadlines(moveTo(ticket(n, { tenant: 'clinic-due' }), 'in_progress', at.toISOString()), ctx, at),
      );
      for (const t of tickets)
        expect(
          await store().saveTicket({ ticket: t, expectedVersion: null, events: [], messageIds: [], inboundId: null }),
        ).toEqual({ ok: true });
      const firstDue = tickets[0]!.nextDue!.at;
      const mine = (due: Array<{ key: string }>) => due.filter((d) => d.key === 'MG-401' || d.key === 'MG-402');
      expect(mine(await store().findDue(new Date(Date.parse(firstDue) - 60_000).toISOString()))).toEqual([]);
      const due = mine(await store().findDue(firstDue));
      expect(due.sort((a, b) => a.key.localeCompare(b.key))).toEqual(
        tickets.map((t) => ({ key: t.key, dueAt: firstDue })),
      );
    });

    it('the ignored-mail log: newest first within 30 days, each mail once, every entry bounded', async () => {
      const entry = (inboundId: string, at: string, reason = 'unknown-tenant') => ({
        at,
        inboundId,
        reason,
        from: 'someone@elsewhere.example',
        to: ['nobody@support.example'],
        subject: 'Где моё письмо?',
        mailKey: `inbound/${inboundId}`,
      });
      await store().recordIgnored(entry('c-ign-1', '2031-05-10T09:00:00.000Z'));
      await store().recordIgnored(entry('c-ign-2', '2031-05-10T09:05:00.000Z', 'loop:own-address'));
      await store().recordIgnored(entry('c-ign-3', '2031-05-09T23:59:00.000Z')); // the day before
      await store().recordIgnored(entry('c-ign-old', '2031-04-01T00:00:00.000Z')); // 39 days before
      await store().recordIgnored(entry('c-ign-2', '2031-05-10T09:06:00.000Z', 'loop:own-address')); // delivered twice
      await store().recordIgnored(entry('c-ign-later', '2031-05-10T10:00:01.000Z')); // after `until`
      const until = '2031-05-10T10:00:00.000Z';
      const ids = async (limit: number) => (await store().listIgnored(until, limit)).map((m) => m.inboundId);
      expect(await ids(10)).toEqual(['c-ign-2', 'c-ign-1', 'c-ign-3']);
      expect(await ids(2)).toEqual(['c-ign-2', 'c-ign-1']);
      expect((await store().listIgnored(until, 1))[0]).toEqual(
        entry('c-ign-2', '2031-05-10T09:06:00.000Z', 'loop:own-address'),
      );
      // 1 MB of subject and 40 recipients: DynamoDB refuses items over 400 KB, the log keeps a few hundred bytes
      const huge = {
        ...entry('c-ign-huge', '2031-06-01T08:00:00.000Z', 'spam'),
        from: null,
        subject: 'Я'.repeat(500_000),
        to: Array.from({ length: 40 }, (_, i) => `r${i}@clinic-north.example`),
      };
      await store().recordIgnored(huge);
      const [kept] = await store().listIgnored(huge.at, 5);
      expect(kept).toMatchObject({ inboundId: 'c-ign-huge', reason: 'spam', from: null });
      expect(kept!.to).toEqual(huge.to.slice(0, 5));
      expect(kept!.subject!.length).toBeLessThanOrEqual(200);
      expect(kept!.subject!.startsWith('ЯЯЯ')).toBe(true);
    });

    it('the feature slot: one feature ticket of a tenant in work; given back by its holder only', async () => {
      const feature = (n: number) =>
        ticket(n, { tenant: 'clinic-slot', priority: 'feature', requester: `f${n}@clinic-slot.example` });
      const started = (t: Ticket) => ({
        ...moveTo(t, 'in_progress', '2026-03-02T08:00:00.000Z'),
        version: t.version + 1,
      });
      const save = (t: Ticket, expectedVersion: number | null, featureSlot: 'take' | 'release' | null = null) =>
        store().saveTicket({ ticket: t, expectedVersion, events: [], messageIds: [], inboundId: null, featureSlot });
      const [a, b] = [feature(501), feature(502)];
      expect(await save(a, null)).toEqual({ ok: true });
      expect(await save(b, null)).toEqual({ ok: true });
      expect(await save(started(a), a.version, 'take')).toEqual({ ok: true });
      expect(await save(started(b), b.version, 'take')).toEqual({
        ok: false,
        reason: 'feature-busy',
        holder: 'MG-501',
      });
      expect((await store().getTicket('MG-502'))?.status).toBe('open');
      const b1 = (await store().getTicket('MG-502'))!;
      expect(await save({ ...b1, version: b1.version + 1 }, b1.version, 'release')).toEqual({ ok: true }); // not the holder: no change
      expect(await save(started((await store().getTicket('MG-502'))!), b1.version + 1, 'take')).toEqual({
        ok: false,
        reason: 'feature-busy',
        holder: 'MG-501',
      });
      const a1 = (await store().getTicket('MG-501'))!;
      expect(
        await save(
          { ...moveTo(a1, 'awaiting_test', '2026-03-03T08:00:00.000Z'), version: a1.version + 1 },
          a1.version,
          'release',
        ),
      ).toEqual({ ok: true });
      const b2 = (await store().getTicket('MG-502'))!;
      expect(await save(started(b2), b2.version, 'take')).toEqual({ ok: true });
    });
  });
}
