/**
 * `maildesk receive FILE.eml [--verdicts spf=PASS,dkim=PASS,dmarc=PASS,spam=PASS,virus=PASS]
 * [--dkim-domain DOMAIN]... [--recipient ADDR]... [--config FILE]`: hands one mail to the running
 * local stack (`npm start`, same MAILDESK_* environment) exactly as SES would, with the verdicts SES
 * would have given it. Loopback SMTP can only say "passed"; this is how ops and tests try a mail
 * whose sender failed SPF, signed for another domain, or published no DMARC.
 *
 * 1 check the flags (zod) and read the file
 * 2 check the stack runs (its SMTP greeting, its table): the stack's stream poller sends the mails
 *   the outcome causes, so a mail handed over while it is down would be answered late or never
 * 3 store the mail in the stack's bucket folder below an SES-style receipt block carrying the
 *   verdicts (and the DKIM signing domains when DKIM passed), under a fresh SES-like id
 * 4 run the inbound use case with an SES receipt event carrying the same verdicts
 * 5 print one JSON line: {kind, ticketKey, reason, ...}; exit 0 whatever the outcome
 * Exit 2: bad flags or unreadable file. Exit 1: the stack is not running, or the mail could not be
 * written (then it is kept in failed/ for `maildesk replay --failed`, as the stack does).
 */
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { newInboundId } from '../../infra/local/local-standins';
import { localPaths } from '../../infra/local/stack';
import { readLocalEnv } from '../../infra/local/local-env';
import { FolderMailStore } from '../adapters/folder-mail-store';
import { buildDesk } from '../composition';
import { isSupportAddress, loadConfig, resolveConfigPath } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import { jsonLogger } from '../log';
import { parseMail } from '../mail/inbound/parse-mail';
import { INBOUND_PREFIX, localReceiptHeaders, parseSesEvent, sesEventFor, type Verdicts } from '../adapters/ses-event';
import { receiveMail, type Outcome, type SesVerdict } from '../use-cases/receive-mail';
import { checkedFlags, parseFlags, UsageError, type CliIo, readMailFile } from './io';
import { openStore } from './store-access';
import { terminalJson, terminalJsonLine } from './terminal-text';

export const RECEIVE_USAGE =
  'usage: maildesk receive FILE.eml [--verdicts spf=PASS,dkim=PASS,dmarc=PASS,spam=PASS,virus=PASS] [--dkim-domain ' +
  'DOMAIN]... [--recipient ADDR]... [--config FILE]';

const sesVerdict = z
  .enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED', 'NONE'] as const satisfies readonly SesVerdict[])
  .optional();

/** What SES says when it says nothing of a check: GRAY for the sender checks; spam and virus scans pass. */
export const DEFAULT_VERDICTS: Verdicts = { spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY', spam: 'PASS', virus: 'PASS' };

/** `spf=PASS,dkim=fail` -> { spf: 'PASS', dkim: 'FAIL' }: each name once, each value one of SES's verdicts. */
const verdictsFlag = z
  .string()
  .transform((text, ctx) => {
    const out: Record<string, string> = {};
    for (const part of text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [name, value, ...extra] = part.split('=').map((s) => s.trim());
      if (!name || value === undefined || extra.length) {
        ctx.addIssue({ code: 'custom', message: `"${part}": expected NAME=VERDICT, e.g. spf=PASS,dkim=FAIL` });
        continue;
      }
      const key = name.toLowerCase();
      if (key in out) ctx.addIssue({ code: 'custom', message: `${key} given twice` });
      out[key] = value.toUpperCase();
    }
    return out;
  })
  .pipe(z.strictObject({ spf: sesVerdict, dkim: sesVerdict, dmarc: sesVerdict, spam: sesVerdict, virus: sesVerdict }));

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/,
    'expected a domain name, e.g. clinic-north.example',
  );

const receiveFlags = z.object({
  verdicts: verdictsFlag.optional(),
  'dkim-domain': z.array(domain).optional(),
  recipient: z.array(z.string().trim().toLowerCase().pipe(z.email('expected a mail address'))).optional(),
  config: z.string().min(1).optional(),
});

/** The line printed for an outcome: kind, ticket and reason always present (null when none), then the rest. */
export interface ReceiveResult {
  kind: Outcome['kind'];
  ticketKey: string | null;
  reason: string | null;
  events?: string[];
  mailKey: string;
  verdicts: Verdicts;
  dkimDomains: string[];
}

export async function runReceiveCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  // 1
  const { values, positionals } = parseFlags(argv, {
    verdicts: { type: 'string' },
    'dkim-domain': { type: 'string', multiple: true },
    recipient: { type: 'string', multiple: true },
    config: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(RECEIVE_USAGE);
  const flags = checkedFlags(receiveFlags, values);
  const file = positionals[0]!;
  const raw = await readMailFile(file);
  const config = loadConfig(resolveConfigPath(flags.config, env));
  const parsed = await parseMail(raw);
  const verdicts: Verdicts = { ...DEFAULT_VERDICTS, ...flags.verdicts };
  // SES lists the signatures that passed; by default the one a sender's own server makes: the From's domain.
  const fromDomain = parsed.from?.address.split('@')[1]?.toLowerCase();
  const dkimDomains = verdicts.dkim === 'PASS' ? (flags['dkim-domain'] ?? (fromDomain ? [fromDomain] : [])) : [];
  const recipients = flags.recipient ?? [
    ...new Set(
      [...parsed.to, ...parsed.cc].map((a) => a.address.toLowerCase()).filter((a) => isSupportAddress(config, a)),
    ),
  ];
  if (recipients.length === 0)
    throw new UsageError(`no desk address among To/Cc of ${file}: name the envelope recipient with --recipient ADDR`);

  // 2
  let localEnv: ReturnType<typeof readLocalEnv>;
  try {
    localEnv = readLocalEnv(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const notRunning = (why: string) => {
    io.stderr(
      `maildesk receive: the local stack is not running (${why}): start it with npm start, with the same ` +
        `MAILDESK_* environment (MAILDESK_DATA, MAILDESK_SMTP_PORT, MAILDESK_DYNAMODB_PORT, MAILDESK_TABLE)`,
    );
    return 1;
  };
  const greeting = await smtpGreeting(localEnv.MAILDESK_SMTP_PORT);
  if (!greeting.ok) return notRunning(greeting.why);
  const paths = localPaths(localEnv.MAILDESK_DATA);
  const { store, close } = openStore({ aws: false, table: localEnv.MAILDESK_TABLE }, env);
  try {
    const id = newInboundId();
    try {
      await store.wasReceived(id);
    } catch (error) {
      const err = error as Error & { cause?: Error };
      if (err.name === 'ResourceNotFoundException')
        return notRunning(
          `no table ${localEnv.MAILDESK_TABLE} in DynamoDB Local on port ${localEnv.MAILDESK_DYNAMODB_PORT}`,
        );
      if (/ECONNREFUSED/.test(`${err.message} ${err.cause?.message ?? ''} ${String((err as { code?: string }).code)}`))
        return notRunning(`nothing answers on DynamoDB Local port ${localEnv.MAILDESK_DYNAMODB_PORT}`);
      throw error;
    }

    // 3
    const mail = new FolderMailStore(paths.mail);
    const [inbound] = parseSesEvent(sesEventFor(id, recipients, verdicts));
    await mail.put(
      `${INBOUND_PREFIX}${id}`,
      Buffer.concat([Buffer.from(localReceiptHeaders(id, verdicts, dkimDomains)), raw]),
    );

    // 4
    const { receiveDeps: deps } = buildDesk({
      mail,
      tickets: store,
      config,
      calendar: BusinessCalendar.fromConfig(config),
      log: jsonLogger((l) => io.stderr(terminalJsonLine(l)), 'maildesk-cli'),
    });
    let outcome: Outcome;
    try {
      outcome = await receiveMail(inbound!, deps);
    } catch (error) {
      // Kept as the stack keeps its failures: `maildesk replay --failed` hands it over again.
      await writeFile(
        join(paths.failed, `${id}.json`),
        JSON.stringify(
          {
            reason: (error as Error).message,
            at: new Date().toISOString(),
            kind: 'inbound',
            mailKey: inbound!.mailKey,
            recipients,
            verdicts,
          },
          null,
          2,
        ),
      );
      io.stderr(
        `maildesk receive: ${(error as Error).name}: the mail is stored as ${inbound!.mailKey} and kept in failed/ ` +
          `(maildesk replay --failed)`,
      );
      return 1;
    }

    // 5
    const result: ReceiveResult = {
      kind: outcome.kind,
      ticketKey: 'ticketKey' in outcome ? outcome.ticketKey : null,
      reason: 'reason' in outcome ? outcome.reason : null,
      ...('events' in outcome ? { events: outcome.events } : {}),
      mailKey: inbound!.mailKey,
      verdicts,
      dkimDomains,
    };
    io.stdout(terminalJson(result));
    return 0;
  } finally {
    close();
  }
}

/** The local stack answers on its SMTP port with its own greeting ("220 ... maildesk local"). */
function smtpGreeting(port: number, timeoutMs = 3000): Promise<{ ok: true } | { ok: false; why: string }> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    const finish = (result: { ok: true } | { ok: false; why: string }) => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      if (result.ok) socket.end('QUIT\r\n');
      else socket.destroy();
      done(result);
    };
    socket.setTimeout(timeoutMs, () =>
      finish({ ok: false, why: `no greeting on 127.0.0.1:${port} within ${timeoutMs} ms` }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, why: `nothing answers on 127.0.0.1:${port} (${error.code ?? error.message})` }),
    );
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!text.includes('\n')) return;
      finish(
        /^220 .*maildesk/.test(text)
          ? { ok: true }
          : { ok: false, why: `127.0.0.1:${port} is not the maildesk stack's SMTP server` },
      );
    });
    socket.on('end', () => finish({ ok: false, why: `127.0.0.1:${port} closed the connection` }));
  });
}
