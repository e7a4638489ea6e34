/** `maildesk sweep [--now ISO] [--dry-run]`: one sweep at a given time, for tests and for ops. */
import { z } from 'zod';
import { loadConfig, resolveConfigPath } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import { silentLogger } from '../log';
import { sweepDeadlines } from '../use-cases/sweep-deadlines';
import { parseFlags, UsageError, type CliIo } from './io';
import { openStore } from './store-access';

export async function runSweepCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, { now: { type: 'string' }, 'dry-run': { type: 'boolean' }, aws: { type: 'boolean' }, table: { type: 'string' }, config: { type: 'string' } }, false);
  const now = values.now === undefined ? new Date() : z.iso.datetime({ offset: true }).safeParse(values.now).success ? new Date(values.now) : null;
  if (!now) throw new UsageError(`--now: expected an ISO instant like 2026-11-25T10:00:00+03:00, got "${values.now}"`);
  const config = loadConfig(resolveConfigPath(values.config));
  const { store, close } = openStore({ aws: Boolean(values.aws), table: values.table });
  try {
    const result = await sweepDeadlines(now, { tickets: store, config, calendar: BusinessCalendar.fromConfig(config), log: silentLogger }, { dryRun: Boolean(values['dry-run']) });
    io.stdout(JSON.stringify({ now: now.toISOString(), dryRun: Boolean(values['dry-run']), ...result }, null, 2));
    return 0;
  } finally {
    close();
  }
}
