/**
 * The answer a mail client writes to a mail (RFC 5322 3.6.4 and what Gmail, Thunderbird and
 * Yandex do): To the Reply-To or else the From; `Re: ` once; In-Reply-To the mail's Message-ID;
 * References its References plus that id; the new text, an attribution line, the original quoted
 * with `> `. Pure: `maildesk reply` sends it. The attribution is one the desk's quote reader
 * recognises, so only the new text reaches the ticket, as with a real client.
 */
import type { ParsedMail } from '../mail/inbound/types';
import { wallTime } from './zone-time';

export type ReplyLanguage = 'ru' | 'en';

export interface ReplyInput {
  /** the answering address */
  from: string;
  text: string;
  cc?: readonly string[];
  /** Message-ID of the reply, without angle brackets */
  messageId: string;
  /** the zone the attribution's date is written in (the desk's) */
  timeZone: string;
  language: ReplyLanguage;
}

export interface ReplyMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
}

/** Any run of leading reply prefixes: "Re:", "RE:", "Re[2]:", "Ответ:", "AW:", "SV:". */
const REPLY_PREFIXES = /^(?:\s*(?:re|aw|sv|ответ)(?:\[\d+\])?\s*:)+\s*/i;

export function replySubject(subject: string): string {
  return `Re: ${subject.replace(REPLY_PREFIXES, '').trim()}`;
}

/** Every line of the original behind `> ` (`>` before a line already quoted or empty), as clients do. */
export function quoteText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n');
  return lines.map((line) => (line === '' || line.startsWith('>') ? `>${line}` : `> ${line}`)).join('\n');
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "16.11.2026, 10:00, Анна <anna@…> написал(а):" / "On 16 Nov 2026 at 10:00, Anna <anna@…> wrote:". */
export function attribution(
  original: Pick<ParsedMail, 'date' | 'from'>,
  timeZone: string,
  language: ReplyLanguage,
): string {
  const who = original.from
    ? original.from.name
      ? `${original.from.name} <${original.from.address}>`
      : original.from.address
    : language === 'ru'
      ? 'Отправитель'
      : 'The sender';
  if (!original.date || Number.isNaN(Date.parse(original.date)))
    return language === 'ru' ? `${who} написал(а):` : `${who} wrote:`;
  const w = wallTime(new Date(original.date), timeZone);
  if (language === 'ru') return `${w.day}.${w.month}.${w.year}, ${w.hour}:${w.minute}, ${who} написал(а):`;
  return `On ${Number(w.day)} ${months[Number(w.month) - 1]} ${w.year} at ${w.hour}:${w.minute}, ${who} wrote:`;
}

/** The answer to `original`; null when the mail names nobody to answer (no Reply-To, no From). */
export function buildReply(original: ParsedMail, input: ReplyInput): ReplyMail | null {
  const to =
    original.replyTo.length > 0 ? original.replyTo.map((a) => a.address) : original.from ? [original.from.address] : [];
  if (to.length === 0) return null;
  const references = original.messageId
    ? [...new Set([...original.references, original.messageId])]
    : [...original.references];
  const quoted =
    original.text.trim() === ''
      ? ''
      : `\n\n${attribution(original, input.timeZone, input.language)}\n${quoteText(original.text)}`;
  return {
    from: input.from,
    to,
    cc: [...(input.cc ?? [])],
    subject: replySubject(original.subject),
    text: `${input.text.replace(/\r\n?/g, '\n').replace(/\s+$/, '')}${quoted}\n`,
    messageId: input.messageId,
    inReplyTo: original.messageId,
    references,
  };
}
