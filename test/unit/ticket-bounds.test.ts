/**
 * ticket-bounds.ts, pure: the ticket item stays under its bound for any ticket, the paged lists come
 * back whole and in order, an appended list changes only its last pages, and the caps are stable
 * (a ticket read back and saved again is not cut again).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundTicket, joinTicket, splitTicket, MAX_PARTICIPANTS, TICKET_ITEM_BOUND } from '../../shared/adapters/ticket-bounds';
import { newTicket, type Attachment, type Pause, type Ticket } from '../../shared/domain/ticket';

const text = (max: number) => fc.string({ unit: fc.constantFrom('a', 'ё', '診', '📷'), maxLength: max });
const attachment: fc.Arbitrary<Attachment> = fc.record({ filename: text(3000), contentType: text(300), size: fc.nat(), key: text(3000) });
const pause: fc.Arbitrary<Pause> = fc.record({ from: fc.constant('2026-03-02T07:00:00.000Z'), to: fc.option(fc.constant('2026-03-03T07:00:00.000Z')) });
const ticketArb: fc.Arbitrary<Ticket> = fc
  .record({
    summary: text(4000),
    requesterName: text(4000),
    rootMessageId: text(4000),
    field: text(4000),
    cc: fc.array(text(400), { maxLength: 600 }),
    linkedTo: fc.array(text(100), { maxLength: 600 }),
    pauses: fc.array(pause, { maxLength: 1500 }),
    attachments: fc.array(attachment, { maxLength: 300 }),
  })
  .map(({ field, ...t }) =>
    newTicket({
      key: 'MG-1',
      number: 1,
      tenant: 'clinic-north',
      requester: 'user@clinic-north.example',
      priority: 'error',
      createdAt: '2026-03-02T07:00:00.000Z',
      fields: { cardNumber: field, caseHistoryNumber: field, login: field, recordName: field, buttonName: field },
      ...t,
    }),
  );

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('ticket bounds', () => {
  it('the inline ticket stays under the bound and the pages give the lists back whole, for any ticket', () => {
    fc.assert(
      fc.property(ticketArb, (ticket) => {
        const bounded = boundTicket(ticket);
        const { inline, pages, manifest } = splitTicket(bounded);
        expect(bytes({ ...inline, listPages: manifest })).toBeLessThanOrEqual(TICKET_ITEM_BOUND);
        expect(joinTicket(inline, manifest, pages)).toEqual(bounded);
        expect(bounded.pauses).toEqual(ticket.pauses); // the SLA clock loses no pause
        expect(bounded.cc.length).toBeLessThanOrEqual(MAX_PARTICIPANTS);
        expect(boundTicket(bounded)).toEqual(bounded); // read back and saved again: nothing more is cut
      }),
      { numRuns: 25 },
    );
  });

  it('the worst case: every string, list and entry at its cap in 3-byte characters stays under the bound', () => {
    const w = (n: number) => '診'.repeat(n);
    const worst = boundTicket(
      newTicket({
        key: 'MG-4', number: 4, tenant: w(5000), requester: w(5000), requesterName: w(5000), summary: w(5000), department: w(5000),
        priority: 'error', createdAt: w(5000), updatedAt: w(5000), clockStart: w(5000), respondedAt: w(5000), startedAt: w(5000),
        waitingSince: w(5000), closedAt: w(5000), assignee: w(5000), duplicateOf: w(5000), rootMessageId: w(5000), lastMessageId: w(5000),
        fields: { cardNumber: w(5000), caseHistoryNumber: w(5000), login: w(5000), recordName: w(5000), buttonName: w(5000) },
        deadlines: { respondBy: w(5000), targetAt: w(5000), dueAt: w(5000), autoCloseAt: w(5000) },
        nextDue: { kind: 'warn', at: w(5000) },
        cc: Array.from({ length: 1000 }, (_, i) => `${i}${w(250)}`),
        linkedTo: Array.from({ length: 1000 }, () => w(100)),
        pauses: Array.from({ length: 20_000 }, () => ({ from: w(5000), to: w(5000) })).slice(0, 2000),
        attachments: Array.from({ length: 2000 }, (_, i) => ({ filename: w(5000), contentType: w(5000), size: i, key: w(5000) })),
      }),
    );
    const { inline, pages, manifest } = splitTicket(worst);
    expect(bytes({ ...inline, listPages: manifest })).toBeLessThanOrEqual(TICKET_ITEM_BOUND);
    for (const page of pages) expect(bytes(page)).toBeLessThanOrEqual(64 * 1024);
  });

  it('appending to a list changes only its last page and the pages after it', () => {
    fc.assert(
      fc.property(fc.array(attachment, { minLength: 50, maxLength: 200 }), fc.array(attachment, { minLength: 1, maxLength: 50 }), (first, added) => {
        const base = newTicket({ key: 'MG-2', number: 2, tenant: 'clinic-north', requester: 'u@clinic-north.example', summary: 's', priority: 'error', createdAt: '2026-03-02T07:00:00.000Z', rootMessageId: 'r@x' });
        const before = splitTicket(boundTicket({ ...base, attachments: first })).manifest.attachments ?? [];
        const after = splitTicket(boundTicket({ ...base, attachments: [...first, ...added] })).manifest.attachments ?? [];
        // every page before the old last one is unchanged
        expect(after.slice(0, Math.max(0, before.length - 1))).toEqual(before.slice(0, Math.max(0, before.length - 1)));
      }),
      { numRuns: 25 },
    );
  });

  it('a page that is not the one named is refused', () => {
    const base = newTicket({ key: 'MG-3', number: 3, tenant: 'clinic-north', requester: 'u@clinic-north.example', summary: 's', priority: 'error', createdAt: '2026-03-02T07:00:00.000Z', rootMessageId: 'r@x' });
    const many = Array.from({ length: 200 }, (_, i) => ({ filename: `${i}-${'ё'.repeat(100)}.png`, contentType: 'image/png', size: i, key: `attachments/m/${i}` }));
    const { inline, pages, manifest } = splitTicket(boundTicket({ ...base, attachments: many }));
    expect(pages.length).toBeGreaterThan(0);
    expect(joinTicket(inline, manifest, pages.slice(1))).toBeNull();
    expect(joinTicket(inline, manifest, [{ ...pages[0]!, entries: pages[0]!.entries.slice(1) }, ...pages.slice(1)])).toBeNull();
  });
});
