/**
 * The pipeline under measurement and its local stand-ins.
 *
 * processMail = receiveMail (the inbound Lambda's use case) + deliverEvent for every outbox event
 * that mail wrote (the notify Lambda's use case), in that order, as the table's stream would hand
 * them over. The events are taken from the store's successful writes (CapturingStore), so the
 * bench does not wait on a stream poller's interval; the events are the same items the stream
 * carries.
 *
 * Stand-ins (shared/adapters/memory): MemoryMailStore (bucket), MemoryMailSender (composes the
 * MIME, keeps only counts), MemoryBus, MemoryTicketStore (the TicketStore ports in memory: the floor
 * ratio measures our CPU without DynamoDB round trips). The deps come from shared/composition.ts,
 * as the Lambdas' do.
 */
import { readFileSync } from 'node:fs';
import { MemoryBus, MemoryMailSender, withNonce } from '../shared/adapters/memory';
import { buildDesk } from '../shared/composition';
import { parseConfig, type MaildeskConfig } from '../shared/config';
import { BusinessCalendar } from '../shared/domain/business-calendar';
import type { TicketEvent } from '../shared/domain/events';
import { jsonLogger, type Logger } from '../shared/log';
import { sesEventFor, parseSesEvent } from '../shared/adapters/ses-event';
import { deliverEvent, type DeliverDeps } from '../shared/use-cases/deliver-event';
import type { MailStore, TicketStore, WriteResult } from '../shared/use-cases/ports';
import { receiveMail, type InboundMail, type Outcome, type ReceiveDeps } from '../shared/use-cases/receive-mail';
import type { CorpusMail } from './corpus';

export const exampleConfig = (root = process.cwd()): MaildeskConfig =>
  parseConfig(JSON.parse(readFileSync(`${root}/maildesk.config.example.json`, 'utf8')), 'maildesk.config.example.json');

/** Formats every entry as the Lambdas do (JSON), then drops it: the cost stays, the noise goes. */
export const benchLogger = (): Logger => jsonLogger(() => {});

/**
 * The store, passing every call through, that also records the events of each successful write
 * by inbound id (null for the sweep's writes). A Proxy, so methods added to the port later pass
 * through untouched.
 */
export type CapturingStore = TicketStore & { take(inboundId: string | null): TicketEvent[] };

export function capturingStore(inner: TicketStore): CapturingStore {
  const captured = new Map<string, TicketEvent[]>();
  const keep = (inboundId: string | null, events: TicketEvent[], result: WriteResult): WriteResult => {
    if (result.ok && events.length)
      captured.set(inboundId ?? '', [...(captured.get(inboundId ?? '') ?? []), ...events]);
    return result;
  };
  const extra = {
    take(inboundId: string | null): TicketEvent[] {
      const events = captured.get(inboundId ?? '') ?? [];
      captured.delete(inboundId ?? '');
      return events;
    },
    // Nonces set here, before the write, so the captured events are the ones the store (and the stream) carry.
    async saveTicket(change: Parameters<TicketStore['saveTicket']>[0]) {
      const events = withNonce(change.events);
      return keep(change.inboundId, events, await inner.saveTicket({ ...change, events }));
    },
    async saveEvents(plain: TicketEvent[], inboundId: string | null, ...rest: unknown[]) {
      const events = withNonce(plain);
      return keep(
        inboundId,
        events,
        await (inner.saveEvents as (...a: unknown[]) => Promise<WriteResult>)(events, inboundId, ...rest),
      );
    },
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop in extra) return extra[prop as keyof typeof extra];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as CapturingStore;
}

export interface Pipeline {
  store: CapturingStore;
  mail: MailStore;
  sender: MemoryMailSender;
  bus: MemoryBus;
  receiveDeps: ReceiveDeps;
  deliverDeps: DeliverDeps;
}

export function makePipeline(
  tickets: TicketStore,
  mail: MailStore,
  config: MaildeskConfig,
  log: Logger = benchLogger(),
): Pipeline {
  const store = capturingStore(tickets);
  const sender = new MemoryMailSender();
  const bus = new MemoryBus();
  const desk = buildDesk({
    tickets: store,
    mail,
    sender,
    bus,
    config,
    calendar: BusinessCalendar.fromConfig(config),
    log,
  });
  return { store, mail, sender, bus, receiveDeps: desk.receiveDeps, deliverDeps: desk.deliverDeps };
}

/** The SES event the inbound Lambda would get for this mail (DKIM/SPF PASS), as InboundMail. */
export function inboundFor(mail: CorpusMail, inboundId: string): InboundMail {
  return parseSesEvent(sesEventFor(inboundId, [mail.to]))[0]!;
}

export interface Processed {
  outcome: Outcome;
  events: TicketEvent[];
  /** mails handed to the sender by deliverEvent */
  sent: number;
  /** wall ms of receiveMail (the inbound Lambda's work) and of the deliveries (notify's) */
  receiveMs: number;
  deliverMs: number;
}

/** One mail through the inbound use case, then each of its outbox events through the notify use case. */
export async function processMail(p: Pipeline, inbound: InboundMail): Promise<Processed> {
  const t0 = performance.now();
  const outcome = await receiveMail(inbound, p.receiveDeps);
  const t1 = performance.now();
  const events = p.store.take(inbound.inboundId);
  let sent = 0;
  for (const event of events) sent += (await deliverEvent(event, p.deliverDeps)).sent.length;
  return { outcome, events, sent, receiveMs: t1 - t0, deliverMs: performance.now() - t1 };
}

// ---------------------------------------------------------------------------------------------
// statistics

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

export function summary(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

export const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);
