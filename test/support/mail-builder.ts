/** Builds raw RFC 5322 mail for the tests with nodemailer's MailComposer (well-formed), plus helpers to feed it to a stack. */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { INBOUND_PREFIX, localReceiptHeaders, parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import type { InboundMail, SesVerdict } from '../../shared/use-cases/receive-mail';
import type { Harness } from './harness';
import { newId } from './direct-env';

export interface MailSpec {
  from: string;
  to: string | string[];
  cc?: string | string[];
  subject: string;
  text?: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: Buffer | string; contentType?: string }>;
}

export async function buildMail(spec: MailSpec): Promise<Buffer> {
  const composer = new MailComposer({
    from: spec.from,
    to: spec.to,
    cc: spec.cc,
    subject: spec.subject,
    text: spec.text,
    html: spec.html,
    messageId: spec.messageId,
    inReplyTo: spec.inReplyTo,
    references: spec.references,
    headers: spec.headers,
    attachments: spec.attachments,
  });
  return composer.compile().build();
}

export type Verdicts = Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', SesVerdict>>;

/**
 * Stores raw mail in the local stack's bucket folder as SES would, and returns the SES event record for it.
 * With `dkimDomains` the mail is stored under SES's receipt block listing those passing DKIM signatures
 * (`dkim=pass header.i=@domain`), as SES's S3 action writes it.
 */
export async function storeInbound(
  h: Harness,
  raw: Buffer,
  options: { id?: string; recipients?: string[]; verdicts?: Verdicts; dkimDomains?: string[] } = {},
): Promise<InboundMail> {
  const id = options.id ?? newId();
  const inbound = parseSesEvent(sesEventFor(id, options.recipients ?? [], options.verdicts))[0]!;
  const stored = options.dkimDomains
    ? Buffer.concat([Buffer.from(localReceiptHeaders(id, inbound.verdicts, options.dkimDomains)), raw])
    : raw;
  await h.stack.receiveDeps.mail.put(`${INBOUND_PREFIX}${id}`, stored);
  return inbound;
}

/** A Message-ID unique to this test run. */
export const messageId = (tag = 'm') => `<${newId(tag)}@client.example>`;
