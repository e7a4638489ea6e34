/** The Telegram side of the clinics' groups, as the bridge's use cases need it (TelegramBotApi implements it). */

export interface ClinicGroupChat {
  /** Posts a text to a group (optionally as a reply to one of its messages); Telegram's message_id. */
  send(chatId: number, text: string, replyTo?: number): Promise<number>;
}

/**
 * The lookup a bot post is remembered under, beside the mail Message-IDs (findByMessageIds): a reply to
 * the post finds its ticket the way a mail reply does.
 */
export const groupPostRef = (chatId: number, messageId: number) => `telegram:${chatId}:${messageId}`;

/**
 * SSM parameters of the bridge in AWS (SecureStrings made by hand): the bot token's default name, the webhook's secret.
 */
export const DEFAULT_BOT_TOKEN_PARAMETER = '/maildesk/telegram-bot-token';
export const WEBHOOK_SECRET_PARAMETER = '/maildesk/telegram-webhook-secret';
