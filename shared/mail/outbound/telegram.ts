/**
 * The Telegram alert to the support team's chat: codes and times only, never a mail body, a subject
 * or a field value (bus events carry none either). The chat is the team's, not a tenant's: Russian.
 */
import type { MaildeskConfig } from '../../config';
import { isPriority } from '../../domain/priorities';
import { isStatus } from '../../domain/ticket';
import type { BusEvent } from '../../use-cases/ports';
import { formatInstant, priorityName, statusName, type Language } from './parts';
import { wordsOf } from './wording';

export type AlertKind = 'new-blocking' | 'escalated' | 'breached';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The message: key, tenant, priority, status, deadline, link. */
export function alertText(kind: AlertKind, event: BusEvent, config: MaildeskConfig, lang: Language = 'ru'): string {
  const w = wordsOf(lang).team.alert;
  const d = event.detail;
  const key = str(d.ticketKey) ?? '?';
  const tenantId = str(d.tenant) ?? '?';
  const tenant = config.tenants.find((t) => t.id === tenantId);
  const priority = str(d.priority);
  const status = str(d.status);
  const due = formatInstant(str(d.dueAt), config.timezone, lang);
  const priorityText = priority && isPriority(priority) ? `${priorityName(priority, lang)} (${priority})` : priority;
  const statusText = status && isStatus(status) ? `${statusName(status, lang)} (${status})` : status;
  return [
    w.head[kind](key),
    `${w.tenant}: ${tenant ? `${tenant.name} (${tenantId})` : tenantId}`,
    ...(priorityText ? [`${w.priority}: ${priorityText}`] : []),
    ...(statusText ? [`${w.status}: ${statusText}`] : []),
    ...(due ? [`${w.due}: ${due}`] : []),
    ...(config.ticketLinkBase && key !== '?' ? [`${config.ticketLinkBase.replace(/\/$/, '')}/${key}`] : []),
  ].join('\n');
}
