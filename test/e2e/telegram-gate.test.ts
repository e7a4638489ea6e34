/**
 * Issue 16: the documentation gate holds for commands from a clinic's Telegram group as it does by
 * mail, with the config's `documentationRequiredFor` (here: settings only), not the default list.
 * Through the local stack: mail in by SMTP, Telegram Updates POSTed to the webhook, the Bot API played
 * on 127.0.0.1 (BotApiStandin).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaildeskConfig } from '../../shared/config';
import { BotApiStandin } from '../support/bot-api-standin';
import { exampleConfig, startHarness, type Harness } from '../support/harness';

const TOKEN = '7000000001:local-test-token';
const SECRET = 'webhook-secret_0123456789';
const NORTH = -1001234567890;
const ENGINEER_TG = 4242001;
const KB = 'https://kb.example/articles/print-templates';

function gateConfig(): MaildeskConfig {
  const config = exampleConfig();
  config.tenants[0]!.telegram = { chatId: NORTH };
  config.engineers[0]!.telegramUserId = ENGINEER_TG;
  return { ...config, documentationRequiredFor: ['settings'] };
}

const fixture = JSON.parse(readFileSync('test/fixtures/telegram/group-reply.json', 'utf8'));
let updateSeq = 815500100;

/** An engineer's message in the clinic's group, naming the ticket. */
function engineerSays(text: string) {
  const message = structuredClone(fixture.message);
  message.message_id = 500 + (updateSeq % 100);
  message.chat.id = NORTH;
  message.from.id = ENGINEER_TG;
  message.text = text;
  delete message.reply_to_message;
  return { update_id: ++updateSeq, message };
}

const bot = new BotApiStandin();
let h: Harness;

async function post(update: object): Promise<void> {
  const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
  const response = await fetch(h.stack.telegramWebhook!, { method: 'POST', headers, body: JSON.stringify(update) });
  await response.text();
  expect(response.status).toBe(200);
  await h.newMail();
}

const status = async (key: string) => (await h.stack.store.getTicket(key))!.status;

beforeAll(async () => {
  await bot.start();
  h = await startHarness({
    config: gateConfig(),
    telegram: { token: TOKEN, apiBase: bot.base, webhookSecret: SECRET, httpPort: 0 },
  });
  const open = async (subject: string, priority: string) => {
    await h.send({ from: 'anna@clinic-north.example', to: 'clinic-north@support.example', subject, text: `Приоритет: ${priority}` });
    await h.newMail();
  };
  await open('Настроить шаблон печати', 'Дополнительные настройки'); // MG-1
  await open('Новый отчёт по кабинетам', 'Новые функции, доработки'); // MG-2
});
afterAll(async () => {
  await h?.close();
  await bot.stop();
});

describe('the documentation gate from the clinic\'s group', () => {
  it('settings (in documentationRequiredFor): a close without #doc is refused, in the group', async () => {
    await post(engineerSays('#status in_progress\nMG-1'));
    expect(await status('MG-1')).toBe('in_progress');
    await post(engineerSays('#status closed\nMG-1 готово'));
    expect(await status('MG-1')).toBe('in_progress');
    expect(bot.messages(NORTH).at(-1)!.text).toMatch(/^❌ MG-1: команды не применены[\s\S]*«Дополнительные настройки»[\s\S]*базе знаний/);
  });

  it('settings: with #документация it closes and keeps the link', async () => {
    await post(engineerSays(`#документация ${KB}\n#status closed\nMG-1 готово`));
    expect(await h.stack.store.getTicket('MG-1')).toMatchObject({ status: 'closed', documentation: [KB] });
  });

  it('feature (not in this config\'s list): closes without a link', async () => {
    await post(engineerSays('#status in_progress\nMG-2'));
    await post(engineerSays('#status closed\nMG-2 готово'));
    expect(await status('MG-2')).toBe('closed');
  });
});
