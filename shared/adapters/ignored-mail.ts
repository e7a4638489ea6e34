/**
 * The log of ignored mail (IgnoredMailLog), what every adapter shares: how long it is kept and how
 * much of a mail it keeps. An entry stays small whatever the mail: no body, and every string cut
 * (boundIgnoredMail), so a mail bomb of ignored mail costs one small write each and nothing more.
 */
import type { IgnoredMail } from '../use-cases/ports';

export const IGNORED_MAIL_DAYS = 30;
export const DAY_MS = 86_400_000;

/** How much of a mail the log keeps: enough to recognise it, never its content. */
export const IGNORED_MAIL_LIMITS = { address: 254, recipients: 5, subject: 200, reason: 120, id: 512 } as const;

/** At most `n` characters, never cutting a surrogate pair. */
function cut(value: string, n: number): string {
  if (value.length <= n) return value;
  const chars = Array.from(value);
  return chars.length <= n ? value : `${chars.slice(0, n - 1).join('')}…`;
}

export function boundIgnoredMail(mail: IgnoredMail): IgnoredMail {
  const { address, recipients, subject, reason, id } = IGNORED_MAIL_LIMITS;
  return {
    at: mail.at,
    inboundId: cut(mail.inboundId, id),
    reason: cut(mail.reason, reason),
    from: mail.from === null ? null : cut(mail.from, address),
    to: mail.to.slice(0, recipients).map((a) => cut(a, address)),
    subject: mail.subject === null ? null : cut(mail.subject, subject),
    mailKey: cut(mail.mailKey, id),
  };
}

/**
 * The ignored mails at or before `until` and within the days kept, newest first, each inbound id
 * once (SES may deliver a mail twice; both deliveries are ignored alike). Shared by both adapters.
 */
export function newestIgnored(mails: Iterable<IgnoredMail>, until: string, limit: number): IgnoredMail[] {
  const since = new Date(Date.parse(until) - IGNORED_MAIL_DAYS * DAY_MS).toISOString();
  const seen = new Set<string>();
  const out: IgnoredMail[] = [];
  const sorted = [...mails].filter((m) => m.at <= until && m.at >= since).sort((a, b) => (a.at < b.at ? 1 : -1));
  for (const mail of sorted) {
    if (out.length >= limit) break;
    if (seen.has(mail.inboundId)) continue;
    seen.add(mail.inboundId);
    out.push(mail);
  }
  return out;
}
