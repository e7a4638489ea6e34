/**
 * Mail that did not prove its From domain: the line on the engineers' copy, and the notice to an
 * engineer whose own mail failed (what SES saw, why it is not enough, what to fix: README
 * "Authentication"). Only verdicts and domains: never the mail's text.
 */
import type { TicketEvent } from '../../domain/events';
import { subjectOf, ticketCard, type Language, type LetterOf } from './parts';
import { wordsOf } from './wording';

/** The line the engineers' copy carries when a mail did not prove its From (it may be forged). */
export const unauthenticatedWarning = (lang: Language) => wordsOf(lang).team.unauthenticated.warning;

export interface UnprovenEngineerMail {
  fromDomain: string;
  spf: string;
  dkim: string;
  dmarc: string;
  /** domains of the DKIM signatures SES saw pass */
  dkimDomains: string[];
  /** #command lines in the mail */
  commands: number;
}

/** What was seen, why it is not enough, what to fix. */
export function unprovenEngineerLines(m: UnprovenEngineerMail, lang: Language): string[] {
  const w = wordsOf(lang).team.unauthenticated;
  const signed = m.dkimDomains.length ? m.dkimDomains.join(', ') : w.none;
  const why: string[] = [];
  if (m.dmarc === 'FAIL') why.push(w.dmarcFail(m));
  else if (m.dmarc === 'GRAY' || m.dmarc === 'NONE') {
    why.push(w.noDmarc(m));
    if (m.dkimDomains.length) why.push(w.otherSigners(signed));
    if (m.spf === 'PASS') why.push(w.spfAlone);
  } else why.push(w.dmarcUnknown(m));
  const done = m.commands ? w.withCommands : w.withoutCommands;
  return [w.notProven(m), done, '', w.checks(m, signed), ...why, '', ...w.fixes(m.fromDomain)];
}

/** The verdicts the inbound side stored on the event (strings and counts only). */
function unprovenOf(event: TicketEvent): UnprovenEngineerMail {
  const data = event.data ?? {};
  return {
    fromDomain: String(data.fromDomain ?? ''),
    spf: String(data.spf ?? 'NONE'),
    dkim: String(data.dkim ?? 'NONE'),
    dmarc: String(data.dmarc ?? 'NONE'),
    dkimDomains: String(data.dkimDomains ?? '')
      .split(' ')
      .filter(Boolean),
    commands: Number(data.commands ?? 0),
  };
}

/** engineer.unauthenticated: to the engineer's configured address. */
export const unauthenticatedNotice: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  return {
    subject: subjectOf(ticket, lang, wordsOf(lang).team.unauthenticated.subject),
    text: [...unprovenEngineerLines(unprovenOf(event), lang), '', ticketCard(ticket, tenant, config, lang)].join('\n'),
  };
};
