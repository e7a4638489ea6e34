/**
 * The bridge's two Lambda handlers as the stack wires them (the environment the template sets),
 * against DynamoDB Local, the SSM stand-in and the Bot API stand-in through the SDK's own
 * AWS_ENDPOINT_URL_<SERVICE> variables: a Function URL event in, an EventBridge event in.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { startSsmStandin, type SsmStandin } from '../../shared/adapters/standins/ssm-standin';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import { newTicket } from '../../shared/domain/ticket';
import { BotApiStandin } from '../support/bot-api-standin';
import { uniqueTable } from '../support/harness';

const TOKEN = '7000000001:lambda-test-token';
const SECRET = 'lambda-webhook-secret_7';
const CHAT = -1001234567890;
const bot = new BotApiStandin();
let ssm: SsmStandin;
let store: DynamoTicketStore;
let dir: string;
const saved = { ...process.env };
let destroy = () => {};

beforeAll(async () => {
  await bot.start();
  ssm = await startSsmStandin({
    parameters: {
      '/maildesk/telegram-bot-token': { type: 'SecureString', value: TOKEN },
      '/maildesk/telegram-webhook-secret': { type: 'SecureString', value: SECRET },
    },
  });
  const table = uniqueTable('tg-lambda');
  const client = localDynamoClient(inject('dynamoEndpoint'));
  await ensureTicketTable(client, table);
  store = new DynamoTicketStore(client, table);
  destroy = () => client.destroy();
  const ticket = newTicket({ key: 'MG-5', number: 5, tenant: 'clinic-north', requester: 'anna@clinic-north.example', summary: 'Не работает регистратура', priority: 'blocking', createdAt: new Date().toISOString(), rootMessageId: 'root@clinic-north.example' });
  expect(await store.saveTicket({ ticket, expectedVersion: null, events: [], messageIds: [], inboundId: null })).toEqual({ ok: true });

  dir = mkdtempSync(join(tmpdir(), 'tg-lambda-'));
  const config = JSON.parse(readFileSync('maildesk.config.example.json', 'utf8'));
  config.tenants[0].telegram = { chatId: CHAT };
  config.engineers[0].telegramUserId = 4242001;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  // what the template sets (infra/constructs/telegram-bridge.ts), endpoints pointed at the stand-ins
  Object.assign(process.env, {
    MAILDESK_CONFIG: join(dir, 'config.json'),
    TABLE_NAME: table,
    TELEGRAM_BOT_TOKEN_PARAMETER: '/maildesk/telegram-bot-token',
    TELEGRAM_WEBHOOK_SECRET_PARAMETER: '/maildesk/telegram-webhook-secret',
    TELEGRAM_API_BASE: bot.base,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
  });
});
afterAll(async () => {
  process.env = saved;
  destroy();
  await bot.stop();
  await ssm.close();
  rmSync(dir, { recursive: true, force: true });
});

const urlEvent = (body: string, headers: Record<string, string>, base64 = false): LambdaFunctionURLEvent =>
  ({
    version: '2.0',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: { http: { method: 'POST', path: '/' } },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  }) as unknown as LambdaFunctionURLEvent;

const update = (updateId: number, text: string, fromId = 5550001) =>
  JSON.stringify({ update_id: updateId, message: { message_id: updateId, date: 1764752400, chat: { id: CHAT, type: 'supergroup', title: 'g' }, from: { id: fromId, is_bot: false, first_name: 'Анна', username: 'anna_clinic' }, text } });

describe('functions/telegram-webhook', () => {
  it('401 without the secret; a message naming the key becomes a comment once; base64 bodies are read', async () => {
    const { handler } = await import('../../functions/telegram-webhook/handler');
    expect(await handler(urlEvent(update(1, 'MG-5 ошибка'), { 'x-telegram-bot-api-secret-token': 'wrong' }))).toEqual({ statusCode: 401, body: 'unauthorized' });
    expect(await handler(urlEvent(update(1, 'MG-5 ошибка'), {}))).toMatchObject({ statusCode: 401 });
    expect((await store.listEvents('MG-5')).length).toBe(0);

    const ok = { 'x-telegram-bot-api-secret-token': SECRET };
    expect(await handler(urlEvent(update(2, 'MG-5 ошибка осталась'), ok))).toEqual({ statusCode: 200, body: 'ok' });
    expect(await handler(urlEvent(update(2, 'MG-5 ошибка осталась'), ok, true))).toEqual({ statusCode: 200, body: 'ok' });
    expect(await handler(urlEvent(update(3, 'MG-5 и ещё', 4242001), ok, true))).toEqual({ statusCode: 200, body: 'ok' });
    const comments = (await store.listEvents('MG-5')).filter((e) => e.type === 'ticket.group_comment');
    expect(comments.map((c) => [c.text, c.data?.role])).toEqual([['MG-5 ошибка осталась', 'clinic'], ['MG-5 и ещё', 'engineer']]);
    expect(ssm.refusals).toEqual([]);
  });
});

describe('functions/clinic-group', () => {
  it('posts a blocking ticket\'s news from the bus rule to its clinic\'s group and remembers the post', async () => {
    const { handler } = await import('../../functions/clinic-group/handler');
    const detail = { id: 'MG-5:status:1', ticketKey: 'MG-5', tenant: 'clinic-north', at: new Date().toISOString(), priority: 'blocking', status: 'in_progress', from: 'open', to: 'in_progress', dueAt: null };
    await handler({ version: '0', id: 'eb-1', source: 'maildesk', 'detail-type': 'ticket.status_changed', account: '1', time: '', region: 'eu-west-1', resources: [], detail } as never);
    const posts = bot.messages(CHAT);
    expect(posts.map((p) => p.text.split('\n')[0])).toEqual(['🔄 Статус изменён MG-5']);
    expect(bot.calls.filter((c) => c.method === 'sendMessage').every((c) => c.token === TOKEN)).toBe(true);
    expect(await store.findByMessageIds([`telegram:${CHAT}:${posts[0]!.messageId}`])).toBe('MG-5');
  });
});
