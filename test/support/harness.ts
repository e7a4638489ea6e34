/** Test harness: the real local stack (DynamoDB Local from the global setup, SMTP on 127.0.0.1, folders). */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { inject } from 'vitest';
import { parseConfig, type MaildeskConfig } from '../../shared/config';
import { memoryLogger } from '../../shared/log';
import { parseMail } from '../../shared/mail/inbound/parse-mail';
import type { ParsedMail } from '../../shared/mail/inbound/types';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/stack';

export const exampleConfig = (): MaildeskConfig =>
  parseConfig(JSON.parse(readFileSync('maildesk.config.example.json', 'utf8')));

let tableCounter = 0;
export const uniqueTable = (prefix = 't') => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++tableCounter}`;

export interface Harness {
  stack: LocalStack;
  log: ReturnType<typeof memoryLogger>;
  /** sends a raw .eml (or built mail) through SMTP to the stack */
  sendRaw(raw: Buffer | string, envelope: { from: string; to: string[] }): Promise<void>;
  send(mail: {
    from: string;
    to: string | string[];
    cc?: string;
    subject: string;
    text?: string;
    html?: string;
    inReplyTo?: string;
    references?: string;
    messageId?: string;
    headers?: Record<string, string>;
    attachments?: Array<{ filename: string; content: Buffer | string }>;
  }): Promise<void>;
  /** outbox mails written so far, parsed, oldest first */
  outbox(): Promise<Array<ParsedMail & { file: string }>>;
  /** waits until the stream is drained, then returns the mails added since the last call */
  newMail(): Promise<Array<ParsedMail & { file: string }>>;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<LocalStackOptions> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'maildesk-test-'));
  const log = memoryLogger();
  const stack = await startLocalStack({
    config: exampleConfig(),
    dataDir,
    smtpPort: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    table: uniqueTable(),
    streamPollMs: 50,
    log,
    // the monthly report timer would mail on the first working day of a month: tests opt in
    monthlyReportCheckMinutes: 0,
    ...overrides,
  });
  const transport = createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
  let seen = 0;
  const outbox = async () => {
    const files = (await readdir(stack.outboxDir)).filter((f) => f.endsWith('.eml')).sort();
    return Promise.all(
      files.map(async (file) => ({ ...(await parseMail(await readFile(join(stack.outboxDir, file)))), file })),
    );
  };
  return {
    stack,
    log,
    async sendRaw(raw, envelope) {
      await transport.sendMail({ envelope, raw });
    },
    async send(mail) {
      await transport.sendMail(mail);
    },
    outbox,
    async newMail() {
      await stack.drain();
      const all = await outbox();
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    },
    async close() {
      transport.close();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A hand-set clock in Moscow wall time, for stacks started with `{ now: clock.now }`. */
export function moscowClock(start: string) {
  let current = Date.parse(`${start}+03:00`);
  return {
    now: () => new Date(current),
    set: (moscow: string) => {
      current = Date.parse(`${moscow}+03:00`);
    },
    utc: (moscow: string) => new Date(`${moscow}+03:00`).toISOString(),
  };
}

export const sortedAddresses = (list: ParsedMail['to']) => list.map((a) => a.address).sort();
