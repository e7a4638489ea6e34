/**
 * The clinics' Telegram groups bridge end to end through the local stack: mail in by SMTP, the Bot
 * API played on 127.0.0.1 (BotApiStandin), real HTTP POSTs of Telegram Update JSON to the webhook.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaildeskConfig } from '../../shared/config';
import type { TicketEvent } from '../../shared/domain/events';
import { runTicketShow } from '../../shared/cli/ticket-commands';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { loadSlaReport } from '../../shared/reports/load-history';
import { renderMarkdown } from '../../shared/reports/render-markdown';
import { BotApiStandin } from '../support/bot-api-standin';
import { exampleConfig, startHarness, type Harness } from '../support/harness';

const TOKEN = '7000000001:local-test-token';
const SECRET = 'webhook-secret_0123456789';
const NORTH = -1001234567890;
const SOUTH = -1009876543210;
const ENGINEER_TG = 4242001;
const CLINIC_TG = 5550001;

function bridgeConfig(): MaildeskConfig {
  const config = exampleConfig();
  config.tenants[0]!.telegram = { chatId: NORTH };
  config.tenants[1]!.telegram = { chatId: SOUTH };
  config.engineers[0]!.telegramUserId = ENGINEER_TG;
  return config;
}

const fixture = JSON.parse(readFileSync('test/fixtures/telegram/group-reply.json', 'utf8'));
let updateSeq = 815400100;

/** A Telegram Update as the fixture, with this case's ids, chat, author, reply and text. */
function telegramUpdate(o: { chat: number; from: number; text: string; replyTo?: number; updateId?: number }) {
  const message = structuredClone(fixture.message);
  message.message_id = 400 + (updateSeq % 100);
  message.chat.id = o.chat;
  message.from.id = o.from;
  if (o.from === ENGINEER_TG) Object.assign(message.from, { first_name: 'Иван', last_name: 'Иванов', username: 'ivanov_support' });
  message.text = o.text;
  if (o.replyTo) {
    message.reply_to_message.message_id = o.replyTo;
    message.reply_to_message.chat.id = o.chat;
  } else delete message.reply_to_message;
  return { update_id: o.updateId ?? ++updateSeq, message };
}

const bot = new BotApiStandin();
let h: Harness;
let url: string;

async function post(update: object, secret: string | null = SECRET): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== null) headers['x-telegram-bot-api-secret-token'] = secret;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(update) });
  await response.text();
  return response.status;
}

const events = async (key: string): Promise<TicketEvent[]> => h.stack.store.listEvents(key);
const groupComments = async (key: string) => (await events(key)).filter((e) => e.type === 'ticket.group_comment');

beforeAll(async () => {
  await bot.start();
  h = await startHarness({
    config: bridgeConfig(),
    telegram: { token: TOKEN, apiBase: bot.base, webhookSecret: SECRET, httpPort: 0 },
  });
  url = h.stack.telegramWebhook!;
  await h.send({
    from: 'anna@clinic-north.example',
    to: 'clinic-north@support.example',
    subject: 'Не открывается карта пациента - Терапия',
    text: 'Номер амбулаторной карты: 555777\nЛогин в системе: petrova_k\nПриоритет: блокировка',
  });
  await h.newMail();
});
afterAll(async () => {
  await h?.close();
  await bot.stop();
});

describe('the clinics\' Telegram groups', () => {
  it('posts a blocking ticket to its clinic\'s group once: key, priority, summary, status, deadline; never its card number', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/telegram\/webhook$/);
    const posts = bot.messages(NORTH);
    expect(posts).toHaveLength(1);
    const lines = posts[0]!.text.split('\n');
    expect(lines.slice(0, 4)).toEqual(['🔴 Блокирующая заявка MG-1', 'Приоритет: Блокировка', 'Тема: Не открывается карта пациента', 'Статус: Открыто']);
    expect(lines[4]).toMatch(/^Крайний срок: \d\d\.\d\d\.\d{4} \d\d:\d\d/);
    for (const secret of ['555777', 'petrova_k', 'anna@']) expect(posts[0]!.text).not.toContain(secret);
    expect(bot.messages(SOUTH)).toEqual([]);
    expect(bot.calls.every((c) => c.token === TOKEN)).toBe(true);
  });

  it('a wrong or missing secret gets 401 and changes nothing', async () => {
    const before = (await events('MG-1')).length;
    const update = telegramUpdate({ chat: NORTH, from: CLINIC_TG, text: 'MG-1 чужой', replyTo: bot.messages(NORTH)[0]!.messageId });
    expect(await post(update, 'webhook-secret_0123456788')).toBe(401);
    expect(await post(update, null)).toBe(401);
    expect(await post(update, `${SECRET}x`)).toBe(401);
    expect((await events('MG-1')).length).toBe(before);
    expect(await h.stack.store.wasReceived(`telegram-${update.update_id}`)).toBe(false);
  });

  it('a reply to the bot\'s post lands on the ticket once, also when Telegram delivers it twice', async () => {
    const update = telegramUpdate({ chat: NORTH, from: CLINIC_TG, text: 'Перезагрузили сервер, ошибка осталась', replyTo: bot.messages(NORTH)[0]!.messageId });
    expect(await post(update)).toBe(200);
    expect(await post(update)).toBe(200);
    const comments = await groupComments('MG-1');
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ text: 'Перезагрузили сервер, ошибка осталась', actor: { kind: 'requester', address: null }, data: { via: 'telegram', role: 'clinic', author: '@anna_clinic', telegramUserId: CLINIC_TG } });
    // the engineers' copy
    const mails = await h.newMail();
    expect(mails.map((m) => m.subject)).toEqual(['[MG-1] Комментарий в группе Telegram: Не открывается карта пациента']);
    expect(mails[0]!.text).toContain('@anna_clinic (сторона клиники, Telegram):');
    expect(mails[0]!.to.map((a) => a.address).sort()).toEqual(['engineer1@team.example', 'engineer2@team.example']);
  });

  it('a non-engineer\'s #status changes nothing but is kept as a comment, and told so in the group', async () => {
    expect(await post(telegramUpdate({ chat: NORTH, from: CLINIC_TG, text: '#status closed\nMG-1 закройте' }))).toBe(200);
    await h.newMail();
    expect((await h.stack.store.getTicket('MG-1'))!.status).toBe('open');
    expect((await groupComments('MG-1')).map((c) => c.text)).toContain('#status closed\nMG-1 закройте');
    expect(bot.messages(NORTH).at(-1)!.text).toBe('ℹ️ MG-1: комментарий записан; команды принимаются только от инженеров поддержки.');
  });

  it('a message naming the key in another clinic\'s group changes nothing', async () => {
    const before = (await events('MG-1')).length;
    expect(await post(telegramUpdate({ chat: SOUTH, from: ENGINEER_TG, text: '#status in_progress\nMG-1' }))).toBe(200);
    expect(await post(telegramUpdate({ chat: -1000000000001, from: ENGINEER_TG, text: 'MG-1 из чужого чата' }))).toBe(200);
    expect((await events('MG-1')).length).toBe(before);
    expect((await h.stack.store.getTicket('MG-1'))!.status).toBe('open');
  });

  it('a mapped engineer\'s #status in_progress moves the ticket, the answer is posted back, the requester\'s mail sums up the group', async () => {
    const update = telegramUpdate({ chat: NORTH, from: ENGINEER_TG, text: '#status in_progress\nMG-1: смотрим логи сервера' });
    expect(await post(update)).toBe(200);
    const mails = await h.newMail();
    expect((await h.stack.store.getTicket('MG-1'))!.status).toBe('in_progress');
    const comment = (await groupComments('MG-1')).at(-1)!;
    expect(comment).toMatchObject({ text: 'MG-1: смотрим логи сервера', actor: { kind: 'engineer', address: 'engineer1@team.example' }, data: { role: 'engineer' } });
    const posts = bot.messages(NORTH);
    expect(posts.find((p) => p.replyTo === update.message.message_id)?.text).toBe('✅ MG-1: команды применены.');
    expect(posts.some((p) => p.text.startsWith('🔄 Статус изменён MG-1') && p.text.includes('Статус: В работе'))).toBe(true);
    // the requester's status mail lists what the group said since the acknowledgement, authors by role
    const toAnna = mails.filter((m) => m.to.some((a) => a.address === 'anna@clinic-north.example'));
    expect(toAnna).toHaveLength(1);
    const text = toAnna[0]!.text!;
    expect(text).toContain('Что обсуждалось в группе Telegram по этой заявке:');
    expect(text).toMatch(/- [\d.]+ [\d:]+.*, Клиника: Перезагрузили сервер, ошибка осталась/);
    expect(text).toMatch(/, Инженер: MG-1: смотрим логи сервера/);
    expect(text).not.toContain('anna_clinic');
    // above the signature, as part of the letter
    expect(text.indexOf('Что обсуждалось')).toBeLessThan(text.lastIndexOf('--\nСлужба технической поддержки'));
  });

  it('a mapped engineer\'s invalid command is refused all-or-nothing, with every problem in the group', async () => {
    const update = telegramUpdate({ chat: NORTH, from: ENGINEER_TG, text: '#status bogus\nMG-1 ещё текст' });
    expect(await post(update)).toBe(200);
    const mails = await h.newMail();
    expect((await h.stack.store.getTicket('MG-1'))!.status).toBe('in_progress');
    expect((await groupComments('MG-1')).map((c) => c.text)).not.toContain('MG-1 ещё текст');
    expect(bot.messages(NORTH).at(-1)!.text).toMatch(/^❌ MG-1: команды не применены, заявка не изменена:\n\S/);
    expect(mails).toEqual([]);
  });

  it('ticket show lists the group\'s comments with their Telegram authors', async () => {
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
    const saved = process.env.MAILDESK_DYNAMODB_PORT;
    process.env.MAILDESK_DYNAMODB_PORT = new URL(h.stack.dynamoEndpoint).port;
    try {
      expect(await runTicketShow(['MG-1', '--table', h.stack.table, '--config', 'maildesk.config.example.json'], io)).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.MAILDESK_DYNAMODB_PORT;
      else process.env.MAILDESK_DYNAMODB_PORT = saved;
    }
    expect(out).toMatch(/ticket\.group_comment {2}@anna_clinic \(Telegram, clinic\)\n {6}Перезагрузили сервер, ошибка осталась/);
    expect(out).toMatch(/ticket\.group_comment {2}@ivanov_support \(Telegram, engineer1@team\.example\)\n {6}MG-1: смотрим логи сервера/);
  });
});

describe('the SLA report', () => {
  it('shows the blocking incident\'s timeline with the group\'s comments, authors by role', async () => {
    const now = new Date();
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);
    const config = bridgeConfig();
    const report = await loadSlaReport(h.stack.store, config, BusinessCalendar.fromConfig(config), { month, now, tenants: ['clinic-north'] });
    const md = renderMarkdown(report);
    const timeline = md.slice(md.indexOf('Блокирующие инциденты: хронология (blocking incidents: timeline):'));
    expect(timeline).toMatch(/\nMG-1:\n- [^\n]+ открыта \(opened\)\n/);
    expect(timeline).toMatch(/- [^\n]+ Telegram, клиника \(clinic\): Перезагрузили сервер, ошибка осталась\n/);
    expect(timeline).toMatch(/- [^\n]+ статус \(status\) open -> in_progress\n/);
    expect(timeline).toMatch(/- [^\n]+ Telegram, инженер \(engineer\): MG-1: смотрим логи сервера\n/);
    expect(md).not.toContain('anna_clinic');
    expect(md).not.toContain('555777');
  });
});

describe('npm start with the bridge on', () => {
  it('refuses a busy webhook port, naming MAILDESK_HTTP_PORT, and a missing webhook secret', async () => {
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = (busy.address() as { port: number }).port;
    try {
      const telegram = { token: TOKEN, apiBase: bot.base, webhookSecret: SECRET, httpPort: port };
      await expect(startHarness({ config: bridgeConfig(), telegram })).rejects.toThrow(
        `HTTP port ${port} on 127.0.0.1 is in use: set MAILDESK_HTTP_PORT to a free port (or stop the program holding it)`,
      );
      await expect(startHarness({ config: bridgeConfig(), telegram: { ...telegram, webhookSecret: '' } })).rejects.toThrow('set MAILDESK_TELEGRAM_WEBHOOK_SECRET');
    } finally {
      busy.close();
    }
  });
});
