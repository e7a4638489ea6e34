/** The pure workflow: engineer commands checked all-or-nothing, status moves and their SLA bookkeeping. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { newTicket, type Status, type Ticket } from '../../shared/domain/ticket';
import { featureSlotChange, holdsFeatureSlot, moveTo, planCommands, statusAfterAnswer, withDeadlines, type CommandCheckContext, type CommandPlan } from '../../shared/domain/workflow';
import type { EngineerCommand } from '../../shared/mail/inbound/types';
import { rejectionText } from '../../shared/mail/outbound/rejections';

const config = parseConfig(JSON.parse(readFileSync('maildesk.config.example.json', 'utf8')));
const calendar = BusinessCalendar.fromConfig(config);
const sla = { calendar, sla: config.sla };
const msk = (local: string) => new Date(`${local}+03:00`).toISOString();

/** A ticket of clinic-north created Monday 2026-11-16 10:00 Moscow, `open`, priority error. */
function ticket(over: Partial<Ticket> = {}): Ticket {
  const at = msk('2026-11-16T10:00:00');
  return newTicket({
    key: 'MG-10',
    number: 10,
    tenant: 'clinic-north',
    requester: 'anna@clinic-north.example',
    summary: 'x',
    priority: 'error',
    createdAt: at,
    rootMessageId: 'root@clinic-north.example',
    ...over,
  });
}

const cmd = (name: EngineerCommand['name'], ...args: string[]): EngineerCommand => ({ name, args });
const ctx = (over: Partial<CommandCheckContext> = {}): CommandCheckContext => ({
  config,
  otherActiveFeature: null,
  duplicateTargetExists: (key) => key === 'MG-3',
  ...over,
});
const noPlan: CommandPlan = { status: null, priority: null, assignee: null, deferWd: null, duplicateOf: null, internal: false, requester: null, docs: [] };

describe('planCommands: each command', () => {
  it.each<[string, Partial<Ticket>, EngineerCommand[], Partial<CommandPlan>]>([
    ['#status in_progress from open', {}, [cmd('status', 'in_progress')], { status: 'in_progress' }],
    ['#status in_progress from closed (walks through reopened)', { status: 'closed' }, [cmd('status', 'in_progress')], { status: 'in_progress' }],
    ['#status reopened from closed', { status: 'closed' }, [cmd('status', 'reopened')], { status: 'reopened' }],
    ['#status equal to the current one: nothing to move', { status: 'in_progress' }, [cmd('status', 'in_progress')], { status: 'in_progress' }],
    ['#priority blocking', {}, [cmd('priority', 'blocking')], { priority: 'blocking' }],
    ['#assign by login, any case', {}, [cmd('assign', 'PETROV')], { assignee: 'petrov' }],
    ['#assign by address', {}, [cmd('assign', 'engineer1@team.example')], { assignee: 'ivanov' }],
    ['#defer 5', {}, [cmd('defer', '5')], { deferWd: 5 }],
    ['two #defer lines add up', {}, [cmd('defer', '5'), cmd('defer', '4')], { deferWd: 9 }],
    ['#defer up to what is left of 14 wd', { deferredWd: 10 }, [cmd('defer', '4')], { deferWd: 4 }],
    ['#duplicate sets the status too', {}, [cmd('duplicate', 'mg-3')], { duplicateOf: 'MG-3', status: 'duplicate' }],
    ['#duplicate with #status duplicate', {}, [cmd('status', 'duplicate'), cmd('duplicate', 'MG-3')], { duplicateOf: 'MG-3', status: 'duplicate' }],
    ['#internal', {}, [cmd('internal')], { internal: true }],
    ['#internal with a status', {}, [cmd('internal'), cmd('status', 'info_requested')], { internal: true, status: 'info_requested' }],
    ['#requester', {}, [cmd('requester', 'Boris@Clinic-North.example')], { requester: 'boris@clinic-north.example' }],
    ['a feature ticket may start when no other feature is active', { priority: 'feature' }, [cmd('status', 'in_progress')], { status: 'in_progress' }],
    ['#priority and #status in one mail', {}, [cmd('priority', 'minor'), cmd('status', 'in_progress'), cmd('assign', 'ivanov')], { priority: 'minor', status: 'in_progress', assignee: 'ivanov' }],
    ['#internal note on a final ticket', { status: 'closed' }, [cmd('internal')], { internal: true }],
  ])('%s', (_name, over, commands, expected) => {
    expect(planCommands(ticket(over), commands, ctx())).toEqual({ plan: { ...noPlan, ...expected } });
  });
});

describe('the feature slot: one feature ticket of a tenant in work until the customer accepts it', () => {
  const started = '2026-03-02T08:00:00.000Z';
  it.each<[string, Partial<Ticket>, boolean]>([
    ['open', { priority: 'feature' }, false],
    ['in progress', { priority: 'feature', status: 'in_progress', startedAt: started }, true],
    ['awaiting the customer\'s test', { priority: 'feature', status: 'awaiting_test' }, true],
    ['verified by the customer (accepted)', { priority: 'feature', status: 'verified', startedAt: started }, false],
    ['a bug found in the customer\'s test', { priority: 'feature', status: 'bug_found', startedAt: started }, true],
    ['deploying what the customer accepted', { priority: 'feature', status: 'deploying', startedAt: started }, false],
    ['a question asked during work', { priority: 'feature', status: 'info_requested', startedAt: started }, true],
    ['a question asked before work started', { priority: 'feature', status: 'info_requested', startedAt: null }, false],
    ['reopened, not yet back in work', { priority: 'feature', status: 'reopened' }, false],
    ['closed (accepted)', { priority: 'feature', status: 'closed', startedAt: started }, false],
    ['closed without an answer', { priority: 'feature', status: 'closed_no_response', startedAt: started }, false],
    ['cancelled', { priority: 'feature', status: 'cancelled', startedAt: started }, false],
    ['an error ticket in progress', { priority: 'error', status: 'in_progress', startedAt: started }, false],
  ])('%s: holds it = %s', (_name, over, holds) => {
    expect(holdsFeatureSlot(ticket(over))).toBe(holds);
  });

  it.each<[string, Partial<Ticket> | null, Partial<Ticket>, 'take' | 'release' | null]>([
    ['a new feature ticket', null, { priority: 'feature' }, null],
    ['taken into work', { priority: 'feature' }, { priority: 'feature', status: 'in_progress', startedAt: started }, 'take'],
    ['in work -> awaiting test', { priority: 'feature', status: 'in_progress', startedAt: started }, { priority: 'feature', status: 'awaiting_test', startedAt: started }, null],
    ['accepted by the customer', { priority: 'feature', status: 'awaiting_test', startedAt: started }, { priority: 'feature', status: 'verified', startedAt: started }, 'release'],
    ['closed from work', { priority: 'feature', status: 'in_progress', startedAt: started }, { priority: 'feature', status: 'closed', startedAt: started }, 'release'],
    ['back into work after deploying', { priority: 'feature', status: 'deploying', startedAt: started }, { priority: 'feature', status: 'in_progress', startedAt: started }, 'take'],
    ['closed for no answer (the sweep)', { priority: 'feature', status: 'awaiting_test', startedAt: started }, { priority: 'feature', status: 'closed_no_response', startedAt: started }, 'release'],
    ['re-rated from feature while in work', { priority: 'feature', status: 'in_progress', startedAt: started }, { priority: 'error', status: 'in_progress', startedAt: started }, 'release'],
    ['re-rated to feature while in work', { priority: 'error', status: 'in_progress', startedAt: started }, { priority: 'feature', status: 'in_progress', startedAt: started }, 'take'],
    ['an error ticket closed', { priority: 'error', status: 'in_progress' }, { priority: 'error', status: 'closed' }, null],
  ])('%s: %s', (_name, before, after, change) => {
    expect(featureSlotChange(before ? ticket(before) : null, ticket(after))).toBe(change);
  });

  it('moving a feature ticket into work through moveTo takes the slot the plan check expected', () => {
    const open = ticket({ priority: 'feature' });
    const moved = moveTo(open, 'in_progress', started);
    expect(featureSlotChange(open, moved)).toBe('take');
    const asked = moveTo(moved, 'info_requested', started);
    expect(featureSlotChange(moved, asked)).toBeNull();
  });
});

describe('planCommands: each problem (nothing is planned, every problem is named)', () => {
  it.each<[string, Partial<Ticket>, EngineerCommand[], Partial<CommandCheckContext>, string[]]>([
    ['unknown status', {}, [cmd('status', 'fixed')], {}, ['#status fixed: unknown status "fixed"; allowed: open (Open), in_progress (In progress), reopened (Reopened), awaiting_test (Awaiting customer testing), info_requested (More information requested), verified (Verified, no errors), bug_found (Bug found), deploying (Deploying to production), closed (Closed), duplicate (Duplicate), infeasible (Infeasible), cancelled (Cancelled as impossible), closed_no_response (Closed for lack of response)']],
    ['unknown priority', {}, [cmd('priority', 'urgent')], {}, ['#priority urgent: unknown priority "urgent"; allowed: blocking (Blocking), partial (Partial blocking), error (Malfunction), minor (Minor fix), settings (Additional settings), feature (New features), report (New report)']],
    ['unknown engineer', {}, [cmd('assign', 'sidorov')], {}, ['#assign sidorov: no such engineer; allowed: ivanov, petrov']],
    ['#defer not a number', {}, [cmd('defer', 'soon')], {}, ['#defer soon: needs a positive whole number of working days, e.g. #defer 5']],
    ['#defer 0', {}, [cmd('defer', '0')], {}, ['#defer 0: needs a positive whole number of working days, e.g. #defer 5']],
    ['#defer beyond 14 wd at once', {}, [cmd('defer', '15')], {}, ['#defer 15: at most 14 working days']],
    ['#defer beyond 14 wd in total', { deferredWd: 10 }, [cmd('defer', '5')], {}, ['#defer 5: at most 14 working days in total; 10 working days already deferred, 4 working days left']],
    ['#defer on blocking', { priority: 'blocking' }, [cmd('defer', '1')], {}, ['#defer 1: blocking (Blocking) tickets cannot be deferred']],
    ['#defer on partial', { priority: 'partial' }, [cmd('defer', '1')], {}, ['#defer 1: partial (Partial blocking) tickets cannot be deferred']],
    ['#defer with the ticket raised to blocking in the same mail', {}, [cmd('priority', 'blocking'), cmd('defer', '2')], {}, ['#defer 2: blocking (Blocking) tickets cannot be deferred']],
    [
      'transition the table forbids',
      {},
      [cmd('status', 'verified')],
      {},
      ['#status verified: not allowed from open (Open); allowed: in_progress (In progress), info_requested (More information requested), awaiting_test (Awaiting customer testing), closed (Closed), duplicate (Duplicate), infeasible (Infeasible), cancelled (Cancelled as impossible)'],
    ],
    ['leaving a final status other than closed', { status: 'duplicate' }, [cmd('status', 'reopened')], {}, ['#status reopened: not allowed from duplicate (Duplicate); allowed: none, the ticket is finished']],
    ['closed -> awaiting_test', { status: 'closed' }, [cmd('status', 'awaiting_test')], {}, ['#status awaiting_test: not allowed from closed (Closed); allowed: reopened (Reopened)']],
    ['a second feature ticket entering in_progress', { priority: 'feature' }, [cmd('status', 'in_progress')], { otherActiveFeature: 'MG-7' }, ['#status in_progress: another feature ticket of this client, MG-7, is in work and not yet accepted; the customer must accept it first']],
    ['raised to feature and started while another feature is active', {}, [cmd('priority', 'feature'), cmd('status', 'in_progress')], { otherActiveFeature: 'MG-7' }, ['#status in_progress: another feature ticket of this client, MG-7, is in work and not yet accepted; the customer must accept it first']],
    ['a feature reopened into work while another is active', { priority: 'feature', status: 'closed' }, [cmd('status', 'in_progress')], { otherActiveFeature: 'MG-7' }, ['#status in_progress: another feature ticket of this client, MG-7, is in work and not yet accepted; the customer must accept it first']],
    ['a ticket in work raised to feature while another feature is active', { status: 'in_progress', startedAt: '2026-03-02T08:00:00.000Z' }, [cmd('priority', 'feature')], { otherActiveFeature: 'MG-7' }, ['#priority feature: another feature ticket of this client, MG-7, is in work and not yet accepted; the customer must accept it first']],
    ['a feature sent straight to customer testing while another is active', { priority: 'feature' }, [cmd('status', 'awaiting_test')], { otherActiveFeature: 'MG-7' }, ['#status awaiting_test: another feature ticket of this client, MG-7, is in work and not yet accepted; the customer must accept it first']],
    ['#duplicate of itself', {}, [cmd('duplicate', 'MG-10')], {}, ['#duplicate MG-10: a ticket cannot duplicate itself']],
    ['#duplicate of an unknown ticket', {}, [cmd('duplicate', 'MG-99')], {}, ['#duplicate MG-99: no such ticket of this client']],
    ['#duplicate with another #status', {}, [cmd('status', 'closed'), cmd('duplicate', 'MG-3')], {}, ['#duplicate MG-3: conflicts with #status closed']],
    ['#requester that is no address', {}, [cmd('requester', 'boris')], {}, ['#requester boris: needs the customer\'s e-mail address, e.g. #requester <address>']],
    ['the same setting twice', {}, [cmd('status', 'in_progress'), cmd('status', 'closed')], {}, ['#status: given more than once; write it once']],
    ['#priority on a closed ticket', { status: 'closed' }, [cmd('priority', 'minor')], {}, ['#priority minor: the ticket is closed (Closed), a final status; reopen it first with #status reopened']],
    ['#assign on a cancelled ticket', { status: 'cancelled' }, [cmd('assign', 'petrov')], {}, ['#assign petrov: the ticket is cancelled (Cancelled as impossible), a final status; reopen it first with #status reopened']],
    ['several problems, all reported', {}, [cmd('status', 'verified'), cmd('assign', 'sidorov'), cmd('defer', '30')], {}, [
      '#assign sidorov: no such engineer; allowed: ivanov, petrov',
      expect.stringContaining('#status verified: not allowed from open') as unknown as string,
      '#defer 30: at most 14 working days',
    ]],
  ])('%s', (_name, over, commands, context, problems) => {
    // read in English here; every code in both languages: rejections.test.ts
    const result = planCommands(ticket(over), commands, ctx(context));
    const read = 'problems' in result ? result.problems.map((p) => `${p.line}: ${rejectionText(p.reason, 'en')}`) : result;
    expect(read).toEqual(problems);
  });

  it('a valid command next to an invalid one is not planned either', () => {
    const result = planCommands(ticket(), [cmd('status', 'in_progress'), cmd('assign', 'petrov'), cmd('defer', '20')], ctx());
    expect('plan' in result).toBe(false);
  });
});

describe('moveTo: pauses and milestones', () => {
  const t0 = msk('2026-11-16T11:00:00');
  const t1 = msk('2026-11-17T11:00:00');
  const t2 = msk('2026-11-18T11:00:00');

  it('entering a waiting status opens a pause and remembers where the ticket was', () => {
    const moved = moveTo(ticket({ status: 'in_progress', respondedAt: t0, reminded: true }), 'awaiting_test', t1);
    expect(moved).toMatchObject({ status: 'awaiting_test', statusBeforeWait: 'in_progress', waitingSince: t1, reminded: false, updatedAt: t1 });
    expect(moved.pauses).toEqual([{ from: t1, to: null }]);
  });

  it('leaving it closes the pause; the earlier pauses stay as history', () => {
    const waiting = ticket({ status: 'info_requested', statusBeforeWait: 'in_progress', waitingSince: t1, pauses: [{ from: t0, to: t0 }, { from: t1, to: null }] });
    const moved = moveTo(waiting, 'in_progress', t2);
    expect(moved).toMatchObject({ status: 'in_progress', statusBeforeWait: null, waitingSince: null });
    expect(moved.pauses).toEqual([{ from: t0, to: t0 }, { from: t1, to: t2 }]);
    expect(waiting.pauses[1]).toEqual({ from: t1, to: null }); // the input is not mutated
  });

  it('one waiting status to another keeps one pause and restarts the wait for an answer', () => {
    const waiting = ticket({ status: 'awaiting_test', statusBeforeWait: 'in_progress', waitingSince: t0, reminded: true, pauses: [{ from: t0, to: null }] });
    const moved = moveTo(waiting, 'info_requested', t1);
    expect(moved.pauses).toEqual([{ from: t0, to: null }]);
    expect(moved).toMatchObject({ statusBeforeWait: 'in_progress', waitingSince: t1, reminded: false });
  });

  it('records the first response (leaving open) and the first in_progress only once', () => {
    const first = moveTo(ticket(), 'in_progress', t0);
    expect(first).toMatchObject({ respondedAt: t0, startedAt: t0 });
    const later = moveTo(moveTo(first, 'awaiting_test', t1), 'in_progress', t2);
    expect(later).toMatchObject({ respondedAt: t0, startedAt: t0 });
  });

  it.each<[Status]>([['closed'], ['duplicate'], ['infeasible'], ['cancelled'], ['closed_no_response']])('%s sets closedAt', (status) => {
    expect(moveTo(ticket({ status: 'in_progress' }), status, t1).closedAt).toBe(t1);
  });

  it('reopened starts a new SLA cycle: clock from now, flags and feature start cleared', () => {
    const closed = ticket({ status: 'closed', closedAt: t0, respondedAt: t0, startedAt: t0, warned: true, breached: true });
    const moved = moveTo(closed, 'reopened', t2);
    expect(moved).toMatchObject({ status: 'reopened', closedAt: null, clockStart: t2, startedAt: null, warned: false, breached: false, respondedAt: t0 });
    expect(moveTo(moved, 'in_progress', t2).startedAt).toBe(t2);
  });
});

describe('statusAfterAnswer: where an answered question sends the ticket', () => {
  it.each<[string, Partial<Ticket>, Status]>([
    ['asked during work', { statusBeforeWait: 'in_progress', respondedAt: msk('2026-11-16T11:00:00') }, 'in_progress'],
    ['asked before work started', { statusBeforeWait: 'open', respondedAt: msk('2026-11-16T11:00:00') }, 'open'],
    ['asked after reopening', { statusBeforeWait: 'reopened', respondedAt: msk('2026-11-16T11:00:00') }, 'reopened'],
    ['asked while deploying (no way back there from a question): in progress', { statusBeforeWait: 'deploying', respondedAt: msk('2026-11-16T11:00:00') }, 'in_progress'],
    ['nothing remembered, already answered once: in progress', { statusBeforeWait: null, respondedAt: msk('2026-11-16T11:00:00') }, 'in_progress'],
    ['nothing remembered, never answered: open', { statusBeforeWait: null, respondedAt: null }, 'open'],
    ['a waiting status remembered is never the answer', { statusBeforeWait: 'awaiting_test', respondedAt: msk('2026-11-16T11:00:00') }, 'in_progress'],
  ])('%s', (_name, over, expected) => {
    expect(statusAfterAnswer(ticket({ status: 'info_requested', ...over }))).toBe(expected);
  });
});

describe('withDeadlines', () => {
  it('a pause of one working day moves the deadline by one working day', () => {
    const now = new Date(msk('2026-11-18T12:00:00'));
    const plain = withDeadlines(ticket(), sla, now);
    expect(plain.deadlines.dueAt).toBe(msk('2026-11-20T18:00:00'));
    const paused = withDeadlines(ticket({ pauses: [{ from: msk('2026-11-16T11:00:00'), to: msk('2026-11-17T11:00:00') }] }), sla, now);
    expect(paused.deadlines.dueAt).toBe(msk('2026-11-23T18:00:00'));
  });

  it('after a reopening the deadlines count from the reopen time, not from creation', () => {
    const now = new Date(msk('2026-11-16T10:00:00'));
    const old = ticket({ createdAt: msk('2026-10-05T10:00:00'), status: 'reopened', respondedAt: msk('2026-10-05T11:00:00') });
    expect(withDeadlines(old, sla, now).deadlines.dueAt).toBe(msk('2026-10-09T18:00:00'));
    const reopened = withDeadlines({ ...old, clockStart: msk('2026-11-16T10:00:00') }, sla, now);
    expect(reopened.deadlines.dueAt).toBe(msk('2026-11-20T18:00:00'));
    expect(reopened.nextDue?.kind).toBe('warn');
    expect(Date.parse(reopened.nextDue!.at)).toBeGreaterThan(now.getTime());
    expect(reopened.createdAt).toBe(msk('2026-10-05T10:00:00')); // the stored creation time is untouched
  });

  it('a final ticket has nothing scheduled', () => {
    expect(withDeadlines(ticket({ status: 'closed' }), sla, new Date(msk('2026-11-16T12:00:00'))).nextDue).toBeNull();
  });
});
