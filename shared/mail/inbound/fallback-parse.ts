/** What a mail gives when the MIME parser gave up: headers split by hand, or nothing at all. */
import { htmlToText } from './html-to-text';
import { bareAddresses, firstId, idList, isoDate, normaliseNewlines, oneLine } from './header-values';
import { SCAN_LIMIT } from './raw-headers';
import type { MailAddress, ParsedMail } from './types';

/** A mail with nothing readable: what parseMail returns rather than throwing. */
export function emptyMail(): ParsedMail {
  return {
    messageId: null,
    inReplyTo: [],
    references: [],
    date: null,
    from: null,
    replyTo: [],
    to: [],
    cc: [],
    deliveredTo: [],
    subject: '',
    text: '',
    html: null,
    headers: {},
    partTypes: [],
    attachments: [],
  };
}

/** Best effort when the MIME parser gave up: headers split by hand, body as UTF-8 text. */
export function fallbackParse(raw: Buffer): ParsedMail {
  const source = raw.subarray(0, SCAN_LIMIT).toString('utf8');
  const split = /\r?\n\r?\n/.exec(source);
  const head = split ? source.slice(0, split.index) : source;
  const body = split ? source.slice(split.index + split[0].length) : '';
  const headers: Record<string, string> = {};
  const delivered: string[] = [];
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    const value = oneLine(m[2]!).slice(0, 16_384);
    if (name === 'delivered-to' || name === 'x-original-to') delivered.push(...bareAddresses(value));
    if (!(name in headers)) headers[name] = value;
  }
  const addresses = (value: string | undefined): MailAddress[] =>
    bareAddresses(value ?? '').map((address) => ({ address, name: null }));
  const contentType = (headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
  const isHtml = contentType === 'text/html';
  return {
    messageId: firstId(headers['message-id'] ?? ''),
    inReplyTo: idList(headers['in-reply-to'] ?? ''),
    references: idList(headers['references'] ?? ''),
    date: isoDate(headers['date']),
    from: addresses(headers['from'])[0] ?? null,
    replyTo: addresses(headers['reply-to']),
    to: addresses(headers['to']),
    cc: addresses(headers['cc']),
    deliveredTo: [...new Set(delivered)],
    subject: headers['subject'] ?? '',
    text: contentType.startsWith('multipart/') ? '' : normaliseNewlines(isHtml ? htmlToText(body) : body),
    html: isHtml ? body : null,
    headers,
    partTypes: [contentType],
    attachments: [],
  };
}
