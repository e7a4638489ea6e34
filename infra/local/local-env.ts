/** Environment of the local stack and of the CLI pointed at it, checked with zod. */
import { z } from 'zod';
import { formatIssues } from '../../shared/config';

const port = z.coerce.number().int().min(0).max(65535);

export const localEnvSchema = z.object({
  MAILDESK_DATA: z.string().min(1).default('.maildesk'),
  MAILDESK_SMTP_PORT: port.default(2525),
  MAILDESK_DYNAMODB_PORT: port.default(8000),
  MAILDESK_SMTP_RELAY: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://host:port')
    .optional(),
  MAILDESK_SWEEP_SECONDS: z.coerce.number().min(0).default(60),
  MAILDESK_TABLE: z.string().min(3).default('maildesk'),
  /** the Telegram webhook (clinics' groups bridge) on 127.0.0.1 */
  MAILDESK_HTTP_PORT: port.default(8025),
  /** Telegram's secret_token: 1-256 of A-Z a-z 0-9 _ - */
  MAILDESK_TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1-256 letters, digits, _ or - (Telegram secret_token)')
    .optional(),
});
export type LocalEnv = z.output<typeof localEnvSchema>;

export function readLocalEnv(env: NodeJS.ProcessEnv = process.env): LocalEnv {
  const result = localEnvSchema.safeParse(env);
  if (!result.success) throw new Error(`bad environment:\n${formatIssues(result.error)}`);
  return result.data;
}
