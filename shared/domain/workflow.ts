/**
 * How a ticket changes: status moves (with their SLA side effects) and engineer commands,
 * checked all-or-nothing. Pure: time and the calendar are passed in.
 */
import type { MaildeskConfig } from '../config';
import type { BusinessCalendar } from './business-calendar';
import { closingWithoutDocumentation, DEFAULT_DOCUMENTATION_REQUIRED_FOR, documentationOf } from './documentation';
import { isPriority, type Priority } from './priorities';
import type { CommandProblem, CommandRejection, EngineerCommand } from './replies';
import { computeDeadlines, nextDue, validateDefer } from './sla-policy';
import {
  allowedNext,
  canTransition,
  isFinal,
  isWaiting,
  isStatus,
  statusNamesRu,
  type Status,
  type Ticket,
} from './ticket';

export interface SlaContext {
  calendar: BusinessCalendar;
  sla: MaildeskConfig['sla'];
}

/**
 * The ticket as the SLA engine counts it. Reopening starts a new cycle: the clock counts from the
 * reopen time (`clockStart`), so time and pauses before it no longer matter. Without this a ticket
 * reopened weeks after creation would be overdue the moment it is reopened.
 */
export function slaView(ticket: Ticket): Ticket {
  return ticket.clockStart ? { ...ticket, createdAt: ticket.clockStart } : ticket;
}

const NO_DEADLINES = { respondBy: null, targetAt: null, dueAt: null, autoCloseAt: null } as const;

/** Deadlines and the next scheduled action, recomputed from the ticket's history (clock start, pauses, defers). */
export function withDeadlines(ticket: Ticket, ctx: SlaContext, now: Date): Ticket {
  // Outside a support contract no SLA applies: no deadline, warning, breach, reminder or auto-close.
  if (ticket.outsideContract) return { ...ticket, deadlines: { ...NO_DEADLINES }, nextDue: null };
  const view = slaView(ticket);
  const deadlines = computeDeadlines(view, ctx.calendar, ctx.sla, now);
  return { ...ticket, deadlines, nextDue: nextDue(view, ctx.calendar, ctx.sla, now) };
}

/**
 * The moves from `from` to `to`: one where the status table allows it; `closed` -> `in_progress`
 * goes through `reopened` (an engineer taking a closed ticket back into work). Null: not allowed.
 */
export function statusPath(from: Status, to: Status): Status[] | null {
  if (canTransition(from, to)) return [to];
  if (
    from === 'closed' &&
    to === 'in_progress' &&
    canTransition('closed', 'reopened') &&
    canTransition('reopened', 'in_progress')
  )
    return ['reopened', 'in_progress'];
  return null;
}

/** Moves the ticket to `to` at `at`: opens or closes an SLA pause, records first response and start of work. */
export function moveTo(ticket: Ticket, to: Status, at: string): Ticket {
  const from = ticket.status;
  const next: Ticket = { ...ticket, status: to, updatedAt: at, pauses: ticket.pauses.map((p) => ({ ...p })) };
  if (isWaiting(to) && !isWaiting(from)) {
    next.statusBeforeWait = from;
    next.waitingSince = at;
    next.pauses.push({ from: at, to: null });
    next.reminded = false;
  }
  if (!isWaiting(to) && isWaiting(from)) {
    const open = next.pauses.at(-1);
    if (open && open.to === null) open.to = at;
    next.waitingSince = null;
    next.statusBeforeWait = null;
  }
  if (isWaiting(to) && isWaiting(from) && from !== to) {
    next.waitingSince = at; // a new question restarts the wait for an answer
    next.reminded = false;
  }
  if (from === 'open' && !next.respondedAt) next.respondedAt = at;
  if (to === 'closed' || to === 'duplicate' || to === 'infeasible' || to === 'cancelled' || to === 'closed_no_response')
    next.closedAt = at;
  if (to === 'reopened') {
    // A new SLA cycle (see slaView): deadlines from now, the feature clock from the next in_progress.
    next.closedAt = null;
    next.clockStart = at;
    next.startedAt = null;
    next.warned = false;
    next.breached = false;
  }
  if (to === 'in_progress' && !next.startedAt) next.startedAt = at;
  return next;
}

/**
 * The regulation takes a feature ticket into work only after the customer tested and accepted the
 * previous one, so a tenant has one feature slot: held by a feature ticket from the moment work
 * starts until the customer accepts it (`verified`, then `deploying`) or it ends. Waiting for the
 * customer's test or answer keeps it, and so does a bug found in the test; a question asked
 * before work started, or a reopened ticket not yet back in work, does not.
 */
const FEATURE_WORK_STATUSES: readonly Status[] = ['in_progress', 'awaiting_test', 'bug_found'];

export function holdsFeatureSlot(t: Pick<Ticket, 'priority' | 'status' | 'startedAt'>): boolean {
  if (t.priority !== 'feature') return false;
  return FEATURE_WORK_STATUSES.includes(t.status) || (t.status === 'info_requested' && t.startedAt !== null);
}

/** Whether a change takes the tenant's feature slot, gives it back, or leaves it as it is. */
export function featureSlotChange(
  before: Pick<Ticket, 'priority' | 'status' | 'startedAt'> | null,
  after: Pick<Ticket, 'priority' | 'status' | 'startedAt'>,
): 'take' | 'release' | null {
  const held = before !== null && holdsFeatureSlot(before);
  const holds = holdsFeatureSlot(after);
  return holds === held ? null : holds ? 'take' : 'release';
}

/** Whether carrying out the plan would put a feature ticket into work, taking its tenant's feature slot. */
export function planTakesFeatureSlot(ticket: Ticket, plan: CommandPlan): boolean {
  const path = plan.status && plan.status !== ticket.status ? (statusPath(ticket.status, plan.status) ?? []) : [];
  // The plan's moves as moveTo makes them (a reopening clears the start of work, in_progress sets it).
  const after = path.reduce((t, status) => moveTo(t, status, ticket.updatedAt), {
    ...ticket,
    priority: plan.priority ?? ticket.priority,
  });
  return featureSlotChange(ticket, after) === 'take';
}

/** Where a customer's answer to a question sends the ticket: back to where it was before the question. */
export function statusAfterAnswer(ticket: Ticket): Status {
  const before = ticket.statusBeforeWait;
  if (before && before !== 'info_requested' && before !== 'awaiting_test' && canTransition('info_requested', before))
    return before;
  return ticket.respondedAt ? 'in_progress' : 'open';
}

export interface CommandPlan {
  status: Status | null;
  priority: Priority | null;
  assignee: string | null;
  deferWd: number | null;
  duplicateOf: string | null;
  internal: boolean;
  requester: string | null;
  /** knowledge-base links given with `#doc` (repeatable) */
  docs: string[];
}

export interface CommandCheckContext {
  config: Pick<MaildeskConfig, 'engineers' | 'sla'>;
  /** the key of another feature ticket of the same tenant that holds the feature slot, if any */
  otherActiveFeature: string | null;
  /** whether the duplicate target exists in the same tenant */
  duplicateTargetExists: (key: string) => boolean;
  /** priorities that close only with a knowledge-base link (config documentationRequiredFor) */
  documentationRequiredFor?: readonly Priority[];
}

/** Checks all commands against the ticket; returns the plan or every problem found (nothing is applied then). */
export function planCommands(
  ticket: Ticket,
  commands: readonly EngineerCommand[],
  ctx: CommandCheckContext,
): { plan: CommandPlan } | { problems: CommandProblem[] } {
  const problems: CommandProblem[] = [];
  // Each problem names the command as the engineer wrote it (`#defer 30`); the words are outbound's.
  const refuse = (line: string, reason: CommandRejection) => problems.push({ line, reason });
  const plan: CommandPlan = {
    status: null,
    priority: null,
    assignee: null,
    deferWd: null,
    duplicateOf: null,
    internal: false,
    requester: null,
    docs: [],
  };
  const seen = new Set<string>();
  for (const command of commands) {
    const arg = command.args[0] ?? '';
    const line = `#${command.name} ${arg}`.trimEnd();
    // Two different values for one setting: which one was meant is a guess, so none is applied.
    const repeatable = command.name === 'internal' || command.name === 'defer' || command.name === 'doc';
    if (seen.has(command.name) && !repeatable) {
      refuse(`#${command.name}`, { code: 'repeated' });
      continue;
    }
    seen.add(command.name);
    switch (command.name) {
      case 'status':
        if (!isStatus(arg)) refuse(line, { code: 'unknown-value', kind: 'status', value: arg });
        else plan.status = arg;
        break;
      case 'priority':
        if (!isPriority(arg)) refuse(line, { code: 'unknown-value', kind: 'priority', value: arg });
        else plan.priority = arg;
        break;
      case 'assign': {
        const wanted = arg.toLowerCase();
        const engineer = ctx.config.engineers.find((e) => e.login.toLowerCase() === wanted || e.address === wanted);
        if (!engineer) refuse(line, { code: 'no-such-engineer', allowed: ctx.config.engineers.map((e) => e.login) });
        else plan.assignee = engineer.login;
        break;
      }
      case 'defer': {
        const days = Number(arg);
        if (!Number.isInteger(days) || days <= 0) refuse(line, { code: 'defer-syntax' });
        else plan.deferWd = (plan.deferWd ?? 0) + days;
        break;
      }
      case 'duplicate':
        if (arg.toUpperCase() === ticket.key) refuse(line, { code: 'self-duplicate' });
        else if (!ctx.duplicateTargetExists(arg.toUpperCase())) refuse(line, { code: 'no-such-ticket' });
        else {
          plan.duplicateOf = arg.toUpperCase();
          plan.status = plan.status ?? 'duplicate';
        }
        break;
      case 'internal':
        plan.internal = true;
        break;
      case 'requester':
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(arg)) refuse(line, { code: 'requester-syntax' });
        else plan.requester = arg.toLowerCase();
        break;
      case 'doc':
        plan.docs.push(arg);
        break;
    }
  }
  const priority = plan.priority ?? ticket.priority;
  const path = plan.status && plan.status !== ticket.status ? statusPath(ticket.status, plan.status) : null;
  if (plan.status && plan.status !== ticket.status && !path) {
    refuse(`#status ${plan.status}`, {
      code: 'not-allowed',
      from: ticket.status,
      allowed: [...allowedNext(ticket.status)],
    });
  } else if (ctx.otherActiveFeature && planTakesFeatureSlot(ticket, plan)) {
    const what = plan.status && plan.status !== ticket.status ? `#status ${plan.status}` : `#priority ${priority}`;
    refuse(what, { code: 'feature-slot', holder: ctx.otherActiveFeature });
  }
  const undocumented = closingWithoutDocumentation(
    path ? (path.at(-1) ?? null) : null,
    priority,
    documentationOf(ticket).length + plan.docs.length,
    ctx.documentationRequiredFor ?? DEFAULT_DOCUMENTATION_REQUIRED_FOR,
  );
  if (undocumented) refuse('#status closed', undocumented);
  if (plan.duplicateOf && plan.status !== 'duplicate')
    refuse(`#duplicate ${plan.duplicateOf}`, { code: 'duplicate-conflict', status: plan.status ?? '' });
  if (plan.deferWd !== null) {
    const reason = validateDefer(priority, ticket.deferredWd, plan.deferWd, ctx.config.sla);
    if (reason) refuse(`#defer ${plan.deferWd}`, reason);
  }
  if (isFinal(ticket.status) && path?.[0] !== 'reopened' && (plan.priority || plan.deferWd || plan.assignee)) {
    const what = plan.priority
      ? `#priority ${plan.priority}`
      : plan.deferWd
        ? `#defer ${plan.deferWd}`
        : `#assign ${plan.assignee}`;
    refuse(what, { code: 'final', status: ticket.status });
  }
  return problems.length ? { problems } : { plan };
}
