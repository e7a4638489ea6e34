/**
 * `maildesk sla`: what the SLA engine computes for a ticket, for ops and for tests.
 *
 *   maildesk sla --priority P --created ISO [--config FILE] [--pause ISO/ISO]... [--started ISO] [--waiting-since ISO]
 *
 * Prints one JSON line {"respondBy","targetAt","dueAt","autoCloseAt"} of UTC instants or null.
 * Exit codes: 0 done, 2 bad flags or config.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig, resolveConfigPath, type MaildeskConfig } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import { priorityCodes, priorityNamesEn, priorityNamesRu, type Priority } from '../domain/priorities';
import { computeDeadlines } from '../domain/sla-policy';

export interface SlaCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** For resolving the config path; default: the process's. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export const SLA_USAGE =
  'usage: maildesk sla --priority P --created ISO [--config FILE] [--pause ISO/ISO]... [--started ISO] ' +
  '[--waiting-since ISO]\n' +
  `  P: ${priorityCodes.join(', ')} (or the Russian name)\n` +
  '  ISO: an instant with its offset, e.g. 2026-03-02T09:30:00+03:00 or 2026-03-02T06:30:00Z\n';

/** Codes and names (Russian, English) in any case, so ops can paste what the mail says. */
const prioritiesByName = new Map<string, Priority>(
  priorityCodes.flatMap((code) => [
    [code, code],
    [priorityNamesRu[code].toLowerCase(), code],
    [priorityNamesEn[code].toLowerCase(), code],
  ]),
);

// An instant needs its offset: a bare local time would silently mean the server's zone.
export const INSTANT_MESSAGE = 'expected an ISO instant with an offset, like 2026-03-02T09:30:00+03:00';
export const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.datetime({ offset: true, precision: -1 })], {
  error: INSTANT_MESSAGE,
});

const pauseSchema = z.string().transform((s, ctx) => {
  const parts = s.split('/');
  const from = isoInstant.safeParse(parts[0]);
  const to = isoInstant.safeParse(parts[1]);
  if (parts.length !== 2 || !from.success || !to.success) {
    ctx.addIssue({ code: 'custom', message: `expected FROM/TO, two ISO instants with offsets, got "${s}"` });
    return z.NEVER;
  }
  if (Date.parse(to.data) <= Date.parse(from.data)) {
    ctx.addIssue({ code: 'custom', message: `the pause "${s}" must end after it starts` });
    return z.NEVER;
  }
  return { from: from.data, to: to.data };
});

const flagsSchema = z.object({
  priority: z.string({ message: 'is required' }).transform((s, ctx) => {
    const code = prioritiesByName.get(s.trim().toLowerCase());
    if (!code) {
      ctx.addIssue({ code: 'custom', message: `unknown priority "${s}"; expected one of ${priorityCodes.join(', ')}` });
      return z.NEVER;
    }
    return code;
  }),
  created: z.string({ message: 'is required' }).pipe(isoInstant),
  config: z.string().optional(),
  pause: z.array(pauseSchema).default([]),
  started: isoInstant.optional(),
  'waiting-since': isoInstant.optional(),
});

const flagName = (path: readonly PropertyKey[]): string => `--${String(path[0] ?? '?')}`;

export function runSlaCommand(argv: string[], io: SlaCommandIo): number {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        priority: { type: 'string' },
        created: { type: 'string' },
        config: { type: 'string' },
        pause: { type: 'string', multiple: true },
        started: { type: 'string' },
        'waiting-since': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.stderr(`maildesk sla: ${(err as Error).message}\n${SLA_USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout(SLA_USAGE);
    return 0;
  }

  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${flagName(issue.path)}: ${issue.message}`);
    io.stderr(`maildesk sla: bad flags\n${lines.join('\n')}\n${SLA_USAGE}`);
    return 2;
  }
  const flags = parsed.data;

  let calendar: BusinessCalendar;
  let sla: MaildeskConfig['sla'];
  try {
    const config = loadConfig(resolveConfigPath(flags.config, io.env ?? process.env, io.cwd ?? process.cwd()));
    calendar = BusinessCalendar.fromConfig(config);
    sla = config.sla;
  } catch (err) {
    // RangeError: a config date the schema's pattern let through, like 2026-02-30.
    if (!(err instanceof ConfigError) && !(err instanceof RangeError)) throw err;
    io.stderr(`maildesk sla: ${err.message}\n`);
    return 2;
  }

  const deadlines = computeDeadlines(
    {
      priority: flags.priority,
      createdAt: flags.created,
      pauses: flags.pause,
      startedAt: flags.started ?? null,
      deferredWd: 0,
      waitingSince: flags['waiting-since'] ?? null,
    },
    calendar,
    sla,
  );
  io.stdout(
    `${JSON.stringify({
      respondBy: deadlines.respondBy,
      targetAt: deadlines.targetAt,
      dueAt: deadlines.dueAt,
      autoCloseAt: deadlines.autoCloseAt,
    })}\n`,
  );
  return 0;
}
