/**
 * The regulation's "one feature ticket of a client in work until the customer accepts it", under a
 * race: two engineers take two feature tickets of the same clinic into work at the same moment,
 * and both read the tenant's ticket list before either writes (forced here with a barrier, which is
 * what two inbound Lambdas can do). The slot written in each ticket's transaction lets one through;
 * the other mail's commands are rejected, naming the ticket in the way, and nothing of it is applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../shared/adapters/table-layout';
import type { TicketStore } from '../../shared/use-cases/ports';
import { startDirectEnv, type DirectEnv } from '../support/direct-env';
import { buildMail } from '../support/mail-builder';

const SOUTH = 'clinic-south@support.example';

let env: DirectEnv;
beforeAll(async () => {
  env = await startDirectEnv({ now: new Date('2026-03-03T08:00:00Z') });
});
afterAll(() => env?.close());

/** Holds every listTickets answer until `count` callers have asked: both see the list as it was. */
function listedTogether<S extends Pick<TicketStore, 'listTickets'>>(store: S, count: number): S {
  let waiting: Array<() => void> = [];
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'listTickets') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<TicketStore['listTickets']>) => {
        const answer = await target.listTickets(...args);
        if (waiting.length + 1 >= count) {
          for (const release of waiting) release();
          waiting = [];
        } else await new Promise<void>((release) => waiting.push(release));
        return answer;
      };
    },
  });
}

describe('two feature tickets of one clinic taken into work at once', () => {
  it('one goes into work, the other mail is rejected naming it, and the slot holds the one', async () => {
    const keysOf: string[] = [];
    for (const n of [1, 2]) {
      const raw = await buildMail({ from: `feature${n}@clinic-south.example`, to: SOUTH, subject: `Новая форма ${n}`, text: 'Нужна новая форма.\nПриоритет: Новые функции', messageId: `<feature-${n}@clinic-south.example>` });
      const { outcome } = await env.receive(env.putMail(raw, { id: `inb-feature-${n}` }), 0);
      if (outcome.kind !== 'created') throw new Error(`not created: ${outcome.kind}`);
      keysOf.push(outcome.ticketKey);
    }
    const original = env.receiveDeps.tickets;
    env.receiveDeps.tickets = listedTogether(original, 2);
    try {
      const starts = await Promise.all(
        keysOf.map(async (key, i) => {
          const raw = await buildMail({ from: 'engineer2@team.example', to: SOUTH, subject: `Re: [${key}] Новая форма`, text: '#status in_progress\nБерём в работу.', messageId: `<start-${i}@support.example>`, inReplyTo: `<feature-${i + 1}@clinic-south.example>` });
          return (await env.receive(env.putMail(raw, { id: `inb-start-${i}` }), 0)).outcome;
        }),
      );
      expect(starts.map((o) => o.kind).sort()).toEqual(['rejected-commands', 'updated']);
    } finally {
      env.receiveDeps.tickets = original;
    }

    const tickets = (await env.tickets()).filter((t) => keysOf.includes(t.key));
    const inWork = tickets.filter((t) => t.status === 'in_progress');
    expect(inWork).toHaveLength(1);
    const winner = inWork[0]!.key;
    const loser = keysOf.find((k) => k !== winner)!;
    expect(tickets.find((t) => t.key === loser)).toMatchObject({ status: 'open', startedAt: null });
    const rejected = (await env.events()).filter((e) => e.type === 'command.rejected' && e.ticketKey === loser);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.rejections?.map((p) => p.reason)).toEqual([{ code: 'feature-slot', holder: winner }]);
    const slot = (await env.items()).find((i) => i.pk === keys.featureSlot('clinic-south').pk);
    expect(slot?.holders).toEqual(new Set([winner]));
    expect(await env.integrityProblems()).toEqual([]);
  });
});
