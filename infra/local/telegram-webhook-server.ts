/**
 * The local stand-in for the telegram-webhook Lambda's function URL: HTTP on 127.0.0.1 at
 * POST /telegram/webhook, each request handed to receiveTelegramUpdate as the Lambda hands it.
 * Telegram itself cannot reach 127.0.0.1: tests and a tunnel post updates here.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Desk } from '../../shared/composition';
import type { Logger } from '../../shared/log';
import type { BusSubscriber } from '../../shared/adapters/subscribed-event-bus';
import { postToClinicGroup } from '../../shared/use-cases/post-to-clinic-group';
import { receiveTelegramUpdate, type TelegramUpdateDeps } from '../../shared/use-cases/receive-telegram-update';

export const WEBHOOK_PATH = '/telegram/webhook';
/** Telegram's updates are small; anything larger is not one. */
const MAX_BODY = 1024 * 1024;

export interface TelegramWebhookServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => done(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

export async function startTelegramWebhookServer(
  port: number,
  deps: TelegramUpdateDeps,
  log: Logger,
): Promise<TelegramWebhookServer> {
  const server: Server = createServer((req, res) => {
    const answer = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.url !== WEBHOOK_PATH) return answer(404, 'not found');
    if (req.method !== 'POST') return answer(405, 'POST only');
    const header = req.headers['x-telegram-bot-api-secret-token'];
    readBody(req)
      .then(async (body) => {
        if (body === null) return answer(413, 'too large');
        const secretToken = Array.isArray(header) ? header[0] : header;
        const result = await receiveTelegramUpdate({ secretToken, body }, deps);
        answer(result.status, result.status === 401 ? 'unauthorized' : 'ok');
      })
      .catch((error: Error) => {
        // A storage fault: Telegram delivers the update again, the marker keeps it once-only.
        log.error('telegram webhook failed', { error: error.name });
        answer(500, 'error');
      });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    const why = 'set MAILDESK_HTTP_PORT to a free port (or stop the program holding it)';
    throw new Error(`HTTP port ${port} on 127.0.0.1 is in use: ${why}`, { cause: error });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}${WEBHOOK_PATH}`,
    port: bound,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export const DEFAULT_HTTP_PORT = 8025;

/**
 * The clinics' groups bridge of the local stack (on when a bot token is set and a clinic has a group):
 * the bus subscriber that posts blocking tickets to the groups, as the Lambda's EventBridge rule does,
 * and the webhook. Without a webhook secret it refuses to start: every update would be refused.
 */
export async function telegramBridge(
  options: { telegram?: { webhookSecret?: string; httpPort?: number } },
  desk: Desk,
  log: Logger,
): Promise<{ subscriber: BusSubscriber; listen: () => Promise<TelegramWebhookServer> }> {
  const secret = options.telegram?.webhookSecret ?? process.env.MAILDESK_TELEGRAM_WEBHOOK_SECRET;
  if (!secret) {
    const why = 'a clinic has a Telegram group and MAILDESK_TELEGRAM_TOKEN is set';
    throw new Error(`${why}: set MAILDESK_TELEGRAM_WEBHOOK_SECRET (the secret token given to setWebhook)`);
  }
  const port = options.telegram?.httpPort ?? Number(process.env.MAILDESK_HTTP_PORT || DEFAULT_HTTP_PORT);
  return {
    subscriber: { name: 'clinic-group', handle: (event) => postToClinicGroup(event, desk.groupPostDeps) },
    listen: () => startTelegramWebhookServer(port, desk.telegramUpdateDeps, log),
  };
}
