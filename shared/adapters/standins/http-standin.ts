/**
 * The small HTTP server every strict stand-in runs on: loopback only (never reachable from
 * another machine), port 0 by default (the OS picks a free one), whole request bodies read
 * before the route answers, and every refusal kept so a test can assert that none happened.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandinRequest {
  method: string;
  /** path without the query string, percent-decoding left to the route */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface StandinAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One request the stand-in refused: which AWS error, which rule, where AWS documents it. */
export interface Refusal {
  service: 'sesv2' | 'eventbridge' | 's3' | 'ssm';
  /** the SDK exception name (or PutEvents entry ErrorCode) */
  name: string;
  rule: string;
  message: string;
  doc: string;
}

export interface RunningStandin {
  /** http://127.0.0.1:<port>, for a client's `endpoint` or AWS_ENDPOINT_URL_<SERVICE> */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** 0 (default): any free port */
  port?: number;
}

/** Starts `route` on 127.0.0.1; a route that throws answers 500 (a stand-in bug, not an AWS answer). */
export async function listenLoopback(
  route: (request: StandinRequest) => Promise<StandinAnswer> | StandinAnswer,
  options: ListenOptions = {},
): Promise<RunningStandin> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: StandinRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      Promise.resolve()
        .then(() => route(request))
        .then(
          (answer) => write(res, answer),
          (error: unknown) =>
            write(res, {
              status: 500,
              headers: { 'content-type': 'text/plain' },
              body: `stand-in failure: ${(error as Error).message}`,
            }),
        );
    });
  });
  // SDK clients keep connections alive, as with AWS: Node's agent frees an idle socket 1 s before the server's
  // `Keep-Alive: timeout` hint, so the hint must be well above 1 s (at 1 s every request opened a connection).
  // close() ends the idle ones itself (closeAllConnections), so a long timeout never holds it up.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function write(res: ServerResponse, answer: StandinAnswer): void {
  const body = answer.body ?? '';
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** A JSON answer. */
export const json = (status: number, value: unknown, headers: Record<string, string> = {}): StandinAnswer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

/**
 * Signature Version 4: every AWS API request carries an `AWS4-HMAC-SHA256` Authorization header
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-request.html). The
 * stand-ins do not verify the signature (the keys are fake), only that the request is signed for
 * the service, as a client pointed at AWS must: a missing or foreign signature is refused.
 */
export const SIGV4_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-request.html';

/** The credential scope's service of a SigV4 Authorization header, or null when unsigned. */
export function signedService(headers: IncomingMessage['headers']): string | null {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return null;
  const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  return scope ? scope[1]! : null;
}
