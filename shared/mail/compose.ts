/** Writes outgoing MIME with nodemailer's MailComposer: the one place that builds raw mail. */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMail } from '../use-cases/ports';

const bracket = (id: string) => `<${id.replace(/^<|>$/g, '')}>`;

export async function composeMail(mail: OutgoingMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    cc: mail.cc.length ? mail.cc : undefined,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    messageId: bracket(mail.messageId),
    inReplyTo: mail.inReplyTo ? bracket(mail.inReplyTo) : undefined,
    references: mail.references.length ? mail.references.map(bracket).join(' ') : undefined,
    headers: mail.headers,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    textEncoding: 'base64',
  });
  return composer.compile().build();
}
