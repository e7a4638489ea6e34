/**
 * The Telegram Bot API over HTTPS (fetch): sendMessage for the clinics' groups, setWebhook for the
 * CLI. The token is read when a call is made (SSM in AWS, MAILDESK_TELEGRAM_TOKEN locally) and never
 * logged or put in an error message.
 */
import { DEFAULT_TELEGRAM_API, TelegramError } from '../use-cases/alert-telegram';
import type { ClinicGroupChat } from '../use-cases/clinic-group-ports';

export interface BotApiOptions {
  token: () => Promise<string>;
  /** no trailing slash; tests point it at a local stand-in */
  apiBase?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface BotAnswer {
  ok?: boolean;
  description?: string;
  result?: unknown;
  parameters?: { retry_after?: number };
}

export class TelegramBotApi implements ClinicGroupChat {
  constructor(private readonly options: BotApiOptions) {}

  /** Calls one Bot API method; a non-2xx answer or `ok: false` is a TelegramError (429 with retry_after). */
  async call(method: string, body: Record<string, unknown>): Promise<unknown> {
    const { options } = this;
    const token = await options.token();
    const response = await (options.fetch ?? fetch)(
      `${options.apiBase ?? DEFAULT_TELEGRAM_API}/bot${token}/${method}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      },
    );
    let answer: BotAnswer = {};
    try {
      answer = (await response.json()) as BotAnswer;
    } catch {
      // not JSON: judged by the status alone
    }
    if (!response.ok || answer.ok !== true) {
      const said = answer.description ? ` ${answer.description}` : '';
      throw new TelegramError(
        `Telegram ${method} failed: HTTP ${response.status}${said}`,
        response.status,
        answer.parameters?.retry_after ?? null,
      );
    }
    return answer.result;
  }

  async send(chatId: number, text: string, replyTo?: number): Promise<number> {
    const result = (await this.call('sendMessage', {
      chat_id: chatId,
      text,
      disable_web_page_preview: true,
      ...(replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
    })) as { message_id?: unknown } | undefined;
    const id = result?.message_id;
    if (typeof id !== 'number') throw new TelegramError('Telegram sendMessage answered without message_id', 200, null);
    return id;
  }

  /** Registers the webhook: Telegram then sends each update with the secret in X-Telegram-Bot-Api-Secret-Token. */
  async setWebhook(url: string, secretToken: string): Promise<void> {
    await this.call('setWebhook', {
      url,
      secret_token: secretToken,
      allowed_updates: ['message'],
      drop_pending_updates: false,
    });
  }
}
