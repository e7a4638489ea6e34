/**
 * The events a mail causes, built alike for every decision: ids from the inbound id and a step, the
 * sender as actor.
 */
import { actorOf, eventId, isUnprovenEngineer, type Decision, type InboundReading, type Sender } from './decision';
import type { TicketEvent } from './events';
import type { Status, Ticket } from './ticket';

/** The fields every event of this mail about this ticket shares. */
export function baseEvent(
  mail: InboundReading,
  sender: Sender,
  ticket: Pick<Ticket, 'key' | 'tenant'>,
  step: string,
  at: string,
): Pick<TicketEvent, 'id' | 'ticketKey' | 'tenant' | 'at' | 'actor' | 'messageId' | 'mailKey'> {
  return {
    id: eventId(mail.inboundId, step),
    ticketKey: ticket.key,
    tenant: ticket.tenant,
    at,
    actor: actorOf(sender),
    messageId: mail.messageId ?? undefined,
    mailKey: mail.mailKey,
  };
}

/** Moves through `path` (e.g. verified then deploying); only the last move mails the customer. */
export function walk(
  mail: InboundReading,
  sender: Sender,
  ticket: Pick<Ticket, 'key' | 'tenant' | 'status'>,
  path: readonly Status[],
  at: string,
  text?: string,
  reason?: string,
): TicketEvent[] {
  let from = ticket.status;
  return path.map((to, i) => {
    const last = i === path.length - 1;
    const event: TicketEvent = {
      ...baseEvent(mail, sender, ticket, `status-${i}`, at),
      type: 'ticket.status_changed',
      from,
      to,
      ...(last && text ? { text } : {}),
      ...(last && reason ? { reason } : {}),
      ...(last ? {} : { data: { silent: true } }),
    };
    from = to;
    return event;
  });
}

/** Marks what the engineers read as not proven to come from its From (a warning line in their copy). */
export function unauthenticatedMark(sender: Sender): { unauthenticated: true } | undefined {
  return sender.authFailed || isUnprovenEngineer(sender) ? { unauthenticated: true } : undefined;
}

/** The engineer whose address a mail used without proof is told why, at the address in the config. */
export function unprovenEngineerNotice(
  mail: InboundReading,
  sender: Sender,
  ticketKey: string,
  tenant: string,
  at: string,
): TicketEvent[] {
  if (!isUnprovenEngineer(sender) || !sender.engineerAddress) return [];
  const { evidence } = sender;
  return [
    {
      id: eventId(mail.inboundId, 'unproven'),
      type: 'engineer.unauthenticated',
      ticketKey,
      tenant,
      at,
      actor: actorOf(sender),
      recipient: sender.engineerAddress,
      messageId: mail.messageId ?? undefined,
      data: {
        fromDomain: evidence.fromDomain,
        spf: evidence.spf,
        dkim: evidence.dkim,
        dmarc: evidence.dmarc,
        dkimDomains: evidence.dkimDomains.join(' '),
        commands: mail.commands.commands.length + mail.commands.problems.length,
      },
    },
  ];
}

/** A reply to a final ticket: one explanation to the sender (written once per ticket, sender and day). */
export function finalReply(ticket: Ticket, mail: InboundReading, sender: Sender, at: string): Decision {
  return {
    kind: 'final-reply',
    events: [
      {
        id: eventId(mail.inboundId, 'final'),
        type: 'ticket.final_reply',
        ticketKey: ticket.key,
        tenant: ticket.tenant,
        at,
        actor: actorOf(sender),
        recipient: sender.address,
        messageId: mail.messageId ?? undefined,
      },
    ],
  };
}
