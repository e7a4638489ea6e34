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
