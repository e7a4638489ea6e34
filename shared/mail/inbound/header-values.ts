/**
 * Header values as the desk keeps them: one-line text, addresses (lower case, answerable ones
 * only), Message-ID lists, dates, the sender. Works on the shapes the MIME parser returns,
 * described here structurally so that parse-mail.ts stays the only importer of the parser.
 */
import type { MailAddress } from './types';

/** One header line as the parser keeps it: the lower-case name and the raw line. */
export interface RawHeaderLine {
  key: string;
  line: string;
}

/** An address as the parser returns it; a group holds more addresses. */
export interface ParsedAddress {
  address?: string;
  name?: string;
  group?: ParsedAddress[];
}

export interface ParsedAddressList {
  value: ParsedAddress[];
}

/**
 * Who sent the mail, as Zammad reads it: the From address; when that is missing or unusable
 * (`"name" <>`, `[??????]`), a valid address of another From header (spam tools send two), else
 * the first Reply-To. Null only when none of them holds an address.
 */
export function senderOf(
  from: ParsedAddressList | undefined,
  headerLines: readonly RawHeaderLine[],
  replyTo: readonly MailAddress[],
): MailAddress | null {
  const first = addressList(from)[0];
  if (first) return first;
  for (const { key, line } of headerLines) {
    if (key.toLowerCase() !== 'from') continue;
    const address = bareAddresses(rawValue(line))[0];
    if (address && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) return { address, name: null };
  }
  return replyTo[0] ?? null;
}

/** Headers whose raw text we read ourselves (ids, dates): the parser reshapes them. */
const RAW_HEADERS = new Set(['message-id', 'in-reply-to', 'references', 'date', 'return-path']);

/**
 * Lower-case name -> first value. The parser's decoded text (RFC 2047 words decoded) where it
 * gives plain text; the raw line value for structured headers (addresses, content types,
 * ids, lists) and for headers the parser splits into arrays.
 */
export function headerMap(
  headerLines: readonly RawHeaderLine[],
  decoded: ReadonlyMap<string, unknown>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of headerLines) {
    const name = key.toLowerCase();
    if (!name || name in out) continue;
    const parsed = decoded.get(name);
    out[name] = typeof parsed === 'string' && !RAW_HEADERS.has(name) ? oneLine(parsed) : rawValue(line);
  }
  return out;
}

export function rawValue(line: string): string {
  const colon = line.indexOf(':');
  return oneLine(colon >= 0 ? line.slice(colon + 1) : '');
}

export function oneLine(s: string): string {
  return s
    .replace(/\r?\n[ \t]*/g, ' ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .trim();
}

export function normaliseNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

export function addressList(value: ParsedAddressList | ParsedAddressList[] | undefined): MailAddress[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const visit = (entries: readonly ParsedAddress[] | undefined): void => {
    for (const entry of entries ?? []) {
      if (entry.group) visit(entry.group);
      const address = (entry.address ?? '').trim().toLowerCase();
      // An address without a local part and a domain cannot be answered: drop it.
      if (!/^[^\s@]+@[^\s@]+$/.test(address)) continue;
      out.push({ address, name: entry.name?.trim() ? oneLine(entry.name) : null });
    }
  };
  for (const object of objects) visit(object?.value);
  return out;
}

/** Message-IDs without angle brackets: `<a@b> (comment) <c@d>` -> ['a@b', 'c@d']. */
export function idList(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  const ids = bracketed.length > 0 ? bracketed : value.split(/[\s,]+/).filter((s) => s.includes('@'));
  return [...new Set(ids.map((id) => id.replace(/^<|>$/g, '').trim()).filter(Boolean))];
}

export function firstId(value: string): string | null {
  return idList(value)[0] ?? (value.replace(/[<>\s]/g, '') || null);
}

/** The parser substitutes "now" for an unreadable Date header; we prefer null. */
export function isoDate(value: string | undefined): string | null {
  if (!value) return null;
  const t = Date.parse(value.slice(0, 200).replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/**
 * Bare addresses in a header value: the words between separators that hold an '@' with
 * something on both sides. Split first: a regex for `word@word` tried from every position
 * rescans a long word from each of its characters (85 s on a 200 KB Delivered-To).
 */
export function bareAddresses(value: string): string[] {
  return value
    .split(/[\s<>,;:"()[\]]+/)
    .filter((word) => {
      const at = word.indexOf('@', 1);
      return at > 0 && at < word.length - 1;
    })
    .map((word) => word.toLowerCase());
}

export function deliveredTo(lines: readonly RawHeaderLine[]): string[] {
  const out: string[] = [];
  for (const { key, line } of lines) {
    const name = key.toLowerCase();
    if (name === 'delivered-to' || name === 'x-original-to') out.push(...bareAddresses(rawValue(line)));
  }
  return [...new Set(out)];
}
