/**
 * `maildesk telegram set-webhook` against the Bot API stand-in on 127.0.0.1: locally with the
 * environment's token and secret, with --aws reading both from the SSM stand-in (a real SSMClient).
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSsmStandin, type SsmStandin } from '../../shared/adapters/standins/ssm-standin';
import { UsageError } from '../../shared/cli/io';
import { runTelegramCommand, ssmParameterReader } from '../../shared/cli/telegram-command';
import { BotApiStandin } from '../support/bot-api-standin';

const TOKEN = '7000000001:cli-test-token';
const SECRET = 'cli-webhook-secret_42';
const URL = 'https://abc123.lambda-url.eu-west-1.on.aws/';
const bot = new BotApiStandin();
let ssm: SsmStandin;
let out: string[];
let err: string[];
const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
const env = (over: Record<string, string> = {}) => ({ MAILDESK_CONFIG: 'maildesk.config.example.json', MAILDESK_TELEGRAM_API_BASE: bot.base, ...over });

beforeAll(async () => {
  await bot.start();
  ssm = await startSsmStandin({ parameters: { '/maildesk/telegram-bot-token': { type: 'SecureString', value: TOKEN }, '/maildesk/telegram-webhook-secret': { type: 'SecureString', value: SECRET } } });
});
afterAll(async () => {
  await bot.stop();
  await ssm.close();
});
beforeEach(() => {
  [out, err] = [[], []];
  bot.calls.length = 0;
});

describe('maildesk telegram set-webhook', () => {
  it('registers the URL and the secret with the local environment\'s token; prints neither secret', async () => {
    expect(await runTelegramCommand(['set-webhook', '--url', URL], io, env({ MAILDESK_TELEGRAM_TOKEN: TOKEN, MAILDESK_TELEGRAM_WEBHOOK_SECRET: SECRET }))).toBe(0);
    expect(bot.calls).toEqual([{ method: 'setWebhook', token: TOKEN, body: { url: URL, secret_token: SECRET, allowed_updates: ['message'], drop_pending_updates: false } }]);
    expect(JSON.parse(out[0]!)).toEqual({ ok: true, url: URL, secrets: 'env', clinicGroups: [] });
    expect(out.join('') + err.join('')).not.toMatch(/cli-test-token|cli-webhook-secret/);
  });

  it('with --aws reads the token and the secret from SSM', async () => {
    const client = new SSMClient({ endpoint: ssm.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      expect(await runTelegramCommand(['set-webhook', '--url', URL, '--aws'], io, env(), ssmParameterReader(client))).toBe(0);
    } finally {
      client.destroy();
    }
    expect([...ssm.reads].sort()).toEqual(['/maildesk/telegram-bot-token', '/maildesk/telegram-webhook-secret']);
    expect(bot.calls.map((c) => [c.token, c.body.secret_token])).toEqual([[TOKEN, SECRET]]);
    expect(ssm.refusals).toEqual([]);
  });

  it('says what Telegram refused (exit 1), and what is missing (usage)', async () => {
    bot.replies.push({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook' } });
    expect(await runTelegramCommand(['set-webhook', '--url', 'http://127.0.0.1:8025/telegram/webhook'], io, env({ MAILDESK_TELEGRAM_TOKEN: TOKEN, MAILDESK_TELEGRAM_WEBHOOK_SECRET: SECRET }))).toBe(1);
    expect(err).toEqual(['telegram set-webhook failed: Telegram setWebhook failed: HTTP 400 Bad Request: bad webhook: HTTPS url must be provided for webhook']);
    await expect(runTelegramCommand(['set-webhook', '--url', URL], io, env())).rejects.toThrow(UsageError);
    await expect(runTelegramCommand(['set-webhook'], io, env())).rejects.toThrow('--url is required');
    await expect(runTelegramCommand(['set-webhook', '--url', 'nope'], io, env())).rejects.toThrow('--url');
    await expect(runTelegramCommand(['get-webhook'], io, env())).rejects.toThrow('usage: maildesk telegram set-webhook');
  });
});
