/**
 * The local stack's stand-ins for AWS's own work, not our Lambdas': SES receiving (SMTP on 127.0.0.1, the raw mail
 * stored in the mail folder with SES's receipt block, then the inbound "Lambda" asked to run on it) and SES
 * sending (the strict SES v2 endpoint writing the outbox). Run here in the stack's process, or in their own
 * process (aws-standins.ts, driven by aws-standins-process.ts) so the stack's CPU is what Lambda would bill.
 */
import { randomBytes } from 'node:crypto';
import { FolderMailStore } from '../../shared/adapters/folder-mail-store';
import { INBOUND_PREFIX, localReceiptHeaders, parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { startSesStandin } from '../../shared/adapters/standins/ses-v2-standin';
import type { InboundMail } from '../../shared/use-cases/receive-mail';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver';

/** SES-like message ids: unique, sortable by arrival, safe as an object key. */
export const newInboundId = () => `${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;

/** The SES event's record for a mail received on loopback (it counts as passing DKIM/SPF, see README). */
export const localInbound = (id: string, recipients: string[]): InboundMail =>
  parseSesEvent(sesEventFor(id, recipients))[0]!;

/** What SES receiving does before it invokes the Lambda: the raw mail in the bucket under `inbound/<id>`. */
export async function storeReceived(store: FolderMailStore, chunks: Buffer[], recipients: string[]): Promise<string> {
  const id = newInboundId();
  // Stored as SES stores it: its receipt block (the verdicts) above the message, so a replay judges it the same.
  const receipt = localReceiptHeaders(id, localInbound(id, recipients).verdicts);
  await store.put(`${INBOUND_PREFIX}${id}`, Buffer.concat([Buffer.from(receipt), ...chunks]));
  return id;
}

/** Runs the inbound use case on a stored mail; SMTP answers `250` only once it resolved. */
export type ReceiveStored = (id: string, recipients: string[]) => Promise<void>;

export interface LocalStandins {
  /** the strict SES v2 endpoint writing each accepted mail to `outbox`; resolves to its http://127.0.0.1:<port> */
  startSes(verifiedIdentities: string[], outbox: string): Promise<string>;
  /** SMTP on 127.0.0.1:`port` (0: a free one) into `mailDir`; resolves to the port */
  startSmtp(port: number, mailDir: string, receive: ReceiveStored): Promise<number>;
  /** stops taking mail (a session under way finishes) */
  closeSmtp(): Promise<void>;
  /** stops everything */
  close(): Promise<void>;
}

export function inProcessStandins(): LocalStandins {
  let smtp: SmtpReceiver | null = null;
  const closers: Array<() => Promise<void>> = [];
  return {
    async startSes(verifiedIdentities, outbox) {
      const standin = await startSesStandin({ account: { verifiedIdentities }, folder: outbox });
      closers.push(() => standin.close());
      return standin.endpoint;
    },
    async startSmtp(port, mailDir, receive) {
      const store = new FolderMailStore(mailDir);
      smtp = await startSmtpReceiver(port, async (chunks, recipients) => {
        const id = await storeReceived(store, chunks, recipients);
        await receive(id, recipients);
        return id;
      });
      return smtp.port;
    },
    async closeSmtp() {
      await smtp?.close();
      smtp = null;
    },
    async close() {
      await this.closeSmtp();
      await Promise.all(closers.splice(0).map((close) => close()));
    },
  };
}
