/**
 * The tests' database endpoint: a loopback port that starts DynamoDB Local on its first connection
 * and then passes bytes through. A run of unit tests (no connection) never starts Java, so it
 * needs none; when Java is missing, every request gets one DynamoDB-shaped error saying what to
 * install (the SDK throws it as `DynamoDbLocalUnavailable`), and the tests that need no database pass.
 */
import { connect, createServer, type Socket } from 'node:net';
import {
  startDynamoDbLocal,
  type DynamoDbLocalOptions,
  type RunningDynamoDbLocal,
} from '../../shared/adapters/dynamodb-local';

export interface LazyDynamoDbLocal {
  endpoint: string;
  /** whether DynamoDB Local was started (or tried): a test connected, or prewarm() */
  started(): boolean;
  /** starts it now, before any test connects (a failure is reported at the first connection) */
  prewarm(): void;
  stop(): Promise<void>;
}

/** An HTTP answer in DynamoDB's JSON error shape, so the SDK reports our message (400: not retried). */
function unavailable(client: Socket, message: string): void {
  const body = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#DynamoDbLocalUnavailable', message });
  client.once('data', () =>
    client.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    ),
  );
  client.resume();
}

export async function startLazyDynamoDbLocal(
  options: Pick<DynamoDbLocalOptions, 'env'> & { onFailure?: (message: string) => void } = {},
): Promise<LazyDynamoDbLocal> {
  let db: Promise<RunningDynamoDbLocal> | null = null;
  let failure = '';
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const start = () =>
    (db ??= startDynamoDbLocal({ env: options.env }).catch((error: Error) => {
      failure = `DynamoDB Local could not start, so the tests that need the database fail (the others run): ${error.message}`;
      options.onFailure?.(failure);
      throw error;
    }));
  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    start().then(
      (running) => {
        if (client.destroyed) return;
        const upstream = connect(running.port, '127.0.0.1');
        track(upstream);
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      },
      () => unavailable(client, failure),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    started: () => db !== null,
    prewarm: () => void start().catch(() => undefined),
    async stop() {
      await new Promise<void>((done) => {
        server.close(() => done());
        for (const socket of sockets) socket.destroy();
      });
      const running = await db?.catch(() => null);
      await running?.stop();
    },
  };
}
