/** `maildesk ticket show MG-42` and `maildesk tickets list`: the desk as the engineers see it. */
import { z } from 'zod';
import { loadConfig, resolveConfigPath, type MaildeskConfig } from '../config';
import { BusinessCalendar } from '../domain/business-calendar';
import { priorityCodes } from '../domain/priorities';
import { statusCodes, statusNamesRu, type Ticket } from '../domain/ticket';
import { parseFlags, UsageError, type CliIo } from './io';
import { openStore } from './store-access';

const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?[mhd]$/, 'expected a duration like 30m, 4h or 2d')
  .transform((s) => Number(s.slice(0, -1)) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[s.at(-1) as 'm' | 'h' | 'd']);

const listFlags = z.object({
  tenant: z.string().optional(),
  status: z.enum(statusCodes).optional(),
  priority: z.enum(priorityCodes).optional(),
  breached: z.boolean().optional(),
  'due-within': durationSchema.optional(),
  json: z.boolean().optional(),
  aws: z.boolean().optional(),
  table: z.string().optional(),
  config: z.string().optional(),
});

function checked<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new UsageError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  return result.data;
}

/** Business hours left until the deadline (negative when overdue), as the regulation counts them. */
export function businessHoursLeft(ticket: Ticket, calendar: BusinessCalendar, now: Date): number | null {
  const due = ticket.deadlines.dueAt ?? ticket.deadlines.targetAt;
  if (!due) return null;
  const dueAt = new Date(due);
  const ms = dueAt >= now ? calendar.businessMsBetween(now, dueAt) : -calendar.businessMsBetween(dueAt, now);
  return Math.round((ms / 3_600_000) * 10) / 10;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length);
}

export async function runTicketsList(argv: string[], io: CliIo, now = new Date()): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      tenant: { type: 'string' },
      status: { type: 'string' },
      priority: { type: 'string' },
      breached: { type: 'boolean' },
      'due-within': { type: 'string' },
      json: { type: 'boolean' },
      aws: { type: 'boolean' },
      table: { type: 'string' },
      config: { type: 'string' },
    },
    false,
  );
  const flags = checked(listFlags, values);
  const config = loadConfig(resolveConfigPath(flags.config));
  if (flags.tenant && !config.tenants.some((t) => t.id === flags.tenant)) throw new UsageError(`--tenant: unknown tenant "${flags.tenant}"; known: ${config.tenants.map((t) => t.id).join(', ')}`);
  const { store, close } = openStore({ aws: Boolean(flags.aws), table: flags.table });
  try {
    const calendar = BusinessCalendar.fromConfig(config);
    let tickets = await store.listTickets({ tenant: flags.tenant, status: flags.status, priority: flags.priority });
    if (flags.breached) tickets = tickets.filter((t) => t.breached);
    const within = flags['due-within'];
    if (within !== undefined) {
      tickets = tickets.filter((t) => {
        const due = t.deadlines.dueAt ?? t.deadlines.targetAt;
        return due !== null && Date.parse(due) - now.getTime() <= within;
      });
    }
    const dueOf = (t: Ticket) => Date.parse(t.deadlines.dueAt ?? t.deadlines.targetAt ?? '9999-12-31T00:00:00Z');
    tickets.sort((a, b) => dueOf(a) - dueOf(b) || a.number - b.number);
    if (flags.json) {
      io.stdout(JSON.stringify(tickets.map((t) => ({ ...t, businessHoursLeft: businessHoursLeft(t, calendar, now) })), null, 2));
      return 0;
    }
    io.stdout(renderTable(tickets, config, calendar, now, Boolean(io.isTty)));
    return 0;
  } finally {
    close();
  }
}

function renderTable(tickets: Ticket[], config: MaildeskConfig, calendar: BusinessCalendar, now: Date, colour: boolean): string {
  if (tickets.length === 0) return 'no tickets match';
  const paint = (code: number, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const header = `${pad('KEY', 9)} ${pad('TENANT', 14)} ${pad('PRIORITY', 9)} ${pad('STATUS', 15)} ${pad('LEFT (bh)', 10)} SUMMARY`;
  const rows = tickets.map((t) => {
    const left = businessHoursLeft(t, calendar, now);
    const leftText = pad(left === null ? '-' : `${left}`, 10);
    const leftShown = left === null ? leftText : left < 0 ? paint(31, leftText) : left < 4 ? paint(33, leftText) : leftText;
    return `${pad(t.key, 9)} ${pad(t.tenant, 14)} ${pad(t.priority, 9)} ${pad(t.status, 15)} ${leftShown} ${t.summary}${t.breached ? paint(31, ' [breached]') : ''}`;
  });
  void config;
  return [header, ...rows].join('\n');
}

export async function runTicketShow(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, aws: { type: 'boolean' }, table: { type: 'string' }, config: { type: 'string' } });
  const key = positionals[0]?.toUpperCase();
  if (!key || !/^[A-Z]{1,8}-\d+$/.test(key)) throw new UsageError('usage: maildesk ticket show MG-42 [--json] [--aws]');
  const config = loadConfig(resolveConfigPath(values.config));
  const { store, close } = openStore({ aws: Boolean(values.aws), table: values.table });
  try {
    const ticket = await store.getTicket(key);
    if (!ticket) {
      io.stderr(`ticket ${key} not found`);
      return 1;
    }
    const events = await store.listEvents(key);
    const history = events.map((e) => ({ at: e.at, type: e.type, actor: e.actor.address ?? e.actor.kind, from: e.from ?? null, to: e.to ?? null, text: e.text ?? null, reason: e.reason ?? null }));
    if (values.json) {
      io.stdout(JSON.stringify({ ...ticket, dueAt: ticket.deadlines.dueAt, history }, null, 2));
      return 0;
    }
    const lines = [
      `${ticket.key}  ${ticket.summary}`,
      `tenant      ${ticket.tenant}`,
      `requester   ${ticket.requester}${ticket.cc.length ? ` (cc ${ticket.cc.join(', ')})` : ''}`,
      `department  ${ticket.department ?? '-'}`,
      `priority    ${ticket.priority}`,
      `status      ${ticket.status} (${statusNamesRu[ticket.status]})`,
      `assignee    ${ticket.assignee ?? '-'}`,
      `created     ${ticket.createdAt}`,
      `respond by  ${ticket.deadlines.respondBy ?? '-'}`,
      `target      ${ticket.deadlines.targetAt ?? '-'}`,
      `due         ${ticket.deadlines.dueAt ?? '-'}${ticket.breached ? '  BREACHED' : ''}`,
      `fields      ${Object.entries(ticket.fields).map(([k, v]) => `${k}=${v ?? '-'}`).join(' ')}`,
      ...(ticket.linkedTo.length ? [`linked      ${ticket.linkedTo.join(', ')}`] : []),
      ...ticket.attachments.map((a) => `attachment  ${a.filename} (${a.size} B) ${a.key}`),
      '',
      'history',
      ...history.map((h) => `  ${h.at}  ${h.type}${h.from ? ` ${h.from} -> ${h.to}` : ''}  ${h.actor}${h.text ? `\n      ${h.text.split('\n').join('\n      ')}` : ''}${h.reason ? `\n      (${h.reason})` : ''}`),
    ];
    void config;
    io.stdout(lines.join('\n'));
    return 0;
  } finally {
    close();
  }
}
