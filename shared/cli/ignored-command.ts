/**
 * `maildesk log` (= `maildesk tickets list --ignored`): the last mails the desk accepted and then
 * ignored, with their reasons, so nobody wonders where a mail went. Times in the desk's zone.
 */
import { z } from 'zod';
import { loadConfig, resolveConfigPath } from '../config';
import { IGNORED_MAIL_DAYS } from '../adapters/ignored-mail';
import type { IgnoredMail } from '../use-cases/ports';
import { commandFlags, type CliIo } from './io';
import { openStore } from './store-access';
import { terminalJson, terminalSafe, terminalText } from './terminal-text';
import { localTime } from './ticket-view';

export const IGNORED_USAGE = 'maildesk log [--last N] [--json] [--aws]   (also: maildesk tickets list --ignored)';

const flagsSchema = z.object({
  ignored: z.boolean().optional(),
  last: z.coerce.number().int().min(1).max(1000).default(20),
  json: z.boolean().optional(),
  aws: z.boolean().optional(),
  table: z.string().optional(),
  config: z.string().optional(),
});

/** What each of receiveMail's reasons means and what to do about it (by the reason's first word). */
export const IGNORED_REASONS: Record<string, string> = {
  'unknown-tenant': 'sent to an address no tenant has: add it to the config, then `maildesk replay <MAIL>`',
  'auto-generated': 'an auto-reply, bounce or list mail: never answered, so no two systems loop',
  'loop:own-address': "from one of the desk's own addresses: ignored so the desk never answers itself",
  'no-sender': 'no usable From or Reply-To address: nobody to answer',
  spam: "SES's spam verdict FAIL: no ticket, no answer; the raw mail stays in the bucket",
  virus: "SES's virus verdict FAIL: no ticket, no answer; the raw mail stays in the bucket",
  'refused:sender-domain': "the sender's domain is not one the tenant allows: the sender was told, no ticket",
};

const meaning = (reason: string) => IGNORED_REASONS[reason] ?? IGNORED_REASONS[reason.split(':')[0]!] ?? null;

export async function runIgnoredList(argv: string[], io: CliIo, now = new Date()): Promise<number> {
  const flags = commandFlags(
    argv,
    {
      ignored: { type: 'boolean' },
      last: { type: 'string' },
      json: { type: 'boolean' },
      aws: { type: 'boolean' },
      table: { type: 'string' },
      config: { type: 'string' },
    },
    flagsSchema,
  );
  const config = loadConfig(resolveConfigPath(flags.config));
  const { store, close } = openStore({ aws: Boolean(flags.aws), table: flags.table });
  try {
    // Sender and subject come from mail: no control characters reach the terminal.
    const mails = terminalSafe(await store.listIgnored(now.toISOString(), flags.last)).reverse();
    if (flags.json) {
      io.stdout(terminalJson(mails, 2));
      return 0;
    }
    io.stdout(terminalText(renderIgnored(mails, config.timezone)));
    return 0;
  } finally {
    close();
  }
}

/** Oldest first (the newest is the last line, next to the prompt), then what each reason shown means. */
export function renderIgnored(mails: readonly IgnoredMail[], timeZone: string): string {
  if (mails.length === 0) return `no ignored mail in the last ${IGNORED_MAIL_DAYS} days`;
  const rows = mails.map((m) => [
    localTime(m.at, timeZone),
    m.reason,
    m.from ?? '-',
    m.to.join(', ') || '-',
    m.mailKey,
    m.subject ?? '-',
  ]);
  const header = ['TIME', 'REASON', 'FROM', 'TO', 'MAIL', 'SUBJECT'];
  // Only the addresses are cut (they come from mail); the reason and the key are shown whole: replay takes the key.
  const cap = [Infinity, Infinity, 40, 40, Infinity];
  const widths = header.map((h, i) =>
    Math.min(cap[i] ?? Infinity, Math.max(h.length, ...rows.map((r) => r[i]!.length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c))
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ');
  const reasons = [...new Set(mails.map((m) => m.reason))].map((r) => `  ${r}: ${meaning(r) ?? 'see docs/mail.md'}`);
  const count = `${mails.length} ignored mail${mails.length === 1 ? '' : 's'}`;
  return [
    line(header),
    ...rows.map(line),
    `(${count}, newest last; times in ${timeZone}; kept ${IGNORED_MAIL_DAYS} days)`,
    ...reasons,
  ].join('\n');
}
