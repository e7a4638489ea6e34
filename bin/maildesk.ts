/** The maildesk CLI: one entry, subcommands in shared/cli. Usage errors exit 2, never with a stack trace. */
import { ConfigError } from '../shared/config';
import { exitWhenFlushed, processIo, UsageError } from '../shared/cli/io';

const usage = `maildesk <command>

  parse FILE.eml [--config FILE]                 how a mail is read (JSON)
  sla --priority P --created ISO [...]            deadlines of a ticket (JSON)
  tickets list [--tenant T] [--status S] [--priority P] [--breached] [--due-within 4h] [--all] [--json] [--aws]
  tickets list --ignored [--last N] [--json] [--aws]   the last mails the desk ignored, with reasons (= log)
  log [--last N] [--json] [--aws]                 the same: where did my mail go
  ticket show MG-42 [--json] [--aws]
  report sla [--month 2026-11] [--tenant T] [--format md|csv|html|json] [--out FILE] [--aws]
  report send [--force --month 2026-11] [--now ISO] [--aws]   the monthly report mail (as the timer does)
  sweep [--now ISO] [--dry-run] [--aws]           run one SLA sweep
  replay <inbound/KEY | FILE.eml | --failed>      reprocess stored mail idempotently
         [--trust-file-verdicts]                  (a FILE.eml counts as unauthenticated unless trusted)
  receive FILE.eml [--verdicts spf=PASS,dkim=PASS,dmarc=PASS,spam=PASS,virus=PASS]
         [--dkim-domain DOMAIN]... [--recipient ADDR]...
                                                  hand one mail to the running local stack as SES would (JSON line)
  telegram set-webhook --url URL [--aws]          register the clinics' groups webhook with Telegram
  doctor [--aws] [--dns HOST[:PORT]] [--stack NAME] [--json]   pre-flight and health check: ok/warn/fail + fix
  reply FILE.eml --from ADDR (--text TEXT | --text-file FILE) [--cc ADDR]... [--smtp HOST:PORT]
                                                  answer a mail as a mail client does; sent to the local stack (SMTP)
  outbox [--last N] [--ticket MG-1] [--dir DIR] [--json]   the local stack's sent mail, decoded, newest last

The local stack's DynamoDB Local is used unless --aws (then --table or MAILDESK_TABLE).`;

/** `maildesk <command> --help`: the usage lines of that command (the sla command prints its own, longer one). */
function commandHelp(argv: readonly string[]): string | null {
  const [command, sub] = argv;
  if (command === undefined || command === 'sla' || !argv.slice(1).some((a) => a === '--help' || a === '-h'))
    return null;
  const name = sub !== undefined && !sub.startsWith('-') ? `${command} ${sub}` : command;
  // Usage entries start at two spaces; continuation lines are indented further and belong to the entry above.
  const entries = usage.split('\n\n')[1]!.split(/\n(?=  \S)/);
  const own = entries.filter((e) => e.trimStart().startsWith(`${name} `) || e.trimStart() === name);
  const chosen = own.length > 0 ? own : entries.filter((e) => e.trimStart().startsWith(`${command} `));
  if (chosen.length === 0) return null;
  return chosen.map((e) => `usage: maildesk ${e.trimStart()}`).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const help = commandHelp(argv);
  if (help !== null) {
    processIo.stdout(help);
    return 0;
  }
  const [command, sub, ...rest] = argv;
  // Each command loads only its own modules (the SDK clients, the SMTP server): a CLI run starts fast.
  switch (command) {
    case 'parse':
      return (await import('../shared/cli/parse-command')).runParseCommand(argv.slice(1), processIo);
    case 'sla':
      return (await import('../shared/cli/sla-command')).runSlaCommand(argv.slice(1), processIo);
    case 'sweep':
      return (await import('../shared/cli/sweep-command')).runSweepCommand(argv.slice(1), processIo);
    case 'replay':
      return (await import('../shared/cli/replay-command')).runReplayCommand(argv.slice(1), processIo);
    case 'doctor':
      return (await import('../shared/cli/doctor-command')).runDoctorCommand(argv.slice(1), processIo);
    case 'receive':
      return (await import('../shared/cli/receive-command')).runReceiveCommand(argv.slice(1), processIo);
    case 'reply':
      return (await import('../shared/cli/reply-command')).runReplyCommand(argv.slice(1), processIo);
    case 'outbox':
      return (await import('../shared/cli/outbox-command')).runOutboxCommand(argv.slice(1), processIo);
    case 'tickets':
      if (sub === 'list') return (await import('../shared/cli/ticket-commands')).runTicketsList(rest, processIo);
      throw new UsageError('usage: maildesk tickets list [...]');
    case 'log':
      return (await import('../shared/cli/ignored-command')).runIgnoredList(argv.slice(1), processIo);
    case 'ticket':
      if (sub === 'show') return (await import('../shared/cli/ticket-commands')).runTicketShow(rest, processIo);
      throw new UsageError('usage: maildesk ticket show MG-42 [--json]');
    case 'report':
      return (await import('../shared/cli/report-command')).runReportCommand(argv.slice(1), processIo);
    case 'telegram':
      return (await import('../shared/cli/telegram-command')).runTelegramCommand(argv.slice(1), processIo);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      processIo.stdout(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"\n\n${usage}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return exitWhenFlushed(2);
    }
    const err = error as Error;
    const hint = /ECONNREFUSED/.test(String(err.message) + String((err as { cause?: Error }).cause?.message))
      ? ' (is the local stack running? start it with npm start)'
      : '';
    process.stderr.write(`maildesk: ${err.name}: ${err.message}${hint}\n`);
    return exitWhenFlushed(1);
  },
);
