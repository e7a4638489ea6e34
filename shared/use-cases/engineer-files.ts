/**
 * The customer's files for the engineers' copy of a mail that brought some (ticket.created, a
 * reply with files): attached as they are while they fit the configured total per mail, the
 * rest as links (S3 presigned, 7 days; locally the file's path), so an engineer needs no access to
 * the bucket. Customers' letters never take anything from here.
 */
import type { MaildeskConfig } from '../config';
import type { TicketEvent } from '../domain/events';
import { MailNotFoundError } from '../domain/errors';
import type { Ticket } from '../domain/ticket';
import type { Logger } from '../log';
import type { EngineerFile } from '../mail/outbound/attachment-list';
import type { MailStore, OutgoingMail } from './ports';

export interface EngineerFiles {
  /** the files the mail carries as MIME attachments */
  attached: OutgoingMail['attachments'];
  /** every file of the event, and how it goes: what the letter lists */
  listed: EngineerFile[];
}

/** How long a download link works: 7 days, the longest a SigV4 presigned URL may live. */
export const FILE_LINK_SECONDS = 7 * 24 * 3600;
const MB = 1024 * 1024;

export interface FilesDeps {
  mail: Pick<MailStore, 'get' | 'link'>;
  config: MaildeskConfig;
  log: Logger;
}

/**
 * 1 the event's files, in the order the customer attached them
 * 2 each one that still fits the limit is read and attached; a larger one gets a link instead, and
 *   a smaller one after it may still fit
 * 3 a file gone from the store (past the bucket's retention) is listed as gone, not retried forever
 */
export async function engineerFiles(event: TicketEvent, ticket: Ticket, deps: FilesDeps): Promise<EngineerFiles> {
  const keys = event.attachmentKeys ?? [];
  const files = ticket.attachments.filter((a) => keys.includes(a.key));
  const out: EngineerFiles = { attached: [], listed: [] };
  let room = Math.floor(deps.config.engineerAttachmentLimitMb * MB);
  for (const file of files) {
    const listed = { filename: file.filename, size: file.size };
    try {
      if (file.size <= room) {
        const content = await deps.mail.get(file.key);
        out.attached.push({ filename: file.filename, contentType: file.contentType, content });
        out.listed.push({ ...listed, delivery: { kind: 'attached' } });
        room -= content.length;
      } else {
        const link = await deps.mail.link(file.key, { validForSeconds: FILE_LINK_SECONDS, filename: file.filename });
        out.listed.push({ ...listed, delivery: { kind: 'link', ...link } });
      }
    } catch (error) {
      if (!(error instanceof MailNotFoundError)) throw error;
      deps.log.warn('attachment no longer stored: listed as gone', { eventId: event.id, ticketKey: ticket.key });
      out.listed.push({ ...listed, delivery: { kind: 'missing' } });
    }
  }
  return out;
}
