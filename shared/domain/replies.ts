/**
 * What a reply to a ticket can say, as the decider reads it: a customer's verdict on a fix, an
 * engineer's `#command` lines. The mail readers (shared/mail) produce these; the rules use them.
 */

/** The customer's verdict while the ticket awaits testing: "Проверено, ошибок нет" / "Найдена ошибка". */
export type Verdict = 'accepted' | 'rejected';

export type CommandName = 'status' | 'priority' | 'assign' | 'defer' | 'duplicate' | 'internal' | 'requester' | 'doc';

export interface EngineerCommand {
  name: CommandName;
  /** status and priority args are normalised to codes; defer to a number string; duplicate to a ticket key */
  args: string[];
}

/** A `#command` line that could not be read: reported to the engineer, nothing applied. */
export interface CommandProblem {
  line: string;
  reason: string;
}

export interface CommandReading {
  commands: EngineerCommand[];
  problems: CommandProblem[];
  /** newText without the command lines: what goes to the customer (or the internal note) */
  message: string;
}
