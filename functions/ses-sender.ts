/**
 * The SES mail sender for functions/wiring.ts, in its own module: it imports the MIME composer
 * (nodemailer), whose modules run code at import, so only the functions that send mail bundle it.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailSender } from '../shared/adapters/ses-mail-sender';
import type { MailSender } from '../shared/use-cases/ports';
import type { AwsAdapter } from './wiring';

export const sesSender: AwsAdapter<MailSender> = {
  env: [],
  make: () => new SesMailSender(new SESv2Client({}), process.env.SES_CONFIGURATION_SET || undefined),
};
