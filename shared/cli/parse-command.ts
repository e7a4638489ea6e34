/** `maildesk parse FILE.eml [--config FILE]`: how the system reads a mail, as one JSON object. */
import { readFile } from 'node:fs/promises';
import { loadConfig, resolveConfigPath } from '../config';
import { parseMail } from '../mail/parse-mail';
import { readMail } from '../mail/read-mail';
import { parseFlags, UsageError, type CliIo } from './io';
import { terminalJson } from './terminal-text';

export async function runParseCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, { config: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('usage: maildesk parse FILE.eml [--config FILE]');
  const file = positionals[0]!;
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const config = loadConfig(resolveConfigPath(values.config));
  const reading = readMail(await parseMail(raw), config);
  io.stdout(terminalJson(reading, 2));
  return 0;
}
