/** Relays outgoing mail to an SMTP host (local stack with MAILDESK_SMTP_RELAY set). */
import { createTransport } from 'nodemailer';
import { composeMail } from '../mail/outbound/compose';
import type { MailSender, OutgoingMail } from '../use-cases/ports';

export class SmtpMailSender implements MailSender {
  private readonly transport;
  constructor(url: string) {
    this.transport = createTransport(url);
  }

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string | null }> {
    const raw = await composeMail(mail);
    await this.transport.sendMail({ envelope: { from: mail.from, to: [...mail.to, ...mail.cc] }, raw });
    return { providerMessageId: null };
  }
}
