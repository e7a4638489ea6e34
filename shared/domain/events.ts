/**
 * Ticket events: the outbox. A state change and the event that causes its mails are written in
 * one transaction; the table's stream hands each event to `deliverEvent` at least once.
 */
import type { Priority } from './priorities';
import type { CommandProblem } from './replies';
import type { Status } from './ticket';

export const eventTypes = [
  'ticket.created',
  'ticket.commented', // customer wrote: forwarded to engineers
  'ticket.answered', // engineer wrote to the customer
  'ticket.internal_note',
  'ticket.group_comment', // written in the clinic's Telegram group (data.via telegram, role, author)
  'ticket.status_changed',
  'ticket.priority_changed',
  'ticket.assigned',
  'ticket.deferred',
  'ticket.documented', // a knowledge-base link recorded (#doc): the documentation gate's evidence
  'ticket.final_reply', // reply to a ticket in a final state: one explanation
  'ticket.auto_closed',
  'command.rejected', // engineer's commands were invalid: nothing applied, engineer told why
  'sender.refused', // sender outside the tenant's allowed domains: polite refusal, no ticket
  'engineer.unauthenticated', // engineer's address, From domain not proven: commands not applied, engineer told why
  'sla.escalated', // blocking ticket: engineers told at once
  'sla.warning',
  'sla.breached',
  'sla.respond_overdue',
  'sla.reminder', // requester reminded before an auto-close
] as const;
export type EventType = (typeof eventTypes)[number];

export interface Actor {
  kind: 'requester' | 'engineer' | 'system';
  address: string | null;
}

export interface TicketEvent {
  /** Deterministic id (inbound mail id + step, or ticket + deadline): the idempotency key of every consumer. */
  id: string;
  type: EventType;
  /** Null for events without a ticket (refusals). */
  ticketKey: string | null;
  tenant: string;
  at: string;
  actor: Actor;
  from?: Status;
  to?: Status;
  priority?: Priority;
  previousPriority?: Priority;
  /** What the person wrote now (comment, answer, note, reason). */
  text?: string;
  reason?: string;
  /** Message-ID of the mail that caused the event, for threading the answer. */
  messageId?: string;
  /** Raw mail key in the bucket, for replay and for forwarding attachments. */
  mailKey?: string;
  /** Who else gets the answer (the sender of a refused or late mail). */
  recipient?: string;
  attachmentKeys?: string[];
  data?: Record<string, string | number | boolean | null>;
  /** command.rejected: every refused command and why, as codes and values (rendered per language) */
  rejections?: CommandProblem[];
  /**
   * 128 random bits (hex) set by the store when the event item is first written: the seed of its
   * mails' Message-IDs (message-ids.ts), so they are stable across deliveries and unguessable.
   * Events stored before it existed have none and keep the old id form.
   */
  nonce?: string;
}
