/**
 * decide: what one inbound mail does to its ticket, as events. Pure: the ticket (null for a new
 * one), the mail as read, who sent it, the time and the desk's policy (with what the use case looked
 * up in the store) in; events out. The engineers' `#commands` are in decide-commands.ts.
 *
 * - new mail: open a ticket (requester, Cc participants, priority, links, escalation when critical),
 *   or refuse a sender outside the tenant's domains
 * - customer reply: a comment; the answer to a question returns the ticket to where it was; a verdict
 *   while awaiting test moves it (verified -> deploying, bug_found -> in_progress); anything else
 *   while awaiting test restarts the wait; a colleague joins as Cc
 * - a final ticket changes nothing: one explanation to the sender
 * - mail that failed authentication only comments (no moves, no people); an engineer's address
 *   without proof only comments, and the engineer is told why
 */
import { decideCommands } from './decide-commands';
import { baseEvent, finalReply, unauthenticatedMark, unprovenEngineerNotice, walk } from './decide-events';
import {
  actorOf,
  eventId,
  isProvenEngineer,
  MissingLookupError,
  opening,
  type DecidedEvent,
  type Decision,
  type DecisionPolicy,
  type InboundReading,
  type MailReceived,
  type Sender,
} from './decision';
import { DEFAULT_PRIORITY, isCritical } from './priorities';
import { coveredBySupport } from './support-contract';
import { isFinal, type Status, type Ticket } from './ticket';
import { statusAfterAnswer } from './workflow';

export function decide(
  ticket: Ticket | null,
  mail: InboundReading,
  sender: Sender,
  now: Date,
  policy: DecisionPolicy,
): Decision {
  if (!ticket) return decideOpening(mail, sender, now, policy);
  if (isProvenEngineer(sender)) return decideCommands(ticket, mail, sender, now, policy);
  return decideReply(ticket, mail, sender, now, policy);
}

function decideOpening(mail: InboundReading, sender: Sender, now: Date, policy: DecisionPolicy): Decision {
  const at = now.toISOString();
  const { tenant, known } = policy;
  const start = opening(mail, sender, tenant);
  if (start.refused) {
    return {
      kind: 'refused',
      events: [
        {
          id: eventId(mail.inboundId, 'refused'),
          type: 'sender.refused',
          ticketKey: null,
          tenant: tenant.id,
          at,
          actor: actorOf(sender),
          recipient: sender.address,
          reason: 'sender-domain',
          messageId: mail.messageId ?? undefined,
        },
      ],
    };
  }
  if (!known.newTicket) throw new MissingLookupError('newTicket');
  const { key, number } = known.newTicket;
  const excluded = new Set([start.requester, sender.address, ...policy.engineers.map((e) => e.address)]);
  // A mail that failed authentication is answered only at the address it claims: no Cc participants.
  const cc = sender.authFailed
    ? []
    : [...new Set(mail.addressed)].filter((a) => !excluded.has(a) && !policy.isDeskAddress(a));
  const priority = mail.priority ?? DEFAULT_PRIORITY;
  const linkedTo = [...known.linked];
  // Without an active support contract the ticket is opened and acknowledged, with no SLA at all.
  const outsideContract = !coveredBySupport(tenant.support, policy.sla.calendar.localDate(now));
  const received: MailReceived = {
    type: 'mail.received',
    at,
    opens: {
      key,
      number,
      tenant: tenant.id,
      requester: start.requester,
      requesterName: start.requesterName,
      cc,
      summary: mail.summary,
      department: mail.department,
      fields: start.fields,
      priority,
      createdAt: at,
      linkedTo,
      attachments: mail.attachments,
      rootMessageId: mail.messageId ?? `${mail.inboundId}@inbound.maildesk`,
      ...(outsideContract ? { outsideContract } : {}),
    },
  };
  const data = {
    ...(mail.ticketKey && !linkedTo.includes(mail.ticketKey) ? { mentionsUnknown: mail.ticketKey } : {}),
    ...unauthenticatedMark(sender),
    ...(outsideContract ? { outsideContract } : {}),
  };
  const events: DecidedEvent[] = [
    received,
    {
      id: eventId(mail.inboundId, 'created'),
      type: 'ticket.created',
      ticketKey: key,
      tenant: tenant.id,
      at,
      actor: actorOf(sender),
      priority,
      text: start.text,
      messageId: mail.messageId ?? undefined,
      mailKey: mail.mailKey,
      attachmentKeys: mail.attachments.map((a) => a.key),
      ...(Object.keys(data).length ? { data } : {}),
    },
    ...unprovenEngineerNotice(mail, sender, key, tenant.id, at),
  ];
  if (isCritical(priority) && !outsideContract) {
    events.push({
      id: eventId(mail.inboundId, 'escalated'),
      type: 'sla.escalated',
      ticketKey: key,
      tenant: tenant.id,
      at,
      actor: { kind: 'system', address: null },
      priority,
    });
  }
  return { kind: 'created', events };
}

function decideReply(
  ticket: Ticket,
  mail: InboundReading,
  sender: Sender,
  now: Date,
  policy: DecisionPolicy,
): Decision {
  const at = now.toISOString();
  if (isFinal(ticket.status)) return finalReply(ticket, mail, sender, at);
  const added = mail.attachments;
  const mark = unauthenticatedMark(sender);
  // Only the customer's own mail moves the ticket: not one that failed authentication (a forged verdict
  // or answer), not an engineer's address (an engineer is no customer, and this one is unproven).
  const moves = !sender.authFailed && !sender.engineerAddress;
  let path: Status[] = [];
  if (moves && ticket.status === 'info_requested') path = [statusAfterAnswer(ticket)];
  else if (moves && ticket.status === 'awaiting_test' && mail.verdict)
    path = mail.verdict === 'accepted' ? ['verified', 'deploying'] : ['bug_found', 'in_progress'];
  const received: MailReceived = {
    type: 'mail.received',
    at,
    ...(mail.messageId ? { lastMessageId: mail.messageId } : {}),
    ...(added.length ? { attachments: added } : {}),
    // A customer's answer without a verdict ("not tested yet", a question) restarts the 10 wd wait and
    // its reminder: only silence closes a ticket (auto-replies never get this far).
    ...(moves && ticket.status === 'awaiting_test' && !mail.verdict ? { restartsWait: true } : {}),
    // A colleague of the requester who joined the thread (only a proven one may: mayJoin) is kept
    // informed; an engineer's address never becomes a customer participant, nor does a failing mail add people.
    ...(moves && !ticket.cc.includes(sender.address) && ticket.requester !== sender.address
      ? { participant: sender.address }
      : {}),
  };
  return {
    kind: 'updated',
    events: [
      received,
      {
        ...baseEvent(mail, sender, ticket, 'comment', at),
        type: 'ticket.commented',
        text: mail.newText,
        ...(added.length ? { attachmentKeys: added.map((a) => a.key) } : {}),
        ...(mark ? { data: mark } : {}),
      },
      ...unprovenEngineerNotice(mail, sender, ticket.key, policy.tenant.id, at),
      ...walk(mail, sender, ticket, path, at),
    ],
  };
}
