/** `maildesk ticket show MG-42` and `maildesk tickets list`: the desk as the engineers see it. */
import { z } from 'zod';
import { loadConfig, resolveConfigPath, type MaildeskConfig } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import { priorityCodes, priorityNamesRu } from '../domain/priorities';
import { documentationOf } from '../domain/documentation';
import type { TicketEvent } from '../domain/events';
import { isFinal, isWaiting, statusCodes, statusNamesRu, templateFieldNames, type Ticket } from '../domain/ticket';
import { rejectionLines } from '../mail/outbound/rejections';
import { runIgnoredList } from './ignored-command';
import { commandFlags, parseFlags, UsageError, type CliIo } from './io';
import { openStore } from './store-access';
import { terminalJson, terminalSafe, terminalText } from './terminal-text';
import { HOUR_MS, localTime, orderedTicket, participantsOf, timeLeft, type TimeLeft } from './ticket-view';

export { localTime, orderedTicket, participantsOf, timeLeft, type Participant, type TimeLeft } from './ticket-view';

const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?[mhd]$/, 'expected a duration like 30m, 4h or 2d')
  .transform((s) => Number(s.slice(0, -1)) * { m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS }[s.at(-1) as 'm' | 'h' | 'd']);

const listFlags = z.object({
  tenant: z.string().optional(),
  status: z.enum(statusCodes).optional(),
  priority: z.enum(priorityCodes).optional(),
  breached: z.boolean().optional(),
  'due-within': durationSchema.optional(),
  all: z.boolean().optional(),
  json: z.boolean().optional(),
  aws: z.boolean().optional(),
  table: z.string().optional(),
  config: z.string().optional(),
});

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length);
}

export async function runTicketsList(argv: string[], io: CliIo, now = new Date()): Promise<number> {
  if (argv.includes('--ignored')) return runIgnoredList(argv, io, now);
  const flags = commandFlags(
    argv,
    {
      tenant: { type: 'string' },
      status: { type: 'string' },
      priority: { type: 'string' },
      breached: { type: 'boolean' },
      'due-within': { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      aws: { type: 'boolean' },
      table: { type: 'string' },
      config: { type: 'string' },
    },
    listFlags,
  );
  const config = loadConfig(resolveConfigPath(flags.config));
  if (flags.tenant && !config.tenants.some((t) => t.id === flags.tenant))
    throw new UsageError(
      `--tenant: unknown tenant "${flags.tenant}"; known: ${config.tenants.map((t) => t.id).join(', ')}`,
    );
  const { store, close } = openStore({ aws: Boolean(flags.aws), table: flags.table });
  try {
    const calendar = BusinessCalendar.fromConfig(config);
    let tickets = await store.listTickets({ tenant: flags.tenant, status: flags.status, priority: flags.priority });
    // Mail text (summaries, names) never reaches the terminal with its control characters.
    tickets = tickets.map((t) => terminalSafe(t));
    // Finished tickets are history: shown with --all or when their status is asked for.
    if (!flags.all && !flags.status) tickets = tickets.filter((t) => !isFinal(t.status));
    if (flags.breached) tickets = tickets.filter((t) => t.breached);
    let rows = tickets.map((ticket) => ({ ticket, left: timeLeft(ticket, config, calendar, now) }));
    const within = flags['due-within'];
    if (within !== undefined) {
      // Wall time: "what falls due in the next 4 hours", overdue included.
      rows = rows.filter((r) => r.left.deadline !== null && Date.parse(r.left.deadline) - now.getTime() <= within);
    }
    const dueOf = (r: (typeof rows)[number]) =>
      r.left.deadline === null ? Number.POSITIVE_INFINITY : Date.parse(r.left.deadline);
    rows.sort((a, b) => dueOf(a) - dueOf(b) || a.ticket.number - b.ticket.number);
    if (flags.json) {
      io.stdout(
        terminalJson(
          rows.map(({ ticket, left }) => ({ ...orderedTicket(ticket), ...left })),
          2,
        ),
      );
      return 0;
    }
    io.stdout(renderTable(rows, config, Boolean(io.isTty)));
    return 0;
  } finally {
    close();
  }
}

function renderTable(rows: Array<{ ticket: Ticket; left: TimeLeft }>, config: MaildeskConfig, colour: boolean): string {
  if (rows.length === 0) return 'no tickets match';
  const paint = (code: number, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const columns = [pad('KEY', 8), pad('TENANT', 13), pad('PRIORITY', 9), pad('STATUS', 18), pad('DUE', 16)];
  const header = [...columns, pad('LEFT', 13), 'SUMMARY'].join(' ');
  const line = ({ ticket: t, left }: (typeof rows)[number]) => {
    const hours = left.overdue && left.hoursLeft === 0 ? '-0' : String(left.hoursLeft);
    const unit = left.clock === 'calendar' ? 'h' : 'bh';
    const amount = left.hoursLeft === null ? '-' : `${hours} ${unit}${left.paused ? ' paused' : ''}`;
    const text = pad(amount, 13);
    const shown =
      left.hoursLeft === null
        ? text
        : left.overdue
          ? paint(31, text)
          : left.paused
            ? paint(36, text)
            : left.hoursLeft < 4
              ? paint(33, text)
              : text;
    const due = pad(localTime(left.deadline, config.timezone), 16);
    const cells = [pad(t.key, 8), pad(t.tenant, 13), pad(t.priority, 9), pad(t.status, 18), due, shown];
    return `${cells.join(' ')} ${t.summary}${t.breached ? paint(31, ' [breached]') : ''}`;
  };
  // Tickets of clinics without a support contract have no SLA: listed apart, after the others.
  const outside = rows.filter((r) => r.ticket.outsideContract);
  return [
    header,
    ...rows.filter((r) => !r.ticket.outsideContract).map(line),
    ...(outside.length ? ['', 'outside the support contract (no SLA):', ...outside.map(line)] : []),
    `(${rows.length} ticket${rows.length === 1 ? '' : 's'}; times in ${config.timezone}; bh = business hours)`,
  ].join('\n');
}

/** The knowledge-base links of a ticket, and whether its priority needs one to close (the documentation gate). */
function documentationLines(ticket: Ticket, config: MaildeskConfig): string[] {
  const links = documentationOf(ticket);
  if (links.length) return links.map((url, i) => `${i ? ' '.repeat(14) : 'documentation '}${url}`);
  return config.documentationRequiredFor.includes(ticket.priority)
    ? ['documentation none yet: #doc URL before closing']
    : [];
}

/** Who wrote a comment in the clinic's Telegram group: their Telegram name and side. */
const telegramAuthor = (e: TicketEvent): string | null =>
  e.data?.via === 'telegram' && e.type === 'ticket.group_comment'
    ? `${String(e.data.author ?? '?')} (Telegram, ${e.data.role === 'engineer' ? e.actor.address : 'clinic'})`
    : null;

export async function runTicketShow(argv: string[], io: CliIo, now = new Date()): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    json: { type: 'boolean' },
    aws: { type: 'boolean' },
    table: { type: 'string' },
    config: { type: 'string' },
  });
  const key = positionals[0]?.toUpperCase();
  if (!key || !/^[A-Z]{1,8}-\d+$/.test(key) || positionals.length > 1)
    throw new UsageError('usage: maildesk ticket show MG-42 [--json] [--aws]');
  const config = loadConfig(resolveConfigPath(values.config));
  const { store, close } = openStore({ aws: Boolean(values.aws), table: values.table });
  try {
    const stored = await store.getTicket(key);
    if (!stored) {
      io.stderr(`ticket ${key} not found`);
      return 1;
    }
    // Mail text (summary, names, fields, filenames, comments, reasons) never reaches the terminal with its
    // control characters.
    const ticket = terminalSafe(stored);
    const events = terminalSafe(await store.listEvents(key));
    const calendar = BusinessCalendar.fromConfig(config);
    const left = timeLeft(ticket, config, calendar, now);
    const participants = participantsOf(ticket, events, config);
    const lang = config.tenants.find((t) => t.id === ticket.tenant)?.language ?? 'ru';
    const history = events.map((e) => ({
      at: e.at,
      type: e.type,
      actor: telegramAuthor(e) ?? e.actor.address ?? e.actor.kind,
      actorKind: e.actor.kind,
      from: e.from ?? null,
      to: e.to ?? null,
      // a #doc link is the event's whole content
      text: e.text ?? (typeof e.data?.url === 'string' ? e.data.url : null),
      // refused commands: their codes in the tenant's words
      reason: e.reason ?? (e.rejections ? rejectionLines(e, lang).join('\n') : null),
      attachmentKeys: e.attachmentKeys ?? [],
    }));
    if (values.json) {
      io.stdout(
        terminalJson(
          { ...orderedTicket(ticket), dueAt: ticket.deadlines.dueAt, timeLeft: left, participants, history },
          2,
        ),
      );
      return 0;
    }
    const tz = config.timezone;
    const tenant = config.tenants.find((t) => t.id === ticket.tenant);
    const unit = left.clock === 'calendar' ? 'h' : 'bh';
    const paused = left.paused ? ', clock paused: waiting for the customer' : '';
    const leftText =
      left.hoursLeft === null
        ? ''
        : `  (${left.overdue ? 'overdue' : 'left'} ${Math.abs(left.hoursLeft)} ${unit}${paused})`;
    const requester = ticket.requesterName ? `${ticket.requesterName} <${ticket.requester}>` : ticket.requester;
    const cc = ticket.cc.length ? ` (cc ${ticket.cc.join(', ')})` : '';
    const answered = ticket.respondedAt ? `  (answered ${localTime(ticket.respondedAt, tz)})` : '';
    const dueAt = localTime(left.deadline ?? ticket.deadlines.dueAt, tz);
    const lines = [
      `${ticket.key}  ${ticket.summary}`,
      `tenant        ${ticket.tenant}${tenant ? ` (${tenant.name})` : ''}`,
      `requester     ${requester}${cc}`,
      `participants  ${participants.map((p) => `${p.address} (${p.role})`).join(', ')}`,
      `department    ${ticket.department ?? '-'}`,
      `priority      ${ticket.priority} (${priorityNamesRu[ticket.priority]})`,
      `status        ${ticket.status} (${statusNamesRu[ticket.status]})`,
      `assignee      ${ticket.assignee ?? '-'}`,
      `created       ${localTime(ticket.createdAt, tz)}`,
      `respond by    ${localTime(ticket.deadlines.respondBy, tz)}${answered}`,
      `target        ${localTime(ticket.deadlines.targetAt, tz)}`,
      `due           ${dueAt}${leftText}${ticket.breached ? '  BREACHED' : ''}`,
      ...(ticket.deadlines.autoCloseAt && isWaiting(ticket.status)
        ? [`auto-close    ${localTime(ticket.deadlines.autoCloseAt, tz)}`]
        : []),
      ...(ticket.closedAt ? [`closed        ${localTime(ticket.closedAt, tz)}`] : []),
      ...(ticket.deferredWd ? [`deferred      ${ticket.deferredWd} wd`] : []),
      `fields        ${templateFieldNames.map((k) => `${k}=${ticket.fields[k] ?? '-'}`).join(' ')}`,
      ...(ticket.linkedTo.length ? [`linked        ${ticket.linkedTo.join(', ')}`] : []),
      ...(ticket.duplicateOf ? [`duplicate of  ${ticket.duplicateOf}`] : []),
      ...documentationLines(ticket, config),
      ...(ticket.outsideContract ? ['contract      outside the support contract: no SLA or auto-close'] : []),
      ...ticket.attachments.map((a) => `attachment    ${a.filename} (${a.size} B) ${a.key}`),
      '',
      `history (${tz})`,
      ...history.map((h) => {
        const move = h.from ? ` ${h.from} -> ${h.to}` : '';
        const text = h.text ? `\n      ${h.text.split('\n').join('\n      ')}` : '';
        const reason = h.reason ? `\n      (${h.reason})` : '';
        return `  ${localTime(h.at, tz)}  ${h.type}${move}  ${h.actor}${text}${reason}`;
      }),
    ];
    io.stdout(terminalText(lines.join('\n')));
    return 0;
  } finally {
    close();
  }
}
