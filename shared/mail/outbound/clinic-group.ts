/**
 * What the bot posts in a clinic's Telegram group, in the clinic's language: the ticket's key,
 * priority, summary, status and deadline (in the desk's time zone), and the bot's answers to commands.
 * Never a template field value or mail text: the group is not the place for patient data (card and
 * case numbers), whatever the mail carried.
 */
import type { MaildeskConfig, Tenant } from '../../config';
import type { TicketEvent } from '../../domain/events';
import type { Status, Ticket } from '../../domain/ticket';
import {
  formatInstant,
  type Language,
  type LetterOf,
  priorityName,
  saidBy,
  signature,
  statusName,
  subjectOf,
  ticketCard,
} from './parts';
import { wordsOf } from './wording';

export type GroupPostKind = 'opened' | 'status' | 'escalated' | 'breached';

/** A ticket post: key, priority, summary, status, deadline; `status` is the one the event moved to. */
export function groupPost(
  kind: GroupPostKind,
  ticket: Ticket,
  status: Status,
  tenant: Tenant,
  config: MaildeskConfig,
): string {
  const lang = tenant.language;
  const w = wordsOf(lang).team.group;
  const due = formatInstant(ticket.deadlines.dueAt, config.timezone, lang);
  return [
    `${w.head[kind]} ${ticket.key}`,
    `${w.priority}: ${priorityName(ticket.priority, lang)}`,
    `${w.summary}: ${ticket.summary}`,
    `${w.status}: ${statusName(status, lang)}`,
    ...(due ? [`${w.due}: ${due}`] : []),
    '',
    w.hint,
  ].join('\n');
}

/** The bot's answer to a group message that carried `#command` lines. */
export function commandAnswer(
  outcome: 'applied' | 'rejected' | 'not-engineer',
  key: string,
  tenant: Tenant,
  problems?: string,
): string {
  const w = wordsOf(tenant.language).team.group;
  if (outcome === 'applied') return w.applied(key);
  if (outcome === 'not-engineer') return w.notEngineer(key);
  return [w.rejected(key), problems ?? ''].join('\n').trim();
}

const roleOf = (event: TicketEvent, lang: Language) =>
  wordsOf(lang).team.groupCopy[event.data?.role === 'engineer' ? 'engineer' : 'clinic'];

/** ticket.group_comment: the engineers' copy of what was written in the clinic's group, with its author. */
export const groupCommentCopy: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const author = typeof event.data?.author === 'string' ? event.data.author : '-';
  return {
    subject: subjectOf(ticket, lang, wordsOf(lang).team.groupCopy.note),
    text: [
      `${author} (${roleOf(event, lang)}, Telegram):`,
      '',
      saidBy(event),
      '',
      ticketCard(ticket, tenant, config, lang),
    ].join('\n'),
  };
};

/**
 * The requester's summary of the group's comments since their last letter: time and role of each
 * author (no Telegram names), and what was written. Empty when the group said nothing.
 */
export function groupSummary(comments: readonly TicketEvent[], config: MaildeskConfig, lang: Language): string[] {
  if (comments.length === 0) return [];
  const w = wordsOf(lang).team.groupSummary;
  return [
    w.head,
    ...comments.map((c) => {
      const when = formatInstant(c.at, config.timezone, lang) ?? c.at;
      return `- ${when}, ${c.data?.role === 'engineer' ? w.engineer : w.clinic}: ${saidBy(c).replace(/\s+/g, ' ')}`;
    }),
  ];
}

/** The summary goes above the signature of the requester's letter (at the end when there is none). */
export function withGroupSummary(text: string, summary: readonly string[], tenant: Tenant): string {
  if (summary.length === 0) return text;
  const signed = text.lastIndexOf(`\n${signature(tenant.name, tenant.language).split('\n')[0]}\n`);
  const block = summary.join('\n');
  return signed > 0 ? `${text.slice(0, signed)}\n${block}\n${text.slice(signed)}` : `${text}\n\n${block}`;
}
