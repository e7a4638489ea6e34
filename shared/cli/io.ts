/** What a CLI command writes to; tests pass collectors, the binary passes the process streams. */
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTty?: boolean;
  /** stderr is a terminal: long runs show progress there */
  stderrIsTty?: boolean;
  /** stderr without a newline added (progress lines rewritten in place with \r) */
  stderrRaw?: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  isTty: Boolean(process.stdout.isTTY),
  stderrIsTty: Boolean(process.stderr.isTTY),
  stderrRaw: (t) => process.stderr.write(t),
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** node's parseArgs with its errors turned into usage errors (exit code 2, no stack trace). */
export function parseFlags<T extends ParseArgsConfig['options']>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The parsed flags checked against their schema; every problem as `--flag: message`, a usage error. */
export function checkedFlags<T>(schema: z.ZodType<T>, values: unknown): T {
  const result = schema.safeParse(values);
  if (!result.success)
    throw new UsageError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  return result.data;
}

/** A command that takes flags only (no positionals): parsed, then checked against their schema. */
export function commandFlags<T>(argv: string[], options: ParseArgsConfig['options'], schema: z.ZodType<T>): T {
  return checkedFlags(schema, parseFlags(argv, options, false).values);
}

/**
 * Ends the process once stdout and stderr have handed every byte to the OS. process.exit right
 * after a large write to a pipe drops what the pipe could not take yet (a slow reader got the
 * first 64 KiB of a 700 KB answer); an empty write's callback runs after the writes queued before it.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map(flushed));
  process.exit(code);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    // A reader that went away (`| head`) ends the wait as well: there is no one left to write to.
    if (stream.destroyed || !stream.writable) return resolve();
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}

/** A mail file named on the command line; an unreadable one is a usage error (exit 2), not a stack trace. */
export async function readMailFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
