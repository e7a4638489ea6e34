/**
 * The CLI as a user runs it, through a pipe: every byte of a large answer arrives (the process
 * must not exit while stdout still drains), and every command answers --help with exit 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParseCommand } from '../../shared/cli/parse-command';

const TIMEOUT = 120_000;

/** A mail whose `maildesk parse` JSON is well over 700 KB: 9,000 lines of request text. */
function largeMail(): string {
  const dir = mkdtempSync(join(tmpdir(), 'maildesk-cli-'));
  const line = 'Направление на общий анализ крови не печатается после сохранения записи.';
  const body = Array.from({ length: 9_000 }, (_, i) => `${i + 1}. ${line}`).join('\r\n');
  const raw = [
    'From: a.smirnova@clinic-north.example',
    'To: clinic-north@support.example',
    'Subject: large request',
    'Message-ID: <large-cli-output@clinic-north.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
  const file = join(dir, 'large.eml');
  writeFileSync(file, raw);
  return file;
}

/** Runs the CLI with stdout piped to a reader that starts reading two seconds late, as `| (sleep 2; cat)` does. */
function runThroughSlowReader(args: readonly string[]): Promise<{ code: number | null; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" bin/maildesk.mjs ${quoted} | (sleep 2; cat)`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks) }));
  });
}

describe('maildesk CLI output through a pipe', () => {
  it(
    'delivers the whole JSON of a >700 KB parse to a slow reader',
    async () => {
      // given a mail whose reading is larger than a pipe's buffer many times over
      const file = largeMail();
      let expected = '';
      await runParseCommand([file], { stdout: (t) => (expected += t.endsWith('\n') ? t : `${t}\n`), stderr: () => undefined });
      expect(Buffer.byteLength(expected)).toBeGreaterThan(700 * 1024);
      // when the binary prints it into a pipe read slowly
      const { code, stdout } = await runThroughSlowReader(['parse', file]);
      // then every byte arrives, and the exit status is success
      expect(code).toBe(0);
      expect(stdout.length).toBe(Buffer.byteLength(expected));
      expect(stdout.toString('utf8')).toBe(expected);
    },
    TIMEOUT,
  );
});

const helpCommands = ['parse', 'sla', 'sweep', 'replay', 'receive', 'doctor', 'tickets list', 'ticket show', 'report sla', 'report send', 'report', 'reply', 'outbox', 'log', 'telegram set-webhook'];

describe('maildesk <command> --help', () => {
  it('the list below names every command bin/maildesk.ts dispatches', () => {
    const dispatched = [...readFileSync('bin/maildesk.ts', 'utf8').matchAll(/^ {4}case '([a-z][a-z-]*)':/gm)].map((m) => m[1]!);
    expect(dispatched.length).toBeGreaterThan(10);
    const named = new Set(helpCommands.map((c) => c.split(' ')[0]));
    expect(dispatched.filter((c) => c !== 'help' && !named.has(c))).toEqual([]);
  });

  it.each(helpCommands)(
    '%s answers --help with its usage and exit 0',
    (command) => {
      const words = command.split(' ');
      const r = spawnSync(process.execPath, ['bin/maildesk.mjs', ...words, '--help'], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`usage: maildesk ${words.join(' ')}\\b`));
    },
    TIMEOUT,
  );

  it('answers -h as well', () => {
    const r = spawnSync(process.execPath, ['bin/maildesk.mjs', 'parse', '-h'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: maildesk parse FILE\.eml/);
  });
});
