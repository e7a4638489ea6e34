/**
 * Every word the desk writes in English: the same keys as wording-ru.ts (the type is that table's, so a
 * key missing or extra here fails tsc); the team's letters in wording-en-team.ts.
 */
import { enTeam } from './wording-en-team';
import type { Wording } from './wording-ru';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const en: Wording = {
  greeting: 'Hello,',
  footer: {
    reply: 'This mail was sent automatically; your reply to it reaches the support team.',
    plain: 'This mail was sent automatically.',
  },
  signature: (tenantName: string) => `--\nSupport desk\n${tenantName}`,
  noSubject: 'No subject',
  hours: (n: number) => plural(n, 'hour', 'hours'),
  workingDays: (n: number) => plural(n, 'working day', 'working days'),
  locale: 'en-GB',

  deadlines: {
    target: 'Target',
    due: 'Deadline',
    feature: 'The deadline is set when work starts.',
    none: 'No deadline applies to this kind of request.',
    outsideContract: 'No deadlines apply: the request is outside the support contract.',
  },

  acknowledgement: {
    registered: (key: string) => `Your request has been registered as ${key}.`,
    subject: 'Subject',
    department: 'Department',
    priority: 'Priority',
    received: 'We received:',
    missing: 'To speed things up, please tell us:',
    linked: 'Linked tickets',
    howToAdd: (key: string) => `To add to the request, reply to this mail and keep [${key}] in the subject.`,
    outsideContract:
      'Your clinic has no active support contract, so this request is handled outside the support contract: ' +
      'fixes and improvements are paid separately and are made after the program is updated to the current ' +
      'version. The deadlines of the support regulation do not apply to it.',
  },

  status: {
    line: (key: string, status: string) => `Ticket status ${key}: ${status}.`,
    original: 'Original ticket',
    reason: 'Reason',
    engineer: 'Engineer in charge',
    documentation: 'The change is documented in the knowledge base',
  },

  explain: (key: string, autoClose: string) => ({
    open: 'Your request is back in the queue, waiting for an engineer.',
    in_progress: 'We have started working on your request.',
    reopened: 'We are taking up your request again.',
    awaiting_test:
      'The fix is ready. Please check it and reply to this mail:\n' +
      '  - "Verified, no errors" if everything works;\n' +
      '  - "Bug found" and what still fails otherwise.\n' +
      `Without an answer the request closes automatically in ${autoClose}.`,
    info_requested:
      'We need more information to carry on. Please reply to this mail. ' +
      `The deadline is paused while we wait. Without an answer the request closes automatically in ${autoClose}.`,
    verified: 'Thank you for testing and confirming that everything works.',
    bug_found: 'Thank you! We passed your findings to the engineer and the request is back in progress.',
    deploying: 'The change is now being installed on the production system; we will tell you when it is done.',
    closed: `The work is done. If the problem returns, write us a new mail (not a reply to this one) citing ${key}.`,
    duplicate: 'Another request already covers this, so we have closed this one.',
    infeasible: 'Unfortunately this request cannot be carried out.',
    cancelled: 'Unfortunately we had to cancel this request: it cannot be carried out.',
    closed_no_response:
      `${key} has been closed because we received no answer. If it still matters, ` +
      `write us a new mail citing ${key}.`,
  }),

  priority: {
    line: (key: string, priority: string, was: string | null) =>
      `Priority of ${key}: ${priority}${was ? ` (was: ${was})` : ''}.`,
  },
  deferral: (key: string, days: string) => `The deadline of ${key} has been moved by ${days}.`,
  reminder: (key: string, status: string, closeAt: string) =>
    `We are waiting for your answer on ${key} (${status}). Without one it closes automatically on ${closeAt}.`,
  finished: (key: string, status: string) =>
    `Ticket ${key} is already finished (${status}), so your mail changed nothing.\n` +
    `If the matter is open again, write us a new mail (not a reply to this one) citing ${key}; we will link the two.`,
  refusal: {
    subject: 'Request not registered',
    text: (tenantName: string) =>
      "We cannot register your request: the sender's address does not belong to an organisation served by " +
      `this desk (${tenantName}). Please write from your work address.`,
  },

  report: {
    months: 'January February March April May June July August September October November December'.split(' '),
    subject: (when: string, name: string) => `SLA report for ${when}: ${name}`,
    noDeadlines: 'no tickets with a deadline',
    heading: (when: string, name: string) => `SLA compliance report for ${when} (${name}).`,
    opened: 'Tickets opened',
    closed: 'Tickets closed',
    breached: 'Deadlines breached',
    met: 'Deadlines met',
    medians: (firstResponse: string, resolution: string) =>
      `Median in business hours: first response ${firstResponse}; resolution ${resolution}.`,
    paused: 'Waiting for the customer, business hours',
    decimal: (figure: string) => figure,
    autoClosed: 'Closed for lack of response',
    attached:
      'The full report with charts per priority is attached (an HTML file: open it in a browser; it prints well).',
    signed: (name: string) => `Support desk, ${name}`,
  },

  team: enTeam,
};
