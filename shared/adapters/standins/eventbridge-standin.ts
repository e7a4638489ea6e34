/**
 * A strict local EventBridge endpoint: PutEvents as the SDK speaks it (JSON 1.1, `POST /` with
 * `X-Amz-Target: AWSEvents.PutEvents`), checked by eventbridge-rules.ts. A broken request gets
 * AWS's JSON 1.1 error (`{ __type, message }`, HTTP 400: the SDK throws the named exception); a
 * broken entry fails alone in the answer's Entries. Events put are kept in order, as the bus's
 * rules would see them. Point a client at it with `endpoint`, or AWS_ENDPOINT_URL_EVENTBRIDGE.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { checkPutEvents, EVENTBRIDGE_DOCS, type EventBridgeAccount } from './eventbridge-rules';
import {
  json,
  listenLoopback,
  signedService,
  SIGV4_DOC,
  type ListenOptions,
  type Refusal,
  type RunningStandin,
  type StandinAnswer,
  type StandinRequest,
} from './http-standin';

export interface PutEvent {
  eventId: string;
  bus: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

export interface EventBridgeStandin extends RunningStandin {
  events: PutEvent[];
  refusals: Refusal[];
}

export interface EventBridgeStandinOptions extends ListenOptions {
  account: EventBridgeAccount;
}

const entryWire = z.object({
  Source: z.string().optional(),
  DetailType: z.string().optional(),
  Detail: z.string().optional(),
  EventBusName: z.string().optional(),
  Resources: z.array(z.string()).optional(),
  Time: z.union([z.number(), z.string()]).optional(),
});
const putEventsWire = z.object({ Entries: z.array(entryWire).optional() });

const JSON_11 = 'application/x-amz-json-1.1';

export async function startEventBridgeStandin(options: EventBridgeStandinOptions): Promise<EventBridgeStandin> {
  const events: PutEvent[] = [];
  const refusals: Refusal[] = [];
  const refuse = (name: string, rule: string, doc: string, message: string, status = 400): StandinAnswer => {
    refusals.push({ service: 'eventbridge', name, rule, message, doc });
    return json(status, { __type: name, message }, { 'content-type': JSON_11 });
  };

  const route = (request: StandinRequest): StandinAnswer => {
    const target = request.headers['x-amz-target'];
    if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      return refuse(
        'UnknownOperationException',
        'operation',
        EVENTBRIDGE_DOCS.putEvents,
        `The stand-in serves PutEvents only (${String(target)}).`,
      );
    }
    if (signedService(request.headers) !== 'events')
      return refuse(
        'MissingAuthenticationTokenException',
        'sigv4',
        SIGV4_DOC,
        'Request is missing a SigV4 signature for service events.',
        403,
      );
    let wire: z.infer<typeof putEventsWire>;
    try {
      wire = putEventsWire.parse(JSON.parse(request.body.toString('utf8')));
    } catch {
      return refuse(
        'SerializationException',
        'request-shape',
        EVENTBRIDGE_DOCS.putEvents,
        'The request body is not a PutEvents request.',
      );
    }
    const verdict = checkPutEvents(wire.Entries, options.account);
    if (verdict.request)
      return refuse(verdict.request.name, verdict.request.rule, verdict.request.doc, verdict.request.message);

    const answers = (wire.Entries ?? []).map((entry, i) => {
      const failed = verdict.entries[i];
      if (failed) {
        refusals.push({ service: 'eventbridge', ...failed });
        return { ErrorCode: failed.name, ErrorMessage: failed.message };
      }
      const eventId = randomUUID();
      const bus = entry.EventBusName ?? 'default';
      events.push({
        eventId,
        bus: bus.slice(bus.lastIndexOf('/') + 1),
        source: entry.Source!,
        detailType: entry.DetailType!,
        detail: JSON.parse(entry.Detail!) as Record<string, unknown>,
      });
      return { EventId: eventId };
    });
    return json(
      200,
      { FailedEntryCount: answers.filter((a) => 'ErrorCode' in a).length, Entries: answers },
      { 'content-type': JSON_11 },
    );
  };

  const server = await listenLoopback(route, options);
  return { ...server, events, refusals };
}
