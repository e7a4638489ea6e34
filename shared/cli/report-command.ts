/**
 * `maildesk report sla [--month 2026-11] [--tenant T] [--format md|csv|html|json] [--out FILE] [--aws]`:
 *   without --month, the current month (in the desk's zone) to date, and it says so first
 * `maildesk report send [--month 2026-11] [--force] [--now ISO] [--aws]`: the monthly report mail by hand
 */
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { jsonLogger } from '../log';
import { sendMonthlyReports } from '../use-cases/send-monthly-reports';
import { buildDesk } from '../composition';
import { loadConfig, resolveConfigPath } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import { loadSlaReport } from '../reports/load-history';
import { renderCsv } from '../reports/render-csv';
import { renderHtml } from '../reports/render-html';
import { renderMarkdown } from '../reports/render-markdown';
import { monthTitle } from '../reports/format';
import { MONTH_PATTERN, type SlaReport } from '../reports/sla-report';
import { commandFlags, UsageError, type CliIo } from './io';
import { progressOnStderr } from './progress';
import { terminalJson, terminalSafe } from './terminal-text';
import { cliMailSender, openStore } from './store-access';

const formats = ['md', 'csv', 'html', 'json'] as const;
export type ReportFormat = (typeof formats)[number];

const flagsSchema = z.object({
  month: z.string().regex(MONTH_PATTERN, 'expected a month as YYYY-MM, like 2026-11').optional(),
  tenant: z.string().min(1).optional(),
  format: z.enum(formats, { error: `expected one of ${formats.join(', ')}` }).default('md'),
  out: z.string().min(1).optional(),
  aws: z.boolean().optional(),
  table: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
});

export function renderReport(report: SlaReport, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(report);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
    case 'json':
      return `${terminalJson(report, 2)}\n`;
  }
}

const usage = [
  'usage: maildesk report sla [--month YYYY-MM] [--tenant T] [--format md|csv|html|json] [--out FILE] [--aws]',
  '                           [--table T] [--config FILE]',
  '       maildesk report send [--month YYYY-MM] [--force] [--now ISO] [--aws] [--table T] [--config FILE]',
].join('\n');

export async function runReportCommand(argv: string[], io: CliIo, now = new Date()): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'send') return runReportSend(rest, io, now);
  if (sub !== 'sla') throw new UsageError(usage);
  const flags = commandFlags(
    rest,
    {
      month: { type: 'string' },
      tenant: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      aws: { type: 'boolean' },
      table: { type: 'string' },
      config: { type: 'string' },
    },
    flagsSchema,
  );
  const config = loadConfig(resolveConfigPath(flags.config));
  if (flags.tenant && !config.tenants.some((t) => t.id === flags.tenant)) {
    throw new UsageError(
      `--tenant: unknown tenant "${flags.tenant}"; known: ${config.tenants.map((t) => t.id).join(', ')}`,
    );
  }
  const calendar = BusinessCalendar.fromConfig(config);
  // The month `now` falls in, in the desk's zone: what a person asking "how are we doing" means.
  const month = flags.month ?? calendar.localDate(now).slice(0, 7);
  const { store, close } = openStore({ aws: Boolean(flags.aws), table: flags.table });
  const progress = progressOnStderr(io, `report sla ${month}: loading ticket history`);
  try {
    const report = await loadSlaReport(store, config, calendar, {
      month,
      tenants: flags.tenant ? [flags.tenant] : undefined,
      now,
      onProgress: (d, t) => progress.update(d, t),
    });
    progress.finish();
    // Which month, and up to when: Markdown and HTML say it in their title; CSV and JSON stay data,
    // so it is said first on stderr (and --out says it in its line).
    const plain = flags.format === 'csv' || flags.format === 'json';
    if (!flags.month && plain && !flags.out) io.stderr(`report sla: ${monthTitle(report)}, ${report.timezone}`);
    if (flags.out) {
      const text = renderReport(report, flags.format);
      await writeFile(flags.out, text);
      io.stderr(
        `wrote ${flags.out} (${flags.format}, ${Buffer.byteLength(text)} bytes): ${monthTitle(report)}, ` +
          `${report.tenants.map((t) => t.id).join(', ')}`,
      );
    } else {
      // On the terminal, mail text in the report (summaries) comes without control characters.
      io.stdout(renderReport(terminalSafe(report), flags.format));
    }
    return 0;
  } finally {
    progress.finish();
    close();
  }
}

const sendSchema = z.object({
  month: z.string().regex(MONTH_PATTERN, 'expected a month as YYYY-MM, like 2026-11').optional(),
  force: z.boolean().optional(),
  now: z.iso.datetime({ offset: true, error: 'expected an ISO instant like 2026-12-01T10:00:00+03:00' }).optional(),
  aws: z.boolean().optional(),
  table: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
});

/**
 * The monthly report mail by hand: without --force it does what the timer does (sends only on the
 * first working day of the month); --force sends now, e.g. after the desk was down that day. Either
 * way each tenant gets a month's report once (claim `report#<tenant>#<month>`).
 */
async function runReportSend(argv: string[], io: CliIo, defaultNow: Date): Promise<number> {
  const flags = commandFlags(
    argv,
    {
      month: { type: 'string' },
      force: { type: 'boolean' },
      now: { type: 'string' },
      aws: { type: 'boolean' },
      table: { type: 'string' },
      config: { type: 'string' },
    },
    sendSchema,
  );
  if (flags.month && !flags.force)
    throw new UsageError(
      '--month needs --force (without it the month is the previous one, sent on the first working day only)',
    );
  const now = flags.now ? new Date(flags.now) : defaultNow;
  const config = loadConfig(resolveConfigPath(flags.config));
  const { store, close } = openStore({ aws: Boolean(flags.aws), table: flags.table });
  const { sender, where } = cliMailSender(Boolean(flags.aws));
  try {
    const { reportDeps } = buildDesk({
      tickets: store,
      sender,
      config,
      calendar: BusinessCalendar.fromConfig(config),
      log: jsonLogger((line) => io.stderr(line), 'maildesk-cli'),
    });
    const result = await sendMonthlyReports(now, reportDeps, { force: flags.force, month: flags.month });
    io.stdout(terminalJson({ ...result, via: where }, 2));
    return 0;
  } finally {
    close();
  }
}
