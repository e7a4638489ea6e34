/**
 * The Telegram Bot API, played on 127.0.0.1: records every method call (path, JSON body) and answers
 * as Telegram does: sendMessage with a new message_id per chat, setWebhook with true; or what a
 * test queues (429, 500...).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BotCall {
  method: string;
  token: string;
  body: Record<string, unknown>;
}

export class BotApiStandin {
  readonly calls: BotCall[] = [];
  readonly replies: Array<{ status: number; body: unknown }> = [];
  private server!: Server;
  private nextMessageId = 1000;
  base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const [, bot, method] = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '') ?? [];
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        this.calls.push({ method: method ?? '?', token: bot ?? '', body });
        const result =
          method === 'sendMessage'
            ? { message_id: ++this.nextMessageId, chat: { id: body.chat_id }, date: 0, text: body.text }
            : true;
        const reply = this.replies.shift() ?? { status: 200, body: { ok: true, result } };
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** sendMessage calls to one chat, oldest first */
  messages(chatId: number): Array<{ text: string; messageId: number; replyTo: number | null }> {
    let id = 1000;
    const out: Array<{ text: string; messageId: number; replyTo: number | null }> = [];
    for (const call of this.calls) {
      if (call.method !== 'sendMessage') continue;
      id++;
      if (call.body.chat_id !== chatId) continue;
      const reply = call.body.reply_parameters as { message_id?: number } | undefined;
      out.push({ text: String(call.body.text), messageId: id, replyTo: reply?.message_id ?? null });
    }
    return out;
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}
