/** `npm start`: the local stack. Prints `maildesk ready ...` once it accepts mail; Ctrl-C stops it. */
import { ConfigError, loadConfig, resolveConfigPath } from '../../shared/config';
import { jsonLogger } from '../../shared/log';
import { readLocalEnv } from './local-env';
import { startLocalStack } from './stack';

async function main(): Promise<void> {
  // The SDK warns that its 2027 releases will need Node 22; the lock file pins ours (README, Versions).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const env = readLocalEnv();
  const configPath = resolveConfigPath();
  const config = loadConfig(configPath);
  const log = jsonLogger((line) => process.stderr.write(`${line}\n`));
  const stack = await startLocalStack({
    config,
    dataDir: env.MAILDESK_DATA,
    smtpPort: env.MAILDESK_SMTP_PORT,
    dynamoPort: env.MAILDESK_DYNAMODB_PORT,
    table: env.MAILDESK_TABLE,
    relayUrl: env.MAILDESK_SMTP_RELAY,
    // Outgoing mail through the SES v2 adapter to a strict local endpoint, as on AWS; it writes the outbox.
    sesEndpoint: true,
    // SES's own work (SMTP receiving, the SES v2 endpoint) in a process of its own: ours is what Lambda would bill.
    standins: 'process',
    sweepEverySeconds: env.MAILDESK_SWEEP_SECONDS,
    telegram: { httpPort: env.MAILDESK_HTTP_PORT, webhookSecret: env.MAILDESK_TELEGRAM_WEBHOOK_SECRET },
    log,
  });
  const tenants = config.tenants.map((t) => t.addresses.join(',')).join(' ');
  const listeners = [
    `smtp=127.0.0.1:${stack.smtpPort}`,
    `dynamodb=${stack.dynamoEndpoint}`,
    ...(stack.sesEndpoint ? [`ses=${stack.sesEndpoint}`] : []),
    ...(stack.telegramWebhook ? [`telegram=${stack.telegramWebhook}`] : []),
  ];
  process.stdout.write(
    `maildesk ready ${listeners.join(' ')} config=${configPath} outbox=${stack.outboxDir} tenants=${tenants}\n`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`maildesk stopping (${signal})\n`);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `maildesk could not start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
