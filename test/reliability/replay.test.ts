/**
 * Recovery: `maildesk replay <inbound/KEY | FILE.eml | --failed>` (runReplayCommand) against the
 * real local stack: the same raw mail replayed gives the same result, never a second ticket,
 * comment or acknowledgement; a failure kept in failed/ is replayed once; a replay judges a mail
 * by SES's verdicts, so a forged engineer mail gains no power from being replayed.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplayCommand } from '../../shared/cli/replay-command';
import type { CliIo } from '../../shared/cli/io';
import type { Ticket } from '../../shared/domain/ticket';
import { UNKNOWN_VERDICTS, verdictsFromStoredMail } from '../../shared/adapters/ses-event';
import { FaultInjector } from '../support/fault-injection';
import { startHarness, type Harness } from '../support/harness';
import { buildMail, messageId } from '../support/mail-builder';

const NORTH = 'clinic-north@support.example';

let h: Harness;
let files: string;
const faults = new FaultInjector();
const saved: Record<string, string | undefined> = {};
const figures = { replays: 0, doubled: 0 };

beforeAll(async () => {
  h = await startHarness();
  faults.attach(h.stack.client, 'DynamoDB');
  files = await mkdtemp(join(tmpdir(), 'maildesk-replay-'));
  for (const [k, v] of Object.entries({ MAILDESK_DATA: h.stack.dataDir, MAILDESK_DYNAMODB_PORT: new URL(h.stack.dynamoEndpoint).port, MAILDESK_TABLE: h.stack.table, MAILDESK_CONFIG: 'maildesk.config.example.json' })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(async () => {
  console.log(`RELIABILITY replay: replays=${figures.replays}, doubled=${figures.doubled}`);
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await rm(files, { recursive: true, force: true });
  await h?.close();
});

/** `maildesk replay ...`: exit code and the JSON lines it printed. */
async function replay(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
  const code = await runReplayCommand(argv, io);
  figures.replays++;
  return { code, lines: out.map((l) => JSON.parse(l) as { key?: string; outcome?: { kind: string; ticketKey?: string }; replayed?: number; verdicts?: string }), err };
}

const snapshot = async (key: string) => ({ ticket: (await h.stack.store.getTicket(key)) as Ticket, events: (await h.stack.store.listEvents(key)).map((e) => e.id).sort() });
const keyOf = (outcome: { kind: string; ticketKey?: string }) => outcome.ticketKey!;
const lastInboundKey = async () => `inbound/${(await readdir(join(h.stack.dataDir, 'mail', 'inbound'))).sort().at(-1)}`;

describe('maildesk replay', () => {
  it('inbound/KEY of a processed mail: the same result, nothing doubled, however often', async () => {
    await h.send({ from: 'replay1@clinic-north.example', to: NORTH, subject: 'Повтор', text: 'Номер амбулаторной карты: 5', messageId: messageId('r1'), attachments: [{ filename: 'a.txt', content: 'x' }] });
    const created = h.stack.outcomes.at(-1)!;
    expect(created.kind).toBe('created');
    const key = keyOf(created);
    await h.newMail();
    const before = await snapshot(key);
    const mailKey = await lastInboundKey();
    for (let i = 0; i < 3; i++) {
      const { code, lines } = await replay(mailKey);
      expect(code).toBe(0);
      expect(lines[0]!.outcome).toEqual({ kind: 'duplicate' });
      expect(lines[0]!.verdicts).toBe('stored');
    }
    expect(await snapshot(key)).toEqual(before);
    expect(await h.newMail()).toHaveLength(0);
  });

  it('inbound/KEY of a mail SES stored but never handed over: one ticket on the first replay, a duplicate after', async () => {
    const raw = await buildMail({ from: 'lost@clinic-north.example', to: NORTH, subject: 'Потерянное событие', text: 'текст', messageId: messageId('lost') });
    // as SES stores it: its receipt block above the message
    await h.stack.receiveDeps.mail.put('inbound/ses-lost-1', Buffer.concat([Buffer.from('X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\nAuthentication-Results: amazonses.com; spf=pass; dkim=pass; dmarc=pass\r\nX-SES-RECEIPT: abc\r\n'), raw]));
    const first = await replay('inbound/ses-lost-1', '--to', NORTH);
    expect(first.lines[0]!.outcome!.kind).toBe('created');
    const second = await replay('inbound/ses-lost-1', '--to', NORTH);
    expect(second.lines[0]!.outcome).toEqual({ kind: 'duplicate' });
    const mails = (await h.newMail()).filter((m) => m.to.some((a) => a.address === 'lost@clinic-north.example'));
    if (mails.length !== 1) figures.doubled++;
    expect(mails).toHaveLength(1);
  });

  it('FILE.eml twice (and a copy under another name): one ticket', async () => {
    const raw = await buildMail({ from: 'file@clinic-north.example', to: NORTH, subject: 'Из файла', text: 'текст', messageId: messageId('file') });
    const a = join(files, 'a.eml');
    const b = join(files, 'b.eml');
    await writeFile(a, raw);
    await writeFile(b, raw);
    const outcomes = [(await replay(a)).lines[0]!.outcome!, (await replay(a)).lines[0]!.outcome!, (await replay(b)).lines[0]!.outcome!];
    expect(outcomes.map((o) => o.kind)).toEqual(['created', 'duplicate', 'duplicate']);
    const tickets = (await h.stack.store.listTickets({ tenant: 'clinic-north' })).filter((t) => t.summary === 'Из файла');
    expect(tickets).toHaveLength(1);
    expect((await h.newMail()).filter((m) => m.to.some((x) => x.address === 'file@clinic-north.example'))).toHaveLength(1);
  });

  it('--failed: a mail whose write failed is kept in failed/ and replayed once; a second run finds nothing', async () => {
    faults.failWhen((c) => c.operation === 'TransactWriteItems', 'server-error');
    await h.send({ from: 'failed@clinic-north.example', to: NORTH, subject: 'Сбой записи', text: 'текст', messageId: messageId('fail') });
    const failedDir = join(h.stack.dataDir, 'failed');
    const records = (await readdir(failedDir)).filter((f) => f.endsWith('.json'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(await readFile(join(failedDir, records[0]!), 'utf8')) as { kind: string; reason: string; verdicts: unknown };
    expect(record).toMatchObject({ kind: 'inbound', verdicts: { spf: 'PASS', dkim: 'PASS' } });
    expect(record.reason).toMatch(/injected/);
    expect(await h.newMail()).toHaveLength(0);

    const first = await replay('--failed');
    expect(first.lines.map((l) => l.outcome?.kind ?? `replayed=${l.replayed}`)).toEqual(['created', 'replayed=1']);
    expect(await readdir(failedDir)).toEqual([]);
    const second = await replay('--failed');
    expect(second.lines).toEqual([{ replayed: 0 }]);
    const mails = (await h.newMail()).filter((m) => m.to.some((a) => a.address === 'failed@clinic-north.example'));
    if (mails.length !== 1) figures.doubled++;
    expect(mails).toHaveLength(1);
  });

  it('--failed for a reply whose write timed out after it was made: the comment is there once', async () => {
    await h.send({ from: 'twice@clinic-north.example', to: NORTH, subject: 'Ответ со сбоем', text: 'текст', messageId: '<twice-root@clinic-north.example>' });
    const key = keyOf(h.stack.outcomes.at(-1)!);
    await h.newMail();
    faults.failWhen((c) => c.operation === 'TransactWriteItems', 'timeout');
    await h.send({ from: 'twice@clinic-north.example', to: NORTH, subject: `Re: [${key}] Ответ со сбоем`, text: 'Дополнение', messageId: messageId('twice'), inReplyTo: '<twice-root@clinic-north.example>' });
    expect((await readdir(join(h.stack.dataDir, 'failed'))).length).toBe(1);
    const { lines } = await replay('--failed');
    expect(lines[0]!.outcome).toEqual({ kind: 'duplicate' });
    const comments = (await h.stack.store.listEvents(key)).filter((e) => e.type === 'ticket.commented');
    if (comments.length !== 1) figures.doubled++;
    expect(comments).toHaveLength(1);
    expect((await h.newMail()).filter((m) => m.headers['x-maildesk-event'] === 'ticket.commented')).toHaveLength(1);
  });
});

describe('maildesk replay --failed: undelivered outbox events', () => {
  it('an event the stack could not deliver (3 attempts) is kept in failed/ and delivered once by the replay', async () => {
    // every delivery attempt's read of the ticket (notify's Query; inbound reads none for a new ticket) fails three
    // times: the stack gives up and keeps the event
    faults.failWhen((c) => c.operation === 'Query', 'throttle', 3);
    await h.send({ from: 'undelivered@clinic-north.example', to: NORTH, subject: 'Недоставленное', text: 'текст', messageId: messageId('und') });
    const key = keyOf(h.stack.outcomes.at(-1)!);
    const failedDir = join(h.stack.dataDir, 'failed');
    for (let i = 0; i < 100 && (await readdir(failedDir)).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const records = await readdir(failedDir);
    expect(records).toHaveLength(1);
    expect(JSON.parse(await readFile(join(failedDir, records[0]!), 'utf8'))).toMatchObject({ kind: 'event', event: { type: 'ticket.created', ticketKey: key } });
    expect(await h.newMail()).toHaveLength(0);

    const { lines } = await replay('--failed');
    expect(lines.at(-1)).toEqual({ replayed: 1 });
    expect(await readdir(failedDir)).toEqual([]);
    expect((await replay('--failed')).lines).toEqual([{ replayed: 0 }]);
    const mails = (await h.newMail()).filter((m) => m.headers['x-maildesk-ticket'] === key);
    if (mails.length !== 2) figures.doubled++;
    expect(mails).toHaveLength(2); // the acknowledgement and the engineers' copy, once each
  });
});

describe('replay keeps SES\'s verdicts', () => {
  const forgedCommand = async (key: string) =>
    buildMail({ from: 'engineer1@team.example', to: NORTH, subject: `Re: [${key}] x`, text: '#status closed\n#priority blocking\nЗакрыто', messageId: messageId('forged'), inReplyTo: '<verdict-root@clinic-north.example>', headers: { 'Authentication-Results': 'amazonses.com; spf=pass; dkim=pass; dmarc=pass' } });
  const sesBlock = (result: string) =>
    `Return-Path: <engineer1@team.example>\r\nReceived: from mx.evil.example by inbound-smtp.eu-west-1.amazonaws.com with SMTP id abc\r\nX-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\nReceived-SPF: ${result}\r\nAuthentication-Results: amazonses.com;\r\n spf=${result} (spfCheck: domain of team.example does not designate 203.0.113.9) smtp.mailfrom=engineer1@team.example;\r\n dkim=${result} header.i=@team.example;\r\n dmarc=${result} header.from=team.example;\r\nX-SES-RECEIPT: AEFBQUFBQUFBQUFF\r\nX-SES-DKIM-SIGNATURE: a=rsa-sha256; q=dns/txt\r\n`;

  let key: string;
  beforeAll(async () => {
    await h.send({ from: 'verdict@clinic-north.example', to: NORTH, subject: 'Проверка подписи', text: 'текст', messageId: '<verdict-root@clinic-north.example>' });
    key = keyOf(h.stack.outcomes.at(-1)!);
    await h.newMail();
  });

  it('reads the verdicts from SES\'s receipt block only, never from headers the sender wrote', async () => {
    const forged = await forgedCommand('MG-1');
    expect(verdictsFromStoredMail(Buffer.concat([Buffer.from(sesBlock('fail')), forged]))).toEqual({ spam: 'PASS', virus: 'PASS', spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' });
    expect(verdictsFromStoredMail(forged)).toBeNull();
    expect(verdictsFromStoredMail(Buffer.concat([Buffer.from(sesBlock('pass')), forged]))).toMatchObject({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
  });

  for (const [name, prefix] of [
    ['stored with SES verdicts that fail', () => sesBlock('fail')],
    ['stored without SES\'s receipt block (an .eml from elsewhere)', () => ''],
  ] as const) {
    it(`a forged engineer mail ${name}: replayed, its commands do nothing`, async () => {
      const id = `forged-${name.length}-${Date.now()}`;
      await h.stack.receiveDeps.mail.put(`inbound/${id}`, Buffer.concat([Buffer.from(prefix()), await forgedCommand(key)]));
      const before = (await h.stack.store.getTicket(key))!;
      const { lines } = await replay(`inbound/${id}`, '--to', NORTH);
      expect(lines[0]!.outcome).toMatchObject({ kind: 'updated', ticketKey: key });
      const after = (await h.stack.store.getTicket(key))!;
      expect({ status: after.status, priority: after.priority }).toEqual({ status: before.status, priority: before.priority });
    });
  }

  // Issue 12, item 9: `replay FILE.eml` read an SES block written at the top of the file itself.
  it('FILE.eml from elsewhere with a forged SES block on top: replayed as unauthenticated, its commands do nothing, and its stored copy says so', async () => {
    const file = join(files, 'forged-ses-block.eml');
    await writeFile(file, Buffer.concat([Buffer.from(sesBlock('pass')), await forgedCommand(key)]));
    const before = (await h.stack.store.getTicket(key))!;
    const { code, lines } = await replay(file);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ verdicts: 'unknown', outcome: { ticketKey: key } });
    const after = (await h.stack.store.getTicket(key))!;
    expect({ status: after.status, priority: after.priority }).toEqual({ status: before.status, priority: before.priority });
    // the copy kept in the bucket carries the verdicts it was judged by, not the file's: a replay of its key gains nothing either
    expect(verdictsFromStoredMail(await h.stack.receiveDeps.mail.get(lines[0]!.key!))).toEqual(UNKNOWN_VERDICTS);
  });

  it('FILE.eml with --trust-file-verdicts (a copy of a stored mail, on the operator\'s word): the SES block in the file counts', async () => {
    await h.send({ from: 'trusted@clinic-north.example', to: NORTH, subject: 'Доверенный файл', text: 'текст', messageId: '<trusted-root@clinic-north.example>' });
    const trustedKey = keyOf(h.stack.outcomes.at(-1)!);
    await h.newMail();
    const command = await buildMail({ from: 'engineer1@team.example', to: NORTH, subject: `Re: [${trustedKey}] x`, text: '#status in_progress\n#priority blocking\nБерём', messageId: messageId('trusted'), inReplyTo: '<trusted-root@clinic-north.example>' });
    const file = join(files, 'trusted.eml');
    await writeFile(file, Buffer.concat([Buffer.from(sesBlock('pass')), command]));
    const { lines } = await replay(file, '--trust-file-verdicts');
    expect(lines[0]).toMatchObject({ verdicts: 'file', outcome: { ticketKey: trustedKey } });
    expect(await h.stack.store.getTicket(trustedKey)).toMatchObject({ status: 'in_progress', priority: 'blocking' });
  });

  it('a forged engineer mail kept in failed/ with its verdicts: replayed, its commands do nothing', async () => {
    await h.stack.receiveDeps.mail.put('inbound/forged-failed', await forgedCommand(key));
    await writeFile(
      join(h.stack.dataDir, 'failed', 'forged-failed.json'),
      JSON.stringify({ reason: 'throttled', kind: 'inbound', mailKey: 'inbound/forged-failed', recipients: [NORTH], verdicts: { spam: 'PASS', virus: 'PASS', spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' } }),
    );
    const { lines } = await replay('--failed');
    expect(lines[0]).toMatchObject({ verdicts: 'recorded', outcome: { kind: 'updated' } });
    expect((await h.stack.store.getTicket(key))!.status).toBe('open');
  });
});
