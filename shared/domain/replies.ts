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

/**
 * Why a command is refused: a code and the values the engineer needs to fix it. The words are the
 * outbound wording table's, in the tenant's language (the decider writes no text).
 */
export type CommandRejection =
  | { code: 'unknown-command'; allowed: string[] }
  | { code: 'missing-value'; kind: 'status' | 'priority' }
  | { code: 'unknown-value'; kind: 'status' | 'priority'; value: string }
  | { code: 'ambiguous-value'; kind: 'status' | 'priority'; value: string; candidates: string[] }
  | { code: 'assign-syntax' }
  | { code: 'defer-syntax' }
  | { code: 'duplicate-syntax'; prefix: string }
  | { code: 'internal-arguments' }
  | { code: 'doc-syntax'; prefix: string }
  | { code: 'requester-syntax' }
  | { code: 'more-lines'; count: number }
  | { code: 'repeated' }
  | { code: 'no-such-engineer'; allowed: string[] }
  | { code: 'self-duplicate' }
  | { code: 'no-such-ticket' }
  | { code: 'not-allowed'; from: string; allowed: string[] }
  | { code: 'feature-slot'; holder: string }
  | { code: 'duplicate-conflict'; status: string }
  | { code: 'not-deferrable'; priority: string }
  | { code: 'defer-budget'; max: number; deferred: number; left: number }
  | { code: 'final'; status: string }
  | { code: 'undocumented'; priority: string };

/** A refused `#command` line (as written, or the command it names) and why: nothing is applied then. */
export interface CommandProblem {
  line: string;
  reason: CommandRejection;
}

export interface CommandReading {
  commands: EngineerCommand[];
  problems: CommandProblem[];
  /** newText without the command lines: what goes to the customer (or the internal note) */
  message: string;
}
