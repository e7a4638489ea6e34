/**
 * What the desk says about a ticket opened without an active support contract (support-contract.ts
 * in the domain): the customer is told in the acknowledgement, the engineers' copy is marked, and
 * no deadline is announced anywhere. Both languages side by side.
 */
import type { Ticket } from '../../domain/ticket';

type Language = 'ru' | 'en';

const words = {
  ru: {
    note:
      'У клиники нет действующего договора на техническую поддержку, поэтому работы по этому обращению ' +
      'выполняются вне договора: исправления и доработки оплачиваются отдельно и выполняются после ' +
      'обновления программы до текущей версии. Сроки регламента поддержки на обращение не распространяются.',
    mark: 'ВНЕ ДОГОВОРА ПОДДЕРЖКИ: у клиники нет действующего договора; сроков, эскалации и автозакрытия нет.',
    deadline: 'Сроки регламента не применяются: обращение вне договора поддержки.',
    subject: 'вне договора',
  },
  en: {
    note:
      'Your clinic has no active support contract, so this request is handled outside the support contract: ' +
      'fixes and improvements are paid separately and are made after the program is updated to the current ' +
      'version. The deadlines of the support regulation do not apply to it.',
    mark: 'OUTSIDE THE SUPPORT CONTRACT: the clinic has no active contract; no deadlines, escalation or auto-close.',
    deadline: 'No deadlines apply: the request is outside the support contract.',
    subject: 'outside contract',
  },
} satisfies Record<Language, Record<string, string>>;

type Uncovered = Pick<Ticket, 'outsideContract'>;

/** The acknowledgement's paragraph for the customer; none while the contract covers the ticket. */
export const contractNote = (ticket: Uncovered, lang: Language): string[] =>
  ticket.outsideContract ? ['', words[lang].note] : [];

/** The first line of the engineers' copy of a new ticket. */
export const contractMark = (ticket: Uncovered, lang: Language): string[] =>
  ticket.outsideContract ? [words[lang].mark, ''] : [];

/** Instead of deadlines, in every letter and card that would show them. */
export const outsideContractDeadline = (lang: Language): string => words[lang].deadline;

/** Added to the engineers' subject of a new ticket: "Новая заявка (вне договора)". */
export const contractSubjectMark = (ticket: Uncovered, lang: Language): string =>
  ticket.outsideContract ? ` (${words[lang].subject})` : '';
