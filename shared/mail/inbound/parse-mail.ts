/**
 * Raw MIME -> ParsedMail. The only module that imports the MIME parser, so swapping it
 * touches one file. Inbound mail is hostile input: this never throws, it returns what it
 * could read (empty strings, nulls, empty lists) instead.
 */
import { simpleParser } from 'mailparser';
import type { ParsedMail as MimeMail } from 'mailparser';
import { bodyText } from './body-text';
import { emptyMail, fallbackParse } from './fallback-parse';
import {
  addressList,
  deliveredTo,
  firstId,
  headerMap,
  idList,
  isoDate,
  normaliseNewlines,
  oneLine,
  senderOf,
} from './header-values';
import { liftFileBodies, restoreFiles } from './lifted-files';
import { cutBeforeBoundary, partTypes, toAttachment } from './mime-parts';
import { utf8Headers, withSecondHeaderBlock } from './raw-headers';
import type { ParsedMail } from './types';

export { htmlToText } from './html-to-text';
export { sanitiseFilename } from './mime-parts';

/** Parser limits: big enough for real clinic mail, small enough that one mail cannot stall a Lambda. */
export const PARSER_OPTIONS = {
  // We render HTML ourselves (keeps Outlook's quoted header blocks and <blockquote> recognisable).
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  // Inlining cid: images as data: URLs would only bloat `html`.
  keepCidLinks: true,
  maxHtmlLengthToParse: 5_000_000,
  maxHeadSize: 1_048_576,
  maxChildNodes: 500,
  checksumAlgo: false,
} as const;

export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const input = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw ?? ''));
  try {
    const prepared = utf8Headers(withSecondHeaderBlock(input));
    const lifted = liftFileBodies(prepared);
    if (lifted) {
      const mime = await simpleParser(lifted.mail, PARSER_OPTIONS);
      const attachments = restoreFiles(mime.attachments, lifted, prepared);
      if (attachments) return fromMime({ ...mime, attachments }, input);
    }
    return fromMime(await simpleParser(prepared, PARSER_OPTIONS), input);
  } catch {
    // More parts than the parser takes: read the first ones (the text comes first) rather
    // than nothing. The parts cut off stay in the raw mail in the bucket.
    for (const keep of PARTS_KEPT) {
      const firstParts = cutBeforeBoundary(input, keep);
      if (!firstParts) break;
      try {
        return fromMime(await simpleParser(utf8Headers(firstParts), PARSER_OPTIONS), input);
      } catch {
        // still too many (nested messages add parts without boundaries): keep fewer
      }
    }
    // Truncated or oversized structure: fall back to what a plain header split can give.
    try {
      return fallbackParse(input);
    } catch {
      return emptyMail();
    }
  }
}

/** How many boundary lines a mail over the parser's part limit keeps, tried in turn. */
const PARTS_KEPT = [PARSER_OPTIONS.maxChildNodes - 10, 100] as const;

function fromMime(mime: MimeMail, raw: Buffer): ParsedMail {
  const headers = headerMap(mime.headerLines, mime.headers);
  const html = typeof mime.html === 'string' ? mime.html : null;
  const plain = typeof mime.text === 'string' ? mime.text : '';
  const text = normaliseNewlines(bodyText(plain, html));
  const replyTo = addressList(mime.replyTo);
  const from = senderOf(mime.from, mime.headerLines, replyTo);
  return {
    messageId: firstId(headers['message-id'] ?? mime.messageId ?? ''),
    inReplyTo: idList(headers['in-reply-to'] ?? ''),
    references: idList(headers['references'] ?? ''),
    date: isoDate(headers['date']),
    from,
    replyTo,
    to: addressList(mime.to),
    cc: addressList(mime.cc),
    deliveredTo: deliveredTo(mime.headerLines),
    subject: oneLine(typeof mime.subject === 'string' ? mime.subject : (headers['subject'] ?? '')),
    text,
    html,
    headers,
    partTypes: partTypes(raw, mime.attachments),
    attachments: mime.attachments.map(toAttachment),
  };
}
