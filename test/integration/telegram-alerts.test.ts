/**
 * Telegram alerts against a local HTTP server on 127.0.0.1 playing the Bot API (it records each
 * request and answers {ok:true}, or what a test queues: 429, 500...). Claims live in DynamoDB Local.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import type { MaildeskConfig } from '../../shared/config';
import { memoryLogger } from '../../shared/log';
import { alertTelegram, busEventFromEventBridge, TelegramError, type TelegramDeps } from '../../shared/use-cases/alert-telegram';
import type { BusEvent } from '../../shared/use-cases/ports';
import { sweepDeadlines } from '../../shared/use-cases/sweep-deadlines';
import { exampleConfig, startHarness, uniqueTable } from '../support/harness';

const TOKEN = '123456:TEST-token';
const telegramConfig: MaildeskConfig = { ...exampleConfig(), telegram: { chatId: '-1001234567890', botTokenParameter: '/maildesk/telegram-bot-token' } };

interface BotRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: { chat_id: string; text: string; disable_web_page_preview: boolean };
}

/** The Bot API, played locally. */
class FakeBotApi {
  readonly requests: BotRequest[] = [];
  readonly replies: Array<{ status: number; body: unknown }> = [];
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as BotRequest['body'] });
        const reply = this.replies.shift() ?? { status: 200, body: { ok: true, result: { message_id: this.requests.length } } };
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

const bot = new FakeBotApi();
let store: DynamoTicketStore;
let destroy: () => void = () => {};
let log = memoryLogger();

beforeAll(async () => {
  await bot.start();
  const client = localDynamoClient(inject('dynamoEndpoint'));
  const table = uniqueTable('telegram');
  await ensureTicketTable(client, table);
  store = new DynamoTicketStore(client, table);
  destroy = () => client.destroy();
});
afterAll(async () => {
  await bot.stop();
  destroy();
});
beforeEach(() => {
  bot.requests.length = 0;
  bot.replies.length = 0;
  log = memoryLogger();
});

const deps = (config: MaildeskConfig = telegramConfig): TelegramDeps => ({ claims: store, config, token: async () => TOKEN, apiBase: bot.base, log });

let seq = 0;
function busEvent(type: string, detail: Record<string, unknown>): BusEvent {
  const id = `test-${process.pid}-${++seq}`;
  return { type, id, detail: { id, ticketKey: 'MG-42', tenant: 'clinic-north', at: '2026-11-16T15:01:00.000Z', status: 'in_progress', from: null, to: null, dueAt: '2026-11-16T15:00:00.000Z', ...detail } };
}

describe('alertTelegram', () => {
  it('posts an SLA breach to the chat: key, tenant, priority, status, deadline; once per event', async () => {
    const event = busEvent('sla.breached', { priority: 'error' });
    expect(await alertTelegram(event, deps())).toBe('sent');
    expect(bot.requests).toEqual([
      {
        method: 'POST',
        path: `/bot${TOKEN}/sendMessage`,
        contentType: 'application/json',
        body: {
          chat_id: '-1001234567890',
          disable_web_page_preview: true,
          text: [
            '⏰ Срок нарушен: MG-42 (sla.breached)',
            'Клиент: Северная клиника (clinic-north)',
            'Приоритет: Ошибка работы (error)',
            'Статус: В работе (in_progress)',
            'Крайний срок: 16.11.2026 18:00 (Europe/Moscow)',
          ].join('\n'),
        },
      },
    ]);
    // the bus delivers at least once: the second delivery sends nothing
    expect(await alertTelegram(event, deps())).toBe('already-sent');
    expect(bot.requests).toHaveLength(1);
    expect(JSON.stringify(log.entries)).not.toContain(TOKEN);
  });

  it('ignores everything but new blocking tickets, escalations and breaches', async () => {
    expect(await alertTelegram(busEvent('ticket.created', { priority: 'error' }), deps())).toBe('ignored');
    expect(await alertTelegram(busEvent('ticket.created', { priority: 'partial' }), deps())).toBe('ignored');
    expect(await alertTelegram(busEvent('ticket.status_changed', { priority: 'blocking' }), deps())).toBe('ignored');
    expect(await alertTelegram(busEvent('sla.warning', { priority: 'blocking' }), deps())).toBe('ignored');
    expect(bot.requests).toEqual([]);
  });

  it('says nothing without a telegram section in the config', async () => {
    const { telegram: _none, ...config } = telegramConfig;
    expect(await alertTelegram(busEvent('sla.breached', { priority: 'error' }), deps(config as MaildeskConfig))).toBe('not-configured');
    expect(bot.requests).toEqual([]);
  });

  it('sends one message for a new blocking ticket, which raises ticket.created and sla.escalated together', async () => {
    const at = '2026-11-23T06:00:00.000Z';
    const created = busEvent('ticket.created', { ticketKey: 'MG-7', priority: 'blocking', status: 'open', at, dueAt: '2026-11-23T11:00:00.000Z' });
    const escalated = busEvent('sla.escalated', { ticketKey: 'MG-7', priority: 'blocking', status: 'open', at, dueAt: '2026-11-23T11:00:00.000Z' });
    expect(await alertTelegram(created, deps())).toBe('sent');
    expect(await alertTelegram(escalated, deps())).toBe('already-sent');
    expect(bot.requests.map((r) => r.body.text)).toEqual([
      ['🔴 Новая блокирующая заявка MG-7 (ticket.created)', 'Клиент: Северная клиника (clinic-north)', 'Приоритет: Блокировка (blocking)', 'Статус: Открыто (open)', 'Крайний срок: 23.11.2026 14:00 (Europe/Moscow)'].join('\n'),
    ]);
    // a later escalation of a partial ticket is its own message
    expect(await alertTelegram(busEvent('sla.escalated', { ticketKey: 'MG-8', tenant: 'clinic-south', priority: 'partial', status: 'open' }), deps())).toBe('sent');
    expect(bot.requests[1]!.body.text.split('\n').slice(0, 3)).toEqual(['🔴 Критическая заявка MG-8 (sla.escalated)', 'Клиент: Южная клиника (clinic-south)', 'Приоритет: Частичная блокировка (partial)']);
  });

  it.each([
    [429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } }, 3],
    [500, { ok: false, error_code: 500, description: 'Internal Server Error' }, null],
    [400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }, null],
  ])('rethrows a %i answer for the retry, and the retry sends', async (status, body, retryAfter) => {
    const event = busEvent('sla.breached', { priority: 'blocking' });
    bot.replies.push({ status, body });
    const error = await alertTelegram(event, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramError);
    expect(error).toMatchObject({ status, retryAfter, message: `Telegram sendMessage failed: HTTP ${status} ${body.description}` });
    expect((error as Error).message).not.toContain(TOKEN);
    expect(log.entries.find((e) => e.message === 'telegram alert failed: will retry')?.fields).toMatchObject({ eventId: event.id, status, error: 'TelegramError' });
    // the claim was released: the retry (EventBridge's, or the local bus's) sends it
    expect(await alertTelegram(event, deps())).toBe('sent');
    expect(bot.requests).toHaveLength(2);
  });

  it('rethrows when the Bot API cannot be reached', async () => {
    const event = busEvent('sla.breached', { priority: 'error' });
    await expect(alertTelegram(event, { ...deps(), apiBase: 'http://127.0.0.1:1' })).rejects.toThrow();
    expect(await alertTelegram(event, deps())).toBe('sent');
  });

  it('reads the EventBridge event the Lambda receives', () => {
    const event = { version: '0', id: 'eb-1', source: 'maildesk', 'detail-type': 'sla.breached', detail: { id: 'MG-1:breach:x', ticketKey: 'MG-1', tenant: 'clinic-north', priority: 'error' } };
    expect(busEventFromEventBridge(event)).toEqual({ type: 'sla.breached', id: 'MG-1:breach:x', detail: event.detail });
    expect(() => busEventFromEventBridge({ 'detail-type': 'sla.breached', detail: {} })).toThrow('bus event without detail.id');
  });
});

describe('the local stack calls it after delivering the events', () => {
  it('alerts a new blocking mail once, and its breach found by the sweep; never a body, subject or field value', async () => {
    const h = await startHarness({ config: telegramConfig, telegram: { token: TOKEN, apiBase: bot.base } });
    try {
      await h.send({
        from: 'anna@clinic-north.example',
        to: 'clinic-north@support.example',
        subject: 'Не открывается расписание - Терапия',
        text: 'Номер амбулаторной карты: 555777\nЛогин в системе: petrova_k\nПриоритет: блокировка',
      });
      await h.send({ from: 'anna@clinic-north.example', to: 'clinic-north@support.example', subject: 'Вопрос', text: 'Приоритет: ошибка работы' });
      await h.newMail();
      expect(bot.requests).toHaveLength(1);
      const text = bot.requests[0]!.body.text;
      expect(text).toMatch(/^🔴 (Новая блокирующая заявка MG-1 \(ticket\.created\)|Критическая заявка MG-1 \(sla\.escalated\))\n/);
      expect(text).toContain('Приоритет: Блокировка (blocking)');

      // five hours later the sweep breaches MG-1: a second message
      await sweepDeadlines(new Date(Date.now() + 6 * 3_600_000), h.stack.sweepDeps);
      await h.newMail();
      expect(bot.requests).toHaveLength(2);
      expect(bot.requests[1]!.body.text.split('\n')[0]).toBe('⏰ Срок нарушен: MG-1 (sla.breached)');
      for (const r of bot.requests) {
        for (const secret of ['Не открывается', 'Терапия', '555777', 'petrova_k', 'anna@']) expect(r.body.text).not.toContain(secret);
      }
      expect(h.log.entries.filter((e) => e.message === 'telegram alert sent')).toHaveLength(2);
    } finally {
      await h.close();
    }
  });
});
