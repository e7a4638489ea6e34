/**
 * What each status means to the customer, and what (if anything) they should do: the words are the
 * wording table's (`explain`). The auto-close period is the config's (`sla.autoCloseWorkingDays`),
 * never a number written into the text.
 */
import type { MaildeskConfig } from '../../config';
import type { Status } from '../../domain/ticket';
import { workingDaysPhrase, type Language } from './parts';
import { wordsOf } from './wording';

export function statusExplanation(to: Status, config: MaildeskConfig, lang: Language, key: string): string {
  return wordsOf(lang).explain(key, workingDaysPhrase(config.sla.autoCloseWorkingDays, lang))[to];
}
