/**
 * What the desk says about a ticket opened without an active support contract (support-contract.ts
 * in the domain): the customer is told in the acknowledgement, the engineers' copy is marked, and
 * no deadline is announced anywhere. The words are the wording tables'.
 */
import type { Ticket } from '../../domain/ticket';
import { type Language, wordsOf } from './wording';

type Uncovered = Pick<Ticket, 'outsideContract'>;

/** The acknowledgement's paragraph for the customer; none while the contract covers the ticket. */
export const contractNote = (ticket: Uncovered, lang: Language): string[] =>
  ticket.outsideContract ? ['', wordsOf(lang).acknowledgement.outsideContract] : [];

/** The first line of the engineers' copy of a new ticket. */
export const contractMark = (ticket: Uncovered, lang: Language): string[] =>
  ticket.outsideContract ? [wordsOf(lang).team.outsideContract.mark, ''] : [];

/** Instead of deadlines, in every letter and card that would show them. */
export const outsideContractDeadline = (lang: Language): string => wordsOf(lang).deadlines.outsideContract;

/** Added to the engineers' subject of a new ticket: "Новая заявка (вне договора)". */
export const contractSubjectMark = (ticket: Uncovered, lang: Language): string =>
  ticket.outsideContract ? ` (${wordsOf(lang).team.outsideContract.subject})` : '';
