/**
 * The pieces every letter is built from: names of priorities, statuses and fields, deadlines as the
 * reader's clock shows them, the ticket card, the signature. Russian is the default (clinic staff);
 * engineers get the tenant's language too, with codes beside names so commands are easy to type.
 */
import { keptResults } from '../../kept-results';
import type { MaildeskConfig, Tenant } from '../../config';
import type { TicketEvent } from '../../domain/events';
import { priorityNamesEn, priorityNamesRu, type Priority } from '../../domain/priorities';
import { localInstantText } from '../../instant-text';
import {
  statusNamesEn,
  statusNamesRu,
  templateFieldLabelsRu,
  templateFieldNames,
  type Status,
  type TemplateFieldName,
  type Ticket,
} from '../../domain/ticket';
import { outsideContractDeadline } from './support-contract';

import { type Language, wordsOf } from './wording';

export type { Language };

/** What a letter function returns; who receives it is deliverEvent's business. */
export interface Letter {
  subject: string;
  text: string;
}

/** One letter: the event, its ticket, the tenant and the config in; subject and text out. */
export type LetterOf = (event: TicketEvent, ticket: Ticket, tenant: Tenant, config: MaildeskConfig) => Letter;

/** An engineer by name: "Engineer Two (petrov)" for colleagues, "Engineer Two" for customers; the login without one. */
export function engineerName(config: MaildeskConfig, login: string, withLogin = true): string {
  const name = config.engineers.find((e) => e.login === login)?.name;
  if (!name) return login;
  return withLogin ? `${name} (${login})` : name;
}

/** What a person wrote with the event, if anything (answers and internal notes always carry it). */
export const saidBy = (event: TicketEvent) => event.text?.trim() ?? '';

const fieldLabelsEn: Record<TemplateFieldName, string> = {
  cardNumber: 'Outpatient card number',
  caseHistoryNumber: 'Case history number',
  login: 'Login',
  recordName: 'Record name',
  buttonName: 'Navigation button name',
};

export const priorityName = (p: Priority, lang: Language) => (lang === 'en' ? priorityNamesEn[p] : priorityNamesRu[p]);
export const statusName = (s: Status, lang: Language) => (lang === 'en' ? statusNamesEn[s] : statusNamesRu[s]);
export const fieldLabel = (f: TemplateFieldName, lang: Language) =>
  lang === 'en' ? fieldLabelsEn[f] : templateFieldLabelsRu[f];

/** "72 часа", "1 hour": a count of calendar hours from the config, in words of the language. */
export const hoursPhrase = (n: number, lang: Language) => wordsOf(lang).hours(n);

/** "10 рабочих дней", "1 working day". */
export const workingDaysPhrase = (n: number, lang: Language) => wordsOf(lang).workingDays(n);

/** Instants already written: an event's letters state the same deadlines (Intl's format is the costly part). */
const instantText = keptResults<string>(256);

/** A deadline as the customer reads it: in the tenant's time zone, with the zone named. */
export function formatInstant(iso: string | null, timeZone: string, lang: Language): string | null {
  if (!iso) return null;
  const text = () => `${localInstantText(iso, timeZone, wordsOf(lang).locale)} (${timeZone})`;
  return instantText(`${iso}|${timeZone}|${lang}`, text);
}

export function deadlineLines(ticket: Ticket, timeZone: string, lang: Language): string[] {
  const w = wordsOf(lang).deadlines;
  if (ticket.outsideContract) return [outsideContractDeadline(lang)];
  const lines: string[] = [];
  const due = formatInstant(ticket.deadlines.dueAt, timeZone, lang);
  const target = formatInstant(ticket.deadlines.targetAt, timeZone, lang);
  if (target) lines.push(`${w.target}: ${target}`);
  if (due) lines.push(`${w.due}: ${due}`);
  if (!target && !due) lines.push(ticket.priority === 'feature' ? w.feature : w.none);
  return lines;
}

export function fieldLines(ticket: Ticket, lang: Language): { present: string[]; missing: string[] } {
  const present: string[] = [];
  const missing: string[] = [];
  for (const name of templateFieldNames) {
    const value = ticket.fields[name];
    if (value) present.push(`${fieldLabel(name, lang)}: ${value}`);
    else missing.push(fieldLabel(name, lang));
  }
  return { present, missing };
}

export const greeting = (lang: Language) => wordsOf(lang).greeting;

/**
 * `reply`: a reply to this letter reaches the ticket and the letter does not say so itself. `plain`:
 * the letter says how to answer already (so the footer does not repeat it), or a reply would not reach
 * an open ticket (finished tickets, refusals).
 */
export type Footer = 'reply' | 'plain';

export const signature = (tenantName: string, lang: Language, footer: Footer = 'plain') =>
  `${wordsOf(lang).signature(tenantName)}\n${wordsOf(lang).footer[footer]}`;

/** A letter to a person: greeting, the lines, the signature with the footer that fits the letter. */
export const politeText = (lines: readonly string[], tenant: Tenant, lang: Language, footer: Footer = 'plain') =>
  [greeting(lang), '', ...lines, '', signature(tenant.name, lang, footer)].join('\n');

/**
 * Engineers' subjects say what happened (`[MG-42] Ответ клиента: ...`). The customer's subject is
 * always the acknowledgement's, `[MG-42] <summary>`: Gmail and Outlook group a conversation by
 * subject as well as by References, so a changing subject would split the customer's thread. What
 * happened is the first line of the body instead.
 */
export function subjectOf(ticket: Ticket, lang: Language, note?: string): string {
  return `[${ticket.key}] ${note ? `${note}: ` : ''}${ticket.summary || wordsOf(lang).noSubject}`;
}
export const customerSubject = (ticket: Ticket, lang: Language) => subjectOf(ticket, lang);

/** The ticket as engineers see it at the foot of every mail to them. */
export function ticketCard(ticket: Ticket, tenant: Tenant, config: MaildeskConfig, lang: Language): string {
  const w = wordsOf(lang).team.card;
  const { present } = fieldLines(ticket, lang);
  return [
    `${w.ticket}: ${ticket.key}`,
    `${w.tenant}: ${tenant.name} (${tenant.id})`,
    `${w.requester}: ${ticket.requesterName ? `${ticket.requesterName} <${ticket.requester}>` : ticket.requester}`,
    ...(ticket.cc.length ? [`${w.cc}: ${ticket.cc.join(', ')}`] : []),
    `${w.department}: ${ticket.department ?? '-'}`,
    `${w.priority}: ${priorityName(ticket.priority, lang)} (${ticket.priority})`,
    `${w.status}: ${statusName(ticket.status, lang)} (${ticket.status})`,
    ...deadlineLines(ticket, config.timezone, lang),
    ...present,
    ...(config.ticketLinkBase ? [`${w.link}: ${config.ticketLinkBase.replace(/\/$/, '')}/${ticket.key}`] : []),
  ].join('\n');
}

/** The commands engineers may put at the top of a reply; the key example uses the configured prefix. */
export const commandHelp = (config: MaildeskConfig, lang: Language) =>
  wordsOf(lang).team.commandHelp(config.ticketPrefix);
