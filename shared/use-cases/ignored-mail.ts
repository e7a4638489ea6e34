/** The ignored-mail log's entry for a mail receiveMail acts on in no way (the adapters trim it to size). */
import type { ParsedMail } from '../mail/inbound/types';
import type { InboundMail } from './receive-mail';
import type { IgnoredMail } from './ports';

/** Without `parsed` (spam, virus: the mail is not read) only the envelope and the key are known. */
export function ignoredMail(inbound: InboundMail, reason: string, now: Date, parsed?: ParsedMail): IgnoredMail {
  return {
    at: now.toISOString(),
    inboundId: inbound.inboundId,
    reason,
    from: parsed?.from?.address ?? null,
    // The envelope says where SES delivered it; a mail handed over without one shows its To.
    to: inbound.recipients.length > 0 ? inbound.recipients : (parsed?.to.map((a) => a.address) ?? []),
    subject: parsed ? parsed.subject : null,
    mailKey: inbound.mailKey,
  };
}
