/**
 * Letters to the engineers: the subject says what happened, the body ends with the ticket card and
 * (where they may act) the #command help. Numbers the config can change come from the config.
 */
import type { TicketEvent } from '../../domain/events';
import { isCritical } from '../../domain/priorities';
import { allowedNext } from '../../domain/ticket';
import {
  commandHelp,
  engineerName,
  hoursPhrase,
  saidBy,
  statusName,
  subjectOf,
  ticketCard,
  type Language,
  type Letter,
  type LetterOf,
} from './parts';
import { contractMark, contractSubjectMark } from './support-contract';
import { type EngineerFile, fileLines, listedFiles } from './attachment-list';
import { unauthenticatedWarning } from './unauthenticated';

/** A mail that did not prove its From: the engineers' copy says so first. */
const warningOf = (event: TicketEvent, lang: Language) =>
  event.data?.unauthenticated ? [unauthenticatedWarning(lang), ''] : [];

/** A letter that lists the customer's files: LetterOf, and how each file goes. */
export type FilesLetter = (...args: [...Parameters<LetterOf>, files?: readonly EngineerFile[]]) => Letter;

const newTicketWords = {
  ru: { urgent: 'СРОЧНО, новая заявка', plain: 'Новая заявка', text: 'Текст обращения:' },
  en: { urgent: 'URGENT, new ticket', plain: 'New ticket', text: 'Request text:' },
};

/**
 * ticket.created: the card, the customer's text and files; critical ones are marked urgent. `files`:
 * how deliverEvent sends each file (attached or linked); without it, names and sizes only.
 */
export const newTicket: FilesLetter = (event, ticket, tenant, config, files) => {
  const lang = tenant.language;
  const w = newTicketWords[lang];
  return {
    // Outside a support contract nothing is urgent by the regulation: marked instead, in subject and text.
    subject: subjectOf(
      ticket,
      lang,
      (isCritical(ticket.priority) && !ticket.outsideContract ? w.urgent : w.plain) + contractSubjectMark(ticket, lang),
    ),
    text: [
      ...warningOf(event, lang),
      ...contractMark(ticket, lang),
      ticketCard(ticket, tenant, config, lang),
      '',
      w.text,
      '',
      event.text?.trim() || '-',
      '',
      ...fileLines(files ?? listedFiles(ticket.attachments, event.attachmentKeys), config, lang),
      '',
      commandHelp(config, lang),
    ].join('\n'),
  };
};

const replyWords = { ru: { note: 'Ответ клиента', from: 'От' }, en: { note: 'Customer reply', from: 'From' } };

/** ticket.commented: what the customer (or a Cc) wrote, and the files the reply brought. */
export const customerReply: FilesLetter = (event, ticket, tenant, config, files) => {
  const lang = tenant.language;
  const w = replyWords[lang];
  return {
    subject: subjectOf(ticket, lang, w.note),
    text: [
      ...warningOf(event, lang),
      ticketCard(ticket, tenant, config, lang),
      '',
      `${w.from}: ${event.actor.address ?? '-'}`,
      saidBy(event),
      '',
      ...fileLines(files ?? listedFiles(ticket.attachments, event.attachmentKeys), config, lang),
      '',
      commandHelp(config, lang),
    ].join('\n'),
  };
};

const noteWords = { ru: 'Внутренняя заметка', en: 'Internal note' };

/** ticket.internal_note: one engineer's #internal text, to the others. */
export const internalNote: LetterOf = (event, ticket, tenant, config) => ({
  subject: subjectOf(ticket, tenant.language, noteWords[tenant.language]),
  text: [
    `${event.actor.address ?? ''}:`,
    '',
    saidBy(event),
    '',
    ticketCard(ticket, tenant, config, tenant.language),
  ].join('\n'),
});

const changeWords = { ru: 'Изменение', en: 'Change' };

/** ticket.status_changed by the customer (a verdict) or the system: from -> to. */
export const statusChange: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const to = event.to ?? ticket.status;
  return {
    subject: subjectOf(ticket, lang, `${statusName(event.from ?? ticket.status, lang)} -> ${statusName(to, lang)}`),
    text: [
      ticketCard(ticket, tenant, config, lang),
      '',
      `${changeWords[lang]}: ${event.from ?? '-'} -> ${to}${event.reason ? ` (${event.reason})` : ''}`,
      saidBy(event),
      '',
      commandHelp(config, lang),
    ].join('\n'),
  };
};

const assignedWords = {
  ru: { assigned: 'Назначено вам', taken: (who: string) => `Взята в работу: ${who}` },
  en: { assigned: 'Assigned to you', taken: (who: string) => `Taken into work by ${who}` },
};

/** ticket.assigned: to the engineer now responsible, or (taken into work) to the others, naming who took it. */
export const assignment: LetterOf = (event, ticket, tenant, config) => {
  const w = assignedWords[tenant.language];
  const who = engineerName(config, String(event.data?.assignee ?? ticket.assignee ?? ''));
  return {
    subject: subjectOf(ticket, tenant.language, event.data?.taken ? w.taken(who) : w.assigned),
    text: ticketCard(ticket, tenant, config, tenant.language),
  };
};

const autoClosedWords = { ru: 'Закрыта автоматически', en: 'Closed automatically' };

/** ticket.auto_closed: the customer did not answer in time. */
export const autoClosed: LetterOf = (_event, ticket, tenant, config) => ({
  subject: subjectOf(ticket, tenant.language, autoClosedWords[tenant.language]),
  text: ticketCard(ticket, tenant, config, tenant.language),
});

const finishedWords = {
  ru: {
    note: 'Заявка уже завершена',
    finished: (key: string, code: string, name: string) =>
      `Заявка ${key} завершена (статус: ${code}, ${name}): ваш текст клиенту не отправлен, заявка не изменена.`,
    reopen:
      'Чтобы продолжить работу, откройте её снова: первой строкой ответа #status reopened (или #status in_progress).',
    final: 'Из этого статуса заявку открыть нельзя; пусть клиент напишет новое письмо со ссылкой на этот номер.',
  },
  en: {
    note: 'Ticket already finished',
    finished: (key: string, code: string, name: string) =>
      `Ticket ${key} is finished (${code}, ${name}): your text was not sent and nothing changed.`,
    reopen: 'To carry on, reopen it: #status reopened (or #status in_progress) as the first line of your reply.',
    final: 'This status cannot be reopened; the customer should write a new mail citing this number.',
  },
};

/** ticket.final_reply by an engineer: nothing went to the customer; how to go on. */
export const finishedTicketToEngineer: LetterOf = (_event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = finishedWords[lang];
  return {
    subject: subjectOf(ticket, lang, w.note),
    text: [
      w.finished(ticket.key, ticket.status, statusName(ticket.status, lang)),
      ticket.status === 'closed' ? w.reopen : w.final,
      '',
      ticketCard(ticket, tenant, config, lang),
    ].join('\n'),
  };
};

const rejectedWords = {
  ru: {
    note: 'Команды не выполнены',
    none: 'Ни одна команда из вашего письма не применена (команды выполняются только все вместе):',
    current: 'Текущий статус',
    next: 'из него можно перейти в',
    final: 'никуда (заявка завершена)',
    fix: 'Текст вашего письма клиенту не отправлен. Исправьте команды и ответьте ещё раз.',
  },
  en: {
    note: 'Commands not applied',
    none: 'None of the commands in your mail were applied (they apply all together or not at all):',
    current: 'Current status',
    next: 'allowed next',
    final: 'none (the ticket is final)',
    fix: 'Your text was not sent to the customer. Fix the commands and reply again.',
  },
};

/** command.rejected: why, and which statuses the ticket may go to from here. */
export const commandsRejected: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = rejectedWords[lang];
  const next =
    allowedNext(ticket.status)
      .map((s) => `${s} (${statusName(s, lang)})`)
      .join(', ') || w.final;
  return {
    subject: subjectOf(ticket, lang, w.note),
    text: [
      w.none,
      '',
      event.reason ?? '-',
      '',
      `${w.current}: ${ticket.status} (${statusName(ticket.status, lang)}); ${w.next}: ${next}.`,
      w.fix,
      '',
      ticketCard(ticket, tenant, config, lang),
    ].join('\n'),
  };
};

export type SlaAlertType = 'sla.escalated' | 'sla.warning' | 'sla.breached' | 'sla.respond_overdue';

const slaHeadings: Record<Language, (respondWithin: string) => Record<SlaAlertType, string>> = {
  ru: (respondWithin) => ({
    'sla.escalated': 'СРОЧНО: блокирующая заявка',
    'sla.warning': 'Срок скоро истечёт',
    'sla.breached': 'Срок нарушен',
    'sla.respond_overdue': `Заявка не взята в работу за ${respondWithin}`,
  }),
  en: (respondWithin) => ({
    'sla.escalated': 'URGENT: blocking ticket',
    'sla.warning': 'Deadline approaching',
    'sla.breached': 'Deadline breached',
    'sla.respond_overdue': `Not taken into work within ${respondWithin}`,
  }),
};

/** sla.*: the heading (the respond-within hours from the config), the sweep's reason, the card. */
const slaAlert =
  (type: SlaAlertType): LetterOf =>
  (event, ticket, tenant, config) => {
    const lang = tenant.language;
    const heading = slaHeadings[lang](hoursPhrase(config.sla.respondWithinHours, lang))[type];
    return {
      subject: subjectOf(ticket, lang, heading),
      text: [
        heading,
        ...(event.reason ? [event.reason] : []),
        '',
        ticketCard(ticket, tenant, config, lang),
        '',
        commandHelp(config, lang),
      ].join('\n'),
    };
  };

export const slaAlerts: Record<SlaAlertType, LetterOf> = {
  'sla.escalated': slaAlert('sla.escalated'),
  'sla.warning': slaAlert('sla.warning'),
  'sla.breached': slaAlert('sla.breached'),
  'sla.respond_overdue': slaAlert('sla.respond_overdue'),
};
