/**
 * Letters to the customer (the requester and the ticket's Cc), always under the acknowledgement's
 * subject so the customer's mail client keeps one thread; what happened is the first line instead.
 */
import type { Tenant } from '../../config';
import { documentationOf } from '../../domain/documentation';
import type { TicketEvent } from '../../domain/events';
import { isFinal, isWaiting, type Ticket } from '../../domain/ticket';
import { statusExplanation } from './status-explanation';
import { wordsOf } from './wording';
import { contractNote } from './support-contract';
import {
  customerSubject,
  deadlineLines,
  engineerName,
  fieldLines,
  formatInstant,
  politeText,
  priorityName,
  saidBy,
  statusName,
  workingDaysPhrase,
  type Footer,
  type Letter,
  type LetterOf,
} from './parts';

/** `footer`: 'reply' only where answering reaches an open ticket and the letter does not say so itself. */
const toCustomer = (ticket: Ticket, tenant: Tenant, lines: readonly string[], footer: Footer = 'reply'): Letter => ({
  subject: customerSubject(ticket, tenant.language),
  text: politeText(lines, tenant, tenant.language, footer),
});

/** ticket.created: the number, priority and deadline; the template fields received and missing. */
export const acknowledgement: LetterOf = (_event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = wordsOf(lang).acknowledgement;
  const { present, missing } = fieldLines(ticket, lang);
  return toCustomer(
    ticket,
    tenant,
    [
      w.registered(ticket.key),
      `${w.subject}: ${ticket.summary || '-'}`,
      ...(ticket.department ? [`${w.department}: ${ticket.department}`] : []),
      `${w.priority}: ${priorityName(ticket.priority, lang)}`,
      ...deadlineLines(ticket, config.timezone, lang),
      ...contractNote(ticket, lang),
      ...(present.length ? ['', w.received, ...present.map((l) => `  ${l}`)] : []),
      ...(missing.length ? ['', w.missing, ...missing.map((l) => `  - ${l}`)] : []),
      ...(ticket.linkedTo.length ? ['', `${w.linked}: ${ticket.linkedTo.join(', ')}`] : []),
      '',
      w.howToAdd(ticket.key),
    ],
    'plain',
  );
};

/** ticket.answered: the engineer's text, as it is. */
export const answer: LetterOf = (event, ticket, tenant) => toCustomer(ticket, tenant, [saidBy(event)]);

/** ticket.status_changed: the new status, what it means, and the deadline while the clock runs. */
export const statusMail: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = wordsOf(lang).status;
  const to = event.to ?? ticket.status;
  const byCustomer = event.actor.kind === 'requester';
  const explain = (s: Parameters<typeof statusExplanation>[0]) => statusExplanation(s, config, lang, ticket.key);
  // Waiting letters say how to answer themselves; a finished ticket takes no replies.
  const footer: Footer = isFinal(to) || isWaiting(to) ? 'plain' : 'reply';
  return toCustomer(
    ticket,
    tenant,
    [
      w.line(ticket.key, statusName(to, lang)),
      // The last step of a verdict (verified -> deploying, bug_found -> in_progress) answers the verdict.
      ...(event.from === 'verified'
        ? [explain('verified'), explain(to)]
        : event.from === 'bug_found'
          ? [explain('bug_found')]
          : [explain(to)]),
      // Who took it into work (the assignee an engineer's #status in_progress made, or #assign).
      ...(to === 'in_progress' && ticket.assignee
        ? [`${w.engineer}: ${engineerName(config, ticket.assignee, false)}.`]
        : []),
      ...(to === 'duplicate' && ticket.duplicateOf ? [`${w.original}: ${ticket.duplicateOf}`] : []),
      ...(to === 'closed' && documentationOf(ticket).length
        ? ['', `${w.documentation}:`, ...documentationOf(ticket).map((url) => `  ${url}`)]
        : []),
      ...(event.reason && !byCustomer ? ['', `${w.reason}: ${event.reason}`] : []),
      ...(!byCustomer && event.text?.trim() ? ['', event.text.trim()] : []),
      // No deadline to announce while the clock stands (waiting) or once the ticket is finished.
      ...(isFinal(to) || isWaiting(to) ? [] : ['', ...deadlineLines(ticket, config.timezone, lang)]),
    ],
    footer,
  );
};

const said = (event: TicketEvent) => (saidBy(event) ? ['', saidBy(event)] : []);

/** ticket.priority_changed: the new priority (and the old one) with the deadlines it gives. */
export const priorityMail: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const was = event.previousPriority ? priorityName(event.previousPriority, lang) : null;
  return toCustomer(ticket, tenant, [
    wordsOf(lang).priority.line(ticket.key, priorityName(ticket.priority, lang), was),
    ...deadlineLines(ticket, config.timezone, lang),
    ...said(event),
  ]);
};

/** ticket.deferred: by how many working days (the engineer's #defer N), and the new deadlines. */
export const deferralMail: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const days = Number(event.data?.days);
  // An event without its count (never written so) still reads as a sentence.
  const by = Number.isFinite(days) && days > 0 ? workingDaysPhrase(days, lang) : '?';
  return toCustomer(ticket, tenant, [
    wordsOf(lang).deferral(ticket.key, by),
    ...deadlineLines(ticket, config.timezone, lang),
    ...said(event),
  ]);
};

/** sla.reminder: the ticket waits for the customer and closes on its own at autoCloseAt. */
export const reminder: LetterOf = (_event, ticket, tenant, config) => {
  const lang = tenant.language;
  const closeAt = formatInstant(ticket.deadlines.autoCloseAt, config.timezone, lang) ?? '';
  return toCustomer(ticket, tenant, [wordsOf(lang).reminder(ticket.key, statusName(ticket.status, lang), closeAt)]);
};

/** ticket.auto_closed: no answer came in time. */
export const autoClosedNotice: LetterOf = (_event, ticket, tenant, config) =>
  toCustomer(ticket, tenant, [statusExplanation('closed_no_response', config, tenant.language, ticket.key)], 'plain');

/** ticket.final_reply to the person who wrote to a finished ticket: write a new mail citing its number. */
export const finishedTicketNotice: LetterOf = (_event, ticket, tenant) => {
  const lang = tenant.language;
  return toCustomer(ticket, tenant, [wordsOf(lang).finished(ticket.key, statusName(ticket.status, lang))], 'plain');
};

/** sender.refused: no ticket; the sender is outside the tenant's allowed domains. */
export function refusal(tenant: Tenant): Letter {
  const w = wordsOf(tenant.language).refusal;
  return { subject: w.subject, text: politeText([w.text(tenant.name)], tenant, tenant.language, 'plain') };
}
