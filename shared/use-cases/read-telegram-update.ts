/**
 * Reading a Telegram webhook update: the subset of Telegram's Update the bridge uses, checked with zod
 * at the edge (Telegram adds fields freely, so unknown ones pass). Only a person's text message in a
 * group is read; everything else (edits, joins, photos without caption, bots) is acknowledged and ignored.
 */
import { z } from 'zod';
import { readCommands } from '../mail/inbound/commands';
import type { GroupMessage } from '../domain/decide-group-message';

const userSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

const updateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: z
    .object({
      message_id: z.number().int(),
      date: z.number().int(),
      chat: z.object({ id: z.number().int(), type: z.string() }),
      from: userSchema.optional(),
      text: z.string().optional(),
      caption: z.string().optional(),
      reply_to_message: z.object({ message_id: z.number().int() }).optional(),
    })
    .optional(),
});

export type UpdateReading =
  | { kind: 'message'; message: GroupMessage; replyTo: number | null; ticketKey: string | null }
  | { kind: 'ignored'; updateId: number | null; reason: string };

const MAX_TEXT = 4096;

/** The first ticket key the text names (`MG-42`), upper-cased; null when it names none. */
export function ticketKeyIn(text: string, prefix: string): string | null {
  const m = new RegExp(`(?<![\\p{L}\\p{N}_-])(${prefix})-(\\d{1,9})(?![\\p{L}\\p{N}_])`, 'iu').exec(text);
  return m ? `${prefix}-${Number(m[2])}` : null;
}

export function readTelegramUpdate(body: string, prefix: string): UpdateReading {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'ignored', updateId: null, reason: 'not-json' };
  }
  const parsed = updateSchema.safeParse(json);
  if (!parsed.success) return { kind: 'ignored', updateId: null, reason: 'not-an-update' };
  const { update_id: updateId, message } = parsed.data;
  const ignored = (reason: string): UpdateReading => ({ kind: 'ignored', updateId, reason });
  if (!message) return ignored('no-message');
  if (message.chat.type !== 'group' && message.chat.type !== 'supergroup') return ignored('not-a-group');
  const text = (message.text ?? message.caption ?? '').slice(0, MAX_TEXT);
  if (!text.trim()) return ignored('no-text');
  const from = message.from;
  if (!from) return ignored('no-author');
  if (from.is_bot) return ignored('from-bot');
  const fullName = [from.first_name, from.last_name].filter(Boolean).join(' ');
  return {
    kind: 'message',
    message: {
      updateId,
      chatId: message.chat.id,
      messageId: message.message_id,
      text,
      commands: readCommands(text, prefix),
      telegramUserId: from.id,
      authorName: from.username ? `@${from.username}` : fullName,
    },
    replyTo: message.reply_to_message?.message_id ?? null,
    ticketKey: ticketKeyIn(text, prefix),
  };
}
