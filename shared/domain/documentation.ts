/**
 * The documentation gate of the regulation: a ticket that changed the program's code (new functions,
 * improvements, reports) is closed only after the change is documented in the knowledge base. The
 * links are recorded with `#doc URL` (ticket.documented, one event per link); which priorities count
 * as code changes is the config's `documentationRequiredFor`. Pure.
 */
import type { Priority } from './priorities';
import type { CommandRejection } from './replies';
import type { Status, Ticket } from './ticket';

/** Code-change priorities when the config names none: new functions and improvements, new reports. */
export const DEFAULT_DOCUMENTATION_REQUIRED_FOR: readonly Priority[] = ['feature', 'report'];

/** Links one ticket keeps (the first ones): a knowledge base article or a few, never an unbounded list. */
export const MAX_DOCUMENTATION_LINKS = 20;
/** Longer than any sane address of an article (browsers cope with about 2,000 characters). */
export const MAX_DOCUMENTATION_URL_CHARS = 2_000;

/** The knowledge-base links recorded on a ticket (tickets stored before the gate have none). */
export const documentationOf = (ticket: Pick<Ticket, 'documentation'>): readonly string[] => ticket.documentation ?? [];

/** `https://kb.example/article` as the desk stores it, or null: only http(s) addresses of a host count. */
export function documentationUrl(text: string): string | null {
  if (text.length > MAX_DOCUMENTATION_URL_CHARS || /\s/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
  return url.href;
}

/** The ticket's links after `#doc URL`: each once, in the order given, the first MAX_DOCUMENTATION_LINKS. */
export const withDocumentation = (links: readonly string[], url: string): string[] =>
  links.includes(url) || links.length >= MAX_DOCUMENTATION_LINKS ? [...links] : [...links, url];

/**
 * Null when the move may happen, else why not (the wording table says it in the tenant's language):
 * a code-change ticket reaching `closed` with no link recorded before or in the same mail.
 */
export function closingWithoutDocumentation(
  to: Status | null,
  priority: Priority,
  links: number,
  requiredFor: readonly Priority[],
): CommandRejection | null {
  if (to !== 'closed' || links > 0 || !requiredFor.includes(priority)) return null;
  return { code: 'undocumented', priority };
}
