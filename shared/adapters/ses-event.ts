/** The SES receipt event (Lambda action after the S3 action), checked at the edge with zod. */
import { z } from 'zod';
import { methodResult, readSesReceipt, type SesVerdict } from '../mail/inbound/authentication';
import type { InboundMail } from '../use-cases/receive-mail';

const verdict = z
  .object({ status: z.string() })
  .optional()
  .transform((v): SesVerdict => {
    const s = v?.status?.toUpperCase();
    return s === 'PASS' || s === 'FAIL' || s === 'GRAY' || s === 'PROCESSING_FAILED' || s === 'DISABLED' ? s : 'NONE';
  });

const sesRecord = z.object({
  ses: z.object({
    mail: z.object({
      messageId: z
        .string()
        .min(1)
        .regex(/^[A-Za-z0-9._-]+$/, 'unexpected characters in SES message id'),
    }),
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
export function sesEventFor(
  messageId: string,
  recipients: string[],
  verdicts: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', SesVerdict>> = {},
) {
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

const authResult = (value: string, method: 'spf' | 'dkim' | 'dmarc'): SesVerdict => {
  const result = methodResult(value, method);
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
 * bucket judges the mail as SES did. Only SES's block counts (see readSesReceipt). Null when the mail
 * does not start with SES's receipt block (an .eml from elsewhere): the caller then treats it as
 * unauthenticated.
 */
export function verdictsFromStoredMail(raw: Buffer): Verdicts | null {
  const receipt = readSesReceipt(raw);
  if (!receipt) return null;
  const first = (name: string) => receipt.fields.find((f) => f.name === name)?.value;
  const auth = receipt.authenticationResults ?? '';
  return {
    spam: verdictHeader(first('x-ses-spam-verdict')),
    virus: verdictHeader(first('x-ses-virus-verdict')),
    spf: authResult(auth, 'spf'),
    dkim: authResult(auth, 'dkim'),
    dmarc: authResult(auth, 'dmarc'),
  };
}

/**
 * The receipt block the local stack puts above a mail it receives, as SES does (loopback mail counts
 * as passing). With `dkimDomains` and a DKIM PASS it lists one passing signature per domain, as SES
 * writes them (`dkim=pass header.i=@example.com;`), so a mail can prove its From domain by aligned DKIM.
 */
export function localReceiptHeaders(id: string, verdicts: Verdicts, dkimDomains: readonly string[] = []): string {
  const low = (v: SesVerdict) =>
    v === 'PROCESSING_FAILED' ? 'temperror' : v === 'GRAY' ? 'softfail' : v.toLowerCase();
  const dkim =
    verdicts.dkim === 'PASS' && dkimDomains.length
      ? dkimDomains.map((d) => `dkim=pass header.i=@${d.toLowerCase()}`).join('; ')
      : `dkim=${low(verdicts.dkim)}`;
  return [
    `X-SES-Spam-Verdict: ${verdicts.spam}`,
    `X-SES-Virus-Verdict: ${verdicts.virus}`,
    `Authentication-Results: amazonses.com; spf=${low(verdicts.spf)}; ${dkim}; dmarc=${low(verdicts.dmarc)}`,
    `X-SES-RECEIPT: local-${id}`,
    '',
  ].join('\r\n');
}
