/**
 * The local stack's AWS stand-ins in their own process (issue 18): SES receiving (SMTP on 127.0.0.1 into the mail
 * folder) and the strict SES v2 endpoint (into the outbox). On AWS this is SES's work, not our Lambdas': apart,
 * the stack's own CPU is what Lambda would bill. Started by aws-standins-process.ts with an IPC channel; exits
 * when the channel closes (the stack stopped, or died: no orphan holding the SMTP port).
 */
import { toStandins, type ToStack } from './standins-protocol';
import { inProcessStandins } from './local-standins';

const standins = inProcessStandins();
const waiting = new Map<number, { done: () => void; fail: (error: Error) => void }>();
let asked = 0;

const tell = (message: ToStack) => {
  if (process.connected) process.send!(message);
};

/** As SES invokes the inbound Lambda: the stack runs it, and SMTP answers once it has. */
const receive = (id: string, recipients: string[]) =>
  new Promise<void>((done, fail) => {
    if (!process.connected) return fail(new Error('the local stack is stopping'));
    const n = ++asked;
    waiting.set(n, { done, fail });
    tell({ kind: 'inbound', n, id, recipients });
  });

process.on('message', (raw: unknown) => {
  const parsed = toStandins.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`aws stand-ins: unexpected message from the stack: ${JSON.stringify(raw)}\n`);
    return;
  }
  const message = parsed.data;
  if (message.kind === 'received') {
    const answer = waiting.get(message.n);
    waiting.delete(message.n);
    if (message.error === undefined) answer?.done();
    else answer?.fail(new Error(message.error));
    return;
  }
  const run =
    message.kind === 'start-ses'
      ? standins.startSes(message.verifiedIdentities, message.outbox)
      : message.kind === 'start-smtp'
        ? standins.startSmtp(message.port, message.mailDir, receive)
        : standins.closeSmtp();
  run.then(
    (value) => tell({ kind: 'reply', n: message.n, ...(value === undefined ? {} : { value }) }),
    (error: Error) => tell({ kind: 'refused', n: message.n, message: error.message }),
  );
});

let exiting = false;
const exit = async () => {
  if (exiting) return;
  exiting = true;
  for (const answer of waiting.values()) answer.fail(new Error('the local stack stopped'));
  waiting.clear();
  // An SMTP client holding its connection open must not keep us (and the port) alive.
  const stopped = standins.close().catch(() => undefined);
  await Promise.race([stopped, new Promise((r) => setTimeout(r, 2_000).unref())]);
  process.exit(0);
};
process.on('disconnect', () => void exit());
// Ctrl-C reaches the whole process group: the stack finishes its own stop first, then closes the channel.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void exit());

if (!process.send) {
  process.stderr.write('aws-standins.ts is started by the local stack (infra/local/start.ts), with an IPC channel\n');
  process.exit(2);
}
tell({ kind: 'hello' });
