/**
 * Letters to the customer (the requester and the ticket's Cc), always under the acknowledgement's
 * subject so the customer's mail client keeps one thread; what happened is the first line instead.
 */
import type { Tenant } from '../../config';
import { documentationOf } from '../../domain/documentation';
import type { TicketEvent } from '../../domain/events';
import { isFinal, isWaiting, type Ticket } from '../../domain/ticket';
import { statusExplanation } from './status-explanation';
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
  type Language,
  type Letter,
  type LetterOf,
} from './parts';

const toCustomer = (ticket: Ticket, tenant: Tenant, lines: readonly string[]): Letter => ({
  subject: customerSubject(ticket, tenant.language),
  text: politeText(lines, tenant, tenant.language),
});

const ackWords = {
  ru: {
    registered: (key: string) => `Ваше обращение зарегистрировано под номером ${key}.`,
    subject: 'Тема',
    department: 'Подразделение',
    priority: 'Приоритет',
    received: 'Мы получили следующие данные:',
    missing: 'Чтобы ускорить решение, пожалуйста, ответьте на это письмо и укажите:',
    linked: 'Связанные заявки',
    howToAdd: (key: string) => `Чтобы дополнить заявку, ответьте на это письмо, сохранив номер [${key}] в теме.`,
  },
  en: {
    registered: (key: string) => `Your request has been registered as ${key}.`,
    subject: 'Subject',
    department: 'Department',
    priority: 'Priority',
    received: 'We received:',
    missing: 'To speed things up, please reply to this mail with:',
    linked: 'Linked tickets',
    howToAdd: (key: string) => `To add to the request, reply to this mail keeping [${key}] in the subject.`,
  },
};

/** ticket.created: the number, priority and deadline; the template fields received and missing. */
export const acknowledgement: LetterOf = (_event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = ackWords[lang];
  const { present, missing } = fieldLines(ticket, lang);
  return toCustomer(ticket, tenant, [
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
  ]);
};

/** ticket.answered: the engineer's text, as it is. */
export const answer: LetterOf = (event, ticket, tenant) => toCustomer(ticket, tenant, [saidBy(event)]);

const statusWords = {
  ru: { status: 'Статус заявки', original: 'Основная заявка', reason: 'Причина', engineer: 'Ответственный специалист' },
  en: { status: 'Ticket status', original: 'Original ticket', reason: 'Reason', engineer: 'Engineer in charge' },
};

/** The closing mail of a code change names where it is documented (the links of `#doc`). */
const documentationWords = {
  ru: 'Описание изменений в базе знаний',
  en: 'The change is documented in the knowledge base',
};

/** ticket.status_changed: the new status, what it means, and the deadline while the clock runs. */
export const statusMail: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = statusWords[lang];
  const to = event.to ?? ticket.status;
  const byCustomer = event.actor.kind === 'requester';
  const explain = (s: Parameters<typeof statusExplanation>[0]) => statusExplanation(s, config, lang);
  return toCustomer(ticket, tenant, [
    `${w.status} ${ticket.key}: ${statusName(to, lang)}.`,
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
      ? ['', `${documentationWords[lang]}:`, ...documentationOf(ticket).map((url) => `  ${url}`)]
      : []),
    ...(event.reason && !byCustomer ? ['', `${w.reason}: ${event.reason}`] : []),
    ...(!byCustomer && event.text?.trim() ? ['', event.text.trim()] : []),
    // No deadline to announce while the clock stands (waiting) or once the ticket is finished.
    ...(isFinal(to) || isWaiting(to) ? [] : ['', ...deadlineLines(ticket, config.timezone, lang)]),
  ]);
};

const said = (event: TicketEvent) => (saidBy(event) ? ['', saidBy(event)] : []);

const priorityWords = {
  ru: { priorityOf: 'Приоритет заявки', was: 'был' },
  en: { priorityOf: 'Priority of', was: 'was' },
};

/** ticket.priority_changed: the new priority (and the old one) with the deadlines it gives. */
export const priorityMail: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = priorityWords[lang];
  const was = event.previousPriority ? ` (${w.was}: ${priorityName(event.previousPriority, lang)})` : '';
  return toCustomer(ticket, tenant, [
    `${w.priorityOf} ${ticket.key}: ${priorityName(ticket.priority, lang)}${was}.`,
    ...deadlineLines(ticket, config.timezone, lang),
    ...said(event),
  ]);
};

const deferWords = {
  ru: (key: string, days: string) => `Срок решения заявки ${key} перенесён на ${days} раб. дн.`,
  en: (key: string, days: string) => `The deadline of ${key} moved by ${days} working days.`,
};

/** ticket.deferred: by how many working days (the engineer's #defer N), and the new deadlines. */
export const deferralMail: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const days = String(event.data?.days ?? '?');
  return toCustomer(ticket, tenant, [
    deferWords[lang](ticket.key, days),
    ...deadlineLines(ticket, config.timezone, lang),
    ...said(event),
  ]);
};

const reminderWords = {
  ru: (key: string, status: string, closeAt: string) =>
    `По заявке ${key} мы ждём вашего ответа (статус: ${status}). ` +
    `Если ответа не будет, заявка закроется автоматически ${closeAt}.`,
  en: (key: string, status: string, closeAt: string) =>
    `We are waiting for your answer on ${key} (${status}). Without one it closes automatically ${closeAt}.`,
};

/** sla.reminder: the ticket waits for the customer and closes on its own at autoCloseAt. */
export const reminder: LetterOf = (_event, ticket, tenant, config) => {
  const lang = tenant.language;
  const closeAt = formatInstant(ticket.deadlines.autoCloseAt, config.timezone, lang) ?? '';
  return toCustomer(ticket, tenant, [reminderWords[lang](ticket.key, statusName(ticket.status, lang), closeAt)]);
};

/** ticket.auto_closed: no answer came in time. */
export const autoClosedNotice: LetterOf = (_event, ticket, tenant, config) =>
  toCustomer(ticket, tenant, [statusExplanation('closed_no_response', config, tenant.language)]);

const finishedWords = {
  ru: (key: string, status: string) =>
    `Заявка ${key} уже завершена (статус: ${status}), поэтому ваше письмо не изменило её.\n` +
    'Если вопрос снова актуален, пожалуйста, напишите новое письмо (новая тема, без ответа на это) ' +
    `и укажите в тексте номер ${key}: мы свяжем новую заявку с прежней.`,
  en: (key: string, status: string) =>
    `Ticket ${key} is already finished (${status}), so your mail changed nothing.\n` +
    `If the matter is open again, please write a new mail (new subject) citing ${key}; we will link it.`,
};

/** ticket.final_reply to the person who wrote to a finished ticket: write a new mail citing its number. */
export const finishedTicketNotice: LetterOf = (_event, ticket, tenant) =>
  toCustomer(ticket, tenant, [finishedWords[tenant.language](ticket.key, statusName(ticket.status, tenant.language))]);

const refusalWords: Record<Language, { subject: string; text: (tenantName: string) => string }> = {
  ru: {
    subject: 'Обращение не зарегистрировано',
    text: (name) =>
      'Мы не можем зарегистрировать ваше обращение: адрес отправителя не относится к организациям, ' +
      `которые обслуживает эта служба поддержки (${name}).\n` +
      'Пожалуйста, напишите с рабочего адреса вашей организации.',
  },
  en: {
    subject: 'Request not registered',
    text: (name) =>
      "We cannot register your request: the sender's address does not belong to an organisation served by this desk " +
      `(${name}). Please write from your work address.`,
  },
};

/** sender.refused: no ticket; the sender is outside the tenant's allowed domains. */
export function refusal(tenant: Tenant): Letter {
  const w = refusalWords[tenant.language];
  return { subject: w.subject, text: politeText([w.text(tenant.name)], tenant, tenant.language) };
}
