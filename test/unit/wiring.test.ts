/** functions/wiring.ts: each named adapter made once per container, at init or (onFirstUse) when a use case first needs it. */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lambdaDesk, type AwsAdapter } from '../../functions/wiring';
import { MemoryMailSender, MemoryTicketStore } from '../../shared/adapters/memory';
import { parseConfig } from '../../shared/config';
import type { MailSender, TicketStore } from '../../shared/use-cases/ports';

const saved = { ...process.env };
beforeEach(() => {
  process.env.MAILDESK_CONFIG_JSON = JSON.stringify(parseConfig(JSON.parse(readFileSync('maildesk.config.example.json', 'utf8'))));
  process.env.TABLE_NAME = 'maildesk-test';
});
afterEach(() => {
  process.env = { ...saved };
});

function counting<T>(env: string[], make: () => T): AwsAdapter<T> & { made: number; sawEnv: Array<Record<string, string>> } {
  const adapter = {
    env,
    made: 0,
    sawEnv: [] as Array<Record<string, string>>,
    make: (e: Record<string, string>) => {
      adapter.made++;
      adapter.sawEnv.push(e);
      return make();
    },
  };
  return adapter;
}

describe('lambdaDesk', () => {
  it('makes the adapters a handler names at init, once, with the environment they declared', () => {
    const tickets = counting<TicketStore>(['TABLE_NAME'], () => new MemoryTicketStore());
    const { desk } = lambdaDesk('maildesk-test', { tickets });
    expect(tickets.made).toBe(1);
    expect(tickets.sawEnv[0]?.TABLE_NAME).toBe('maildesk-test');
    expect(desk.sweepDeps.tickets).toBe(desk.receiveDeps.tickets);
    expect(tickets.made).toBe(1);
  });

  it('onFirstUse: made when a use case first reads it, never on a run that does not', () => {
    const tickets = counting<TicketStore>(['TABLE_NAME'], () => new MemoryTicketStore());
    const sender = counting<MailSender>([], () => new MemoryMailSender());
    const { desk } = lambdaDesk('maildesk-test', { tickets, sender }, { onFirstUse: ['tickets', 'sender'] });
    const deps = desk.reportDeps;
    expect([tickets.made, sender.made]).toEqual([0, 0]);
    void deps.sender;
    expect([tickets.made, sender.made]).toEqual([0, 1]);
    void deps.tickets;
    void deps.tickets;
    expect([tickets.made, sender.made]).toEqual([1, 1]);
  });

  it('a missing environment variable stops the cold start with its name', () => {
    delete process.env.TABLE_NAME;
    const tickets = counting<TicketStore>(['TABLE_NAME'], () => new MemoryTicketStore());
    expect(() => lambdaDesk('maildesk-test', { tickets })).toThrow(/TABLE_NAME/);
    expect(tickets.made).toBe(0);
  });
});
