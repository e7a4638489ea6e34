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
