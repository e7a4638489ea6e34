/**
 * The decider's vocabulary: what it is told about a mail, its sender and the desk, and what it
 * answers. `decide` (decide.ts, decide-commands.ts) turns them into events, `evolve` (evolve.ts)
 * folds the events into the ticket. Whatever needs the store is looked up by the use case first
 * and handed over in `DecisionPolicy.known`; the helpers at the end say what to look up.
 */
import type { Actor, TicketEvent } from './events';
import type { Priority } from './priorities';
import type { CommandReading, Verdict } from './replies';
import type { Attachment, NewTicket, TemplateFields, Ticket } from './ticket';
import type { SupportContract } from './support-contract';
import type { SlaContext } from './workflow';

/** One inbound mail as the rules see it: read by shared/mail, its attachments already stored. */
export interface InboundReading {
  /** SES message id: every event id is `<inboundId>:<step>`, so a retried mail writes the same events */
  inboundId: string;
  mailKey: string;
  messageId: string | null;
  fromName: string | null;
  /** To and Cc addresses (lower-cased): who may join a new ticket as Cc participants */
  addressed: string[];
  summary: string;
  department: string | null;
  fields: TemplateFields;
  /** fields read from the text without its command lines, when an engineer's first mail names `#requester` */
  messageFields: TemplateFields | null;
  priority: Priority | null;
  /** `MG-42` from a `[MG-42]` subject tag */
  ticketKey: string | null;
  verdict: Verdict | null;
  newText: string;
  /** the `#command` lines of newText (they count only from a proven engineer) */
  commands: CommandReading;
  attachments: Attachment[];
}

/** What SES (or the local stand-in) and the authentication check said about the From domain. */
export interface AuthEvidence {
  fromDomain: string;
  spf: string;
  dkim: string;
  dmarc: string;
  dkimDomains: string[];
}

export interface Sender {
  /** the From address, lower-cased */
  address: string;
  /** the From domain is proven (DMARC pass, or DKIM aligned with it) */
  fromProven: boolean;
  /** some check failed: such mail only comments, never changes status, priority or people */
  authFailed: boolean;
  /** the engineer's address in the config when From is an engineer's (proven or not) */
  engineerAddress: string | null;
  evidence: AuthEvidence;
}

/** An engineer whose From domain is proven: only their `#commands` count. */
export const isProvenEngineer = (s: Sender): boolean => s.engineerAddress !== null && s.fromProven;
/** An engineer's address used without that proof: a comment, and the engineer is told why. */
export const isUnprovenEngineer = (s: Sender): boolean => s.engineerAddress !== null && !s.fromProven;

export const actorOf = (s: Sender): Actor => ({
  kind: isProvenEngineer(s) ? 'engineer' : 'requester',
  address: s.address,
});

export interface DecisionPolicy {
  ticketPrefix: string;
  engineers: ReadonlyArray<{ login: string; address: string }>;
  /** the SLA settings and the business calendar the deadlines are computed with */
  sla: SlaContext;
  /** one of the desk's own addresses (never a participant) */
  isDeskAddress: (address: string) => boolean;
  tenant: {
    id: string;
    allowedSenderDomains?: readonly string[];
    language?: 'ru' | 'en';
    /** the clinic's support contract (absent: covered) */
    support?: SupportContract;
  };
  /** priorities that close only with a knowledge-base link (config; documentation.ts has the default) */
  documentationRequiredFor?: readonly Priority[];
  /** looked up in the store before deciding */
  known: {
    /** the number and key a new ticket gets (null when the mail opens none) */
    newTicket: { key: string; number: number } | null;
    /** tickets of the same tenant that a new ticket's text mentions (see mentionedKeys) */
    linked: readonly string[];
    /** `#duplicate` targets that exist in the same tenant */
    duplicateTargets: ReadonlySet<string>;
    /** another feature ticket of the tenant holding its feature slot (see wouldTakeFeatureSlot) */
    featureHolder: string | null;
  };
}

/**
 * The mail's own mark on the ticket: what none of the outbox events carries (a new ticket's starting
 * state, the thread's newest Message-ID, stored attachments, a joining colleague, a restarted wait,
 * `#requester`, `#duplicate`). Folded by evolve like any event; kept in the ticket item, not stored
 * as an event item (it causes no mail).
 */
export interface MailReceived {
  type: 'mail.received';
  at: string;
  opens?: NewTicket;
  lastMessageId?: string;
  attachments?: Attachment[];
  participant?: string;
  restartsWait?: boolean;
  requester?: string;
  duplicateOf?: string;
}

export type DecidedEvent = TicketEvent | MailReceived;
export const isOutboxEvent = (e: DecidedEvent): e is TicketEvent => e.type !== 'mail.received';

/**
 * `final-reply`: the ticket is final and nothing changes; its one event (the explanation) is written
 * once per ticket, sender and day by the use case. `rejected-commands`: nothing applied, the engineer
 * is told every problem.
 */
export type DecisionKind = 'created' | 'refused' | 'updated' | 'rejected-commands' | 'final-reply';
export interface Decision {
  kind: DecisionKind;
  events: DecidedEvent[];
}

/** A decision asked for without what the use case must look up first (a programming error, not a mail's). */
export class MissingLookupError extends Error {
  constructor(readonly lookup: keyof DecisionPolicy['known']) {
    super(`decide needs known.${lookup}, looked up in the store before deciding`);
    this.name = 'MissingLookupError';
  }
}

export const eventId = (inboundId: string, step: string) => `${inboundId}:${step}`;

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * Who may join a ticket, whatever the mail cites (ids can leak or be guessed): a participant, an
 * engineer's address (an unproven one lands as a plain comment instead of opening a ticket in the
 * engineer's name), or a proven sender of the requester's own domain or of the tenant's
 * allowedSenderDomains (a colleague, who then becomes a Cc participant).
 */
export function mayJoin(
  ticket: Pick<Ticket, 'requester' | 'cc'>,
  sender: Sender,
  tenant: DecisionPolicy['tenant'],
): boolean {
  const address = sender.address.toLowerCase();
  if (sender.engineerAddress) return true;
  if (ticket.requester.toLowerCase() === address || ticket.cc.some((a) => a.toLowerCase() === address)) return true;
  if (!sender.fromProven) return false;
  const domain = domainOf(address);
  return domain === domainOf(ticket.requester) || (tenant.allowedSenderDomains ?? []).includes(domain);
}

/** Who a new ticket is for and what it says: an engineer's first mail may name the customer (`#requester`). */
export function opening(
  mail: InboundReading,
  sender: Sender,
  tenant: DecisionPolicy['tenant'],
):
  | { refused: true }
  | { refused: false; requester: string; requesterName: string | null; text: string; fields: TemplateFields } {
  if (isProvenEngineer(sender)) {
    // Other commands wait for replies.
    const named = mail.commands.commands.find((c) => c.name === 'requester')?.args[0];
    if (named)
      return {
        refused: false,
        requester: named.toLowerCase(),
        requesterName: null,
        text: mail.commands.message,
        fields: mail.messageFields ?? mail.fields,
      };
  } else if (tenant.allowedSenderDomains && !tenant.allowedSenderDomains.includes(sender.address.split('@')[1] ?? '')) {
    return { refused: true };
  }
  return {
    refused: false,
    requester: sender.address,
    requesterName: mail.fromName,
    text: mail.newText,
    fields: mail.fields,
  };
}

const TICKET_MENTION = /\b([A-Z]{1,8})-(\d{1,9})\b/g;
const MAX_LINK_LOOKUPS = 20;

/** Ticket keys a new ticket's text cites, to look up for links: only the first few, so they cost few reads. */
export function mentionedKeys(text: string, prefix: string, ownKey: string): string[] {
  return [...new Set([...text.matchAll(TICKET_MENTION)].map((m) => `${m[1]}-${m[2]}`))]
    .filter((k) => k.startsWith(`${prefix}-`) && k !== ownKey)
    .slice(0, MAX_LINK_LOOKUPS);
}

/** `#duplicate` targets to look up (a proven engineer's commands only). */
export function duplicateKeys(mail: InboundReading, sender: Sender): string[] {
  if (!isProvenEngineer(sender)) return [];
  return mail.commands.commands.filter((c) => c.name === 'duplicate').map((c) => c.args[0]!.toUpperCase());
}
