/** SES v2 raw sending. SES replaces the Message-ID, so the id it returns is remembered for threading. */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { asciiMailbox, composeMail } from '../mail/outbound/compose';
import type { MailSender, OutgoingMail } from '../use-cases/ports';

/**
 * SES refuses a message with more than 50 recipients (To + Cc + Bcc): larger lists go out in several sends of the same
 * mail.
 */
export const SES_MAX_RECIPIENTS = 50;

export class SesMailSender implements MailSender {
  constructor(
    private readonly ses: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string | null }> {
    const raw = await composeMail(mail);
    const recipients = [...mail.to.map((a) => ['to', a] as const), ...mail.cc.map((a) => ['cc', a] as const)];
    // SES v2 takes FromEmailAddress in 7-bit ASCII only: a Cyrillic tenant name as encoded-words
    // (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Destination.html); raw, SES refused every send.
    const from = asciiMailbox(mail.from);
    let first: string | null = null;
    for (let i = 0; i < recipients.length; i += SES_MAX_RECIPIENTS) {
      const batch = recipients.slice(i, i + SES_MAX_RECIPIENTS);
      const to = batch.filter(([k]) => k === 'to').map(([, a]) => a);
      const cc = batch.filter(([k]) => k === 'cc').map(([, a]) => a);
      const result = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: to.length ? to : undefined, CcAddresses: cc.length ? cc : undefined },
          Content: { Raw: { Data: raw } },
          ConfigurationSetName: this.configurationSet,
        }),
      );
      first ??= result.MessageId ?? null;
    }
    return { providerMessageId: first };
  }
}
