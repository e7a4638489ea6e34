/**
 * Fault injection at the AWS SDK boundary: a middleware on the real SDK clients that counts every
 * call and makes the Nth one fail the way AWS fails.
 *
 * - `throttle`: the service refuses the call (ThrottlingException / SlowDown / TooManyRequests);
 *   nothing happened on the server.
 * - `server-error`: a 500 (InternalServerError / InternalFailure); nothing happened on the server.
 * - `timeout`: the call reached the server and took effect, then the answer was lost
 *   (socket timeout, `TimeoutError`): the nasty one, it is what makes retries double things.
 *
 * The middleware sits at the `initialize` step, outside the SDK's own retry loop: an injected
 * fault is what the caller sees once the SDK's retries are spent, and it surfaces to our code as
 * it would in a Lambda (which then retries the whole invocation).
 *
 * DynamoDB runs against DynamoDB Local, so its client carries the middleware (`attach`). S3, SES
 * and EventBridge have no local stand-in and are answered by aws-sdk-client-mock, which replaces
 * `client.send` itself, so a mocked client's middleware stack never runs: `respond` wraps the
 * mock's responder in the same interceptor, so those calls are counted and failed identically.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { SESv2ServiceException } from '@aws-sdk/client-sesv2';

export type FaultKind = 'throttle' | 'server-error' | 'timeout';
export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'server-error', 'timeout'];

export type Service = 'DynamoDB' | 'S3' | 'SESv2' | 'EventBridge';

export interface CallRecord {
  index: number;
  service: Service;
  operation: string;
}

export interface InjectedFault extends CallRecord {
  kind: FaultKind;
}

/** What an SDK v3 client offers for middleware (its own types are generic per service). */
interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: 'initialize'; name: string; priority: 'high' }): void;
}

type ServiceExceptionCtor = new (options: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number };
  message: string;
}) => Error;

const exceptionBase: Record<Service, ServiceExceptionCtor> = {
  DynamoDB: DynamoDBServiceException as unknown as ServiceExceptionCtor,
  S3: S3ServiceException as unknown as ServiceExceptionCtor,
  SESv2: SESv2ServiceException as unknown as ServiceExceptionCtor,
  EventBridge: EventBridgeServiceException as unknown as ServiceExceptionCtor,
};

const throttleName: Record<Service, [string, number]> = {
  DynamoDB: ['ThrottlingException', 400],
  S3: ['SlowDown', 503],
  SESv2: ['TooManyRequestsException', 429],
  EventBridge: ['ThrottlingException', 400],
};

const serverErrorName: Record<Service, string> = {
  DynamoDB: 'InternalServerError',
  S3: 'InternalError',
  SESv2: 'InternalFailure',
  EventBridge: 'InternalException',
};

/** The error AWS (or the HTTP handler, for timeouts) would raise; marked so tests can tell it from a real one. */
export function faultError(service: Service, kind: FaultKind, operation: string): Error {
  if (kind === 'timeout') {
    return Object.assign(
      new Error(`injected: the socket timed out after the ${service} ${operation} call reached the server`),
      { name: 'TimeoutError', injected: true },
    );
  }
  const [name, status] = kind === 'throttle' ? throttleName[service] : [serverErrorName[service], 500];
  const error = new exceptionBase[service]({
    name,
    $fault: kind === 'throttle' ? 'client' : 'server',
    $metadata: { httpStatusCode: status },
    message: `injected ${kind} on ${service} ${operation}`,
  });
  return Object.assign(error, { injected: true });
}

export const isInjected = (error: unknown): boolean =>
  Boolean(error && typeof error === 'object' && (error as { injected?: boolean }).injected);

export class FaultInjector {
  /** every call seen, in order (the injection points) */
  readonly calls: CallRecord[] = [];
  /** faults actually raised */
  readonly injected: InjectedFault[] = [];
  private readonly plan = new Map<number, FaultKind>();
  private readonly rules: Array<{ match: (call: CallRecord) => boolean; kind: FaultKind; left: number }> = [];

  /** Fails the call with this 0-based index (counted across all attached clients). */
  failAt(index: number, kind: FaultKind): this {
    this.plan.set(index, kind);
    return this;
  }

  /** Fails the next `times` calls that match (for a stack whose call order is not predictable). */
  failWhen(match: (call: CallRecord) => boolean, kind: FaultKind, times = 1): this {
    this.rules.push({ match, kind, left: times });
    return this;
  }

  /** Forgets the plan and the counts (a new scenario). */
  reset(): void {
    this.calls.length = 0;
    this.injected.length = 0;
    this.plan.clear();
    this.rules.length = 0;
  }

  /** Counts and, when planned, fails the call that `run` performs. */
  async intercept<T>(service: Service, operation: string, run: () => Promise<T>): Promise<T> {
    const call: CallRecord = { index: this.calls.length, service, operation };
    this.calls.push(call);
    const rule = this.rules.find((r) => r.left > 0 && r.match(call));
    if (rule) rule.left--;
    const kind = this.plan.get(call.index) ?? rule?.kind;
    if (kind && kind !== 'timeout') {
      this.injected.push({ ...call, kind });
      throw faultError(service, kind, operation);
    }
    const result = await run();
    if (kind === 'timeout') {
      this.injected.push({ ...call, kind });
      throw faultError(service, kind, operation);
    }
    return result;
  }

  /** Adds the fault middleware to a real SDK client (DynamoDBClient, S3Client, SESv2Client, EventBridgeClient). */
  attach<C extends { middlewareStack: unknown }>(client: C, service: Service): C {
    const middleware =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) =>
        this.intercept(service, (context.commandName ?? 'unknown').replace(/Command$/, ''), () => next(args));
    (client.middlewareStack as MiddlewareStackLike).add(middleware, {
      step: 'initialize',
      name: 'maildeskFaultInjection',
      priority: 'high',
    });
    return client;
  }

  /** Wraps an aws-sdk-client-mock responder: `mock.on(Cmd).callsFake(faults.respond('S3', 'PutObject', fn))`. */
  respond<I, O>(service: Service, operation: string, fn: (input: I) => O | Promise<O>): (input: I) => Promise<O> {
    return (input: I) => this.intercept(service, operation, async () => fn(input));
  }
}
