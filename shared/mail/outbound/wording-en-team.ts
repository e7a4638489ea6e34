/** The English words of the support team's letters: the same keys as wording-ru-team.ts (tsc checks them). */
import type { UnprovenEngineerMail as M } from './unauthenticated';
import type { Wording } from './wording-ru';

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
    current: (code: string, name: string, next: string) => `Current status: ${code} (${name}); allowed next: ${next}.`,
    final: 'none (the ticket is finished)',
    fix: 'Your text was not sent to the customer. Fix the commands and send your mail again.',
  },
  sla: (respondWithin: string) => ({
    'sla.escalated': 'URGENT: blocking ticket',
    'sla.warning': 'Deadline approaching',
    'sla.breached': 'Deadline breached',
    'sla.respond_overdue': `Not taken into work within ${respondWithin}`,
  }),
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
