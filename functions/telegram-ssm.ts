/**
 * The Telegram bridge's secrets from SSM Parameter Store (SecureStrings, names from the environment
 * the stack sets): the bot token and the webhook's secret token, each read once per container when
 * first needed; a failed read is not kept, so the next request reads again.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { TelegramAdapter } from '../shared/composition';
import type { AwsAdapter } from './wiring';

export const ssmTelegramBridge: AwsAdapter<TelegramAdapter> = {
  env: ['TELEGRAM_BOT_TOKEN_PARAMETER'],
  make: (env) => {
    const ssm = new SSMClient({});
    const cached = new Map<string, Promise<string>>();
    const read = (name: string | undefined) => (): Promise<string> => {
      if (!name) return Promise.reject(new Error('no SSM parameter name for a Telegram secret'));
      let value = cached.get(name);
      if (!value) {
        value = ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })).then((r) => {
          if (!r.Parameter?.Value) throw new Error(`SSM parameter ${name} has no value`);
          return r.Parameter.Value;
        });
        value.catch(() => cached.delete(name));
        cached.set(name, value);
      }
      return value;
    };
    return {
      token: read(env.TELEGRAM_BOT_TOKEN_PARAMETER),
      webhookSecret: read(process.env.TELEGRAM_WEBHOOK_SECRET_PARAMETER),
      apiBase: process.env.TELEGRAM_API_BASE || undefined,
    };
  },
};
