/**
 * Issue 18: store calls per mail, counted at the port (the DynamoDB store makes one round trip per call).
 * A reply's ticket is read once: findTicket's read is the one the first attempt decides on (it was read twice);
 * a new ticket's notification reads no history for the clinic group's summary, which cannot precede the opening
 * (it read the whole history of every new ticket of a clinic with a group).
 */
import { describe, expect, it } from 'vitest';
import { MemoryBus, MemoryMailSender, MemoryMailStore, MemoryTicketStore } from '../../shared/adapters/memory';
import { parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { buildDesk } from '../../shared/composition';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { TicketEvent } from '../../shared/domain/events';
import { memoryLogger } from '../../shared/log';
import { deliverEvent } from '../../shared/use-cases/deliver-event';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import type { TicketStore } from '../../shared/use-cases/ports';
import { exampleConfig } from '../support/harness';
import { buildMail, type MailSpec } from '../support/mail-builder';

const NOW = new Date('2026-12-01T08:00:00.000Z');
const anna = 'anna@clinic-north.example';
const NORTH = 'clinic-north@support.example';

function desk() {
  const config = exampleConfig();
  config.tenants[0]!.telegram = { chatId: -1001234567890 };
  const inner = new MemoryTicketStore();
  const calls: string[] = [];
  const events: TicketEvent[] = [];
  const tickets = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        if (name === 'saveTicket') events.push(...(args[0] as Parameters<TicketStore['saveTicket']>[0]).events);
        return value.apply(target, args);
      };
    },
  }) as MemoryTicketStore;
  const mail = new MemoryMailStore();
  const { receiveDeps, deliverDeps } = buildDesk({
    tickets,
    mail,
    sender: new MemoryMailSender(),
    bus: new MemoryBus(),
    config,
    calendar: BusinessCalendar.fromConfig(config),
    now: () => NOW,
    log: memoryLogger(),
  });
  let n = 0;
  const receive = async (spec: MailSpec) => {
    const id = `rt-${++n}`;
    await mail.put(`inbound/${id}`, await buildMail(spec));
    calls.length = 0;
    const outcome = await receiveMail(parseSesEvent(sesEventFor(id, [NORTH]))[0]!, receiveDeps);
    return { outcome, calls: [...calls] };
  };
  const deliver = async (event: TicketEvent) => {
    calls.length = 0;
    await deliverEvent(event, deliverDeps);
    return [...calls];
  };
  return { receive, deliver, events };
}

const count = (calls: string[], name: string) => calls.filter((c) => c === name).length;

describe('store calls per mail', () => {
  it("a reply reads its ticket once; a new ticket's letters read no history", async () => {
    const { receive, deliver, events } = desk();
    const opened = await receive({
      from: anna,
      to: NORTH,
      subject: 'Не открывается карта пациента',
      text: 'Номер амбулаторной карты: 123456',
      messageId: '<first@clinic-north.example>',
    });
    expect(opened.outcome).toMatchObject({ kind: 'created' });
    expect(count(opened.calls, 'getTicket')).toBe(0);
    const notify = await deliver(events.find((e) => e.type === 'ticket.created')!);
    expect(count(notify, 'listEvents')).toBe(0);
    expect(count(notify, 'getTicket')).toBe(1);

    const reply = await receive({
      from: anna,
      to: NORTH,
      subject: 'Re: Не открывается карта пациента',
      text: 'Добавлю: ошибка с утра.',
      inReplyTo: '<first@clinic-north.example>',
    });
    expect(reply.outcome).toMatchObject({ kind: 'updated' });
    expect(count(reply.calls, 'getTicket')).toBe(1);
    expect(count(reply.calls, 'saveTicket')).toBe(1);
  });
});
