/**
 * `maildesk sweep [--now ISO] [--dry-run] [--aws] [--table T] [--config FILE]`: one SLA sweep at a
 * given time, for tests and for ops. With --dry-run nothing is written: it prints what would fire.
 * Prints JSON {now, timezone, utcOffset, dryRun, due, acted | wouldAct, raced, failed}; times are the
 * desk's wall time with the offset (config `timezone`), and each action names its time: respondBy,
 * warningAt, deadline, remindAt or autoCloseAt. Exit codes: 0 done, 1 some tickets could not be
 * handled, 2 bad flags or config.
 */
import { buildDesk } from '../composition';
import { loadConfig, resolveConfigPath } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import type { DueKind } from '../domain/ticket';
import type { Logger } from '../log';
import { sweepDeadlines, SweepIncompleteError, type SweepAction, type SweepResult } from '../use-cases/sweep-deadlines';
import { parseFlags, UsageError, type CliIo } from './io';
import { INSTANT_MESSAGE, isoInstant } from './sla-command';
import { openStore } from './store-access';
import { terminalJson } from './terminal-text';
import { zonedIso, zoneOffset } from './zone-time';

/** What the time of each kind of action is, as the output names it. */
const timeName: Record<DueKind, string> = {
  respond: 'respondBy',
  warn: 'warningAt',
  breach: 'deadline',
  remind: 'remindAt',
  auto_close: 'autoCloseAt',
};

/** One action as printed: its time under the name of what it is, in the desk's zone. */
export function describeAction(action: SweepAction, timeZone: string): Record<string, string> {
  const { deadline, ...rest } = action;
  return { ...rest, [timeName[action.kind]]: zonedIso(new Date(deadline), timeZone) };
}

export const SWEEP_USAGE = 'usage: maildesk sweep [--now ISO] [--dry-run] [--aws] [--table NAME] [--config FILE]';

export async function runSweepCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      now: { type: 'string' },
      'dry-run': { type: 'boolean' },
      aws: { type: 'boolean' },
      table: { type: 'string' },
      config: { type: 'string' },
    },
    false,
  );
  let now = new Date();
  if (values.now !== undefined) {
    if (!isoInstant.safeParse(values.now).success)
      throw new UsageError(`--now: ${INSTANT_MESSAGE}, got "${values.now}"\n${SWEEP_USAGE}`);
    now = new Date(values.now);
  }
  const dryRun = Boolean(values['dry-run']);
  const config = loadConfig(resolveConfigPath(values.config, env));
  const { store, close } = openStore({ aws: Boolean(values.aws), table: values.table }, env);
  try {
    let result: SweepResult;
    try {
      const { sweepDeps } = buildDesk({
        tickets: store,
        config,
        calendar: BusinessCalendar.fromConfig(config),
        log: stderrLogger(io),
      });
      result = await sweepDeadlines(now, sweepDeps, { dryRun });
    } catch (error) {
      // Some tickets failed (each logged on stderr): still report what the sweep did.
      if (!(error instanceof SweepIncompleteError)) throw error;
      result = error.result;
    }
    const { acted, ...counts } = result;
    io.stdout(
      terminalJson(
        {
          now: zonedIso(now, config.timezone),
          timezone: config.timezone,
          utcOffset: zoneOffset(now, config.timezone),
          dryRun,
          due: counts.due,
          [dryRun ? 'wouldAct' : 'acted']: acted.map((a) => describeAction(a, config.timezone)),
          raced: counts.raced,
          failed: counts.failed,
        },
        2,
      ),
    );
    return result.failed > 0 ? 1 : 0;
  } finally {
    close();
  }
}

/** Problems go to stderr (one JSON line each), so ops see which ticket failed; progress stays quiet. */
function stderrLogger(io: CliIo): Logger {
  const write =
    (level: string) =>
    (message: string, fields: object = {}) =>
      io.stderr(terminalJson({ level, message, ...fields }));
  return { info() {}, warn: write('warn'), error: write('error'), security: write('security') };
}
