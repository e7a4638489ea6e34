/**
 * Header text for the direct MIME writer (compose.ts): folding at 78 columns, RFC 2047
 * encoded-words, and the address lists it can write with certainty. Input it is not sure about
 * throws Unsupported, and compose.ts hands the mail to MailComposer instead.
 */
import { keptResults } from '../../kept-results';
import { splitAddressList } from '../address-list';

/** Thrown inside the direct writer for input only MailComposer should write. */
export class Unsupported extends Error {}

export const unsupported = (what: string): never => {
  throw new Unsupported(what);
};

/** RFC 5322 recommends header lines of at most 78 characters (998 is the hard limit). */
export const LINE = 78;

/** Upper bound for one unfoldable piece (a word, an id, an address), far below the 998 hard limit. */
export const MAX_PIECE = 900;

// ---------------------------------------------------------------- header folding

/**
 * `name:` then the tokens, each starting with the whitespace before it; a line is folded
 * before a token (CRLF + that whitespace) when it would pass 78 characters. A token that is
 * only whitespace is never moved to a line of its own (a blank continuation line is invalid).
 */
export function fold(name: string, tokens: string[]): string {
  let out = `${name}:`;
  let line = out.length;
  tokens.forEach((token, i) => {
    if (i > 0 && line + token.length > LINE && /\S/.test(token)) {
      out += '\r\n';
      line = 0;
    }
    out += token;
    line += token.length;
  });
  return out;
}

/** Whitespace run + word; a trailing whitespace run is a token of its own. */
const TEXT_TOKENS = /[ \t]*[^ \t]+|[ \t]+$/g;

/**
 * An unstructured value (Subject, custom headers). Line breaks become spaces, as in
 * MailComposer, so a value cannot start a header of its own. Anything not plain printable
 * ASCII, or holding `=?` (which decoders would read as an encoded-word), is written as
 * encoded-words in full, so it reads back literally.
 */
export function pushText(lines: string[], name: string, raw: string): void {
  const value = raw.replace(/\r?\n|\r/g, ' ');
  if (!value.trim()) return; // MailComposer drops empty headers too
  const words = value.match(TEXT_TOKENS) ?? [];
  const plain = !/[^\t\x20-\x7e]|=\?/.test(value) && words.every((w) => w.length <= MAX_PIECE);
  if (plain)
    lines.push(
      fold(
        name,
        words.map((w, i) => (i === 0 ? ` ${w}` : w)),
      ),
    );
  else lines.push(fold(name, encodedWords(value, LINE - name.length - 2, LINE - 1)));
}

// ---------------------------------------------------------------- RFC 2047 encoded-words

/** `=?UTF-8?B?` + `?=` */
const WORD_OVERHEAD = 12;
/** RFC 2047: an encoded-word is at most 75 characters. */
const MAX_WORD = 75;

/** How many UTF-8 bytes fit in an encoded-word of at most `width` characters (at least one character's worth). */
function bytesFor(width: number): number {
  const base64Chars = Math.floor((Math.min(width, MAX_WORD) - WORD_OVERHEAD) / 4) * 4;
  return Math.max(4, (base64Chars / 4) * 3);
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  // lone surrogates are written as U+FFFD (3 bytes), like every other code unit up to U+FFFF
  return codePoint < 0x10000 ? 3 : 4;
}

/**
 * Tokens ` =?UTF-8?B?...?=`: the text cut at code point boundaries (never inside a UTF-8
 * sequence), the first word sized for `firstWidth` characters, the others for `restWidth`.
 */
function encodedWords(text: string, firstWidth: number, restWidth: number): string[] {
  const words: string[] = [];
  let limit = bytesFor(firstWidth);
  let chunk = '';
  let bytes = 0;
  for (const ch of text) {
    const size = utf8Length(ch.codePointAt(0)!);
    if (bytes + size > limit && chunk) {
      words.push(encodedWord(chunk));
      limit = bytesFor(restWidth);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += size;
  }
  if (chunk) words.push(encodedWord(chunk));
  return words;
}

const encodedWord = (chunk: string) => ` =?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`;

// ---------------------------------------------------------------- addresses

interface Mailbox {
  name: string;
  address: string;
}

/**
 * Local part as a dot-atom, ASCII host name as the domain: what MailComposer writes unchanged (no punycode, no
 * quoting).
 */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const ADDR_SPEC = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*@${LABEL}(?:\\.${LABEL})*$`);
const MAX_ADDRESS = 254;

/** Letters, digits, atext specials and spaces: a phrase that needs no quotes. */
const PLAIN_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;
const PRINTABLE = /^[\x20-\x7e]+$/;
/** Characters an unquoted display name may not hold (they would change how the list is read). */
const PHRASE_SPECIALS = /["<>()[\],;:@\\]/;

/**
 * Address lines already written: the same tenant From and Reply-To, and the same requester and
 * engineers, head mail after mail. Only lines written with certainty are kept ('' for no header).
 */
const addressLine = keptResults<string>(512);

export function pushAddresses(lines: string[], name: string, inputs: readonly string[]): void {
  const line = addressLine(JSON.stringify([name, inputs]), () => {
    const mailboxes = inputs.flatMap(parseAddressList);
    return mailboxes.length === 0 ? '' : fold(name, addressTokens(name, mailboxes));
  });
  if (line) lines.push(line);
}

/** Each mailbox's tokens, the mailboxes separated by `,` (a fold point is the space after it). */
function addressTokens(header: string, mailboxes: Mailbox[]): string[] {
  const tokens: string[] = [];
  mailboxes.forEach((box, i) => {
    if (i > 0) tokens[tokens.length - 1] += ',';
    // first token of the header goes after `Name:`; leave room for the comma after it
    const width = i === 0 ? LINE - header.length - 3 : LINE - 2;
    tokens.push(...nameTokens(box.name, width), box.name ? ` <${box.address}>` : ` ${box.address}`);
  });
  return tokens;
}

/** A display name bare when it is plain atoms, quoted when it is other printable ASCII, encoded-words otherwise. */
function nameTokens(name: string, firstWidth: number): string[] {
  if (!name) return [];
  const literal = !name.includes('=?'); // would be decoded as an encoded-word, even inside quotes
  if (literal && PLAIN_PHRASE.test(name)) return name.split(/(?= )/).map((w, i) => (i === 0 ? ` ${w}` : w));
  if (literal && PRINTABLE.test(name) && name.length <= MAX_PIECE) return [` "${name.replace(/["\\]/g, '\\$&')}"`];
  return encodedWords(name, firstWidth, LINE - 2);
}

/**
 * A mailbox (`name <address>`) for a From line built from data: the name as an RFC 5322 quoted
 * string (`"` and `\` escaped, line breaks and controls made spaces), so any tenant name reads
 * back exactly; the writers above encode it when it is not ASCII.
 */
export function mailbox(name: string, address: string): string {
  const clean = name.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  return clean ? `"${clean.replace(/["\\]/g, '\\$&')}" <${address}>` : address;
}

/**
 * The same mailbox in 7-bit ASCII, on one line: a display name that is not plain ASCII as
 * RFC 2047 encoded-words (what SES v2 requires of FromEmailAddress). Input it cannot read with
 * certainty yields the bare address: SES then takes the name from the raw From header.
 */
export function asciiMailbox(input: string): string {
  let boxes: Mailbox[];
  try {
    boxes = parseAddressList(input);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    const bare = /<([^<>]*)>\s*$/.exec(input)?.[1] ?? input;
    return bare.trim();
  }
  if (boxes.length !== 1) return input.trim();
  const box = boxes[0]!;
  const name = nameTokens(box.name, MAX_WORD).join('').trim();
  return name ? `${name} <${box.address}>` : box.address;
}

/** `a@b`, `Name <a@b>`, `"Name" <a@b>`, and comma lists of those; anything else is Unsupported. */
function parseAddressList(input: string): Mailbox[] {
  if (/[\x00-\x1f\x7f]/.test(input)) unsupported('control character in an address');
  if (!input.trim()) return []; // no header, as MailComposer
  return splitAddressList(input).map(parseMailbox);
}

function parseMailbox(part: string): Mailbox {
  const text = part.trim();
  if (!text.endsWith('>')) return { name: '', address: checkedAddress(text) };
  const open = text.lastIndexOf('<');
  if (open < 0) return unsupported(`address: ${text}`);
  return { name: displayName(text.slice(0, open).trim()), address: checkedAddress(text.slice(open + 1, -1)) };
}

function checkedAddress(address: string): string {
  if (address.length > MAX_ADDRESS || !ADDR_SPEC.test(address)) unsupported(`address: ${address}`);
  return address;
}

/** The name as text: a quoted string unescaped, an unquoted one only without specials. */
function displayName(raw: string): string {
  if (raw.startsWith('"')) {
    const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
    if (!quoted) return unsupported(`display name: ${raw}`);
    return quoted[1]!.replace(/\\(.)/g, '$1').trim();
  }
  if (PHRASE_SPECIALS.test(raw)) unsupported(`display name: ${raw}`);
  return raw;
}
