/**
 * `#command` lines at the top of an engineer's reply. Reading only: whether a command is
 * allowed for the ticket (status machine, defer budget, feature rule) is decided by the use
 * case. Every line that cannot be read becomes a problem naming what is allowed, so the
 * engineer's answer can say exactly what to fix; the use case applies nothing then.
 */
import { documentationUrl } from '../../domain/documentation';
import type { CommandRejection } from '../../domain/replies';
import { statusCodes, statusNamesEn, statusNamesRu } from '../../domain/ticket';
import type { Status } from '../../domain/ticket';
import type { CommandName, CommandProblem, CommandReading, EngineerCommand } from './types';
import { matchByPrefix, normaliseRu, priorityNames } from './template-fields';
import type { PrefixMatch } from './template-fields';

/** Command names and their Russian aliases (compared after normaliseRu). */
const commandAliases: Record<CommandName, readonly string[]> = {
  status: ['status', 'статус'],
  priority: ['priority', 'приоритет'],
  assign: ['assign', 'назначить', 'исполнитель'],
  defer: ['defer', 'отложить'],
  duplicate: ['duplicate', 'дубликат', 'дубль'],
  internal: ['internal', 'внутреннее', 'внутренний', 'внутренняя'],
  requester: ['requester', 'заявитель'],
  doc: ['doc', 'документация'],
};

const commandByAlias = new Map<string, CommandName>(
  (Object.entries(commandAliases) as [CommandName, readonly string[]][]).flatMap(([name, aliases]) =>
    aliases.map((a) => [a, name] as const),
  ),
);

/** Codes, Russian and English names of the statuses. */
export const statusNames: Readonly<Record<Status, readonly string[]>> = (() => {
  const table = {} as Record<Status, readonly string[]>;
  for (const code of statusCodes) table[code] = [code, statusNamesRu[code], statusNamesEn[code]];
  return table;
})();

/** Each command as `#english` and `#русский`: the refusal names them in the tenant's language. */
const commandNames = (Object.values(commandAliases) as (readonly string[])[]).map((a) => `#${a[0]} #${a[1]}`);

const NOT_IN_ADDRESS = /[\s@<>"(),;:]/;

/**
 * `local@domain.tld`: one '@', none of the separators, a dot inside the domain. Read by
 * hand: the regex `^x+@x+\.x+$` (x including '.') backtracks over every dot of a long
 * domain that ends badly, 168 s for one 256 KB `#assign` line.
 */
function isAddress(candidate: string): boolean {
  const at = candidate.indexOf('@');
  if (at <= 0) return false;
  const local = candidate.slice(0, at);
  const domain = candidate.slice(at + 1);
  if (NOT_IN_ADDRESS.test(local) || NOT_IN_ADDRESS.test(domain)) return false;
  const dot = domain.indexOf('.', 1);
  return dot > 0 && dot < domain.length - 1;
}
const LOGIN = /^[a-z0-9._-]+$/i;

type ArgResult = { ok: true; args: string[] } | { ok: false; reason: CommandRejection };

const refused = (reason: CommandRejection): ArgResult => ({ ok: false, reason });

function describeMatch<T extends string>(kind: 'status' | 'priority', value: string, found: PrefixMatch<T>): ArgResult {
  if (found.kind === 'match') return { ok: true, args: [found.code] };
  if (found.kind === 'ambiguous') return refused({ code: 'ambiguous-value', kind, value, candidates: found.codes });
  return refused({ code: 'unknown-value', kind, value });
}

/** `<a@b>`, `Name <a@b>` or `a@b` -> `a@b`. */
function addressIn(value: string): string | null {
  const bracketed = /<([^<>\s]+)>/.exec(value);
  const candidate = (bracketed ? bracketed[1]! : value)
    .replace(/^mailto:/i, '')
    .trim()
    .toLowerCase();
  return isAddress(candidate) ? candidate : null;
}

function readArgs(name: CommandName, rawArg: string, prefix: string): ArgResult {
  // Trailing punctuation ("#статус в работе.") trimmed char by char: no end-anchored regex on a long line.
  let arg = rawArg.trim();
  while (/[.;!]/.test(arg.slice(-1))) arg = arg.slice(0, -1).trimEnd();
  switch (name) {
    case 'status':
      if (!arg) return refused({ code: 'missing-value', kind: 'status' });
      return describeMatch('status', arg, matchByPrefix(arg, statusNames));
    case 'priority':
      if (!arg) return refused({ code: 'missing-value', kind: 'priority' });
      return describeMatch('priority', arg, matchByPrefix(arg, priorityNames));
    case 'assign': {
      const address = addressIn(arg);
      if (address) return { ok: true, args: [address] };
      if (LOGIN.test(arg)) return { ok: true, args: [arg.toLowerCase()] };
      return refused({ code: 'assign-syntax' });
    }
    case 'defer': {
      // "#defer 5", "#отложить 5 рабочих дней", "#defer 5 wd"
      const m = /^(\d{1,4})(?:\s*(?:рабоч\S*\s+)?(?:дн\S*|день|д\.?|рд|р\.д\.?|wd|working days?|days?))?$/i.exec(
        normaliseRu(arg),
      );
      const n = m ? Number(m[1]) : NaN;
      if (!Number.isInteger(n) || n < 1) return refused({ code: 'defer-syntax' });
      return { ok: true, args: [String(n)] };
    }
    case 'duplicate': {
      const m = /^\[?\s*#?(?:([a-z]{1,8})\s*-\s*)?0*(\d{1,9})\s*\]?$/i.exec(arg);
      if (!m) return refused({ code: 'duplicate-syntax', prefix });
      return { ok: true, args: [`${(m[1] ?? prefix).toUpperCase()}-${Number(m[2])}`] };
    }
    case 'internal':
      if (arg) return refused({ code: 'internal-arguments' });
      return { ok: true, args: [] };
    case 'doc': {
      // The knowledge-base article, as the engineer wrote it: <https://...> or a bare address.
      const url = documentationUrl(arg.replace(/^<(.*)>$/, '$1'));
      if (!url) return refused({ code: 'doc-syntax', prefix });
      return { ok: true, args: [url] };
    }
    case 'requester': {
      const address = addressIn(arg);
      if (!address) return refused({ code: 'requester-syntax' });
      return { ok: true, args: [address] };
    }
  }
}

/** A line that is a command: `#` followed directly by a word (`# heading` or `#` alone is text). */
const COMMAND_LINE = /^#([^\s#:]+)\s*:?\s*(.*)$/;

/**
 * Commands at the start of the new text (blank lines between them allowed); the first other
 * line ends them and starts the message. `prefix` completes a bare number in `#duplicate 12`.
 */
export function readCommands(newText: string, prefix = 'MG'): CommandReading {
  const lines = newText.replace(/\r\n?/g, '\n').split('\n');
  const commands: EngineerCommand[] = [];
  const problems: CommandProblem[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!.replace(/\u00a0/g, ' ').trim();
    if (!line) continue;
    const m = COMMAND_LINE.exec(line);
    if (!m) break;
    const name = commandByAlias.get(normaliseRu(m[1]!));
    if (!name) {
      problems.push({ line, reason: { code: 'unknown-command', allowed: commandNames } });
      continue;
    }
    const result = readArgs(name, m[2]!.trim(), prefix);
    if (result.ok) commands.push({ name, args: result.args });
    else problems.push({ line, reason: result.reason });
  }
  // The rejection lists every problem; a mail of 100,000 bad `#` lines gets the first few and a count.
  const listed =
    problems.length > MAX_LISTED_PROBLEMS
      ? [
          ...problems.slice(0, MAX_LISTED_PROBLEMS),
          { line: '…', reason: { code: 'more-lines', count: problems.length - MAX_LISTED_PROBLEMS } as const },
        ]
      : problems;
  return { commands, problems: listed, message: lines.slice(i).join('\n').trim() };
}

const MAX_LISTED_PROBLEMS = 20;
