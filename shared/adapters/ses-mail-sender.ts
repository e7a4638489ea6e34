/** SES v2 raw sending. SES replaces the Message-ID, so the id it returns is remembered for threading. */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { composeMail } from '../mail/compose';
import type { MailSender, OutgoingMail } from '../use-cases/ports';

export class SesMailSender implements MailSender {
  constructor(
    private readonly ses: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string | null }> {
    const raw = await composeMail(mail);
    const result = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: mail.to, CcAddresses: mail.cc.length ? mail.cc : undefined },
        Content: { Raw: { Data: raw } },
        ConfigurationSetName: this.configurationSet,
      }),
    );
    return { providerMessageId: result.MessageId ?? null };
  }
}
