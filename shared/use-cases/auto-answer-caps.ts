/**
 * The caps on automatic answers (acknowledgements, refusals, "already finished"): they are sent
 * because someone wrote, so whoever can forge a From could aim them. They reach the sender and a
 * few Cc, and every address they reach counts against its own hourly cap.
 */
import type { MaildeskConfig } from '../config';
import type { TicketEvent } from '../domain/events';
import type { Logger } from '../log';
import type { RateCounters } from './ports';

/** An automatic answer goes to its sender and at most this many Cc: no spam cannon from one inbound mail. */
export const AUTO_ANSWER_MAX_CC = 10;
const AUTO_ANSWER_COUNTER_TTL_SECONDS = 2 * 3600;

export interface CapDeps {
  tickets: RateCounters;
  config: MaildeskConfig;
  log: Logger;
}

/**
 * Counts each address of an automatic answer against its hourly cap; addresses over it are dropped.
 * The senders are counted first: if none of them may be answered, the Cc are not counted at all.
 */
export async function withinCaps(
  to: string[],
  cc: string[],
  event: TicketEvent,
  deps: CapDeps,
): Promise<{ to: string[]; cc: string[] } | null> {
  const hour = event.at.slice(0, 13);
  const allowed = async (addresses: string[]) => {
    const counter = (a: string) => `autoreply#${a.toLowerCase()}#${hour}`;
    const counts = await Promise.all(
      addresses.map((a) => deps.tickets.increment(counter(a), AUTO_ANSWER_COUNTER_TTL_SECONDS)),
    );
    return addresses.filter((_, i) => counts[i]! <= deps.config.autoReplyLimitPerHour);
  };
  const keptTo = await allowed(to);
  const fields = { eventId: event.id, ticketKey: event.ticketKey, limit: deps.config.autoReplyLimitPerHour };
  if (keptTo.length === 0) {
    deps.log.warn('auto-reply cap reached: not answering', fields);
    return null;
  }
  const bounded = cc.slice(0, AUTO_ANSWER_MAX_CC);
  const keptCc = await allowed(bounded);
  if (keptTo.length < to.length || keptCc.length < cc.length) {
    // counts only: addresses are personal data
    deps.log.warn('automatic answer narrowed', {
      ...fields,
      ccGiven: cc.length,
      ccBound: AUTO_ANSWER_MAX_CC,
      ccCapped: bounded.length - keptCc.length,
      toCapped: to.length - keptTo.length,
    });
  }
  return { to: keptTo, cc: keptCc };
}
