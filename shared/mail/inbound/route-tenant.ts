/**
 * Which tenant a mail is for: the one routing used by reading (`readMail`, `maildesk parse`) and by
 * the inbound use case, so the two can never disagree. Pure.
 */
import type { MaildeskConfig, Tenant } from '../../config';
import type { ParsedMail } from './types';

/**
 * The first of the mail's recipients that is a desk address names the tenant. Envelope recipients come
 * first: a Bcc to the desk (a clinic writing to its own list, the desk in Bcc) only shows there; then
 * Delivered-To / X-Original-To (a forward), then To, then Cc.
 */
export function routeTenant(
  config: MaildeskConfig,
  envelopeRecipients: readonly string[],
  mail: Pick<ParsedMail, 'deliveredTo' | 'to' | 'cc'>,
): Tenant | undefined {
  const candidates = [
    ...envelopeRecipients,
    ...mail.deliveredTo,
    ...mail.to.map((a) => a.address),
    ...mail.cc.map((a) => a.address),
  ];
  for (const address of candidates) {
    const wanted = address.toLowerCase();
    const tenant = config.tenants.find((t) => t.addresses.includes(wanted));
    if (tenant) return tenant;
  }
  return undefined;
}
