/**
 * A ticket cannot be bricked by size (issue 12 item 6): whatever its history (long replies, mails
 * with hundreds of attachments with long names, many colleagues in Cc, many wait cycles, many
 * links), the ticket item stays far under DynamoDB's 400 KB item limit and an engineer's command
 * still applies. Runs on the real local stack (DynamoDB Local), through receiveMail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamoClient } from '../../shared/adapters/clients';
import { keys } from '../../shared/adapters/table-layout';
import { MAX_PARTICIPANTS } from '../../shared/adapters/ticket-bounds';
import { newTicket, type Ticket } from '../../shared/domain/ticket';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { inject } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { buildMail, messageId, storeInbound, type Verdicts } from '../support/mail-builder';

const NORTH = 'clinic-north@support.example';
const REQUESTER = 'big@clinic-north.example';
const PASS: Verdicts = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
/** The bound a ticket item must stay under, whatever is thrown at it (DynamoDB's own limit is 400 KB). */
const TICKET_ITEM_BOUND = 64 * 1024;

let h: Harness;
let doc: DynamoDBDocumentClient;
const figures = { largestTicketItem: 0 };
beforeAll(async () => {
  h = await startHarness();
  doc = DynamoDBDocumentClient.from(localDynamoClient(inject('dynamoEndpoint')));
});
afterAll(async () => {
  console.log(`RELIABILITY ticket size: largest ticket item=${figures.largestTicketItem} B (bound ${TICKET_ITEM_BOUND} B)`);
  doc?.destroy();
  await h?.close();
});

const receive = async (raw: Buffer, verdicts: Verdicts = PASS) => receiveMail(await storeInbound(h, raw, { verdicts }), h.stack.receiveDeps);

/** The stored ticket item's size as DynamoDB counts it (attribute names + values), near enough: its JSON. */
async function ticketItemBytes(key: string): Promise<number> {
  const item = (await doc.send(new GetCommand({ TableName: h.stack.table, Key: keys.ticket(key), ConsistentRead: true }))).Item;
  expect(item).toBeDefined();
  const bytes = Buffer.byteLength(JSON.stringify(item), 'utf8');
  figures.largestTicketItem = Math.max(figures.largestTicketItem, bytes);
  return bytes;
}

async function openTicket(subject: string, extra: { cc?: string[]; text?: string; from?: string; root?: string } = {}) {
  const root = extra.root ?? messageId('root');
  const outcome = await receive(await buildMail({ from: extra.from ?? REQUESTER, to: NORTH, cc: extra.cc, subject, text: extra.text ?? 'Не открывается запись', messageId: root }));
  expect(outcome.kind).toBe('created');
  return { key: (outcome as { ticketKey: string }).ticketKey, root };
}

const manyAttachments = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => ({ filename: name(i), content: `файл ${i}` }));

describe('a ticket stays usable whatever its history', () => {
  it('15 replies of 60 KB, 500 colleagues in Cc and mails with 200 attachments each: an engineer command still applies', async () => {
    // colleagues with long (but valid: at most 254 characters) addresses
    const colleagues = Array.from({ length: 500 }, (_, i) => `colleague-${i}.${'registratura'.repeat(4)}@${'department-of-therapy-'.repeat(2)}${i}.${'branch'.repeat(10)}.${'ward'.repeat(14)}.clinic-north.example`);
    expect(Math.max(...colleagues.map((a) => a.length))).toBeLessThanOrEqual(254);
    // and a first mail whose template fields and subject are as long as the store keeps
    const value = 'ё'.repeat(3000);
    const text = ['Номер амбулаторной карты', 'Номер истории болезни', 'Логин в системе', 'Наименование записи', 'Наименование кнопки перехода'].map((label) => `${label}: ${value}`).join('\n');
    // ... from a requester with a long display name, whose mail client writes long Message-IDs
    const longId = (tag: string) => messageId(`${tag}-${'x'.repeat(3000)}`);
    const from = `"${'Регистратура '.repeat(250)}" <${REQUESTER}>`;
    const { key, root } = await openTicket(`Большая заявка ${'о'.repeat(3000)}`, { cc: colleagues, text, from, root: longId('root') });
    // 60 KB of Cyrillic per reply (2 bytes a character)
    const long = 'Подробное описание ошибки. '.repeat(1200).slice(0, 30_000);
    for (let i = 0; i < 15; i++) {
      const outcome = await receive(await buildMail({ from: REQUESTER, to: NORTH, subject: `Re: [${key}] Большая заявка`, text: `${i}: ${long}`, messageId: longId('long'), inReplyTo: root }));
      expect(outcome.kind).toBe('updated');
    }
    // three mails of 200 attachments with long Cyrillic names (the parser keeps 120 characters): 600 in all
    for (let m = 0; m < 3; m++) {
      const attachments = manyAttachments(200, (i) => `${m}-${i}-${'снимок экрана регистратуры '.repeat(10)}.png`);
      const outcome = await receive(await buildMail({ from: REQUESTER, to: NORTH, subject: `Re: [${key}] вложения`, text: 'Снимки во вложении', messageId: longId('att'), inReplyTo: root, attachments }));
      expect(outcome.kind).toBe('updated');
    }
    // the engineers' copy of the last of them lists its 200 attachments (most of them read from the ticket's pages)
    const copy = (await h.newMail()).find((m) => m.to.some((a) => a.address === 'engineer1@team.example') && m.text.includes('2-0-снимок'));
    expect(copy).toBeDefined();
    for (let i = 0; i < 200; i++) expect(copy!.text).toContain(`2-${i}-снимок`);
    // when: an authenticated engineer's command
    const command = await receive(await buildMail({ from: 'engineer1@team.example', to: NORTH, subject: `Re: [${key}] Большая заявка`, text: '#status in_progress\n#assign petrov', messageId: longId('cmd'), inReplyTo: root }));
    // then
    expect(command).toMatchObject({ kind: 'updated', ticketKey: key });
    const ticket = (await h.stack.store.getTicket(key))!;
    expect(ticket).toMatchObject({ status: 'in_progress', assignee: 'petrov' });
    // nothing was lost on the way: every attachment of every mail is still listed
    expect(ticket.attachments).toHaveLength(600);
    expect(new Set(ticket.attachments.map((a) => a.key)).size).toBe(600);
    // the participants are capped, the first ones kept
    expect(ticket.cc.length).toBeLessThanOrEqual(MAX_PARTICIPANTS);
    expect(colleagues.slice(0, ticket.cc.length)).toEqual(ticket.cc);
    expect(await ticketItemBytes(key)).toBeLessThanOrEqual(TICKET_ITEM_BOUND);
  }, 240_000);

  it('the stored ticket item stays under the bound whatever the store is handed, and the lists read back whole', async () => {
    // given: everything that can grow, far beyond what mail produces (the store must bound it itself)
    const store = h.stack.store;
    const key = `MG-${900_000 + Math.floor(Math.random() * 99_999)}`;
    const cjk = (n: number) => '診'.repeat(n);
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    const attachment = (i: number) => ({ filename: `${i}-${cjk(2000)}.png`, contentType: 'image/png', size: i, key: `attachments/mail-${i}/${i}-${cjk(1000)}` });
    let ticket: Ticket = newTicket({
      key,
      number: Number(key.slice(3)),
      tenant: 'clinic-north',
      requester: REQUESTER,
      requesterName: cjk(3000),
      summary: cjk(3000),
      priority: 'error',
      createdAt: at(0),
      rootMessageId: `<${cjk(3000)}@client.example>`,
      cc: Array.from({ length: 400 }, (_, i) => `colleague-${i}.${'x'.repeat(200)}@clinic-north.example`),
      fields: { cardNumber: cjk(3000), caseHistoryNumber: cjk(3000), login: cjk(3000), recordName: cjk(3000), buttonName: cjk(3000) },
      linkedTo: Array.from({ length: 600 }, (_, i) => `MG-${i + 1}`),
      // 1,000 wait cycles, the last one still waiting
      pauses: Array.from({ length: 1000 }, (_, i) => ({ from: at(2 * i + 1), to: i === 999 ? null : at(2 * i + 2) })),
      attachments: Array.from({ length: 600 }, (_, i) => attachment(i)),
    });
    // when: saved new, then once more with 200 more attachments and the last pause closed
    expect(await store.saveTicket({ ticket, expectedVersion: null, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    const first = await ticketItemBytes(key);
    const read = (await store.getTicket(key))!;
    const pauses = [...read.pauses.slice(0, -1), { ...read.pauses.at(-1)!, to: at(3000) }];
    ticket = { ...read, version: read.version + 1, pauses, attachments: [...read.attachments, ...Array.from({ length: 200 }, (_, i) => attachment(600 + i))] };
    expect(await store.saveTicket({ ticket, expectedVersion: read.version, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });
    // then: the ticket item stays under the bound both times
    expect(first).toBeLessThanOrEqual(TICKET_ITEM_BOUND);
    expect(await ticketItemBytes(key)).toBeLessThanOrEqual(TICKET_ITEM_BOUND);
    // and what the SLA and the listings need reads back whole: every pause, every attachment in order
    const stored = (await store.getTicket(key))!;
    expect(stored.pauses).toEqual(pauses);
    expect(stored.attachments.map((a) => a.size)).toEqual(Array.from({ length: 800 }, (_, i) => i));
    expect(stored.attachments.every((a) => a.filename.startsWith(`${a.size}-`) && a.key.startsWith(`attachments/mail-${a.size}/`))).toBe(true);
    expect(stored.cc.length).toBeLessThanOrEqual(MAX_PARTICIPANTS);
    // the tenant listing sees the same lists
    const listed = (await store.listTickets({ tenant: 'clinic-north' })).find((t) => t.key === key)!;
    expect(listed.pauses).toEqual(stored.pauses);
    expect(listed.attachments).toEqual(stored.attachments);
  }, 120_000);
});
