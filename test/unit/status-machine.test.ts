/** The status table of the regulation (shared/domain/ticket.ts), checked as a graph. */
import { describe, expect, it } from 'vitest';
import { allowedNext, canTransition, finalStatuses, isFinal, isWaiting, statusCodes, statusNamesRu, transitions, waitingStatuses, type Status } from '../../shared/domain/ticket';
import { statusPath } from '../../shared/domain/workflow';

/** Every status reachable from `start` through the table. */
function reachableFrom(start: Status): Set<Status> {
  const seen = new Set<Status>([start]);
  const queue: Status[] = [start];
  while (queue.length) {
    for (const next of allowedNext(queue.shift()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('status table', () => {
  it('has a row for every status, with known statuses only and no self-loops', () => {
    expect(Object.keys(transitions).sort()).toEqual([...statusCodes].sort());
    for (const [from, list] of Object.entries(transitions) as [Status, readonly Status[]][]) {
      for (const to of list) {
        expect(statusCodes, `${from} -> ${to}`).toContain(to);
        expect(to, `${from} -> itself`).not.toBe(from);
      }
      expect(new Set(list).size, `${from}: listed twice`).toBe(list.length);
    }
  });

  it('every status has its Russian name from the regulation', () => {
    expect(statusNamesRu.awaiting_test).toBe('Ожидание тестирования клиентом');
    expect(statusNamesRu.closed_no_response).toBe('Закрыто из-за отсутствия ответа');
    expect(new Set(Object.values(statusNamesRu)).size).toBe(statusCodes.length);
  });

  it.each(finalStatuses.map((s) => [s]))('final status %s has no way out except closed -> reopened', (status) => {
    expect(isFinal(status)).toBe(true);
    expect(allowedNext(status)).toEqual(status === 'closed' ? ['reopened'] : []);
  });

  it('the final and the waiting statuses are exactly the regulation\'s', () => {
    expect(statusCodes.filter(isFinal).sort()).toEqual(['cancelled', 'closed', 'closed_no_response', 'duplicate', 'infeasible']);
    expect(statusCodes.filter(isWaiting).sort()).toEqual(['awaiting_test', 'info_requested']);
    expect([...waitingStatuses].some(isFinal)).toBe(false);
  });

  it('every status is reachable from open', () => {
    expect([...reachableFrom('open')].sort()).toEqual([...statusCodes].sort());
  });

  it.each(statusCodes.filter((s) => !isFinal(s)).map((s) => [s]))('from %s a final status can still be reached (no dead end)', (status) => {
    expect([...reachableFrom(status)].some(isFinal)).toBe(true);
  });

  it('closed_no_response is entered only from a status that waits for the customer', () => {
    const into = statusCodes.filter((s) => canTransition(s, 'closed_no_response'));
    expect(into.sort()).toEqual(['awaiting_test', 'info_requested']);
  });

  it('verified and bug_found follow only awaiting_test (the customer\'s verdict)', () => {
    expect(statusCodes.filter((s) => canTransition(s, 'verified'))).toEqual(['awaiting_test']);
    expect(statusCodes.filter((s) => canTransition(s, 'bug_found'))).toEqual(['awaiting_test']);
  });

  it('reopened is entered only from closed (and back from a question asked after reopening)', () => {
    expect(statusCodes.filter((s) => canTransition(s, 'reopened')).sort()).toEqual(['closed', 'info_requested']);
  });

  const paths: Array<[string, Status[]]> = [
    ['fix accepted', ['open', 'in_progress', 'awaiting_test', 'verified', 'deploying', 'closed']],
    ['fix rejected, then accepted', ['open', 'in_progress', 'awaiting_test', 'bug_found', 'in_progress', 'awaiting_test', 'verified', 'deploying', 'closed']],
    ['question before work starts, answered', ['open', 'info_requested', 'open', 'in_progress']],
    ['question during work, answered', ['in_progress', 'info_requested', 'in_progress']],
    ['question while testing', ['awaiting_test', 'info_requested', 'awaiting_test']],
    ['no answer to a question', ['open', 'info_requested', 'closed_no_response']],
    ['no answer to a test request', ['in_progress', 'awaiting_test', 'closed_no_response']],
    ['reopened by an engineer', ['closed', 'reopened', 'in_progress', 'awaiting_test']],
    ['deploy found a problem', ['deploying', 'in_progress']],
    ['closed as duplicate at once', ['open', 'duplicate']],
    ['found infeasible during work', ['in_progress', 'infeasible']],
    ['cancelled after a bug report', ['bug_found', 'cancelled']],
    ['closed right after verification', ['verified', 'closed']],
  ];
  it.each(paths)('regulation path: %s', (_name, path) => {
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!), `${path[i - 1]} -> ${path[i]}`).toBe(true);
  });

  const forbidden: Array<[Status, Status]> = [
    ['open', 'verified'],
    ['open', 'bug_found'],
    ['open', 'deploying'],
    ['open', 'closed_no_response'],
    ['in_progress', 'verified'],
    ['in_progress', 'open'],
    ['closed', 'in_progress'],
    ['closed', 'open'],
    ['duplicate', 'reopened'],
    ['closed_no_response', 'reopened'],
    ['cancelled', 'in_progress'],
    ['deploying', 'verified'],
  ];
  it.each(forbidden)('forbidden: %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });
});

describe('statusPath (what an engineer\'s #status walks through)', () => {
  it.each<[Status, Status, Status[] | null]>([
    ['open', 'in_progress', ['in_progress']],
    ['awaiting_test', 'verified', ['verified']],
    ['closed', 'reopened', ['reopened']],
    ['closed', 'in_progress', ['reopened', 'in_progress']],
    ['closed', 'awaiting_test', null],
    ['duplicate', 'in_progress', null],
    ['infeasible', 'reopened', null],
    ['open', 'verified', null],
  ])('%s -> %s: %j', (from, to, path) => {
    expect(statusPath(from, to)).toEqual(path);
  });
});
