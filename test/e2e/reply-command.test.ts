/**
 * The local try-out, end to end over SMTP on 127.0.0.1: a customer opens a ticket; `maildesk reply`
 * answers the acknowledgement from an engineer's address with `#status in_progress`, then the
 * customer answers the mail they got; the ticket moves, and only the new text reaches it.
 * `maildesk outbox` prints those outbox files decoded. Errors: a missing file, a file that is not a
 * mail, a port nothing listens on (named, with npm start), all without a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../shared/cli/io';
import { UsageError } from '../../shared/cli/io';
import { type OutboxMail, runOutboxCommand } from '../../shared/cli/outbox-command';
import { runReplyCommand } from '../../shared/cli/reply-command';
import { parseMail } from '../../shared/mail/inbound/parse-mail';
import { moscowClock, startHarness, type Harness } from '../support/harness';

const NORTH = 'clinic-north@support.example';
const ANNA = 'anna@clinic-north.example';
const IVANOV = 'engineer1@team.example';

const clock = moscowClock('2026-11-16T10:00:00');
let h: Harness;
let env: NodeJS.ProcessEnv;
let scratch: string;

beforeAll(async () => {
  h = await startHarness({ now: clock.now });
  scratch = await mkdtemp(join(tmpdir(), 'maildesk-reply-'));
  env = {
    ...process.env,
    MAILDESK_SMTP_PORT: String(h.stack.smtpPort),
    MAILDESK_DATA: dirname(h.stack.outboxDir),
    MAILDESK_CONFIG: 'maildesk.config.example.json',
  };
});
afterAll(async () => {
  await h?.close();
  await rm(scratch, { recursive: true, force: true });
});

function collector(): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return { io: { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) }, out };
}

async function reply(...argv: string[]) {
  const { io, out } = collector();
  const code = await runReplyCommand(argv, io, env);
  return { code, ...out };
}

async function outbox(...argv: string[]) {
  const { io, out } = collector();
  const code = await runOutboxCommand(argv, io, env);
  return { code, ...out };
}

describe('maildesk reply and maildesk outbox on the local stack', () => {
  it('an engineer takes the ticket into work by replying to the acknowledgement; the customer answers', async () => {
    // given a new ticket
    await h.send({ from: ANNA, to: NORTH, subject: 'Не открывается карта пациента - Терапия', text: 'Номер амбулаторной карты: 123456\nКарта не открывается.', messageId: '<open-1@clinic-north.example>' });
    const opened = await h.newMail();
    const ack = opened.find((m) => m.to.some((a) => a.address === ANNA))!;
    expect(ack, `acknowledgement to ${ANNA} among ${opened.map((m) => m.subject).join(' | ')}`).toBeDefined();
    const key = /\[([A-Z]+-\d+)\]/.exec(ack.subject)![1]!;

    // when the engineer answers the acknowledgement with a command, as a mail client would
    clock.set('2026-11-16T11:00:00');
    const r = await reply(join(h.stack.outboxDir, ack.file), '--from', IVANOV, '--text', '#status in_progress\nДобрый день, смотрим.');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(new RegExp(`^sent "Re: \\[${key}\\] .+" from ${IVANOV} to ${NORTH} via 127\\.0\\.0\\.1:${h.stack.smtpPort} \\(Message-ID <[0-9a-f]{32}@team\\.example>, In-Reply-To <${ack.messageId}>\\)\\n?$`));
    const afterEngineer = await h.newMail();

    // then the ticket is in work, and the customer got the engineer's words without the quoted acknowledgement
    expect(await h.stack.store.getTicket(key)).toMatchObject({ status: 'in_progress' });
    const toAnna = afterEngineer.find((m) => m.to.some((a) => a.address === ANNA))!;
    expect(toAnna.text).toContain('Добрый день, смотрим.');
    expect(toAnna.text).not.toContain('> ');
    expect(toAnna.text).not.toContain('#status');

    // when the customer answers that mail
    clock.set('2026-11-16T12:00:00');
    const c = await reply(join(h.stack.outboxDir, toAnna.file), '--from', ANNA, '--text', 'Спасибо, ждём.\nКарта 123456 всё ещё не открывается.');
    expect(c.code).toBe(0);
    const afterCustomer = await h.newMail();

    // then it is a comment on the same ticket with exactly the new text, and the engineers hear of it
    const comments = (await h.stack.store.listEvents(key)).filter((e) => e.type === 'ticket.commented');
    expect(comments.at(-1)).toMatchObject({ actor: { kind: 'requester', address: ANNA }, text: 'Спасибо, ждём.\nКарта 123456 всё ещё не открывается.' });
    expect(afterCustomer.some((m) => m.to.some((a) => a.address === IVANOV) && m.subject.includes(`[${key}]`))).toBe(true);
    expect(h.stack.outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);

    // and maildesk outbox shows every mail of the ticket decoded, newest last
    const json = await outbox('--ticket', key.toLowerCase(), '--json');
    const listed = JSON.parse(json.stdout) as OutboxMail[];
    const all = await h.outbox();
    expect(listed.map((m) => m.file)).toEqual(all.map((m) => join(h.stack.outboxDir, m.file)));
    expect(listed[0]).toMatchObject({ subject: ack.subject, messageId: ack.messageId, to: [ANNA], text: ack.text });
    expect(listed.at(-1)!.subject).toBe(afterCustomer.at(-1)!.subject);

    const text = await outbox('--last', '1');
    const newest = afterCustomer.at(-1)!;
    expect(text.code).toBe(0);
    expect(text.stdout.startsWith(`=== ${join(h.stack.outboxDir, newest.file)}\n`)).toBe(true);
    expect(text.stdout.match(/^=== /gm)).toHaveLength(1);
    expect(text.stdout).toContain(`Subject:     ${newest.subject}\n`);
    // the Date header in the desk's zone (the stack writes the machine's time, not the test clock)
    const date = /^Date: {8}(\d{4}-\d\d-\d\d \d\d:\d\d) \+03:00$/m.exec(text.stdout);
    expect(Date.parse(`${date![1]!.replace(' ', 'T')}:00+03:00`)).toBe(Math.floor(Date.parse(newest.date!) / 60_000) * 60_000);
    expect(text.stdout).toContain('Карта 123456 всё ещё не открывается.');
    // nothing base64 reaches the reader
    const raw = await readFile(join(h.stack.outboxDir, newest.file), 'latin1');
    const base64Line = raw.split(/\r?\n/).find((l) => /^[A-Za-z0-9+/]{40,}={0,2}$/.test(l));
    if (base64Line) expect(text.stdout).not.toContain(base64Line);
  });

  it('outbox lists attachments by name and size, and --ticket does not take MG-12 for MG-1', async () => {
    const dir = join(scratch, 'outbox');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    const fixture = await readFile('test/fixtures/mail/new-ticket-attachments.eml');
    const parsed = await parseMail(fixture);
    await writeFile(join(dir, '2026-11-16T10-00-00-000Z-00001.eml'), fixture);
    await writeFile(join(dir, '2026-11-16T10-00-01-000Z-00002.eml'), 'From: a@x.example\r\nSubject: [MG-12] other\r\n\r\nx');
    const r = await outbox('--dir', dir);
    for (const a of parsed.attachments) expect(r.stdout).toContain(`${a.filename} (`);
    expect(r.stdout).toMatch(/Attachments: .+ \(\d+(\.\d)? (B|KB|MB)\)/);
    expect((await outbox('--dir', dir, '--ticket', 'MG-1')).stderr).toBe(`no mail in ${dir} about MG-1`);
    expect(JSON.parse((await outbox('--dir', dir, '--ticket', 'MG-12', '--json')).stdout)).toHaveLength(1);
  });

  it.each([
    [['--last', '0'], /--last: expected a number above 0/],
    [['--ticket', 'ticket one'], /--ticket: expected a ticket key like MG-1/],
    [['--dir', '/nonexistent/outbox'], /no outbox at \/nonexistent\/outbox/],
  ])('outbox %j is a usage error', async (argv, message) => {
    await expect(outbox(...argv)).rejects.toThrow(message);
  });

  it.each([
    ['a missing file', () => [join(scratch, 'missing.eml'), '--from', IVANOV, '--text', 'x'], /cannot read .*missing\.eml: ENOENT/],
    ['no text', () => [join(scratch, 'missing.eml'), '--from', IVANOV], /--text: give the answer with exactly one of --text TEXT and --text-file FILE/],
    ['both texts', () => [join(scratch, 'missing.eml'), '--from', IVANOV, '--text', 'a', '--text-file', 'b'], /exactly one of/],
    ['a bad --from', () => [join(scratch, 'missing.eml'), '--from', 'ivanov', '--text', 'x'], /--from: expected a mail address/],
    ['a bad --smtp', () => [join(scratch, 'missing.eml'), '--from', IVANOV, '--text', 'x', '--smtp', 'localhost'], /--smtp: expected HOST:PORT/],
  ])('reply with %s is a usage error', async (_name, argv, message) => {
    await expect(reply(...argv())).rejects.toThrow(UsageError);
    await expect(reply(...argv())).rejects.toThrow(message);
  });

  it('reply refuses a file that is not a mail', async () => {
    const file = join(scratch, 'notes.json');
    await writeFile(file, JSON.stringify({ ticket: 'MG-1', note: 'not a mail' }));
    await expect(reply(file, '--from', IVANOV, '--text', 'x')).rejects.toThrow(`${file} is not a mail: it has no From, Reply-To or Message-ID header`);
  });

  it('a port nothing listens on: exit 1, the port named and npm start said, no stack trace (the binary)', async () => {
    const file = join(scratch, 'ack.eml');
    await writeFile(file, 'From: clinic-north@support.example\r\nTo: anna@clinic-north.example\r\nSubject: [MG-1] x\r\nMessage-ID: <a@support.example>\r\n\r\nТекст');
    // a port that was free a moment ago
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const port = (server.address() as { port: number }).port;
    await new Promise((done) => server.close(done));
    const r = spawnSync(process.execPath, ['bin/maildesk.mjs', 'reply', file, '--from', ANNA, '--text', 'x'], { env: { ...env, MAILDESK_SMTP_PORT: String(port) }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`maildesk reply: cannot send to 127.0.0.1:${port} (connection refused): start the local stack with npm start first (its SMTP port is MAILDESK_SMTP_PORT, default 2525), or name another with --smtp HOST:PORT\n`);
  }, 120_000);
});
