/**
 * Faults at every step. For each pipeline (inbound, notify, sla-sweep) and scenario, a clean run
 * counts the SDK calls (DynamoDB, S3, SESv2, EventBridge); then, for every call index in turn, a
 * fresh table runs the same scenario with that call failing (throttling, a 500, or a timeout after
 * the call took effect), retried as Lambda would retry it. The end state must equal the clean
 * run's: every mail a ticket or comment exactly once, every notification sent exactly once (or
 * left for retry, never dropped), every bus event published, nothing half-written.
 */
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../shared/domain/ticket';
import { eventMessageId } from '../../shared/mail/outbound/message-ids';
import type { InboundMail } from '../../shared/use-cases/receive-mail';
import { sentCounts, startDirectEnv, type DirectEnv } from '../support/direct-env';
import { FAULT_KINDS, FaultInjector, type FaultKind, type InjectedFault } from '../support/fault-injection';
import { buildMail } from '../support/mail-builder';
import { mapLimit } from '../../shared/map-limit';

type Pipeline = 'inbound' | 'notify' | 'sla-sweep';

interface Scenario {
  pipeline: Pipeline;
  name: string;
  /** clean: builds the state the pipeline acts on */
  setup(env: DirectEnv): Promise<void>;
  /** under faults, with the retries Lambda makes */
  act(env: DirectEnv): Promise<void>;
  /** clean again: what happens afterwards (the stream delivers what was written) */
  settle(env: DirectEnv): Promise<void>;
}

export interface FaultScale {
  /** which fault kinds to inject at each call index: 'all', or one per index, rotating */
  kinds: 'all' | 'rotate';
  /** scenarios beyond the core ones (final reply, refusal, comment and status mails, reminders) */
  extended: boolean;
  /** also every pair of call indexes (two faults in one run) */
  pairs: boolean;
  /** runs at once (each on its own table) */
  parallel: number;
}

export const SHORT_FAULTS: FaultScale = { kinds: 'rotate', extended: false, pairs: false, parallel: 4 };

const NORTH = 'clinic-north@support.example';
const SOUTH = 'clinic-south@support.example';
/** Tuesday 11:00 in Moscow: inside business hours. */
const T0 = new Date('2026-03-03T08:00:00Z');
const ROOT_ID = '<root-1@clinic-north.example>';

const newTicketMail = () =>
  buildMail({
    from: '"Анна" <anna@clinic-north.example>',
    to: NORTH,
    subject: 'Не открывается карта - Терапия',
    text: 'Номер амбулаторной карты: 123456\nЛогин в системе: ivanova_a',
    messageId: ROOT_ID,
    attachments: [{ filename: 'screen.png', content: Buffer.from('png bytes'), contentType: 'image/png' }],
  });

async function receiveClean(env: DirectEnv, raw: Buffer, id: string, verdicts?: Parameters<DirectEnv['putMail']>[1]) {
  const outcome = (await env.receive(env.putMail(raw, { id, ...verdicts }), 0)).outcome;
  await env.deliverPending(1);
  return outcome;
}

async function openTicket(env: DirectEnv): Promise<string> {
  const outcome = await receiveClean(env, await newTicketMail(), 'inb-root');
  if (outcome.kind !== 'created') throw new Error(`setup: expected a ticket, got ${JSON.stringify(outcome)}`);
  return outcome.ticketKey;
}

const engineerMail = (key: string, text: string, id: string) => buildMail({ from: 'engineer1@team.example', to: NORTH, subject: `Re: [${key}] Не открывается карта`, text, messageId: `<${id}@support.example>`, inReplyTo: ROOT_ID });
const customerReply = (key: string, text: string, id: string, attachment = false) =>
  buildMail({
    from: 'anna@clinic-north.example',
    to: NORTH,
    subject: `Re: [${key}] Не открывается карта`,
    text,
    messageId: `<${id}@clinic-north.example>`,
    inReplyTo: ROOT_ID,
    references: ROOT_ID,
    attachments: attachment ? [{ filename: 'log.txt', content: 'log', contentType: 'text/plain' }] : undefined,
  });

/** Inbound scenario: `mail` is received under faults (async invocation: 1 + 2 retries), then delivered clean. */
function inbound(name: string, setup: (env: DirectEnv) => Promise<void>, mail: (env: DirectEnv) => Promise<InboundMail>): Scenario {
  let pending: InboundMail | null = null;
  return {
    pipeline: 'inbound',
    name,
    async setup(env) {
      await setup(env);
      pending = await mail(env);
    },
    async act(env) {
      await env.receive(pending!, 2);
    },
    async settle(env) {
      await env.deliverPending(1);
    },
  };
}

/** Notify scenario: `setup` writes events clean; the stream delivers them under faults (each record retried). */
function notify(name: string, setup: (env: DirectEnv) => Promise<void>): Scenario {
  return {
    pipeline: 'notify',
    name,
    setup,
    async act(env) {
      const report = await env.deliverPending(4);
      if (report.leftForRetry.length) throw new Error(`left for retry: ${report.leftForRetry.join(', ')}`);
    },
    async settle() {},
  };
}

/** Sweep scenario: the schedule runs at `at` under faults (retried next minute), then the stream delivers clean. */
function sweep(name: string, setup: (env: DirectEnv) => Promise<void>, at: Date): Scenario {
  return {
    pipeline: 'sla-sweep',
    name,
    async setup(env) {
      await setup(env);
      env.clock.now = at;
    },
    async act(env) {
      const { errors, result } = await env.sweep(2);
      if (!result || result.failed) throw errors.at(-1) ?? new Error(`the sweep still fails on ${result?.failed} ticket(s)`);
    },
    async settle(env) {
      await env.deliverPending(1);
    },
  };
}

function scenarios(scale: FaultScale): Scenario[] {
  const core: Scenario[] = [
    inbound('new ticket with an attachment', async () => {}, async (env) => env.putMail(await newTicketMail(), { id: 'inb-new' })),
    inbound(
      'customer reply with an attachment',
      async (env) => void (await openTicket(env)),
      async (env) => env.putMail(await customerReply('MG-1', 'Дополняю: ошибка повторяется.', 'reply-1', true), { id: 'inb-reply' }),
    ),
    inbound(
      'engineer command',
      async (env) => void (await openTicket(env)),
      async (env) => env.putMail(await engineerMail('MG-1', '#status info_requested\nУточните, пожалуйста, номер карты.', 'eng-1'), { id: 'inb-eng' }),
    ),
    notify('ticket.created: acknowledgement, engineers, bus', async (env) => {
      await env.receive(env.putMail(await newTicketMail(), { id: 'inb-new' }), 0);
    }),
    sweep(
      'deadline breached',
      async (env) => void (await openTicket(env)),
      new Date(T0.getTime() + 20 * 86400_000),
    ),
  ];
  if (!scale.extended) return core;
  return [
    ...core,
    inbound(
      'reply to a closed ticket',
      async (env) => {
        const key = await openTicket(env);
        await receiveClean(env, await engineerMail(key, '#status closed\nГотово.', 'eng-close'), 'inb-close');
      },
      async (env) => env.putMail(await customerReply('MG-1', 'А у нас снова не работает', 'late-1'), { id: 'inb-late' }),
    ),
    inbound('sender outside the allowed domains', async () => {}, async (env) =>
      env.putMail(await buildMail({ from: 'stranger@gmail.example', to: SOUTH, subject: 'Вопрос', text: 'Здравствуйте', messageId: '<s-1@gmail.example>' }), { id: 'inb-refused' }),
    ),
    inbound(
      'customer verdict on a ticket awaiting test',
      async (env) => {
        const key = await openTicket(env);
        await receiveClean(env, await engineerMail(key, '#status awaiting_test\nПроверьте, пожалуйста.', 'eng-test'), 'inb-test');
      },
      async (env) => env.putMail(await customerReply('MG-1', 'Проверено, ошибок нет', 'verdict-1'), { id: 'inb-verdict' }),
    ),
    notify('ticket.commented: engineers', async (env) => {
      await openTicket(env);
      await env.receive(env.putMail(await customerReply('MG-1', 'Дополняю', 'reply-2', true), { id: 'inb-reply' }), 0);
    }),
    notify('status changed by an engineer, and the priority', async (env) => {
      await openTicket(env);
      await env.receive(env.putMail(await engineerMail('MG-1', '#status in_progress\n#priority blocking\n#assign petrov\nСмотрим.', 'eng-2'), { id: 'inb-eng' }), 0);
    }),
    notify('refusal to a sender outside the allowed domains', async (env) => {
      await env.receive(env.putMail(await buildMail({ from: 'stranger@gmail.example', to: SOUTH, subject: 'Вопрос', text: 'Здравствуйте' }), { id: 'inb-refused' }), 0);
    }),
    sweep(
      'auto-close after the waiting period',
      async (env) => {
        const key = await openTicket(env);
        await receiveClean(env, await engineerMail(key, '#status info_requested\nУточните.', 'eng-wait'), 'inb-wait');
      },
      new Date(T0.getTime() + 30 * 86400_000),
    ),
    sweep(
      'warning before the deadline',
      async (env) => {
        const key = await openTicket(env);
        await receiveClean(env, await engineerMail(key, '#status in_progress\nВзяли.', 'eng-start'), 'inb-start');
      },
      // error: 5 wd; the warning at 80 % is on the 4th working day
      new Date('2026-03-09T13:00:00Z'),
    ),
  ];
}

interface Fingerprint {
  tickets: unknown[];
  events: string[];
  sent: string[];
  bus: string[];
}

async function fingerprint(env: DirectEnv): Promise<Fingerprint> {
  const tickets = (await env.tickets()).sort((a, b) => a.number - b.number);
  const ordinal = new Map(tickets.map((t, i) => [t.key, `T${i + 1}`]));
  const norm = (s: string) => s.replace(/\b[A-Z]{1,8}-\d+\b/g, (k) => ordinal.get(k) ?? k);
  const shape = (t: Ticket) => ({
    key: ordinal.get(t.key),
    status: t.status,
    priority: t.priority,
    assignee: t.assignee,
    cc: t.cc,
    attachments: t.attachments.map((a) => `${a.filename}:${a.size}`),
    flags: [t.warned, t.breached, t.reminded, t.respondOverdue],
    version: t.version,
  });
  const events = await env.events();
  // Message-IDs are random per run (the event's nonce): a mail is named by its event and role instead
  const mailName = new Map<string, string>();
  for (const e of events) {
    const from = env.config.tenants.find((t) => t.id === e.tenant)?.addresses[0];
    if (e.nonce && from) for (const role of ['requester', 'engineers', 'recipient', 'actor']) mailName.set(eventMessageId(e.nonce, role, from), `${e.id}.${role}`);
  }
  return {
    tickets: tickets.map(shape),
    events: events.map((e) => norm(`${e.type} ${e.id}`)).sort(),
    sent: [...new Set(env.sent.map((m) => norm(mailName.get(m.messageId) ?? m.messageId)))].sort(),
    bus: [...new Set(env.bus.map((b) => norm(String((JSON.parse(b.Detail ?? '{}') as { id?: string }).id))))].sort(),
  };
}

/** What one run leaves behind, and what is wrong with it compared with the clean run. */
async function runScenario(scenario: Scenario, faults: Array<{ index: number; kind: FaultKind }>, baseline: Fingerprint | null) {
  const injector = new FaultInjector();
  const env = await startDirectEnv({ faults: injector, now: T0 });
  try {
    await scenario.setup(env);
    injector.reset();
    for (const f of faults) injector.failAt(f.index, f.kind);
    const problems: string[] = [];
    try {
      await scenario.act(env);
    } catch (error) {
      problems.push(`still failing after the retries: ${(error as Error).name}: ${(error as Error).message}`);
    }
    const calls = injector.calls.slice();
    const injected: InjectedFault[] = injector.injected.slice();
    injector.reset();
    await scenario.settle(env);
    problems.push(...(await env.integrityProblems()));
    // every send passed the strict SES v2 stand-in: a refused mail is a lost mail on AWS
    problems.push(...env.sesRejections.map((r) => `SES refused a send: ${r.name} (${r.rule}): ${r.message}`));
    problems.push(...env.busRejections.map((r) => `EventBridge refused: ${r.name}: ${r.message}`));
    const print = await fingerprint(env);
    // a timeout after SES accepted a mail is the one fault that may send that mail twice (SES has no idempotency key)
    const sesTimeouts = injected.filter((f) => f.service === 'SESv2' && f.kind === 'timeout').length;
    const doubled = [...sentCounts(env.sent)].filter(([, n]) => n > 1);
    const allowed = doubled.filter(([, n]) => n === 2).slice(0, sesTimeouts).length;
    if (doubled.length > allowed) problems.push(`mails sent more than once: ${doubled.map(([id, n]) => `${id} x${n}`).join(', ')}`);
    if (baseline) {
      if (JSON.stringify(print.tickets) !== JSON.stringify(baseline.tickets)) problems.push(`tickets differ:\n  got      ${JSON.stringify(print.tickets)}\n  expected ${JSON.stringify(baseline.tickets)}`);
      if (JSON.stringify(print.events) !== JSON.stringify(baseline.events)) problems.push(`events differ:\n  got      ${print.events.join(' | ')}\n  expected ${baseline.events.join(' | ')}`);
      const lost = baseline.sent.filter((m) => !print.sent.includes(m));
      const extra = print.sent.filter((m) => !baseline.sent.includes(m));
      if (lost.length) problems.push(`mails lost: ${lost.join(', ')}`);
      if (extra.length) problems.push(`unexpected mails: ${extra.join(', ')}`);
      const lostBus = baseline.bus.filter((m) => !print.bus.includes(m));
      if (lostBus.length) problems.push(`bus events lost: ${lostBus.join(', ')}`);
    }
    return { calls, injected, print, problems, doubledBySesTimeout: allowed };
  } finally {
    env.close();
  }
}

export function faultSuite(scale: FaultScale) {
  const totals = { points: 0, runs: 0, pairs: 0, sesTimeoutDoubles: 0, byService: {} as Record<string, number>, byPipeline: {} as Record<string, number> };

  describe('faults at every SDK call', () => {
    for (const scenario of scenarios(scale)) {
      it(`${scenario.pipeline}: ${scenario.name}`, async () => {
        const clean = await runScenario(scenario, [], null);
        expect(clean.problems).toEqual([]);
        const n = clean.calls.length;
        expect(n).toBeGreaterThan(0);
        const failures: string[] = [];
        const singles = Array.from({ length: n }, (_, index) => index).flatMap((index) =>
          (scale.kinds === 'all' ? FAULT_KINDS : [FAULT_KINDS[(index + totals.points) % FAULT_KINDS.length]!]).map((kind) => ({ index, kind })),
        );
        await mapLimit(singles, scale.parallel, async ({ index, kind }) => {
          const run = await runScenario(scenario, [{ index, kind }], clean.print);
          totals.runs++;
          totals.points++;
          totals.sesTimeoutDoubles += run.doubledBySesTimeout;
          const where = run.injected[0] ? `${run.injected[0].service}.${run.injected[0].operation}` : `call ${index} (not reached)`;
          totals.byService[where.split('.')[0]!] = (totals.byService[where.split('.')[0]!] ?? 0) + 1;
          totals.byPipeline[scenario.pipeline] = (totals.byPipeline[scenario.pipeline] ?? 0) + 1;
          if (run.injected.length !== 1) failures.push(`#${index} ${kind}: the fault was not injected`);
          for (const p of run.problems) failures.push(`#${index} ${kind} at ${where}: ${p}`);
        });
        if (scale.pairs) {
          const pairs = Array.from({ length: n }, (_, i) => Array.from({ length: n - i - 1 }, (_, k) => [i, i + k + 1] as const)).flat();
          await mapLimit(pairs, scale.parallel, async ([i, j]) => {
            // indexes count the calls of the faulted run, whose retries add calls: the second fault lands somewhere in them
            const faults = [
              { index: i, kind: FAULT_KINDS[(i + j) % 3]! },
              { index: j, kind: FAULT_KINDS[(i + 2 * j) % 3]! },
            ];
            const run = await runScenario(scenario, faults, clean.print);
            totals.runs++;
            totals.pairs++;
            totals.sesTimeoutDoubles += run.doubledBySesTimeout;
            for (const p of run.problems) failures.push(`#${i}+#${j}: ${p}`);
          });
        }
        expect(failures).toEqual([]);
      });
    }
  });

  it('reports the injection points covered', () => {
    console.log(
      `RELIABILITY faults: single-fault injection points=${totals.points} (by pipeline ${JSON.stringify(totals.byPipeline)}, by service ${JSON.stringify(totals.byService)}), double-fault runs=${totals.pairs}, runs=${totals.runs}, lost=0 doubled=0 (mails re-sent after an SES timeout that had sent them: ${totals.sesTimeoutDoubles})`,
    );
    expect(totals.points).toBeGreaterThan(0);
  });
}
