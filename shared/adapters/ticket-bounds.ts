/**
 * How big a stored ticket may get. A DynamoDB item holds at most 400 KB and a ticket's history is
 * unbounded (mails with hundreds of attachments, colleagues joining, wait cycle after wait cycle),
 * so the ticket item is kept under TICKET_ITEM_BOUND whatever it is handed:
 * - every string has its own cap (the raw mail stays in the bucket, whole);
 * - participants (cc) and links are capped: the first ones are kept;
 * - the lists that must stay whole (attachments, pauses: the SLA clock needs every pause) keep a
 *   small prefix in the ticket item and the rest in page items beside it (table-layout.ts), each
 *   page named in the ticket item by a hash of its content, so a reader can tell a page written
 *   by the same transaction as the ticket item it read from a stale or torn one.
 * Pure: both stores (DynamoDB and the bench's in-memory one) apply the same caps.
 */
import { createHash } from 'node:crypto';
import type { TicketEvent } from '../domain/events';
import type { Ticket } from '../domain/ticket';

/** The bound the ticket item stays under (DynamoDB's own limit is 400 KB). */
export const TICKET_ITEM_BOUND = 64 * 1024;
/** Participants (Cc) a ticket keeps: the first ones, within PARTICIPANT_BYTES; later colleagues are not added. */
export const MAX_PARTICIPANTS = 50;
const PARTICIPANT_BYTES = 12 * 1024;
/** RFC 5321: a longer address cannot be delivered to, so it is not kept. */
const MAX_ADDRESS_CHARS = 254;
const MAX_LINKS = 50;
const MAX_LINK_CHARS = 32;
/** Attachments listed on a ticket (the first ones); later ones stay in the bucket and in their mail's event. */
export const MAX_ATTACHMENTS_LISTED = 1000;
/** Bytes of each paged list kept in the ticket item itself: most tickets never need a page. */
const INLINE_LIST_BYTES = 4 * 1024;
/** Bytes of entries per page item. */
const PAGE_BYTES = 48 * 1024;

export const CUT_MARK = ' [...]';
const cut = (value: string, max: number) => (value.length > max ? value.slice(0, max) + CUT_MARK : value);

/** Characters kept per ticket string; every other string of the ticket: DEFAULT_CHARS. */
const TICKET_CHARS: Record<string, number> = {
  summary: 500,
  requester: 320,
  requesterName: 256,
  department: 256,
  rootMessageId: 998,
  lastMessageId: 998,
};
const FIELD_CHARS = 256;
/** An attachment entry is at most ~2 KB (the parser keeps 120-character names; keys are ~170 characters). */
const ATTACHMENT_CHARS: Record<string, number> = { filename: 255, contentType: 100, key: 300 };
/** A pause is two instants (24 characters each): ~60 bytes, 800 to a page. */
const PAUSE_CHARS = 32;
const DEFAULT_CHARS = 256;

/** Strings of a flat record cut at their caps; anything nested goes through the generic `fit`. */
function fitRecord<T extends object>(record: T, caps: Record<string, number> = {}): T {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, typeof v === 'string' ? cut(v, caps[k] ?? DEFAULT_CHARS) : fit(v, k)]),
  ) as T;
}

/** The first participants that fit the caps; an address too long to be one is skipped. */
function participants(cc: readonly string[]): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (const address of cc) {
    if (address.length > MAX_ADDRESS_CHARS || kept.includes(address)) continue;
    const size = Buffer.byteLength(address, 'utf8');
    if (kept.length >= MAX_PARTICIPANTS || bytes + size > PARTICIPANT_BYTES) break;
    kept.push(address);
    bytes += size;
  }
  return kept;
}

/** The ticket as the store keeps it: every cap applied. What a reader gets back from either store. */
export function boundTicket(ticket: Ticket): Ticket {
  return {
    ...fitRecord(ticket, TICKET_CHARS),
    cc: participants(ticket.cc),
    fields: fitRecord(ticket.fields, Object.fromEntries(Object.keys(ticket.fields).map((k) => [k, FIELD_CHARS]))),
    deadlines: fitRecord(ticket.deadlines),
    nextDue: ticket.nextDue && fitRecord(ticket.nextDue),
    linkedTo: ticket.linkedTo.slice(0, MAX_LINKS).map((k) => cut(k, MAX_LINK_CHARS)),
    pauses: ticket.pauses.map((p) => fitRecord(p, { from: PAUSE_CHARS, to: PAUSE_CHARS })),
    attachments: ticket.attachments.slice(0, MAX_ATTACHMENTS_LISTED).map((a) => fitRecord(a, ATTACHMENT_CHARS)),
  };
}

export const pagedLists = ['attachments', 'pauses'] as const;
export type PagedList = (typeof pagedLists)[number];
/** Per paged list, the hash of each of its pages in order; absent when the list fits the ticket item. */
export type PageManifest = Partial<Record<PagedList, string[]>>;
export interface TicketPage {
  list: PagedList;
  index: number;
  hash: string;
  entries: unknown[];
}

const entryBytes = (entry: unknown) => Buffer.byteLength(JSON.stringify(entry), 'utf8');
/** JSON with object keys sorted: DynamoDB gives a map's attributes back in any order. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value ?? null);
export const pageHash = (entries: readonly unknown[]) =>
  createHash('sha256').update(canonical(entries)).digest('base64url').slice(0, 16);

/**
 * Splits a (bounded) ticket into what its item holds and its pages: each paged list keeps the
 * prefix within INLINE_LIST_BYTES, the rest is packed in order into pages of PAGE_BYTES. The
 * packing depends only on the list, so an appended list changes only its last pages.
 */
export function splitTicket(ticket: Ticket): { inline: Ticket; pages: TicketPage[]; manifest: PageManifest } {
  const inline: Ticket = { ...ticket };
  const pages: TicketPage[] = [];
  const manifest: PageManifest = {};
  for (const list of pagedLists) {
    const entries: readonly unknown[] = ticket[list];
    let at = 0;
    for (let bytes = 0; at < entries.length && bytes + entryBytes(entries[at]) <= INLINE_LIST_BYTES; at++)
      bytes += entryBytes(entries[at]);
    if (at === entries.length) continue;
    (inline[list] as unknown[]) = entries.slice(0, at);
    const hashes: string[] = [];
    while (at < entries.length) {
      const start = at;
      for (let bytes = 0; at < entries.length && (at === start || bytes + entryBytes(entries[at]) <= PAGE_BYTES); at++)
        bytes += entryBytes(entries[at]);
      const page = entries.slice(start, at);
      const hash = pageHash(page);
      pages.push({ list, index: hashes.length, hash, entries: page });
      hashes.push(hash);
    }
    manifest[list] = hashes;
  }
  return { inline, pages, manifest };
}

/**
 * The ticket with its pages put back, or null when a page is missing or is not the one the manifest names (a torn
 * read).
 */
export function joinTicket(inline: Ticket, manifest: PageManifest, pages: readonly TicketPage[]): Ticket | null {
  const ticket: Ticket = { ...inline };
  for (const list of pagedLists) {
    const hashes = manifest[list];
    if (!hashes) continue;
    const entries: unknown[] = [...ticket[list]];
    for (const [index, hash] of hashes.entries()) {
      const page = pages.find((p) => p.list === list && p.index === index);
      // The content's own hash, not the one written beside it: any other page is caught.
      if (!page || pageHash(page.entries) !== hash) return null;
      entries.push(...page.entries);
    }
    (ticket[list] as unknown[]) = entries;
  }
  return ticket;
}

/**
 * Events: what people wrote (`text`, `reason`) is cut at 64 K characters and 128 KB, any other
 * string at 2 K characters, any list at 500 entries, the attachment keys at 64 KB in all: an
 * event item stays under 400 KB whatever the mail was. The raw mail stays in the bucket, whole.
 */
const MAX_TEXT_CHARS = 65_536;
const MAX_TEXT_BYTES = 128 * 1024;
const MAX_STRING_CHARS = 2_048;
const MAX_LIST_ENTRIES = 500;
const MAX_ATTACHMENT_KEY_BYTES = 64 * 1024;
const LONG_TEXT_FIELDS = new Set(['text', 'reason']);

function cutText(value: string): string {
  let kept = value.length > MAX_TEXT_CHARS ? value.slice(0, MAX_TEXT_CHARS) : value;
  if (Buffer.byteLength(kept, 'utf8') > MAX_TEXT_BYTES) {
    kept = Buffer.from(kept, 'utf8')
      .subarray(0, MAX_TEXT_BYTES)
      .toString('utf8')
      .replace(/\uFFFD$/, '');
  }
  return kept.length < value.length ? kept + CUT_MARK : value;
}

function withinBytes(list: readonly string[], max: number): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (const entry of list) {
    bytes += Buffer.byteLength(entry, 'utf8');
    if (bytes > max) break;
    kept.push(entry);
  }
  return kept;
}

export function fit<T>(value: T, field = ''): T {
  if (typeof value === 'string')
    return (LONG_TEXT_FIELDS.has(field) ? cutText(value) : cut(value, MAX_STRING_CHARS)) as T;
  if (Array.isArray(value)) {
    const entries = value.slice(0, MAX_LIST_ENTRIES).map((v) => fit(v, field));
    return (field === 'attachmentKeys' ? withinBytes(entries as string[], MAX_ATTACHMENT_KEY_BYTES) : entries) as T;
  }
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fit(v, k)])) as T;
  return value;
}

export const boundEvent = (event: TicketEvent): TicketEvent => fit(event);
