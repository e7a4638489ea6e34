/**
 * Why an engineer's commands were refused, in the tenant's language: the decider gives codes and
 * values (CommandRejection), the wording tables give the words. Status and priority codes, #commands,
 * logins and keys stay as they are typed.
 */
import type { TicketEvent } from '../../domain/events';
import { isPriority, priorityCodes } from '../../domain/priorities';
import type { CommandProblem, CommandRejection } from '../../domain/replies';
import { isStatus, statusCodes } from '../../domain/ticket';
import { priorityName, statusName, workingDaysPhrase, type Language } from './parts';
import { wordsOf } from './wording';

/** How a rejection names things: a status or priority as its code with the name, a count of working days. */
export interface RejectionNames {
  status: (code: string) => string;
  priority: (code: string) => string;
  /** the priority's name alone: «Новые функции, доработки» */
  priorityName: (code: string) => string;
  /** every status, every priority, as `status` and `priority` write them */
  statuses: string;
  priorities: string;
  workingDays: (n: number) => string;
}

/** One rendering per rejection code: a missing code fails tsc in either language. */
export type RejectionWords = {
  [C in CommandRejection['code']]: (r: Extract<CommandRejection, { code: C }>, n: RejectionNames) => string;
};

function namesIn(lang: Language): RejectionNames {
  const status = (code: string) => (isStatus(code) ? `${code} (${statusName(code, lang)})` : code);
  const priority = (code: string) => (isPriority(code) ? `${code} (${priorityName(code, lang)})` : code);
  return {
    status,
    priority,
    priorityName: (code) => (isPriority(code) ? priorityName(code, lang) : code),
    statuses: statusCodes.map(status).join(', '),
    priorities: priorityCodes.map(priority).join(', '),
    workingDays: (n) => workingDaysPhrase(n, lang),
  };
}

/** The reason alone: "неизвестный статус «готово»; можно: open (Открыто), ...". */
export function rejectionText(reason: CommandRejection, lang: Language): string {
  const render = wordsOf(lang).team.rejections[reason.code] as (r: CommandRejection, n: RejectionNames) => string;
  return render(reason, namesIn(lang));
}

/** "- #status готово: неизвестный статус ...", one line per refused command. */
export const problemLine = (p: CommandProblem, lang: Language) => `- ${p.line}: ${rejectionText(p.reason, lang)}`;

/** The lines of a command.rejected event (events stored before the codes carry their text in `reason`). */
export function rejectionLines(event: Pick<TicketEvent, 'rejections' | 'reason'>, lang: Language): string[] {
  if (event.rejections?.length) return event.rejections.map((p) => problemLine(p, lang));
  return event.reason ? [event.reason] : [];
}
