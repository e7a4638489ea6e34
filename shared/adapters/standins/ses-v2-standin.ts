/**
 * A strict local SES v2 endpoint: SendEmail as the SDK speaks it (REST-JSON, `POST
 * /v2/email/outbound-emails`, https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html),
 * every request checked by ses-v2-rules.ts, refusals in AWS's error shape (HTTP status,
 * `x-amzn-ErrorType` header, JSON `{ message }`: the SDK throws the named exception). Accepted mail
 * is kept in memory (the last `keepLast`, 100 by default: `npm start` runs for days) and, when a folder is
 * given, written there as `<time>-<n>-<MessageId>.eml` (sortable by time of sending, like the local outbox).
 * Point a client at it with `endpoint`, or the SDK's own AWS_ENDPOINT_URL_SESV2 variable.
 * A browser at the endpoint (GET /) sees the accepted mail, newest first, each raw at
 * /mail/<MessageId>.eml (an older one read back from the folder): the local stack's mail viewer (loopback only,
 * like the outbox folder).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { checkSendEmail, SES_DOCS, type SendEmailRequest, type SesAccount } from '../ses-v2-rules';
import {
  json,
  listenLoopback,
  signedService,
  SIGV4_DOC,
  type ListenOptions,
  type Refusal,
  type RunningStandin,
  type StandinAnswer,
  type StandinRequest,
} from './http-standin';

export interface AcceptedMail {
  messageId: string;
  fromEmailAddress: string | undefined;
  destinations: string[];
  configurationSet: string | undefined;
  raw: Buffer;
}

export interface SesStandin extends RunningStandin {
  /** the last `keepLast` accepted mails, oldest first */
  accepted: AcceptedMail[];
  /** how many mails were accepted in all */
  sent(): number;
  refusals: Refusal[];
}

/** How many accepted mails stay in memory by default (the browser's list); older ones are in the folder. */
export const KEEP_LAST_MAILS = 100;

const html = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const notFound = (body: string): StandinAnswer => ({ status: 404, headers: { 'content-type': 'text/plain' }, body });

/** One raw mail: from memory, else (older than the last `keepLast`) from the folder's `...-<MessageId>.eml`. */
async function rawMail(messageId: string, accepted: readonly AcceptedMail[], folder?: string): Promise<Buffer | null> {
  const kept = accepted.find((m) => m.messageId === messageId);
  if (kept) return kept.raw;
  if (!folder) return null;
  const name = (await readdir(folder)).find((n) => n.endsWith(`-${messageId}.eml`));
  return name ? readFile(join(folder, name)) : null;
}

/** GET /: the last accepted mails as a list (recipients and id, no content); GET /mail/<id>.eml: one raw mail. */
async function view(
  path: string,
  accepted: readonly AcceptedMail[],
  sent: number,
  folder?: string,
): Promise<StandinAnswer> {
  const one = /^\/mail\/([A-Za-z0-9-]+)\.eml$/.exec(path);
  if (one) {
    const raw = await rawMail(one[1]!, accepted, folder);
    return raw ? { status: 200, headers: { 'content-type': 'message/rfc822' }, body: raw } : notFound('no such mail');
  }
  if (path !== '/') return notFound('not found');
  const rows = [...accepted]
    .reverse()
    .map((m) => `<li><a href="/mail/${m.messageId}.eml">${m.messageId}</a> to ${html(m.destinations.join(', '))}</li>`)
    .join('\n');
  const older = sent > accepted.length ? `<p>and ${sent - accepted.length} older, in the outbox folder</p>` : '';
  const body =
    `<!doctype html><meta charset="utf-8"><title>maildesk: mail sent through local ` +
    `SES</title><h1>${sent} mail(s) sent</h1><ul>\n${rows}\n</ul>${older}`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

export interface SesStandinOptions extends ListenOptions {
  account: SesAccount;
  /** accepted mail is also written here as .eml files */
  folder?: string;
  /** how many accepted mails `accepted` keeps (default KEEP_LAST_MAILS) */
  keepLast?: number;
}

const SEND_PATH = '/v2/email/outbound-emails';

const addresses = z.array(z.string()).optional();
/** The wire form of SendEmail (the SDK sends blobs base64-encoded). Unknown fields pass: SES ignores none of ours. */
const sendEmailWire = z.object({
  FromEmailAddress: z.string().optional(),
  Destination: z.object({ ToAddresses: addresses, CcAddresses: addresses, BccAddresses: addresses }).optional(),
  ReplyToAddresses: addresses,
  Content: z
    .object({
      Raw: z.object({ Data: z.string() }).optional(),
      Simple: z.unknown().optional(),
      Template: z.unknown().optional(),
    })
    .optional(),
  ConfigurationSetName: z.string().optional(),
});

/** AWS's REST-JSON error: the SDK reads the exception name from `x-amzn-ErrorType`. */
function awsError(refusal: Refusal, status: number): StandinAnswer {
  return json(status, { message: refusal.message }, { 'x-amzn-errortype': refusal.name });
}

export async function startSesStandin(options: SesStandinOptions): Promise<SesStandin> {
  const accepted: AcceptedMail[] = [];
  const refusals: Refusal[] = [];
  const refuse = (name: string, status: number, rule: string, doc: string, message: string) => {
    const refusal: Refusal = { service: 'sesv2', name, rule, message, doc };
    refusals.push(refusal);
    return awsError(refusal, status);
  };
  if (options.folder) await mkdir(options.folder, { recursive: true });
  let sequence = 0;
  let sent = 0;
  const keepLast = options.keepLast ?? KEEP_LAST_MAILS;

  const route = async (request: StandinRequest): Promise<StandinAnswer> => {
    if (request.method === 'GET') return view(request.path, accepted, sent, options.folder);
    if (request.method !== 'POST' || request.path !== SEND_PATH) {
      // Only SendEmail is stood in: anything else is a test's mistake, said plainly.
      return refuse(
        'UnknownOperationException',
        404,
        'operation',
        SES_DOCS.sendEmail,
        `The stand-in serves SendEmail only (${request.method} ${request.path}).`,
      );
    }
    if (signedService(request.headers) !== 'ses')
      return refuse(
        'MissingAuthenticationTokenException',
        403,
        'sigv4',
        SIGV4_DOC,
        'Request is missing a SigV4 signature for service ses.',
      );
    let wire: z.infer<typeof sendEmailWire>;
    try {
      wire = sendEmailWire.parse(JSON.parse(request.body.toString('utf8')));
    } catch {
      return refuse(
        'BadRequestException',
        400,
        'request-shape',
        SES_DOCS.sendEmail,
        'The request body is not a SendEmail request.',
      );
    }
    const data = wire.Content?.Raw?.Data;
    if (data !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(data))
      return refuse('BadRequestException', 400, 'raw-base64', SES_DOCS.rawMessage, 'Raw message data is not base64.');
    const raw = data === undefined ? undefined : Buffer.from(data, 'base64');
    const input: SendEmailRequest = {
      ...wire,
      Content: wire.Content && { ...wire.Content, Raw: raw && { Data: new Uint8Array(raw) } },
    };
    const rejection = checkSendEmail(input, options.account);
    if (rejection)
      return refuse(rejection.name, rejection.httpStatusCode, rejection.rule, rejection.doc, rejection.message);

    // SES answers with its own id (the Message-ID it writes is <id>@<region>.amazonses.com).
    const messageId = `0102${randomBytes(8).toString('hex')}-${randomBytes(12).toString('hex')}-000000`;
    const d = wire.Destination;
    const mail: AcceptedMail = {
      messageId,
      fromEmailAddress: wire.FromEmailAddress,
      destinations: [...(d?.ToAddresses ?? []), ...(d?.CcAddresses ?? []), ...(d?.BccAddresses ?? [])],
      configurationSet: wire.ConfigurationSetName,
      raw: raw ?? Buffer.alloc(0),
    };
    accepted.push(mail);
    sent += 1;
    // Bounded: a local stack sending for days would otherwise hold every raw mail in memory.
    if (accepted.length > keepLast) accepted.splice(0, accepted.length - keepLast);
    if (options.folder && raw) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const name = `${stamp}-${String(++sequence).padStart(5, '0')}-${messageId}.eml`;
      await writeFile(join(options.folder, name), raw);
    }
    return json(200, { MessageId: messageId });
  };

  const server = await listenLoopback(route, options);
  return { ...server, accepted, sent: () => sent, refusals };
}
