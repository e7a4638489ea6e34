/** The SES receipt event (Lambda action after the S3 action), checked at the edge with zod. */
import { z } from 'zod';
import type { InboundMail, SesVerdict } from './use-cases/receive-mail';

const verdict = z
  .object({ status: z.string() })
  .optional()
  .transform((v): SesVerdict => {
    const s = v?.status?.toUpperCase();
    return s === 'PASS' || s === 'FAIL' || s === 'GRAY' || s === 'PROCESSING_FAILED' || s === 'DISABLED' ? s : 'NONE';
  });

const sesRecord = z.object({
  ses: z.object({
    mail: z.object({ messageId: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'unexpected characters in SES message id') }),
    receipt: z.object({
      recipients: z.array(z.string()),
      spamVerdict: verdict,
      virusVerdict: verdict,
      spfVerdict: verdict,
      dkimVerdict: verdict,
      dmarcVerdict: verdict,
      action: z.object({ type: z.string() }).passthrough().optional(),
    }),
  }),
});

export const sesEventSchema = z.object({ Records: z.array(sesRecord).min(1) });

export const INBOUND_PREFIX = 'inbound/';

export function parseSesEvent(event: unknown): InboundMail[] {
  return sesEventSchema.parse(event).Records.map(({ ses }) => ({
    inboundId: ses.mail.messageId,
    mailKey: `${INBOUND_PREFIX}${ses.mail.messageId}`,
    recipients: ses.receipt.recipients.map((r) => r.toLowerCase()),
    verdicts: {
      spam: ses.receipt.spamVerdict,
      virus: ses.receipt.virusVerdict,
      spf: ses.receipt.spfVerdict,
      dkim: ses.receipt.dkimVerdict,
      dmarc: ses.receipt.dmarcVerdict,
    },
  }));
}

/** The same shape, made by the local SMTP server (and the tests) for a stored raw mail. */
export function sesEventFor(messageId: string, recipients: string[], verdicts: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', SesVerdict>> = {}) {
  const v = (s: SesVerdict | undefined) => ({ status: s ?? 'PASS' });
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: { messageId, source: '', destination: recipients, timestamp: new Date().toISOString() },
          receipt: {
            recipients,
            spamVerdict: v(verdicts.spam),
            virusVerdict: v(verdicts.virus),
            spfVerdict: v(verdicts.spf),
            dkimVerdict: v(verdicts.dkim),
            dmarcVerdict: v(verdicts.dmarc),
            action: { type: 'Lambda', invocationType: 'Event' },
          },
        },
      },
    ],
  };
}

export type Verdicts = InboundMail['verdicts'];

/** Fail closed: no check passed, none failed (engineer commands do not count; spam/virus not flagged). */
export const UNKNOWN_VERDICTS: Verdicts = { spam: 'NONE', virus: 'NONE', spf: 'NONE', dkim: 'NONE', dmarc: 'NONE' };

/**
 * Headers SES's S3 action puts above the received message. Only this leading block is read: the
 * sender's own headers come after it, so a forged `Authentication-Results: amazonses.com; dkim=pass`
 * inside the message is never taken for SES's.
 */
const SES_BLOCK = new Set(['return-path', 'received', 'x-ses-spam-verdict', 'x-ses-virus-verdict', 'received-spf', 'authentication-results', 'x-ses-receipt', 'x-ses-dkim-signature', 'arc-seal', 'arc-message-signature', 'arc-authentication-results']);

const authResult = (value: string, method: string): SesVerdict => {
  const result = new RegExp(`(?:^|[;\\s])${method}\\s*=\\s*([a-z]+)`, 'i').exec(value)?.[1]?.toLowerCase();
  if (result === 'pass') return 'PASS';
  if (result === 'fail' || result === 'hardfail') return 'FAIL';
  if (result === 'softfail' || result === 'neutral' || result === 'policy') return 'GRAY';
  if (result === 'temperror' || result === 'permerror') return 'PROCESSING_FAILED';
  return 'NONE';
};
const verdictHeader = (value: string | undefined): SesVerdict => {
  const v = value?.trim().toUpperCase();
  return v === 'PASS' || v === 'FAIL' || v === 'GRAY' || v === 'PROCESSING_FAILED' ? v : 'NONE';
};

/**
 * The verdicts SES recorded in a stored raw mail (`X-SES-Spam-Verdict`, `X-SES-Virus-Verdict`, and
 * its `Authentication-Results: amazonses.com; spf=...; dkim=...; dmarc=...`), so a replay from the
 * bucket judges the mail as SES did. Null when the mail does not start with SES's receipt block
 * (an .eml from elsewhere): the caller then treats it as unauthenticated.
 */
export function verdictsFromStoredMail(raw: Buffer): Verdicts | null {
  const head = raw.subarray(0, 256 * 1024).toString('latin1');
  const end = /\r?\n\r?\n/.exec(head)?.index ?? head.length;
  const fields = head
    .slice(0, end)
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .map((line) => /^([!-9;-~]+):\s*(.*)$/.exec(line))
    .map((m) => (m ? { name: m[1]!.toLowerCase(), value: m[2]! } : null));
  const block: Array<{ name: string; value: string }> = [];
  for (const field of fields) {
    if (!field || !SES_BLOCK.has(field.name)) break;
    block.push(field);
  }
  if (!block.some((f) => f.name === 'x-ses-receipt')) return null;
  const first = (name: string) => block.find((f) => f.name === name)?.value;
  const auth = block.find((f) => f.name === 'authentication-results' && /^\s*amazonses\.com\s*;/i.test(f.value))?.value ?? '';
  return {
    spam: verdictHeader(first('x-ses-spam-verdict')),
    virus: verdictHeader(first('x-ses-virus-verdict')),
    spf: authResult(auth, 'spf'),
    dkim: authResult(auth, 'dkim'),
    dmarc: authResult(auth, 'dmarc'),
  };
}

/** The receipt block the local stack puts above a mail it receives, as SES does (loopback mail counts as passing). */
export function localReceiptHeaders(id: string, verdicts: Verdicts): string {
  const low = (v: SesVerdict) => (v === 'PROCESSING_FAILED' ? 'temperror' : v === 'GRAY' ? 'softfail' : v.toLowerCase());
  return [
    `X-SES-Spam-Verdict: ${verdicts.spam}`,
    `X-SES-Virus-Verdict: ${verdicts.virus}`,
    `Authentication-Results: amazonses.com; spf=${low(verdicts.spf)}; dkim=${low(verdicts.dkim)}; dmarc=${low(verdicts.dmarc)}`,
    `X-SES-RECEIPT: local-${id}`,
    '',
  ].join('\r\n');
}
