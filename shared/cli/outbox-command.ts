/**
 * `maildesk outbox [--last N] [--ticket MG-1] [--dir DIR] [--json] [--config FILE]`: the local
 * stack's sent mail, decoded (headers that matter, the text, attachments by name and size), oldest
 * first so the newest is at the bottom of the terminal; nobody has to read base64.
 * 1 check the flags (zod); the folder is MAILDESK_DATA/outbox unless --dir
 * 2 read every .eml in name order (names start with the time of sending), parse each
 * 3 keep the ticket's mails (subject tag or X-Maildesk-Ticket), then the last N
 * 4 print them: text blocks, or one JSON array
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { readLocalEnv } from '../../infra/local/local-env';
import { loadConfig, resolveConfigPath } from '../config';
import { parseMail } from '../mail/inbound/parse-mail';
import type { MailAddress, ParsedMail } from '../mail/inbound/types';
import { commandFlags, UsageError, type CliIo } from './io';
import { terminalJson, terminalLine, terminalText } from './terminal-text';
import { zonedText } from './zone-time';

export const OUTBOX_USAGE = 'usage: maildesk outbox [--last N] [--ticket MG-1] [--dir DIR] [--json] [--config FILE]';

const outboxFlags = z.object({
  last: z.coerce.number().int('expected a whole number').positive('expected a number above 0').optional(),
  ticket: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{1,8}-\d+$/, 'expected a ticket key like MG-1')
    .optional(),
  dir: z.string().min(1).optional(),
  json: z.boolean().optional(),
  config: z.string().min(1).optional(),
});

export interface OutboxMail {
  file: string;
  date: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  subject: string;
  messageId: string | null;
  inReplyTo: string | null;
  /** X-Maildesk-Event and X-Maildesk-Ticket: which event of which ticket caused the mail */
  event: string | null;
  ticket: string | null;
  text: string;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
}

const shown = (a: MailAddress) => (a.name ? `${a.name} <${a.address}>` : a.address);

export function outboxMail(file: string, mail: ParsedMail): OutboxMail {
  return {
    file,
    date: mail.date,
    from: mail.from ? shown(mail.from) : null,
    to: mail.to.map(shown),
    cc: mail.cc.map(shown),
    subject: mail.subject,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo[0] ?? null,
    event: mail.headers['x-maildesk-event'] ?? null,
    ticket: mail.headers['x-maildesk-ticket'] ?? null,
    text: mail.text,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
  };
}

/** Is this mail about the ticket: its header says so, or its subject carries the tag `[MG-1]` (not `[MG-12]`). */
export function isAboutTicket(mail: OutboxMail, key: string): boolean {
  if (mail.ticket?.toUpperCase() === key) return true;
  const tag = new RegExp(`\\[${key}\\]|\\b${key}(?!\\d)`, 'i');
  return tag.test(mail.subject);
}

/** `<3f9c0e1b2a4d…@support.example>`: long random ids cut to their first 12 characters. */
export function shortId(id: string | null): string {
  if (!id) return '—';
  const at = id.lastIndexOf('@');
  const local = at > 0 ? id.slice(0, at) : id;
  const domain = at > 0 ? id.slice(at) : '';
  return `<${local.length > 13 ? `${local.slice(0, 12)}…` : local}${domain}>`;
}

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

/** One mail as a block of text for the terminal (every mail-borne string made terminal-safe). */
export function renderOutboxMail(mail: OutboxMail, timeZone: string): string {
  const line = (name: string, value: string) => `${`${name}:`.padEnd(12)} ${terminalLine(value)}`;
  const date = mail.date && !Number.isNaN(Date.parse(mail.date)) ? zonedText(new Date(mail.date), timeZone) : '—';
  const lines = [
    `=== ${terminalLine(mail.file)}`,
    line('Date', date),
    line('From', mail.from ?? '—'),
    line('To', mail.to.join(', ') || '—'),
  ];
  if (mail.cc.length) lines.push(line('Cc', mail.cc.join(', ')));
  lines.push(line('Subject', mail.subject));
  lines.push(line('Message-ID', `${shortId(mail.messageId)}  In-Reply-To: ${shortId(mail.inReplyTo)}`));
  if (mail.event) lines.push(line('Event', `${mail.event}${mail.ticket ? ` (${mail.ticket})` : ''}`));
  if (mail.attachments.length)
    lines.push(line('Attachments', mail.attachments.map((a) => `${a.filename} (${size(a.size)})`).join(', ')));
  lines.push('', terminalText(mail.text.replace(/\s+$/, '')), '');
  return lines.join('\n');
}

export async function runOutboxCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  // 1
  const flags = commandFlags(
    argv,
    {
      last: { type: 'string' },
      ticket: { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
    },
    outboxFlags,
  );
  const config = loadConfig(resolveConfigPath(flags.config, env));
  const dir = flags.dir ?? outboxDir(env);

  // 2
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError(`no outbox at ${dir}: nothing sent yet (npm start writes it), or --dir`);
    throw new UsageError(`cannot read ${dir}: ${code ?? (error as Error).message}`);
  }
  const mails = await Promise.all(
    names.map(async (name) => outboxMail(join(dir, name), await parseMail(await readFile(join(dir, name))))),
  );

  // 3
  const ticket = flags.ticket;
  const chosen = ticket ? mails.filter((m) => isAboutTicket(m, ticket)) : mails;
  const last = flags.last === undefined ? chosen : chosen.slice(-flags.last);

  // 4
  if (flags.json) {
    io.stdout(terminalJson(last, 2));
    return 0;
  }
  if (last.length === 0) {
    io.stderr(`no mail in ${dir}${ticket ? ` about ${ticket}` : ''}`);
    return 0;
  }
  io.stdout(last.map((m) => renderOutboxMail(m, config.timezone)).join('\n'));
  return 0;
}

function outboxDir(env: NodeJS.ProcessEnv): string {
  try {
    // as infra/local/stack.ts lays the data dir out (not imported: it loads the SMTP server and the SDK)
    return join(resolve(readLocalEnv(env).MAILDESK_DATA), 'outbox');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
