/**
 * Patients' data: a whole ticket life on the real local stack with marked values in every place a
 * customer or engineer can write (subject, sender name, body, template fields, attachment names,
 * replies, commands, notes). None may reach a log line (ticket keys and reasons only), the bus, or
 * a failure record; attachments go to no one else: customers never get a file, key, link or path,
 * the engineers' copies carry only the files of the ticket they handle, and no mail names a bucket key.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../shared/use-cases/sweep-deadlines';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { startHarness, type Harness } from '../support/harness';
import { buildMail, messageId, storeInbound, type Verdicts } from '../support/mail-builder';

const NORTH = 'clinic-north@support.example';
const mark = (what: string) => `PHI${what}${Math.random().toString(36).slice(2, 8)}`;
const marks = {
  subject: mark('subj'),
  name: mark('name'),
  body: mark('body'),
  card: mark('card'),
  login: mark('login'),
  file: mark('file'),
  reply: mark('reply'),
  answer: mark('answer'),
  note: mark('note'),
  rejected: mark('rej'),
  late: mark('late'),
  forged: mark('forged'),
  refused: mark('refused'),
};

let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness();
  const root = messageId('phi');
  const receive = async (raw: Buffer, verdicts?: Verdicts) => receiveMail(await storeInbound(h, raw, { verdicts }), h.stack.receiveDeps);
  const created = await receive(
    await buildMail({
      from: `"${marks.name}" <patient-data@clinic-north.example>`,
      to: NORTH,
      subject: `Ошибка ${marks.subject} - Терапия`,
      text: `${marks.body}\nНомер амбулаторной карты: ${marks.card}\nЛогин в системе: ${marks.login}`,
      messageId: root,
      attachments: [{ filename: `${marks.file}.pdf`, content: 'pdf' }],
    }),
  );
  key = (created as { ticketKey: string }).ticketKey;
  const reply = (from: string, text: string) => buildMail({ from, to: NORTH, subject: `Re: [${key}] Ошибка`, text, messageId: messageId('r'), inReplyTo: root, attachments: [{ filename: `${marks.file}-2.txt`, content: 'x' }] });
  await receive(await reply('patient-data@clinic-north.example', marks.reply));
  await receive(await reply('engineer1@team.example', `#status info_requested\n${marks.answer}`));
  await receive(await reply('engineer2@team.example', `#internal\n${marks.note}`));
  await receive(await reply('engineer1@team.example', `#status nonsense\n${marks.rejected}`));
  await receive(await reply('engineer1@team.example', `#status closed\n${marks.forged}`), { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' });
  await receive(await buildMail({ from: 'outsider@gmail.example', to: 'clinic-south@support.example', subject: marks.refused, text: marks.refused }));
  await receive(await reply('engineer1@team.example', '#status closed\nГотово'));
  await receive(await reply('patient-data@clinic-north.example', marks.late));
  await sweepDeadlines(new Date(Date.now() + 60 * 86400_000), h.stack.sweepDeps);
  await h.newMail();
});
afterAll(async () => h?.close());

describe('patients\' data', () => {
  it('went through the whole life of a ticket (the marks are really in the data)', async () => {
    const events = await h.stack.store.listEvents(key);
    const stored = JSON.stringify([await h.stack.store.getTicket(key), events]);
    for (const m of [marks.subject, marks.card, marks.login, marks.file, marks.reply, marks.answer, marks.note, marks.forged]) expect(stored).toContain(m);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ticket.created', 'ticket.commented', 'ticket.status_changed', 'ticket.internal_note', 'command.rejected', 'ticket.final_reply']));
  });

  it('no body, subject, name, field value or attachment name in any log line', () => {
    const logged = JSON.stringify(h.log.entries);
    expect(h.log.entries.length).toBeGreaterThan(10);
    for (const [what, m] of Object.entries(marks)) expect(logged.includes(m), `${what} in the logs`).toBe(false);
  });

  it('none on the event bus (keys, codes and times only) and no failure records', async () => {
    const bus = await readFile(join(h.stack.dataDir, 'events.jsonl'), 'utf8');
    expect(bus.length).toBeGreaterThan(0);
    for (const m of Object.values(marks)) expect(bus).not.toContain(m);
    expect(await readdir(join(h.stack.dataDir, 'failed'))).toEqual([]);
  });

  it('attachments reach no one else: the files of this ticket to its engineers only, never a key, nothing to the customer', async () => {
    const ticket = (await h.stack.store.getTicket(key))!;
    expect(ticket.attachments.length).toBeGreaterThanOrEqual(3);
    const own = new Map<string, Buffer>();
    for (const a of ticket.attachments) own.set(a.filename, await h.stack.receiveDeps.mail.get(a.key));
    let carried = 0;
    for (const m of await h.outbox()) {
      // no letter names a bucket key, whoever it goes to
      expect(m.text, m.subject).not.toContain('attachments/');
      const toEngineers = m.to.every((a) => a.address.startsWith('engineer'));
      if (!toEngineers) {
        expect(m.attachments, `customer mail ${m.subject}`).toEqual([]);
        expect(m.text, `customer mail ${m.subject}`).not.toMatch(/X-Amz-|https?:\/\/|\.maildesk/);
        expect(m.text, `customer mail ${m.subject}`).not.toContain(marks.file);
        continue;
      }
      // an engineers' copy carries this ticket's own files, byte for byte, and nothing else
      for (const file of m.attachments) {
        expect(m.headers['x-maildesk-ticket'], file.filename).toBe(key);
        expect(own.get(file.filename)?.equals(file.content), file.filename).toBe(true);
        carried++;
      }
    }
    // the opening mail's file and the customer's reply's file reached the engineers
    expect(carried).toBeGreaterThanOrEqual(2);
  });
});
