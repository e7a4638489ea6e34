/** Local stand-in for SES sending: one complete .eml per sent mail in a folder (the outbox). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeMail } from '../mail/outbound/compose';
import type { MailSender, OutgoingMail } from '../use-cases/ports';

export class OutboxMailSender implements MailSender {
  private sequence = 0;
  constructor(private readonly folder: string) {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string | null }> {
    const raw = await composeMail(mail);
    await mkdir(this.folder, { recursive: true });
    // Sortable by time of sending, unique within the process.
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(++this.sequence).padStart(5, '0')}.eml`;
    await writeFile(join(this.folder, name), raw);
    return { providerMessageId: null };
  }
}
