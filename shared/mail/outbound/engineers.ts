/**
 * Letters to the engineers: the subject says what happened, the body ends with the ticket card and
 * (where they may act) the #command help. Numbers the config can change come from the config.
 */
import type { TicketEvent } from '../../domain/events';
import { isCritical, isPriority } from '../../domain/priorities';
import { allowedNext } from '../../domain/ticket';
import {
  commandHelp,
  engineerName,
  hoursPhrase,
  priorityName,
  saidBy,
  statusName,
  subjectOf,
  ticketCard,
  type Language,
  type Letter,
  type LetterOf,
} from './parts';
import { type EngineerFile, fileLines, listedFiles } from './attachment-list';
import { contractMark, contractSubjectMark } from './support-contract';
import { rejectionLines } from './rejections';
import { unauthenticatedWarning } from './unauthenticated';
import { wordsOf } from './wording';

/** A mail that did not prove its From: the engineers' copy says so first. */
const warningOf = (event: TicketEvent, lang: Language) =>
  event.data?.unauthenticated ? [unauthenticatedWarning(lang), ''] : [];

/** A letter that lists the customer's files: LetterOf, and how each file goes. */
export type FilesLetter = (...args: [...Parameters<LetterOf>, files?: readonly EngineerFile[]]) => Letter;

/**
 * ticket.created: the card, the customer's text and files; critical ones are marked urgent. `files`:
 * how deliverEvent sends each file (attached or linked); without it, names and sizes only.
 */
export const newTicket: FilesLetter = (event, ticket, tenant, config, files) => {
  const lang = tenant.language;
  const w = wordsOf(lang).team.newTicket;
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

/** ticket.commented: what the customer (or a Cc) wrote, and the files the reply brought. */
export const customerReply: FilesLetter = (event, ticket, tenant, config, files) => {
  const lang = tenant.language;
  const w = wordsOf(lang).team.customerReply;
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

/** ticket.internal_note: one engineer's #internal text, to the others. */
export const internalNote: LetterOf = (event, ticket, tenant, config) => ({
  subject: subjectOf(ticket, tenant.language, wordsOf(tenant.language).team.internalNote),
  text: [
    `${event.actor.address ?? ''}:`,
    '',
    saidBy(event),
    '',
    ticketCard(ticket, tenant, config, tenant.language),
  ].join('\n'),
});

/** ticket.status_changed by the customer (a verdict) or the system: from -> to. */
export const statusChange: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const to = event.to ?? ticket.status;
  return {
    subject: subjectOf(ticket, lang, `${statusName(event.from ?? ticket.status, lang)} -> ${statusName(to, lang)}`),
    text: [
      ticketCard(ticket, tenant, config, lang),
      '',
      `${wordsOf(lang).team.change}: ${event.from ?? '-'} -> ${to}${event.reason ? ` (${event.reason})` : ''}`,
      saidBy(event),
      '',
      commandHelp(config, lang),
    ].join('\n'),
  };
};

/** ticket.assigned: to the engineer now responsible, or (taken into work) to the others, naming who took it. */
export const assignment: LetterOf = (event, ticket, tenant, config) => {
  const w = wordsOf(tenant.language).team.assigned;
  const who = engineerName(config, String(event.data?.assignee ?? ticket.assignee ?? ''));
  return {
    subject: subjectOf(ticket, tenant.language, event.data?.taken ? w.taken(who) : w.toYou),
    text: ticketCard(ticket, tenant, config, tenant.language),
  };
};

/** ticket.auto_closed: the customer did not answer in time. */
export const autoClosed: LetterOf = (_event, ticket, tenant, config) => ({
  subject: subjectOf(ticket, tenant.language, wordsOf(tenant.language).team.autoClosed),
  text: ticketCard(ticket, tenant, config, tenant.language),
});

/** ticket.final_reply by an engineer: nothing went to the customer; how to go on. */
export const finishedTicketToEngineer: LetterOf = (_event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = wordsOf(lang).team.finished;
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

/** command.rejected: why, and which statuses the ticket may go to from here. */
export const commandsRejected: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  const w = wordsOf(lang).team.rejected;
  // A refused move lists the allowed ones already: the status line then names the status alone.
  const listed = event.rejections?.some((p) => p.reason.code === 'not-allowed');
  const next = listed
    ? null
    : allowedNext(ticket.status)
        .map((s) => `${s} (${statusName(s, lang)})`)
        .join(', ') || w.final;
  return {
    subject: subjectOf(ticket, lang, w.note),
    text: [
      w.none,
      '',
      ...rejectionLines(event, lang),
      '',
      w.current(ticket.status, statusName(ticket.status, lang), next),
      w.fix,
      '',
      ticketCard(ticket, tenant, config, lang),
    ].join('\n'),
  };
};

export type SlaAlertType = 'sla.escalated' | 'sla.warning' | 'sla.breached' | 'sla.respond_overdue';

/** sla.*: the heading (the respond-within hours from the config), the sweep's reason, the card. */
const slaAlert =
  (type: SlaAlertType): LetterOf =>
  (event, ticket, tenant, config) => {
    const lang = tenant.language;
    const heading = wordsOf(lang).team.sla(hoursPhrase(config.sla.respondWithinHours, lang))[type];
    const raisedFrom = String(event.data?.raisedFrom ?? '');
    return {
      subject: subjectOf(ticket, lang, heading),
      text: [
        heading,
        // a raised priority names the old one; the sweep's events carry their reason as text
        ...(isPriority(raisedFrom)
          ? [wordsOf(lang).team.raisedFrom(priorityName(raisedFrom, lang))]
          : event.reason
            ? [event.reason]
            : []),
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
