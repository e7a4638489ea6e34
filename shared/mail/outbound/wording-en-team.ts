/** The English words of the support team's letters: the same keys as wording-ru-team.ts (tsc checks them). */
import type { RejectionWords } from './rejections';
import type { UnprovenEngineerMail as M } from './unauthenticated';
import type { Wording } from './wording-ru';

const rejections: RejectionWords = {
  'unknown-command': (r) => `unknown command; allowed: ${r.allowed.map((a) => a.split(' ')[0]).join(', ')}`,
  'missing-value': (r, n) =>
    r.kind === 'status'
      ? `#status needs a status; allowed: ${n.statuses}`
      : `#priority needs a priority; allowed: ${n.priorities}`,
  'unknown-value': (r, n) =>
    r.kind === 'status'
      ? `unknown status "${r.value}"; allowed: ${n.statuses}`
      : `unknown priority "${r.value}"; allowed: ${n.priorities}`,
  'ambiguous-value': (r, n) =>
    `"${r.value}" could be ${r.candidates.map(r.kind === 'status' ? n.status : n.priority).join(', ')}; ` +
    'write more of the name',
  'assign-syntax': () => 'needs one engineer login or address, e.g. #assign <login>',
  'defer-syntax': () => 'needs a positive whole number of working days, e.g. #defer 5',
  'duplicate-syntax': (r) => `needs the key of the original ticket, e.g. #duplicate ${r.prefix}-12`,
  'internal-arguments': () => '#internal takes no arguments; write the note below the command lines',
  'doc-syntax': (r) => `needs the link to the article, e.g. #doc https://kb.example/${r.prefix}-12`,
  'requester-syntax': () => "needs the customer's e-mail address, e.g. #requester <address>",
  'more-lines': (r) => `${r.count} more unreadable command line${r.count === 1 ? '' : 's'}`,
  repeated: () => 'given more than once; write it once',
  'no-such-engineer': (r) => `no such engineer; allowed: ${r.allowed.join(', ')}`,
  'self-duplicate': () => 'a ticket cannot duplicate itself',
  'no-such-ticket': () => 'no such ticket of this client',
  'not-allowed': (r, n) =>
    `not allowed from ${n.status(r.from)}; allowed: ` +
    (r.allowed.length ? r.allowed.map(n.status).join(', ') : 'none, the ticket is finished'),
  'feature-slot': (r) =>
    `another feature ticket of this client, ${r.holder}, is in work and not yet accepted; ` +
    'the customer must accept it first',
  'duplicate-conflict': (r) => `conflicts with #status ${r.status}`,
  'not-deferrable': (r, n) => `${n.priority(r.priority)} tickets cannot be deferred`,
  'defer-budget': (r, n) =>
    r.deferred
      ? `at most ${n.workingDays(r.max)} in total; ${n.workingDays(r.deferred)} already deferred, ` +
        `${n.workingDays(r.left)} left`
      : `at most ${n.workingDays(r.max)}`,
  final: (r, n) => `the ticket is ${n.status(r.status)}, a final status; reopen it first with #status reopened`,
  undocumented: (r, n) =>
    `a ${n.priorityName(r.priority)} ticket can be closed only once the change is documented ` +
    'in the knowledge base; add a line #doc <link to the article>',
};

export const enTeam: Wording['team'] = {
  card: {
    ticket: 'Ticket',
    tenant: 'Tenant',
    requester: 'Requester',
    cc: 'Cc',
    department: 'Department',
    priority: 'Priority',
    status: 'Status',
    link: 'Link',
  },
  commandHelp: (prefix: string) =>
    'Reply to this mail: #command lines at the top of your reply change the ticket ' +
    `(#status in_progress, #priority blocking, #assign <login>, #defer <N>, #duplicate ${prefix}-n, #internal, ` +
    '#doc <link to the knowledge-base article>).',
  newTicket: { urgent: 'URGENT, new ticket', plain: 'New ticket', text: 'Request text:' },
  outsideContract: {
    subject: 'outside contract',
    mark: 'OUTSIDE THE SUPPORT CONTRACT: the clinic has no active contract; no deadlines, escalation or auto-close.',
  },
  customerReply: { note: 'Customer reply', from: 'From' },
  internalNote: 'Internal note',
  change: 'Change',
  assigned: { toYou: 'Assigned to you', taken: (who: string) => `Taken into work by ${who}` },
  autoClosed: 'Closed automatically',
  finished: {
    note: 'Ticket already finished',
    finished: (key: string, code: string, name: string) =>
      `Ticket ${key} is already finished (${code}, ${name}): your text was not sent to the customer ` +
      'and the ticket did not change.',
    reopen: 'To carry on, reopen it: make #status reopened (or #status in_progress) the first line of your reply.',
    final: 'A ticket in this status cannot be reopened; the customer should write a new mail citing its number.',
  },
  rejected: {
    note: 'Commands not applied',
    none: 'The commands in your mail were not applied: they apply all together or not at all, and some are wrong.',
    current: (code: string, name: string, next: string | null) =>
      `Current status: ${code} (${name})${next ? `; allowed next: ${next}` : ''}.`,
    final: 'none (the ticket is finished)',
    fix: 'Your text was not sent to the customer. Fix the commands and send your mail again.',
  },
  sla: (respondWithin: string) => ({
    'sla.escalated': 'URGENT: blocking ticket',
    'sla.warning': 'Deadline approaching',
    'sla.breached': 'Deadline breached',
    'sla.respond_overdue': `Not taken into work within ${respondWithin}`,
  }),
  /** the customer's files in the engineers' copy; the clinic's Telegram group; the team's alert chat */
  files: {
    heading: 'Attachments:',
    kb: 'KB',
    mb: 'MB',
    attached: 'attached to this mail',
    link: (until: string) => `download link, valid until ${until}:`,
    local: 'a file on this machine (local stack):',
    missing: 'the file is no longer stored',
  },
  group: {
    head: {
      opened: '🔴 Blocking ticket',
      status: '🔄 Status changed',
      escalated: '🔴 Critical ticket',
      breached: '⏰ Deadline breached',
    },
    priority: 'Priority',
    summary: 'Summary',
    status: 'Status',
    due: 'Deadline',
    hint: 'Reply to this message (or name the ticket key) to add a comment to the ticket.',
    applied: (key: string) => `✅ ${key}: commands applied.`,
    rejected: (key: string) => `❌ ${key}: commands not applied, the ticket is unchanged:`,
    notEngineer: (key: string) => `ℹ️ ${key}: comment recorded; commands count only from support engineers.`,
  },
  groupCopy: { note: 'Comment in the Telegram group', engineer: 'engineer', clinic: "the clinic's side" },
  groupSummary: {
    head: 'What was discussed in the Telegram group about this ticket:',
    engineer: 'Engineer',
    clinic: 'Clinic',
  },
  alert: {
    head: {
      'new-blocking': (key: string) => `🔴 New blocking ticket ${key} (ticket.created)`,
      escalated: (key: string) => `🔴 Critical ticket ${key} (sla.escalated)`,
      breached: (key: string) => `⏰ Deadline breached: ${key} (sla.breached)`,
    },
    tenant: 'Tenant',
    priority: 'Priority',
    status: 'Status',
    due: 'Deadline',
  },
  rejections,
  sweep: {
    span: (hours: number, minutes: number, business: boolean) =>
      [
        hours ? `${hours} hour${hours === 1 ? '' : 's'}` : '',
        minutes || !hours ? `${minutes} minute${minutes === 1 ? '' : 's'}` : '',
      ]
        .filter(Boolean)
        .join(' ') + (business ? ' of business time' : ''),
    respond: (due: string) => `It was due to be taken into work by ${due}.`,
    warn: (left: string) => `${left} left until the deadline.`,
    breach: (over: string) => `Overdue by ${over}.`,
    remind: (closeAt: string) => `Waiting for the customer; without an answer it closes on ${closeAt}.`,
    autoClose: (days: string, since: string) => `No answer from the customer for ${days}, since ${since}.`,
  },
  raisedFrom: (priority: string) => `Priority raised (it was: ${priority}).`,
  unauthenticated: {
    warning:
      '⚠ Sender not authenticated (SPF/DKIM/DMARC): this mail may be forged. ' +
      'It changed no status, priority or participants.',
    subject: 'Mail not authenticated, commands not applied',
    none: 'none',
    dmarcFail: (m: M) =>
      `The DMARC policy of ${m.fromDomain} rejected the mail (FAIL): ` +
      'neither an aligned SPF check nor a DKIM signature of that domain passed.',
    noDmarc: (m: M) =>
      `${m.fromDomain} publishes no DMARC record (DMARC ${m.dmarc}), ` +
      'and none of the passing DKIM signatures is of that domain itself (or a parent of it).',
    otherSigners: (signed: string) =>
      `Signatures of other domains (${signed}) prove nothing about the sender's address.`,
    spfAlone: 'SPF checks the envelope sender, which the sender chooses: it is never enough alone.',
    dmarcUnknown: (m: M) => `DMARC could not be checked (DMARC ${m.dmarc}).`,
    notProven: (m: M) =>
      `Your mail came from a support engineer's address but did not prove it was sent by ${m.fromDomain}.`,
    withCommands:
      'Its commands were not applied; its text was not sent to the customer and is kept on the ticket as a comment.',
    withoutCommands: 'Its text was not sent to the customer and is kept on the ticket as a comment.',
    checks: (m: M, signed: string) =>
      `SES checks: SPF ${m.spf}, DKIM ${m.dkim}, DMARC ${m.dmarc}. Passing DKIM signatures: ${signed}.`,
    fixes: (d: string) => [
      'What to fix (either):',
      `  - publish a DMARC record for ${d}: TXT _dmarc.${d} "v=DMARC1; p=none" (or stricter), ` +
        `with your mail's SPF or DKIM aligned with ${d};`,
      `  - or sign your outgoing mail with a DKIM key of ${d} (d=${d}).`,
      'If you did not send this mail, someone is writing in your name: tell your administrator.',
    ],
  },
};
