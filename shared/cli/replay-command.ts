/**
 * `maildesk replay <inbound/KEY | FILE.eml | --failed>`: runs a stored raw mail (or every failure
 * the local stack kept) through the same use cases again. Idempotent: the inbound id of a key is
 * its SES id, and a file's id is its content hash, so a replay never doubles a ticket or comment.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { localPaths } from '../../infra/local/stack';
import { readLocalEnv } from '../../infra/local/local-env';
import { FolderMailStore } from '../adapters/folder-mail-store';
import { S3MailStore } from '../adapters/s3-mail-store';
import { loadConfig, resolveConfigPath } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import { jsonLogger } from '../log';
import { INBOUND_PREFIX, parseSesEvent, sesEventFor } from '../ses-event';
import { receiveMail } from '../use-cases/receive-mail';
import type { MailStore } from '../use-cases/ports';
import { parseFlags, UsageError, type CliIo } from './io';
import { openStore } from './store-access';

export async function runReplayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, { failed: { type: 'boolean' }, aws: { type: 'boolean' }, bucket: { type: 'string' }, table: { type: 'string' }, config: { type: 'string' }, to: { type: 'string', multiple: true } });
  if (!values.failed && positionals.length !== 1) throw new UsageError('usage: maildesk replay <inbound/KEY | FILE.eml | --failed> [--aws --bucket NAME --table NAME]');
  const config = loadConfig(resolveConfigPath(values.config));
  const env = readLocalEnv();
  const paths = localPaths(env.MAILDESK_DATA);
  let mail: MailStore;
  if (values.aws) {
    const bucket = values.bucket ?? process.env.MAIL_BUCKET;
    if (!bucket) throw new UsageError('--aws needs --bucket NAME (the stack output MailBucketName)');
    mail = new S3MailStore(new S3Client({}), bucket);
  } else {
    mail = new FolderMailStore(paths.mail);
  }
  const { store, close } = openStore({ aws: Boolean(values.aws), table: values.table });
  const deps = { mail, tickets: store, config, calendar: BusinessCalendar.fromConfig(config), now: () => new Date(), log: jsonLogger((l) => io.stderr(l)) };
  const replayKey = async (key: string, recipients: string[]) => {
    const id = key.slice(INBOUND_PREFIX.length);
    const [inbound] = parseSesEvent(sesEventFor(id, recipients));
    const outcome = await receiveMail(inbound!, deps);
    io.stdout(JSON.stringify({ key, outcome }));
  };
  try {
    if (values.failed) {
      if (values.aws) throw new UsageError('--failed reads the local failed/ folder; in AWS, redrive the DLQ (see README, Operating)');
      const files = (await readdir(paths.failed).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
      let replayed = 0;
      for (const file of files) {
        const record = JSON.parse(await readFile(join(paths.failed, file), 'utf8')) as { kind: string; mailKey?: string; recipients?: string[] };
        if (record.kind !== 'inbound' || !record.mailKey) continue;
        io.stderr(`replaying ${++replayed}/${files.length}: ${record.mailKey}`);
        await replayKey(record.mailKey, record.recipients ?? []);
        await rm(join(paths.failed, file));
      }
      io.stdout(JSON.stringify({ replayed }));
      return 0;
    }
    const target = positionals[0]!;
    if (target.startsWith(INBOUND_PREFIX)) {
      await replayKey(target, values.to ?? []);
      return 0;
    }
    let raw: Buffer;
    try {
      raw = await readFile(target);
    } catch (error) {
      throw new UsageError(`cannot read ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const key = `${INBOUND_PREFIX}file-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
    await mail.put(key, raw, 'message/rfc822');
    await replayKey(key, values.to ?? []);
    return 0;
  } finally {
    close();
  }
}
