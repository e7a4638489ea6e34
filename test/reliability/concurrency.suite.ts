/**
 * Concurrency: many writers on one ticket at once (the inbound function scales out, one Lambda per
 * mail). Optimistic locking with retries must lose no comment and make no lost or illegal status
 * transition: the writes are replayed in version order and every status move must follow from the
 * status the previous write left, by the regulation's table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../shared/domain/events';
import { canTransition, type Status, type Ticket } from '../../shared/domain/ticket';
import type { TicketStore } from '../../shared/use-cases/ports';
import { ConcurrentUpdateError } from '../../shared/domain/errors';
import { receiveMail, type Outcome, type ReceiveDeps } from '../../shared/use-cases/receive-mail';
import { startHarness, type Harness } from '../support/harness';
import { buildMail, messageId, storeInbound } from '../support/mail-builder';

export interface ConcurrencyScale {
  /** customer replies sent at once to one ticket */
  replies: number;
  /** rounds of engineers' commands racing customers' replies */
  raceRounds: number;
  /** customer replies per race round */
  raceReplies: number;
}

export const SHORT_CONCURRENCY: ConcurrencyScale = { replies: 50, raceRounds: 1, raceReplies: 20 };
/** DynamoDB Local serialises transactions: 50 writers on one item take a while on a busy machine. */
const T = 180_000;

const NORTH = 'clinic-north@support.example';

interface Commit {
  version: number;
  before: Status;
  events: TicketEvent[];
  after: Ticket;
}

/** The store the use case writes through, recording every successful ticket write (version = commit order). */
/**
 * The store the use case writes through, recording every successful write of the ticket under test
 * (its version is the commit order) and the status it was computed from (the version it expected).
 */
function recording(store: TicketStore, ticketKey: () => string, commits: Commit[], attempts: Map<string, number>): TicketStore {
  const seen = new Map<number, Status>();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'getTicket') {
        return async (key: string) => {
          const ticket = await target.getTicket(key);
          if (ticket && key === ticketKey()) seen.set(ticket.version, ticket.status);
          return ticket;
        };
      }
      if (property === 'saveTicket') {
        return async (change: Parameters<TicketStore['saveTicket']>[0]) => {
          const result = await target.saveTicket(change);
          if (change.inboundId) attempts.set(change.inboundId, (attempts.get(change.inboundId) ?? 0) + 1);
          if (result.ok && change.ticket.key === ticketKey() && change.expectedVersion !== null) {
            commits.push({ version: change.ticket.version, before: seen.get(change.expectedVersion)!, events: change.events, after: change.ticket });
          }
          return result;
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function concurrencySuite(scale: ConcurrencyScale) {
  let h: Harness;
  const figures = { writers: 0, maxAtOnce: 0, lostComments: 0, illegal: 0, maxAttempts: 0, lambdaRetries: 0 };
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    console.log(`RELIABILITY concurrency: writers=${figures.writers} (at most ${figures.maxAtOnce} at once on one ticket) lost comments=${figures.lostComments} illegal or lost transitions=${figures.illegal}; most write attempts for one mail=${figures.maxAttempts}, Lambda retries after locking lost ${figures.lambdaRetries}`);
    await h?.close();
  });

  /** One inbound invocation as Lambda runs it: a ConcurrentUpdateError (locking lost 30 times) is retried twice. */
  const lambda = async (inbound: Parameters<typeof receiveMail>[0], deps: ReceiveDeps): Promise<Outcome> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await receiveMail(inbound, deps);
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= 2) throw error;
        figures.lambdaRetries++;
      }
    }
  };
  const report = (what: string, started: number, attempts: Map<string, number>) => {
    const counts = [...attempts.values()];
    figures.maxAttempts = Math.max(figures.maxAttempts, ...counts);
    console.log(`${what}: ${Date.now() - started} ms, ${counts.reduce((a, b) => a + b, 0)} write attempts, at most ${Math.max(...counts)} for one mail`);
  };
  let customer = 0;
  const open = async (label: string) => {
    const from = `conc${++customer}@clinic-north.example`;
    const root = messageId('root');
    const outcome = await receiveMail(await storeInbound(h, await buildMail({ from, to: NORTH, subject: `Гонка ${label}`, text: 'Не сохраняется протокол осмотра', messageId: root })), h.stack.receiveDeps);
    expect(outcome.kind).toBe('created');
    const key = (outcome as { ticketKey: string }).ticketKey;
    await h.newMail();
    return { key, from, root };
  };
  const reply = async (from: string, key: string, root: string, text: string) =>
    storeInbound(h, await buildMail({ from, to: NORTH, subject: `Re: [${key}] Гонка`, text, messageId: messageId('c'), inReplyTo: root, references: root }));
  const engineer = async (key: string, root: string, text: string, from = 'engineer1@team.example') =>
    storeInbound(h, await buildMail({ from, to: NORTH, subject: `Re: [${key}] Гонка`, text, messageId: messageId('e'), inReplyTo: root }));

  /** Replays the commits in version order: each status move starts where the previous write left the ticket, by the table. */
  const checkHistory = (commits: Commit[], initial: Status, final: Ticket) => {
    const problems: string[] = [];
    const ordered = [...commits].sort((a, b) => a.version - b.version);
    let status = initial;
    ordered.forEach((c, i) => {
      if (i > 0 && c.version !== ordered[i - 1]!.version + 1) problems.push(`version ${ordered[i - 1]!.version} -> ${c.version}: a write is missing`);
      if (c.before !== status) problems.push(`v${c.version} wrote over ${c.before}, but the ticket was ${status}`);
      for (const e of c.events.filter((x) => x.type === 'ticket.status_changed')) {
        if (e.from !== status) problems.push(`v${c.version}: move ${e.from} -> ${e.to} from ${status}`);
        if (!canTransition(e.from!, e.to!)) problems.push(`v${c.version}: illegal move ${e.from} -> ${e.to}`);
        status = e.to!;
      }
      if (c.after.status !== status) problems.push(`v${c.version}: stored ${c.after.status}, events say ${status}`);
    });
    if (final.status !== status) problems.push(`final status ${final.status}, history says ${status}`);
    if (ordered.length && final.version !== ordered.at(-1)!.version) problems.push(`final version ${final.version}, last write ${ordered.at(-1)!.version}`);
    return problems;
  };

  describe('many writers on one ticket', () => {
    it(`${scale.replies} customer replies at once: every one a comment, every one forwarded once`, async () => {
      const { key, from, root } = await open('replies');
      const commits: Commit[] = [];
      const attempts = new Map<string, number>();
      const deps: ReceiveDeps = { ...h.stack.receiveDeps, tickets: recording(h.stack.store, () => key, commits, attempts) };
      const inbounds = await Promise.all(Array.from({ length: scale.replies }, (_, i) => reply(from, key, root, `Дополнение ${i}`)));
      const started = Date.now();
      const retriesBefore = figures.lambdaRetries;
      const outcomes = await Promise.all(inbounds.map((m) => lambda(m, deps)));
      report(`${scale.replies} replies at once`, started, attempts);
      figures.writers += scale.replies;
      figures.maxAtOnce = Math.max(figures.maxAtOnce, scale.replies);

      expect(outcomes.filter((o) => o.kind === 'updated')).toHaveLength(scale.replies);
      // the in-process retries absorb 50 writers: no mail needs Lambda's retry
      if (scale.replies <= 50) expect(figures.lambdaRetries - retriesBefore).toBe(0);
      const ticket = (await h.stack.store.getTicket(key))!;
      expect(ticket.version).toBe(1 + scale.replies);
      const comments = (await h.stack.store.listEvents(key)).filter((e) => e.type === 'ticket.commented');
      figures.lostComments += scale.replies - new Set(comments.map((c) => c.text)).size;
      expect(new Set(comments.map((c) => c.text))).toEqual(new Set(Array.from({ length: scale.replies }, (_, i) => `Дополнение ${i}`)));
      expect(checkHistory(commits, 'open', ticket)).toEqual([]);
      const mails = (await h.newMail()).filter((m) => m.headers['x-maildesk-ticket'] === key);
      expect(mails.filter((m) => m.headers['x-maildesk-event'] === 'ticket.commented')).toHaveLength(scale.replies);
    }, T);

    for (let round = 0; round < scale.raceRounds; round++) {
      it(`engineers' commands racing ${scale.raceReplies} customer replies (round ${round + 1}): no lost comment, no lost or illegal transition`, async () => {
        const { key, from, root } = await open(`race-${round}`);
        const commits: Commit[] = [];
        const attempts = new Map<string, number>();
        const deps: ReceiveDeps = { ...h.stack.receiveDeps, tickets: recording(h.stack.store, () => key, commits, attempts) };
        const commands = [
          '#status in_progress\nВзяли в работу.',
          '#priority partial',
          '#assign petrov',
          '#status info_requested\nУточните номер карты.',
          '#status awaiting_test\nПроверьте, пожалуйста.',
          '#status in_progress',
          '#internal\nСмотрим логи.',
        ];
        const engineerMails = await Promise.all(commands.map((c, i) => engineer(key, root, c, i % 2 ? 'engineer2@team.example' : 'engineer1@team.example')));
        const customerMails = await Promise.all(
          Array.from({ length: scale.raceReplies }, (_, i) => reply(from, key, root, i % 5 === 4 ? 'Проверено, ошибок нет' : i % 5 === 3 ? 'Найдена ошибка: снова не сохраняется' : `Ответ ${i}`)),
        );
        // all at once, interleaved
        const all = [...customerMails.map((m) => ({ m, who: 'customer' as const })), ...engineerMails.map((m) => ({ m, who: 'engineer' as const }))].sort(() => Math.random() - 0.5);
        const started = Date.now();
        const outcomes: Array<{ who: 'customer' | 'engineer'; outcome: Outcome }> = await Promise.all(all.map(async ({ m, who }) => ({ who, outcome: await lambda(m, deps) })));
        report(`race round ${round + 1}`, started, attempts);
        figures.writers += all.length;
        figures.maxAtOnce = Math.max(figures.maxAtOnce, all.length);

        // every customer reply is a comment (none of the commands ends the ticket); every engineer mail applied or rejected whole
        expect(outcomes.filter((o) => o.who === 'customer').map((o) => o.outcome.kind)).toEqual(customerMails.map(() => 'updated'));
        for (const o of outcomes.filter((x) => x.who === 'engineer')) expect(['updated', 'rejected-commands']).toContain(o.outcome.kind);
        const ticket = (await h.stack.store.getTicket(key))!;
        const events = await h.stack.store.listEvents(key);
        const comments = events.filter((e) => e.type === 'ticket.commented');
        figures.lostComments += scale.raceReplies - comments.length;
        expect(comments).toHaveLength(scale.raceReplies);
        expect(ticket.version).toBe(1 + all.length);
        const problems = checkHistory(commits, 'open', ticket);
        figures.illegal += problems.length;
        expect(problems).toEqual([]);
        // the accepted commands are in effect (the priority and the assignee are never rejected here)
        expect(ticket.priority).toBe('partial');
        expect(ticket.assignee).toBe('petrov');
        expect(events.filter((e) => e.type === 'ticket.internal_note')).toHaveLength(1);
        // one mail per mail-worthy event, none twice
        const mails = (await h.newMail()).filter((m) => m.headers['x-maildesk-ticket'] === key);
        const ids = mails.map((m) => m.messageId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(mails.filter((m) => m.headers['x-maildesk-event'] === 'ticket.commented')).toHaveLength(scale.raceReplies);
      }, T);
    }
  });
}
