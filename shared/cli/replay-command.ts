/**
 * `maildesk replay <inbound/KEY | FILE.eml | --failed>`: runs a stored raw mail (or every failure
 * the local stack kept: inbound mail and undelivered outbox events) through the same use cases again.
 * Idempotent: the inbound id of a key is its SES id, and a file's id is its content hash, so a replay
 * never doubles a ticket or comment.
 * SES's DKIM/SPF/DMARC verdicts travel with the failure record or above the stored mail; a mail
 * without them is replayed as unauthenticated (an engineer's #commands there are a plain comment).
 * A FILE.eml comes from elsewhere: whatever SES-like block is written at its top was written by
 * whoever made the file, so it is replayed as unauthenticated (and stored so, below a receipt block
 * of unknown verdicts, so a later replay of its key judges it the same) unless the operator vouches
 * for it with --trust-file-verdicts (a copy of a mail SES stored).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { localPaths } from '../../infra/local/stack';
import { readLocalEnv } from '../../infra/local/local-env';
import { FolderMailStore } from '../adapters/folder-mail-store';
import { S3MailStore } from '../adapters/s3-mail-store';
import { buildDesk } from '../composition';
import { loadConfig, resolveConfigPath } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import { jsonLogger } from '../log';
import {
  INBOUND_PREFIX,
  localReceiptHeaders,
  parseSesEvent,
  sesEventFor,
  UNKNOWN_VERDICTS,
  verdictsFromStoredMail,
  type Verdicts,
} from '../adapters/ses-event';
import { FileEventBus } from '../adapters/event-bus';
import type { TicketEvent } from '../domain/events';
import { deliverEvent } from '../use-cases/deliver-event';
import { receiveMail } from '../use-cases/receive-mail';
import type { MailStore } from '../use-cases/ports';
import { parseFlags, UsageError, type CliIo, readMailFile } from './io';
import { cliMailSender, openStore } from './store-access';
import { terminalJson, terminalJsonLine } from './terminal-text';

const REPLAY_USAGE =
  'usage: maildesk replay <inbound/KEY | FILE.eml [--trust-file-verdicts] | --failed> [--to ADDR]... [--aws ' +
  '--bucket NAME --table NAME]';

/**
 * Where the verdicts of a replay came from: the failure record, SES's block above the stored mail, the operator's file,
 * or nowhere.
 */
type VerdictSource = 'recorded' | 'stored' | 'file' | 'unknown';

export async function runReplayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    failed: { type: 'boolean' },
    aws: { type: 'boolean' },
    bucket: { type: 'string' },
    table: { type: 'string' },
    config: { type: 'string' },
    to: { type: 'string', multiple: true },
    'trust-file-verdicts': { type: 'boolean' },
  });
  if (!values.failed && positionals.length !== 1) throw new UsageError(REPLAY_USAGE);
  const trustFile = Boolean(values['trust-file-verdicts']);
  if (trustFile && (values.failed || positionals[0]!.startsWith(INBOUND_PREFIX)))
    throw new UsageError(
      `--trust-file-verdicts is for FILE.eml only (stored mail keeps SES's own block)\n${REPLAY_USAGE}`,
    );
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
  // Undelivered events come from the local stack: delivered through its outbox (or relay) and its bus file.
  const { receiveDeps: deps, deliverDeps } = buildDesk({
    mail,
    tickets: store,
    sender: cliMailSender(false).sender,
    bus: new FileEventBus(paths.events),
    config,
    calendar: BusinessCalendar.fromConfig(config),
    log: jsonLogger((l) => io.stderr(terminalJsonLine(l))),
  });
  // SES's verdicts decide whether an engineer's #commands count: a replay uses the ones recorded with
  // the failure, else the ones SES wrote above the stored mail, else none (the mail counts as unauthenticated).
  const replayKey = async (
    key: string,
    recipients: string[],
    given?: { verdicts: Verdicts; source: VerdictSource },
  ) => {
    const id = key.slice(INBOUND_PREFIX.length);
    const [event] = parseSesEvent(sesEventFor(id, recipients));
    const stored = given ? null : verdictsFromStoredMail(await mail.get(key));
    const verdicts = given?.verdicts ?? stored ?? UNKNOWN_VERDICTS;
    const outcome = await receiveMail({ ...event!, verdicts }, deps);
    const source: VerdictSource = given?.source ?? (stored ? 'stored' : 'unknown');
    io.stdout(terminalJson({ key, outcome, verdicts: source }));
  };
  try {
    if (values.failed) {
      if (values.aws)
        throw new UsageError(
          '--failed reads the local failed/ folder; in AWS, redrive the DLQ (see README, Operating)',
        );
      const files = (await readdir(paths.failed).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
      let replayed = 0;
      for (const file of files) {
        const record = JSON.parse(await readFile(join(paths.failed, file), 'utf8')) as {
          kind: string;
          mailKey?: string;
          recipients?: string[];
          verdicts?: Verdicts;
          event?: TicketEvent;
        };
        if (record.kind === 'inbound' && record.mailKey) {
          io.stderr(`replaying ${++replayed}/${files.length}: ${record.mailKey}`);
          await replayKey(
            record.mailKey,
            record.recipients ?? [],
            record.verdicts ? { verdicts: record.verdicts, source: 'recorded' } : undefined,
          );
        } else if (record.kind === 'event' && record.event) {
          // An outbox event the stack could not deliver: delivered again (each mail is claimed once per event and
          // role).
          io.stderr(`replaying ${++replayed}/${files.length}: event ${record.event.id}`);
          const delivery = await deliverEvent(record.event, deliverDeps);
          io.stdout(terminalJson({ event: record.event.id, delivery }));
        } else continue;
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
    const raw = await readMailFile(target);
    const id = `file-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
    const key = `${INBOUND_PREFIX}${id}`;
    if (trustFile) {
      await mail.put(key, raw, 'message/rfc822');
      const verdicts = verdictsFromStoredMail(raw);
      if (!verdicts) io.stderr(`${target} starts with no SES receipt block: replayed as unauthenticated`);
      await replayKey(key, values.to ?? [], {
        verdicts: verdicts ?? UNKNOWN_VERDICTS,
        source: verdicts ? 'file' : 'unknown',
      });
      return 0;
    }
    // Stored as SES would store a mail it could not authenticate: our receipt block (unknown verdicts)
    // above everything in the file, so the file's own block is just more of the sender's headers.
    await mail.put(key, Buffer.concat([Buffer.from(localReceiptHeaders(id, UNKNOWN_VERDICTS)), raw]), 'message/rfc822');
    await replayKey(key, values.to ?? [], { verdicts: UNKNOWN_VERDICTS, source: 'unknown' });
    return 0;
  } finally {
    close();
  }
}
