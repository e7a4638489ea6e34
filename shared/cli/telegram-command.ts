/**
 * `maildesk telegram set-webhook --url URL [--aws] [--config FILE]`: registers the bridge's webhook
 * with Telegram (Bot API setWebhook with the URL and the secret token Telegram will send in
 * X-Telegram-Bot-Api-Secret-Token). Locally the bot token and the secret come from
 * MAILDESK_TELEGRAM_TOKEN and MAILDESK_TELEGRAM_WEBHOOK_SECRET; with --aws from SSM Parameter Store
 * (the stack's parameters). MAILDESK_TELEGRAM_API_BASE points it at another Bot API server.
 * Prints one JSON line; never the token or the secret. Exit codes: 0 registered, 1 Telegram or SSM
 * refused, 2 bad flags, config or environment.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { TelegramBotApi } from '../adapters/telegram-bot-api';
import { loadConfig, resolveConfigPath } from '../config';
import { DEFAULT_BOT_TOKEN_PARAMETER, WEBHOOK_SECRET_PARAMETER } from '../use-cases/clinic-group-ports';
import { checkedFlags, parseFlags, UsageError, type CliIo } from './io';

export const TELEGRAM_USAGE = 'usage: maildesk telegram set-webhook --url URL [--aws] [--config FILE]';

/** Reads a SecureString. */
export type ParameterReader = (name: string) => Promise<string>;

/** GetParameter WithDecryption through the given client (the CLI makes one only with --aws). */
export function ssmParameterReader(ssm: SSMClient): ParameterReader {
  return async (name) => {
    const answer = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    if (!answer.Parameter?.Value) throw new Error(`SSM parameter ${name} has no value`);
    return answer.Parameter.Value;
  };
}

const flagsSchema = z.object({
  url: z.url({ message: '--url: expected the webhook URL, like https://xyz.lambda-url.eu-west-1.on.aws/' }),
  aws: z.boolean().optional(),
  config: z.string().optional(),
});

export async function runTelegramCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  readParameter?: ParameterReader,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'set-webhook') throw new UsageError(TELEGRAM_USAGE);
  const { values } = parseFlags(
    rest,
    { url: { type: 'string' }, aws: { type: 'boolean' }, config: { type: 'string' } },
    false,
  );
  if (values.url === undefined) throw new UsageError(`--url is required\n${TELEGRAM_USAGE}`);
  const flags = checkedFlags(flagsSchema, values);
  const config = loadConfig(resolveConfigPath(flags.config, env));
  let token: () => Promise<string>;
  let secret: () => Promise<string>;
  let from: string;
  if (flags.aws) {
    const read = readParameter ?? ssmParameterReader(new SSMClient({}));
    const tokenName = config.telegram?.botTokenParameter ?? DEFAULT_BOT_TOKEN_PARAMETER;
    [token, secret] = [() => read(tokenName), () => read(WEBHOOK_SECRET_PARAMETER)];
    from = `ssm:${tokenName},${WEBHOOK_SECRET_PARAMETER}`;
  } else {
    const [localToken, localSecret] = [env.MAILDESK_TELEGRAM_TOKEN, env.MAILDESK_TELEGRAM_WEBHOOK_SECRET];
    if (!localToken || !localSecret)
      throw new UsageError(
        `set MAILDESK_TELEGRAM_TOKEN and MAILDESK_TELEGRAM_WEBHOOK_SECRET (or use --aws)\n${TELEGRAM_USAGE}`,
      );
    [token, secret] = [async () => localToken, async () => localSecret];
    from = 'env';
  }
  const bot = new TelegramBotApi({ token, apiBase: env.MAILDESK_TELEGRAM_API_BASE || undefined });
  try {
    await bot.setWebhook(flags.url, await secret());
  } catch (error) {
    io.stderr(`telegram set-webhook failed: ${(error as Error).message}`);
    return 1;
  }
  const groups = config.tenants.filter((t) => t.telegram).map((t) => t.id);
  io.stdout(JSON.stringify({ ok: true, url: flags.url, secrets: from, clinicGroups: groups }));
  return 0;
}
