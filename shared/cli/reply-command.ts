/**
 * `maildesk reply FILE.eml --from ADDR (--text TEXT | --text-file F) [--cc ADDR]... [--smtp HOST:PORT]
 * [--config FILE]`: answers a mail (one from the outbox, typically) as a mail client would, and
 * sends the answer into the local stack over SMTP, as an engineer's or a customer's client would.
 * 1 check the flags (zod), read the text and the mail
 * 2 write the answer (reply-mail.ts): To, Re: subject, In-Reply-To, References, quoted original
 * 3 send it over SMTP (nodemailer's client) to 127.0.0.1:MAILDESK_SMTP_PORT or --smtp
 * 4 print one line: what was sent, from whom, to whom
 * Exit 2: bad flags, unreadable file, a file that is not a mail. Exit 1: the SMTP server refused
 * the connection or the mail (the line names the port and says to run npm start first).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createTransport } from 'nodemailer';
import { z } from 'zod';
import { readLocalEnv } from '../../infra/local/local-env';
import { loadConfig, resolveConfigPath, type MaildeskConfig } from '../config';
import { parseMail } from '../mail/inbound/parse-mail';
import type { ParsedMail } from '../mail/inbound/types';
import { checkedFlags, parseFlags, readMailFile, UsageError, type CliIo } from './io';
import { buildReply, type ReplyLanguage, type ReplyMail } from './reply-mail';
import { terminalLine } from './terminal-text';

export const REPLY_USAGE =
  'usage: maildesk reply FILE.eml --from ADDR (--text TEXT | --text-file FILE) [--cc ADDR]... [--smtp HOST:PORT]\n' +
  '                      [--config FILE]';

const address = z.string().trim().toLowerCase().pipe(z.email('expected a mail address like engineer1@team.example'));

const replyFlags = z
  .object({
    from: address,
    text: z.string().min(1, 'expected the text of the answer').optional(),
    'text-file': z.string().min(1).optional(),
    cc: z.array(address).optional(),
    smtp: z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected HOST:PORT, like 127.0.0.1:2525')
      .refine((s) => Number(s.split(':')[1]) <= 65535, 'the port must be at most 65535')
      .optional(),
    config: z.string().min(1).optional(),
  })
  .refine((f) => (f.text === undefined) !== (f['text-file'] === undefined), {
    message: 'give the answer with exactly one of --text TEXT and --text-file FILE',
    path: ['text'],
  });

/** The language the answer's attribution is in: the desk tenant's the mail was exchanged with. */
export function replyLanguage(config: MaildeskConfig, mail: ParsedMail): ReplyLanguage {
  const seen = [mail.from, ...mail.replyTo, ...mail.to, ...mail.cc].flatMap((a) => (a ? [a.address] : []));
  const tenant = config.tenants.find((t) => t.addresses.some((a) => seen.includes(a)));
  if (tenant) return tenant.language;
  return /\p{Script=Cyrillic}/u.test(`${mail.subject} ${mail.text}`) ? 'ru' : 'en';
}

export async function runReplyCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  // 1
  const { values, positionals } = parseFlags(argv, {
    from: { type: 'string' },
    text: { type: 'string' },
    'text-file': { type: 'string' },
    cc: { type: 'string', multiple: true },
    smtp: { type: 'string' },
    config: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(REPLY_USAGE);
  const flags = checkedFlags(replyFlags, values);
  const file = positionals[0]!;
  const text = flags.text ?? (await readTextFile(flags['text-file']!));
  const raw = await readMailFile(file);
  const original = await parseMail(raw);
  if (!original.from && original.replyTo.length === 0 && !original.messageId)
    throw new UsageError(`${file} is not a mail: it has no From, Reply-To or Message-ID header`);
  const config = loadConfig(resolveConfigPath(flags.config, env));
  const target = flags.smtp ?? `127.0.0.1:${smtpPort(env)}`;

  // 2
  const reply = buildReply(original, {
    from: flags.from,
    text,
    cc: flags.cc,
    messageId: `${randomBytes(16).toString('hex')}@${flags.from.split('@')[1]}`,
    timeZone: config.timezone,
    language: replyLanguage(config, original),
  });
  if (!reply) throw new UsageError(`${file} has no From or Reply-To: there is nobody to answer`);

  // 3
  const sent = await sendOverSmtp(reply, target);
  if (!sent.ok) {
    io.stderr(`maildesk reply: ${sent.why}`);
    return 1;
  }

  // 4
  const cc = reply.cc.length ? ` cc ${reply.cc.join(', ')}` : '';
  io.stdout(
    `sent "${terminalLine(reply.subject)}" from ${reply.from} to ${terminalLine(reply.to.join(', '))}${cc} ` +
      `via ${target} (Message-ID <${reply.messageId}>, In-Reply-To <${terminalLine(reply.inReplyTo ?? '')}>)`,
  );
  return 0;
}

function smtpPort(env: NodeJS.ProcessEnv): number {
  try {
    return readLocalEnv(env).MAILDESK_SMTP_PORT;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--text-file: cannot read ${file}: ${code}`);
  }
}

type SendResult = { ok: true } | { ok: false; why: string };

/** One SMTP session, as a mail client's; a refusal says which port and what to start. */
async function sendOverSmtp(reply: ReplyMail, target: string): Promise<SendResult> {
  const [host, port] = target.split(':') as [string, string];
  const transport = createTransport({
    host,
    port: Number(port),
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
  });
  const bracket = (id: string) => `<${id}>`;
  try {
    await transport.sendMail({
      from: reply.from,
      to: reply.to,
      cc: reply.cc.length ? reply.cc : undefined,
      subject: reply.subject,
      text: reply.text,
      messageId: bracket(reply.messageId),
      inReplyTo: reply.inReplyTo ? bracket(reply.inReplyTo) : undefined,
      references: reply.references.length ? reply.references.map(bracket) : undefined,
    });
    return { ok: true };
  } catch (error) {
    const err = error as Error & { code?: string; response?: string; responseCode?: number };
    if (err.responseCode !== undefined)
      return { ok: false, why: `${target} refused the mail: ${terminalLine(err.response ?? err.message)}` };
    const why = /ECONNREFUSED/.test(err.message) ? 'connection refused' : terminalLine(err.message);
    return {
      ok: false,
      why:
        `cannot send to ${target} (${why}): start the local stack with npm start first ` +
        '(its SMTP port is MAILDESK_SMTP_PORT, default 2525), or name another with --smtp HOST:PORT',
    };
  } finally {
    transport.close();
  }
}
