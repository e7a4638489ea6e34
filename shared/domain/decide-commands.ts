/**
 * A proven engineer's reply: `#command` lines checked all-or-nothing (planCommands), then carried out
 * as events; the text below them goes to the customer, or stays an internal note with `#internal`.
 * Every problem is reported at once and nothing is applied then. Pure, like decide.
 */
import { baseEvent, finalReply, walk } from './decide-events';
import type { DecidedEvent, Decision, DecisionPolicy, InboundReading, MailReceived, Sender } from './decision';
import { isProvenEngineer } from './decision';
import type { TicketEvent } from './events';
import { isCritical } from './priorities';
import type { CommandProblem } from './replies';
import { isFinal, type Ticket } from './ticket';
import { planCommands, planTakesFeatureSlot, statusPath, type CommandPlan } from './workflow';

function check(
  ticket: Ticket,
  mail: InboundReading,
  policy: DecisionPolicy,
  featureHolder: string | null,
): { plan: CommandPlan } | { problems: CommandProblem[] } {
  return planCommands(ticket, mail.commands.commands, {
    config: { engineers: [...policy.engineers], sla: policy.sla.sla },
    otherActiveFeature: featureHolder,
    duplicateTargetExists: (key) => policy.known.duplicateTargets.has(key),
    documentationRequiredFor: policy.documentationRequiredFor,
  });
}

/**
 * Whether the engineer's commands would put a feature ticket into work: only then does the use case
 * read the tenant's tickets to name the one holding the slot (the slot in the store decides races).
 */
export function wouldTakeFeatureSlot(
  ticket: Ticket,
  mail: InboundReading,
  sender: Sender,
  policy: DecisionPolicy,
): boolean {
  if (!isProvenEngineer(sender)) return false;
  const checked = check(ticket, mail, policy, null);
  return 'plan' in checked && planTakesFeatureSlot(ticket, checked.plan);
}

export function decideCommands(
  ticket: Ticket,
  mail: InboundReading,
  sender: Sender,
  now: Date,
  policy: DecisionPolicy,
): Decision {
  const at = now.toISOString();
  const reading = mail.commands;
  const added = isFinal(ticket.status) ? [] : mail.attachments;
  const attachments = added.length ? { attachments: added } : {};
  const base = (step: string) => baseEvent(mail, sender, ticket, step, at);
  const checked = check(ticket, mail, policy, policy.known.featureHolder);
  // Every problem at once: the lines that could not be read, then what the readable ones would break.
  const problems = [...reading.problems, ...('problems' in checked ? checked.problems : [])];
  if (problems.length || 'problems' in checked) {
    // Rejected commands change nothing but the version (the check ran against this version).
    return {
      kind: 'rejected-commands',
      events: [
        { type: 'mail.received', at, ...attachments },
        // Codes and values only: the engineer reads them in the tenant's language (outbound/rejections.ts).
        { ...base('rejected'), type: 'command.rejected', rejections: problems },
      ],
    };
  }
  const { plan } = checked;
  const path = plan.status && plan.status !== ticket.status ? statusPath(ticket.status, plan.status) : null;
  const reopens = path?.[0] === 'reopened';
  if (isFinal(ticket.status) && !reopens && !plan.internal && reading.message)
    return finalReply(ticket, mail, sender, at);

  const received: MailReceived = {
    type: 'mail.received',
    at,
    ...(mail.messageId ? { lastMessageId: mail.messageId } : {}),
    ...attachments,
    ...(plan.requester ? { requester: plan.requester } : {}),
    ...(plan.duplicateOf ? { duplicateOf: plan.duplicateOf } : {}),
  };
  const events: DecidedEvent[] = [received];
  const message = reading.message.trim();
  let messageDelivered = plan.internal || !message;
  const priorityChanges = plan.priority !== null && plan.priority !== ticket.priority;

  if (plan.assignee) {
    const address = policy.engineers.find((e) => e.login === plan.assignee)?.address;
    events.push({
      ...base('assigned'),
      type: 'ticket.assigned',
      recipient: address,
      data: { assignee: plan.assignee },
    });
  } else if (!ticket.assignee && path?.includes('in_progress')) {
    // Taking an unassigned ticket into work makes the engineer who took it responsible (`taken`: the
    // others are told who took it; the engineer needs no "assigned to you" about their own step).
    const taker = policy.engineers.find((e) => e.address === sender.engineerAddress)?.login;
    if (taker) events.push({ ...base('assigned'), type: 'ticket.assigned', data: { assignee: taker, taken: true } });
  }
  // Each new knowledge-base link is one event: the ticket's record of what documents the change.
  const known = new Set(ticket.documentation ?? []);
  const links = [...new Set(plan.docs)].filter((url) => !known.has(url));
  for (const [i, url] of links.entries())
    events.push({ ...base(`doc-${i}`), type: 'ticket.documented', data: { url } });
  if (path) {
    // Closing as duplicate/infeasible/cancelled: the engineer's text is the reason given to the customer.
    const ending = plan.status === 'duplicate' || plan.status === 'infeasible' || plan.status === 'cancelled';
    const said = plan.internal ? undefined : message || undefined;
    events.push(...walk(mail, sender, ticket, path, at, ending ? undefined : said, ending ? said : undefined));
    messageDelivered = true;
  }
  const statusAfter = path?.at(-1) ?? ticket.status;
  if (plan.priority && priorityChanges) {
    events.push({
      ...base('priority'),
      type: 'ticket.priority_changed',
      priority: plan.priority,
      previousPriority: ticket.priority,
      ...(!messageDelivered ? { text: message } : {}),
    });
    messageDelivered = true;
    // Raised to blocking/partial: the engineers are alerted at once, as for a new critical ticket
    // (not outside a support contract: no SLA applies there).
    const escalates = isCritical(plan.priority) && !isCritical(ticket.priority) && !ticket.outsideContract;
    if (escalates && !isFinal(statusAfter)) {
      events.push({
        ...base('escalated'),
        type: 'sla.escalated',
        priority: plan.priority,
        data: { raisedFrom: ticket.priority },
      });
    }
  }
  if (plan.deferWd) {
    events.push({
      ...base('deferred'),
      type: 'ticket.deferred',
      data: { days: plan.deferWd },
      ...(!messageDelivered ? { text: message } : {}),
    });
    messageDelivered = true;
  }
  if (plan.internal && message)
    events.push({ ...base('note'), type: 'ticket.internal_note', text: message } satisfies TicketEvent);
  if (!messageDelivered) events.push({ ...base('answer'), type: 'ticket.answered', text: message });
  return { kind: 'updated', events };
}
