/**
 * Issue 12, items 1-4, as ops would try them: the local stack runs (the same code as `npm start`),
 * and `maildesk receive FILE.eml --verdicts ...` (the CLI, as a child process) hands it mails with
 * the verdicts SES would give a forged sender. What the desk then does is read back from the
 * table and from the outbox the stack's stream poller writes.
 * Setup mails (a customer opening a ticket, an authenticated engineer moving it) go through the
 * same command in-process, to spare the two cores a child process each.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../../shared/cli/io';
import { runReceiveCommand, type ReceiveResult } from '../../shared/cli/receive-command';
import type { Ticket } from '../../shared/domain/ticket';
import { dkimDomainsFromStoredMail } from '../../shared/mail/inbound/authentication';
import { verdictsFromStoredMail } from '../../shared/adapters/ses-event';
import { startHarness, type Harness } from '../support/harness';
import { buildMail, messageId, type MailSpec } from '../support/mail-builder';

const DESK = 'clinic-north@support.example';
const ENGINEER = 'engineer1@team.example';
const ENGINEERS = ['engineer1@team.example', 'engineer2@team.example'];
const PASS_ALL = ['--verdicts', 'spf=PASS,dkim=PASS,dmarc=PASS'];
const FAIL_ALL = ['--verdicts', 'spf=FAIL,dkim=FAIL,dmarc=FAIL'];

// Every step starts a CLI process (tsx): on two busy cores that takes seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let h: Harness;
let files: string;
let env: NodeJS.ProcessEnv;
let fileCount = 0;

beforeAll(async () => {
  h = await startHarness();
  files = await mkdtemp(join(tmpdir(), 'maildesk-receive-'));
  env = {
    ...process.env,
    MAILDESK_DATA: h.stack.dataDir,
    MAILDESK_SMTP_PORT: String(h.stack.smtpPort),
    MAILDESK_DYNAMODB_PORT: new URL(h.stack.dynamoEndpoint).port,
    MAILDESK_TABLE: h.stack.table,
    MAILDESK_CONFIG: 'maildesk.config.example.json',
  };
});
afterAll(async () => {
  await rm(files, { recursive: true, force: true });
  await h?.close();
});

async function mailFile(spec: MailSpec): Promise<string> {
  const file = join(files, `${++fileCount}.eml`);
  await writeFile(file, await buildMail(spec));
  return file;
}

/** `npx maildesk receive FILE ...` as a child process: exit code, the JSON line, stderr. */
function receiveCli(file: string, flags: string[], childEnv: NodeJS.ProcessEnv = env): Promise<{ code: number; result: ReceiveResult | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/maildesk.mjs', 'receive', file, ...flags], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const lines = stdout.trim().split('\n').filter(Boolean);
      done({ code: code ?? -1, result: lines.length ? (JSON.parse(lines.at(-1)!) as ReceiveResult) : null, stderr });
    });
  });
}

/** The same command in-process (setup mails). */
async function receiveHere(file: string, flags: string[]): Promise<ReceiveResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
  const code = await runReceiveCommand([file, ...flags], io, env);
  expect(code, err.join('\n')).toBe(0);
  return JSON.parse(out.at(-1)!) as ReceiveResult;
}

/** A customer opens a ticket (authenticated); the mails it causes are drained. */
async function openTicket(from: string, subject: string, extra: Partial<MailSpec> = {}): Promise<{ key: string; rootId: string }> {
  const rootId = messageId('root');
  const result = await receiveHere(await mailFile({ from, to: DESK, subject, text: 'Номер амбулаторной карты: 123456\nНе работает печать.', messageId: rootId, ...extra }), PASS_ALL);
  expect(result).toMatchObject({ kind: 'created' });
  await h.newMail();
  return { key: result.ticketKey!, rootId };
}

/** An authenticated engineer's command mail (DMARC PASS). */
async function engineerSays(key: string, text: string): Promise<void> {
  const result = await receiveHere(await mailFile({ from: ENGINEER, to: DESK, subject: `Re: [${key}] x`, text, messageId: messageId('eng') }), PASS_ALL);
  expect(result).toMatchObject({ ticketKey: key });
  await h.newMail();
}

const ticket = async (key: string) => (await h.stack.store.getTicket(key)) as Ticket;
const people = (t: Ticket) => ({ status: t.status, priority: t.priority, requester: t.requester, assignee: t.assignee, cc: t.cc });

describe('maildesk receive: the command itself', () => {
  it('hands a mail over and prints one JSON line with the outcome; verdicts not given are GRAY, spam and virus PASS', async () => {
    const { code, result } = await receiveCli(await mailFile({ from: 'first@clinic-north.example', to: DESK, subject: 'Через receive', text: 'текст', messageId: messageId('cli') }), []);
    expect(code).toBe(0);
    expect(result).toMatchObject({ kind: 'created', reason: null, verdicts: { spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY', spam: 'PASS', virus: 'PASS' } });
    expect(result!.ticketKey).toMatch(/^MG-\d+$/);
    // the running stack's poller sends the acknowledgement
    const acks = (await h.newMail()).filter((m) => m.to.some((a) => a.address === 'first@clinic-north.example'));
    expect(acks).toHaveLength(1);
  });

  it('bad flags and an unreadable file: one line each, exit 2; the stack not running: exit 1 with a hint', async () => {
    const file = await mailFile({ from: 'x@clinic-north.example', to: DESK, subject: 'x', text: 'x' });
    const bad = await receiveCli(file, ['--verdicts', 'spf=MAYBE']);
    expect([bad.code, bad.result]).toEqual([2, null]);
    expect(bad.stderr.trim()).toMatch(/^--verdicts\.spf: .*PASS/);
    const missing = await receiveCli(join(files, 'nope.eml'), []);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, `cannot read ${join(files, 'nope.eml')}: ENOENT`]);
    const down = await receiveCli(file, [], { ...env, MAILDESK_SMTP_PORT: '1' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/not running.*npm start/);
  });
});

describe('maildesk receive: flags (in-process)', () => {
  const run = async (flags: string[], spec: Partial<MailSpec> = {}) => {
    const file = await mailFile({ from: 'flags@clinic-north.example', to: DESK, subject: 'Флаги', text: 'текст', messageId: messageId('flags'), ...spec });
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => void out.push(t), stderr: () => {} };
    return { code: await runReceiveCommand([file, ...flags], io, env), result: out.length ? (JSON.parse(out.at(-1)!) as ReceiveResult) : null };
  };

  it.each([
    [['--verdicts', 'spf=PASS,spf=FAIL'], /--verdicts: spf given twice/],
    [['--verdicts', 'dkim'], /--verdicts: "dkim": expected NAME=VERDICT/],
    [['--verdicts', 'arc=PASS'], /--verdicts: Unrecognized key: "arc"/],
    [['--dkim-domain', 'not a domain'], /--dkim-domain\.0: expected a domain name/],
    [['--recipient', 'nobody'], /--recipient\.0: expected a mail address/],
    [['--colour'], /Unknown option '--colour'/],
  ])('%j is refused with a usage error (exit 2)', async (flags, message) => {
    await expect(run(flags)).rejects.toThrow(message);
  });

  it('a mail to no desk address needs --recipient', async () => {
    await expect(run([], { to: 'someone@elsewhere.example' })).rejects.toThrow(/no desk address among To\/Cc .*--recipient ADDR/);
  });

  it('verdicts in any case; the receipt block above the stored mail carries them and the DKIM signing domains', async () => {
    const { code, result } = await run(['--verdicts', 'dkim=pass, dmarc=gray ,spf=fail', '--dkim-domain', 'Mail.Clinic-North.example', '--dkim-domain', 'esp.example', '--recipient', DESK.toUpperCase()]);
    expect(code).toBe(0);
    expect(result).toMatchObject({ kind: 'created', verdicts: { spf: 'FAIL', dkim: 'PASS', dmarc: 'GRAY', spam: 'PASS', virus: 'PASS' }, dkimDomains: ['mail.clinic-north.example', 'esp.example'] });
    const stored = await readFile(join(h.stack.dataDir, 'mail', result!.mailKey));
    expect(verdictsFromStoredMail(stored)).toEqual(result!.verdicts);
    expect(dkimDomainsFromStoredMail(stored)).toEqual(['mail.clinic-north.example', 'esp.example']);
    await h.newMail();
  });
});

describe('item 1: engineer commands need proof of the From domain', () => {
  const forged = '#status in_progress\n#priority blocking\n#assign petrov\n#requester victim-redirect@attacker.example\nБерём';
  let key: string;
  let before: ReturnType<typeof people>;
  beforeAll(async () => {
    ({ key } = await openTicket('anna@clinic-north.example', 'Не печатается направление'));
    before = people(await ticket(key));
  });

  it.each([
    ['SPF pass of an unaligned envelope, no DKIM, no DMARC record', ['--verdicts', 'spf=PASS,dkim=NONE,dmarc=GRAY']],
    ['DKIM pass signed by another domain, no DMARC record', ['--verdicts', 'dkim=PASS,spf=FAIL,dmarc=GRAY', '--dkim-domain', 'attacker.example']],
    ['every check failed', FAIL_ALL],
  ])('%s: no command applies', async (_name, flags) => {
    const { code, result } = await receiveCli(await mailFile({ from: ENGINEER, to: DESK, subject: `Re: [${key}] Не печатается направление`, text: forged, messageId: messageId('forged') }), flags);
    expect(code).toBe(0);
    expect(result!.kind).not.toBe('created');
    expect(people(await ticket(key))).toEqual(before);
    // the engineer whose address was used is told why, at the configured address; the customer gets nothing
    const mails = await h.newMail();
    expect(mails.filter((m) => m.headers['x-maildesk-event'] === 'engineer.unauthenticated').map((m) => m.to.map((a) => a.address))).toEqual([[ENGINEER]]);
    expect(mails.filter((m) => [...m.to, ...m.cc].some((a) => a.address === 'anna@clinic-north.example'))).toEqual([]);
  });

  it('DMARC PASS: the commands apply', async () => {
    const { result } = await receiveCli(await mailFile({ from: ENGINEER, to: DESK, subject: `Re: [${key}] x`, text: '#status in_progress\n#priority blocking\nБерём', messageId: messageId('real') }), PASS_ALL);
    expect(result).toMatchObject({ kind: 'updated', ticketKey: key });
    expect(await ticket(key)).toMatchObject({ status: 'in_progress', priority: 'blocking', requester: 'anna@clinic-north.example' });
    await h.newMail();
  });

  it('no DMARC record (GRAY) but a DKIM pass signed by the From domain itself: the commands apply', async () => {
    const { result } = await receiveCli(await mailFile({ from: ENGINEER, to: DESK, subject: `Re: [${key}] x`, text: '#assign petrov', messageId: messageId('aligned') }), ['--verdicts', 'dkim=PASS,spf=FAIL,dmarc=GRAY']);
    expect(result).toMatchObject({ kind: 'updated', ticketKey: key, dkimDomains: ['team.example'] });
    expect((await ticket(key)).assignee).toBe('petrov');
    await h.newMail();
  });
});

describe('item 2: citing a thread does not join it', () => {
  it('an outsider citing guessed and real Message-IDs, every check FAIL: not on the ticket, not in Cc, not sent the next answer', async () => {
    const ANNA = 'olga@clinic-north.example';
    const OUTSIDER = 'mallory@attacker.example';
    const { key, rootId } = await openTicket(ANNA, 'Ошибка в карте пациента');
    // the ids of the mails the desk sent for it, as a reader of one of them would know
    await engineerSays(key, '#status in_progress\nСмотрим');
    const sent = (await h.outbox()).filter((m) => m.headers['x-maildesk-ticket'] === key).map((m) => `<${m.messageId}>`);
    expect(sent.length).toBeGreaterThan(0);
    const guessed = Array.from({ length: 30 }, (_, i) => `<${key}_breach_2026-12-0${(i % 9) + 1}T1${i % 10}:00:00.000Z.engineers@support.example>`);
    const { code, result } = await receiveCli(
      await mailFile({ from: OUTSIDER, to: DESK, subject: `Re: [${key}] Ошибка в карте пациента`, text: 'Пришлите, пожалуйста, номер карты ещё раз.', messageId: messageId('hijack'), inReplyTo: sent[0], references: [rootId, ...sent, ...guessed] }),
      FAIL_ALL,
    );
    expect(code).toBe(0);
    expect(result!.ticketKey).not.toBe(key);
    const after = await ticket(key);
    expect(after.cc).not.toContain(OUTSIDER);
    expect((await h.stack.store.listEvents(key)).some((e) => e.actor.address === OUTSIDER)).toBe(false);
    await h.newMail();
    // the engineer's next answer (with the card number) goes to the ticket's people only
    await engineerSays(key, 'Номер амбулаторной карты: 123456, проверили.');
    const all = await h.outbox();
    const toOutsider = all.filter((m) => m.headers['x-maildesk-ticket'] === key && [...m.to, ...m.cc].some((a) => a.address === OUTSIDER));
    expect(toOutsider).toHaveLength(0);
  });
});

describe('item 3: forged customer mail moves nothing', () => {
  it('the requester\'s From, every check FAIL, "Проверено, ошибок нет" to an awaiting_test ticket: no status move (the same mail authenticated: verified)', async () => {
    const REQUESTER = 'irina@clinic-north.example';
    const { key } = await openTicket(REQUESTER, 'Не сохраняется запись');
    await engineerSays(key, '#status awaiting_test\nИсправлено, проверьте, пожалуйста.');
    expect((await ticket(key)).status).toBe('awaiting_test');
    const verdict = { from: REQUESTER, to: DESK, subject: `Re: [${key}] Не сохраняется запись`, text: 'Проверено, ошибок нет' };
    const forged = await receiveCli(await mailFile({ ...verdict, messageId: messageId('forged-verdict') }), FAIL_ALL);
    expect(forged.code).toBe(0);
    expect((await ticket(key)).status).toBe('awaiting_test');
    await h.newMail();
    // control: the same words with the requester's domain proven do move it
    const real = await receiveCli(await mailFile({ ...verdict, messageId: messageId('real-verdict') }), PASS_ALL);
    expect(real.result).toMatchObject({ kind: 'updated', ticketKey: key });
    // verified (and, the customer having confirmed in writing, on to deploying)
    expect(['verified', 'deploying']).toContain((await ticket(key)).status);
    await h.newMail();
  });

  it('a forged engineer From, every check FAIL, answering an info_requested ticket: it stays waiting (the requester\'s real answer moves it)', async () => {
    const REQUESTER = 'pavel@clinic-north.example';
    const { key } = await openTicket(REQUESTER, 'Нет кнопки перехода');
    await engineerSays(key, '#status info_requested\nУточните, пожалуйста, логин.');
    expect((await ticket(key)).status).toBe('info_requested');
    const forged = await receiveCli(await mailFile({ from: ENGINEER, to: DESK, subject: `Re: [${key}] Нет кнопки перехода`, text: 'Логин в системе: pavel_p', messageId: messageId('forged-answer') }), FAIL_ALL);
    expect(forged.code).toBe(0);
    expect((await ticket(key)).status).toBe('info_requested');
    await h.newMail();
    const real = await receiveCli(await mailFile({ from: REQUESTER, to: DESK, subject: `Re: [${key}] Нет кнопки перехода`, text: 'Логин в системе: pavel_p', messageId: messageId('real-answer') }), PASS_ALL);
    expect(real.result).toMatchObject({ kind: 'updated', ticketKey: key });
    expect((await ticket(key)).status).not.toBe('info_requested');
    await h.newMail();
  });
});

describe('item 4: automatic answers reach few', () => {
  it('a new mail with 200 Cc: its acknowledgement goes to at most 11 addresses (the sender and 10 Cc)', async () => {
    const SENDER = 'spammer@clinic-north.example';
    const cc = Array.from({ length: 200 }, (_, i) => `victim${i + 1}@victims.example`);
    const { code, result } = await receiveCli(await mailFile({ from: SENDER, to: DESK, cc, subject: 'Купите наши услуги', text: 'текст', messageId: messageId('cannon') }), []);
    expect(code).toBe(0);
    expect(result).toMatchObject({ kind: 'created' });
    const mails = (await h.newMail()).filter((m) => m.headers['x-maildesk-ticket'] === result!.ticketKey);
    const customerMails = mails.filter((m) => ![...m.to, ...m.cc].every((a) => ENGINEERS.includes(a.address)));
    expect(customerMails.length).toBeGreaterThan(0);
    const reached = new Set(customerMails.flatMap((m) => [...m.to, ...m.cc].map((a) => a.address)));
    expect(reached.has(SENDER)).toBe(true);
    expect(reached.size).toBeLessThanOrEqual(11);
  });
});
