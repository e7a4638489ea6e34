/** buildDesk: one place that builds the use cases' deps, lazily, from any set of adapters. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryBus, MemoryMailSender, MemoryMailStore, MemoryTicketStore } from '../../shared/adapters/memory';
import { buildDesk, MissingAdapterError, type DeskAdapters } from '../../shared/composition';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { parseConfig } from '../../shared/config';
import { memoryLogger } from '../../shared/log';
import type { TicketStore } from '../../shared/use-cases/ports';

const exampleConfig = () => parseConfig(JSON.parse(readFileSync('maildesk.config.example.json', 'utf8')));

describe('buildDesk', () => {
  it('gives each use case the adapters it needs, the same instances the caller passed', () => {
    const config = exampleConfig();
    const adapters = { tickets: new MemoryTicketStore(), mail: new MemoryMailStore(), sender: new MemoryMailSender(), bus: new MemoryBus(), config, calendar: BusinessCalendar.fromConfig(config), log: memoryLogger() };
    const desk = buildDesk(adapters);
    expect(desk.receiveDeps).toMatchObject({ mail: adapters.mail, tickets: adapters.tickets, config: adapters.config, log: adapters.log });
    expect(desk.deliverDeps).toMatchObject({ tickets: adapters.tickets, sender: adapters.sender, bus: adapters.bus });
    expect(desk.sweepDeps.tickets).toBe(adapters.tickets);
    expect(desk.reportDeps.sender).toBe(adapters.sender);
    expect(desk.alertDeps.claims).toBe(adapters.tickets);
    expect(desk.sweepDeps.calendar).toBe(adapters.calendar);
    expect(desk.receiveDeps.calendar).toBe(adapters.calendar);
    expect(desk.receiveDeps.now()).toBeInstanceOf(Date);
  });

  it('reads an adapter only when a use case first uses it (a getter that makes a client is not called before)', () => {
    let made = 0;
    const tickets = new MemoryTicketStore();
    const adapters: DeskAdapters = {
      config: exampleConfig(),
      log: memoryLogger(),
      get tickets(): TicketStore {
        made++;
        return tickets;
      },
    };
    const desk = buildDesk(adapters);
    const deps = desk.reportDeps;
    expect(made).toBe(0);
    expect(deps.tickets).toBe(tickets);
    expect(deps.tickets).toBe(tickets);
    expect(made).toBe(1);
  });

  it('a missing adapter is named when a use case needs it, not before', () => {
    const desk = buildDesk({ tickets: new MemoryTicketStore(), config: exampleConfig(), log: memoryLogger() });
    expect(desk.sweepDeps.tickets).toBeDefined();
    expect(() => desk.deliverDeps.sender).toThrow(MissingAdapterError);
    expect(() => desk.deliverDeps.sender).toThrow(/sender/);
  });

  it('a test may swap an adapter of built deps (the wrapped store), and a spread copies values', () => {
    const config = exampleConfig();
    const desk = buildDesk({ tickets: new MemoryTicketStore(), mail: new MemoryMailStore(), config, calendar: BusinessCalendar.fromConfig(config), log: memoryLogger() });
    const other = new MemoryTicketStore();
    desk.receiveDeps.tickets = other;
    expect(desk.receiveDeps.tickets).toBe(other);
    expect({ ...desk.receiveDeps }.tickets).toBe(other);
  });
});
