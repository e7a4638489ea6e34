/**
 * SMTP on 127.0.0.1 in place of SES receiving: takes any mail (no auth, no TLS, up to SES's 40 MB) and hands its
 * raw bytes and envelope recipients to `accept`, whose answer (the queue id) or error goes back to the sender.
 */
import { SMTPServer } from 'smtp-server';

export interface SmtpReceiver {
  /** the port it listens on (the one asked for, or the free one picked for 0) */
  port: number;
  close(): Promise<void>;
}

export async function startSmtpReceiver(
  port: number,
  accept: (chunks: Buffer[], recipients: string[]) => Promise<string>,
): Promise<SmtpReceiver> {
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'maildesk local',
    size: 40 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        accept(chunks, recipients)
          .then((id) => callback(null, `queued as ${id}`))
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((done, fail) => {
    smtp.once('error', fail);
    smtp.listen(port, '127.0.0.1', () => done());
  }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE'
      ? new Error(
          `SMTP port ${port} on 127.0.0.1 is in use: set MAILDESK_SMTP_PORT to a free port ` +
            '(or stop the program holding it)',
          { cause: error },
        )
      : error;
  });
  const address = smtp.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((done) => smtp.close(() => done())),
  };
}
