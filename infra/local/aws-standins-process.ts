/**
 * The stack's side of its AWS stand-ins' process (aws-standins.ts): forked with the same node and TypeScript
 * loader as the stack, called over the IPC channel, stopped with the stack. The child exits when the channel
 * closes, so a stack killed with SIGKILL leaves no orphan holding the SMTP port.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../shared/log';
import type { LocalStandins, ReceiveStored } from './local-standins';
import { toStack, type ToStandins } from './standins-protocol';

const script = fileURLToPath(new URL('./aws-standins.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Profilers and debuggers, and the flags whose value follows them as the next argument. */
const ownFlag = /^--(cpu-prof|heap-prof|prof|inspect|debug)/;
const takesValue = /^--(cpu-prof|heap-prof)-(dir|name|interval)$/;

/**
 * The node flags for the child: the parent's TypeScript loader (`tsx` as `npm start` runs it, `--import tsx` or
 * tsx's CLI's `--require preflight --import loader`), without profilers (a bench's --cpu-prof is the stack's).
 * A parent run by another loader (vitest) gets tsx.
 */
export function standinsExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  if (!execArgv.some((a) => a.includes('tsx'))) return ['--import', 'tsx'];
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (!ownFlag.test(arg)) kept.push(arg);
    else if (takesValue.test(arg)) i++;
  }
  return kept;
}

/** The script's name, which the bench looks for in /proc/<pid>/cmdline to count this process's CPU apart. */
export const STANDINS_SCRIPT = 'infra/local/aws-standins.ts';

/** A call without its number, for each kind (Omit over the union, distributed). */
type Call<T = ToStandins> = T extends { kind: 'received' } ? never : Omit<T, 'n'>;

export interface ChildStandins extends LocalStandins {
  pid: number;
}

export async function childProcessStandins(log: Logger): Promise<ChildStandins> {
  const child: ChildProcess = fork(script, [], {
    cwd: projectRoot,
    execArgv: standinsExecArgv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const calls = new Map<number, { done: (value: unknown) => void; fail: (error: Error) => void }>();
  let called = 0;
  let receive: ReceiveStored | null = null;
  let stopping = false;
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const send = (message: ToStandins) => {
    if (child.connected) child.send(message);
  };
  const hello = new Promise<void>((done, fail) => {
    child.on('message', (raw: unknown) => {
      const parsed = toStack.safeParse(raw);
      if (!parsed.success) return log.error('aws stand-ins: unexpected message', { message: JSON.stringify(raw) });
      const message = parsed.data;
      if (message.kind === 'hello') return done();
      if (message.kind === 'reply' || message.kind === 'refused') {
        const call = calls.get(message.n);
        calls.delete(message.n);
        if (message.kind === 'reply') call?.done(message.value);
        else call?.fail(new Error(message.message));
        return;
      }
      const run = receive ? receive(message.id, message.recipients) : Promise.reject(new Error('SMTP not started'));
      run.then(
        () => send({ kind: 'received', n: message.n }),
        (error: Error) => send({ kind: 'received', n: message.n, error: error.message }),
      );
    });
    void exited.then((code) => {
      const error = new Error(`the AWS stand-ins' process (${STANDINS_SCRIPT}) exited (${code})`);
      fail(error);
      for (const call of calls.values()) call.fail(error);
      calls.clear();
      if (!stopping) log.error('aws stand-ins exited: no SMTP, no SES until restarted', { code: code ?? -1 });
    });
  });
  const call = (message: Call) =>
    new Promise<unknown>((done, fail) => {
      if (!child.connected) return fail(new Error(`the AWS stand-ins' process (${STANDINS_SCRIPT}) is gone`));
      const n = ++called;
      calls.set(n, { done, fail });
      send({ ...message, n } as ToStandins);
    });
  const stop = async () => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    // The channel closing is the child's cue to stop; SIGKILL if it has not within 5 s.
    if (child.connected) child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await hello;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    startSes: async (verifiedIdentities, outbox) =>
      String(await call({ kind: 'start-ses', verifiedIdentities, outbox })),
    async startSmtp(port, mailDir, onReceived) {
      receive = onReceived;
      return Number(await call({ kind: 'start-smtp', port, mailDir }));
    },
    closeSmtp: async () => {
      if (child.connected) await call({ kind: 'close-smtp' });
    },
    close: stop,
  };
}
