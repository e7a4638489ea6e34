/**
 * alertTelegram: a subscriber of the maildesk bus. Blocking tickets and SLA breaches also go to the
 * support team's Telegram chat (config `telegram`), the regulation's channel for blocking cases.
 * - `ticket.created` with priority blocking, `sla.escalated`, `sla.breached`; everything else is ignored
 * - the text carries the ticket key, tenant, priority, status, deadline and what happened: codes
 *   and times only, never a mail body, a subject or a field value (bus events carry none either)
 * - once per event id (claim `telegram#<event id>`); a new blocking ticket raises both
 *   `ticket.created` and `sla.escalated` in one transaction: one message for the pair
 * - a failed send (network, 429, 5xx, any `ok: false`) releases the claims and throws, so the
 *   bus's retry sends it
 */
import type { MaildeskConfig } from '../config';
import type { Logger } from '../log';
import { alertText, type AlertKind } from '../mail/outbound/telegram';
import type { BusEvent, Claims } from './ports';

export const DEFAULT_TELEGRAM_API = 'https://api.telegram.org';
const CLAIM_TTL_SECONDS = 30 * 24 * 3600;

export interface TelegramDeps {
  claims: Claims;
  config: MaildeskConfig;
  /** the bot token: SSM Parameter Store in AWS, MAILDESK_TELEGRAM_TOKEN locally */
  token: () => Promise<string>;
  /** Bot API base URL, no trailing slash; tests point it at a local server */
  apiBase?: string;
  fetch?: typeof fetch;
  log: Logger;
  timeoutMs?: number;
}

export type { AlertKind };
export { alertText };
export type AlertOutcome = 'sent' | 'ignored' | 'already-sent' | 'not-configured';

export class TelegramError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** seconds Telegram asks to wait (429) */
    readonly retryAfter: number | null,
  ) {
    super(message);
    this.name = 'TelegramError';
  }
}

/** Which alert an event raises, if any. */
export function alertKind(event: BusEvent): AlertKind | null {
  switch (event.type) {
    case 'ticket.created':
      return event.detail.priority === 'blocking' ? 'new-blocking' : null;
    case 'sla.escalated':
      return 'escalated';
    case 'sla.breached':
      return 'breached';
    default:
      return null;
  }
}

/** An EventBridge event (or a line of the local bus file) as a BusEvent. */
export function busEventFromEventBridge(event: { 'detail-type': string; detail: Record<string, unknown> }): BusEvent {
  const id = event.detail.id;
  if (typeof id !== 'string' || !id) throw new Error('bus event without detail.id');
  return { type: event['detail-type'], id, detail: event.detail };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export async function alertTelegram(event: BusEvent, deps: TelegramDeps): Promise<AlertOutcome> {
  const kind = alertKind(event);
  if (!kind) return 'ignored';
  const telegram = deps.config.telegram;
  if (!telegram) return 'not-configured';
  const markers = [`telegram#${event.id}`];
  // ticket.created (blocking) and sla.escalated of one new ticket share the ticket and the instant.
  if (kind !== 'breached')
    markers.push(`telegram#critical#${str(event.detail.ticketKey) ?? event.id}#${str(event.detail.at) ?? ''}`);
  const taken: string[] = [];
  for (const marker of markers) {
    // Already claimed: this event (or its pair) was alerted; the event's own claim stays taken.
    if (!(await deps.claims.claim(marker, CLAIM_TTL_SECONDS))) return 'already-sent';
    taken.push(marker);
  }
  try {
    const token = await deps.token();
    const response = await (deps.fetch ?? fetch)(`${deps.apiBase ?? DEFAULT_TELEGRAM_API}/bot${token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        chat_id: telegram.chatId,
        text: alertText(kind, event, deps.config),
        disable_web_page_preview: true,
      }),
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
    });
    let body: { ok?: boolean; description?: string; parameters?: { retry_after?: number } } = {};
    try {
      body = (await response.json()) as typeof body;
    } catch {
      // not JSON: judged by the status alone
    }
    if (!response.ok || body.ok !== true) {
      throw new TelegramError(
        `Telegram sendMessage failed: HTTP ${response.status}${body.description ? ` ${body.description}` : ''}`,
        response.status,
        body.parameters?.retry_after ?? null,
      );
    }
    deps.log.info('telegram alert sent', {
      eventId: event.id,
      eventType: event.type,
      ticketKey: str(event.detail.ticketKey),
    });
    return 'sent';
  } catch (error) {
    for (const marker of taken) await deps.claims.release(marker);
    deps.log.warn('telegram alert failed: will retry', {
      eventId: event.id,
      eventType: event.type,
      error: (error as Error).name,
      status: error instanceof TelegramError ? error.status : null,
    });
    throw error;
  }
}
