/** The bucket and the mail sender in memory: the bench's stand-ins, and tests' where no I/O is wanted. */
import { MailNotFoundError } from '../../domain/errors';
import { composeMail } from '../../mail/outbound/compose';
import type { FileLink, MailSender, MailStore, OutgoingMail } from '../../use-cases/ports';

export class MemoryMailStore implements MailStore {
  readonly objects = new Map<string, Buffer>();
  async get(key: string): Promise<Buffer> {
    const body = this.objects.get(key);
    if (!body) throw new MailNotFoundError(key);
    return body;
  }
  async put(key: string, body: Buffer): Promise<void> {
    this.objects.set(key, body);
  }
  /** A name, not a place: nothing outside this process can open it. */
  async link(key: string): Promise<FileLink> {
    return { url: `memory://${key}`, expiresAt: null };
  }
}

/** Composes every mail's MIME like the SES and outbox senders, keeps counts only. */
export class MemoryMailSender implements MailSender {
  sent = 0;
  bytes = 0;
  /** wall ms spent composing MIME (no I/O: CPU) */
  composeMs = 0;
  readonly byRecipient = new Map<string, number>();
  async send(mail: OutgoingMail): Promise<{ providerMessageId: string | null }> {
    const t0 = performance.now();
    const raw = await composeMail(mail);
    this.composeMs += performance.now() - t0;
    this.sent++;
    this.bytes += raw.length;
    for (const to of mail.to) this.byRecipient.set(to, (this.byRecipient.get(to) ?? 0) + 1);
    return { providerMessageId: null };
  }
}
