/** `maildesk parse FILE.eml [--config FILE]`: how the system reads a mail, as one JSON object. */
import { loadConfig, resolveConfigPath } from '../config';
import { parseMail } from '../mail/inbound/parse-mail';
import { readMail } from '../mail/inbound/read-mail';
import { parseFlags, UsageError, type CliIo, readMailFile } from './io';
import { terminalJson } from './terminal-text';

export async function runParseCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, { config: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('usage: maildesk parse FILE.eml [--config FILE]');
  const file = positionals[0]!;
  const raw = await readMailFile(file);
  const config = loadConfig(resolveConfigPath(values.config));
  const reading = readMail(await parseMail(raw), config);
  io.stdout(terminalJson(reading, 2));
  return 0;
}
