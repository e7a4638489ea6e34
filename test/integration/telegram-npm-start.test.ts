/**
 * The Telegram bridge through `npm start` itself (infra/local/start.ts as a process, its own
 * DynamoDB Local): the ready line names the webhook; a wrong secret gets 401; a blocking mail in by
 * SMTP is posted to the clinic's group (without its card number); a mapped engineer's reply with
 * `#status in_progress` is applied and answered in the group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../shared/adapters/dynamodb-local';
import { BotApiStandin } from '../support/bot-api-standin';

const TSX = resolve('node_modules/tsx/dist/cli.mjs');
const SECRET = 'npm-start-secret_1';
const TOKEN = '7000000001:npm-start-token';
const CHAT = -1001234567890;
const bot = new BotApiStandin();
let child: ChildProcess;
let dataDir: string;
let webhook: string;
let smtpPort: number;
let stderr = '';

async function until<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await bot.start();
  dataDir = await mkdtemp(join(tmpdir(), 'maildesk-tg-start-'));
  const config = JSON.parse(await readFile('maildesk.config.example.json', 'utf8'));
  config.tenants[0].telegram = { chatId: CHAT };
  config.engineers[0].telegramUserId = 4242001;
  await writeFile(join(dataDir, 'config.json'), JSON.stringify(config));
  [smtpPort] = [await freePort()];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  child = spawn(process.execPath, [TSX, 'infra/local/start.ts'], {
    env: {
      ...env,
      MAILDESK_DATA: join(dataDir, 'data'),
      MAILDESK_CONFIG: join(dataDir, 'config.json'),
      MAILDESK_SWEEP_SECONDS: '0',
      MAILDESK_SMTP_PORT: String(smtpPort),
      MAILDESK_DYNAMODB_PORT: String(await freePort()),
      MAILDESK_HTTP_PORT: String(await freePort()),
      MAILDESK_TELEGRAM_TOKEN: TOKEN,
      MAILDESK_TELEGRAM_API_BASE: bot.base,
      MAILDESK_TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  webhook = await until('the ready line', () => / telegram=(\S+)/.exec(stdout)?.[1], 120_000);
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  await bot.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const post = async (body: object, secret: string) =>
  (
    await fetch(webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(body),
    })
  ).status;

const message = (updateId: number, fromId: number, text: string, replyTo?: number) => ({
  update_id: updateId,
  message: {
    message_id: 500 + updateId,
    date: 1764752400,
    chat: { id: CHAT, type: 'supergroup', title: 'Северная клиника' },
    from: { id: fromId, is_bot: false, first_name: 'Иван', username: 'ivanov_support' },
    text,
    ...(replyTo ? { reply_to_message: { message_id: replyTo, date: 1764752300, chat: { id: CHAT, type: 'supergroup' } } } : {}),
  },
});

describe('npm start with a clinic group and a bot token', () => {
  it('serves the webhook on 127.0.0.1:$MAILDESK_HTTP_PORT/telegram/webhook, posts blocking mail, applies an engineer\'s reply', async () => {
    expect(webhook).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/telegram\/webhook$/);
    expect(await post(message(1, 4242001, 'MG-1'), 'not-the-secret')).toBe(401);

    const transport = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'anna@clinic-north.example',
      to: 'clinic-north@support.example',
      subject: 'Не открывается карта пациента - Терапия',
      text: 'Номер амбулаторной карты: 555777\nПриоритет: блокировка',
    });
    transport.close();
    const posted = await until('the group post', () => bot.messages(CHAT)[0]);
    expect(posted.text.split('\n')[0]).toBe('🔴 Блокирующая заявка MG-1');
    expect(posted.text).not.toContain('555777');

    expect(await post(message(2, 4242001, '#status in_progress\nберём', posted.messageId), SECRET)).toBe(200);
    const answer = await until('the answer', () => bot.messages(CHAT).find((m) => m.replyTo === 502));
    expect(answer.text).toBe('✅ MG-1: команды применены.');
    // the redelivered update changes nothing and gets no second answer
    expect(await post(message(2, 4242001, '#status in_progress\nберём', posted.messageId), SECRET)).toBe(200);
    await until('the status post', () => bot.messages(CHAT).find((m) => m.text.startsWith('🔄 Статус изменён MG-1')));
    expect(bot.messages(CHAT).filter((m) => m.replyTo === 502)).toHaveLength(1);
  }, 120_000);
});
