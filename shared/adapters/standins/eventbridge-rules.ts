/**
 * What EventBridge PutEvents refuses, checked the way AWS documents it. Pure: no I/O. A broken
 * request fails whole (the SDK throws the named exception); a broken entry fails alone, reported
 * in the answer's Entries with an ErrorCode and counted in FailedEntryCount, as AWS does.
 */

export const EVENTBRIDGE_DOCS = {
  putEvents: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html',
  entry: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html',
  entrySize: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html',
  events: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html',
} as const;

/** API_PutEvents: Entries has 1 to 10 members. */
export const MAX_ENTRIES = 10;
/** eb-putevent-size: the entries of one request total less than 256 KB. */
export const MAX_ENTRIES_BYTES = 256 * 1024;
/** API_PutEventsRequestEntry: DetailType is at most 128 characters. */
export const MAX_DETAIL_TYPE = 128;

/** The wire form of one entry (Time as the SDK sends it: epoch seconds). */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number | string;
}

export interface EventBridgeAccount {
  /** the buses that exist (names); `default` always does */
  busNames: readonly string[];
  /** the stack's rule, not AWS's: every entry names this bus (the default bus has none of our rules) */
  requiredBus?: string;
}

export interface EventBridgeRejection {
  /** SDK exception name (whole request) or the entry's ErrorCode */
  name: string;
  rule: string;
  message: string;
  doc: string;
}

export interface PutEventsVerdict {
  /** the whole request refused (HTTP 400): no entry is put */
  request: EventBridgeRejection | null;
  /** one per entry, in order: null when put */
  entries: Array<EventBridgeRejection | null>;
}

const utf8 = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));

/** eb-putevent-size: Time counts 14 bytes; Source, DetailType, Detail and each Resource their UTF-8 bytes. */
export function entrySize(entry: PutEventsEntry): number {
  return (
    (entry.Time !== undefined ? 14 : 0) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((n, r) => n + utf8(r), 0)
  );
}

/** The bus an EventBusName names: a name, or the name at the end of an event-bus ARN. */
const busOf = (nameOrArn: string | undefined) =>
  nameOrArn === undefined
    ? 'default'
    : nameOrArn.startsWith('arn:')
      ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1)
      : nameOrArn;

const fail = (name: string, rule: string, doc: string, message: string): EventBridgeRejection => ({
  name,
  rule,
  doc,
  message,
});

export function checkPutEvents(
  entries: readonly PutEventsEntry[] | undefined,
  account: EventBridgeAccount,
): PutEventsVerdict {
  const whole = (rejection: EventBridgeRejection): PutEventsVerdict => ({ request: rejection, entries: [] });
  const list = entries ?? [];
  // API_PutEvents: Entries, 1 to 10 members (a length-constraint validation error).
  if (list.length < 1 || list.length > MAX_ENTRIES) {
    return whole(
      fail(
        'ValidationException',
        'entry-count',
        EVENTBRIDGE_DOCS.putEvents,
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ` +
          `between 1 and ${MAX_ENTRIES} (got ${list.length}).`,
      ),
    );
  }
  // eb-putevent-size: the request's entries total under 256 KB.
  const total = list.reduce((n, e) => n + entrySize(e), 0);
  if (total >= MAX_ENTRIES_BYTES)
    return whole(
      fail(
        'ValidationException',
        'entries-size',
        EVENTBRIDGE_DOCS.entrySize,
        `Total size of the entries in the request is over the limit (${total} bytes, limit ${MAX_ENTRIES_BYTES}).`,
      ),
    );
  // API_PutEventsRequestEntry: DetailType at most 128 characters (a length-constraint validation error).
  if (list.some((e) => (e.DetailType?.length ?? 0) > MAX_DETAIL_TYPE)) {
    return whole(
      fail(
        'ValidationException',
        'detail-type-length',
        EVENTBRIDGE_DOCS.entry,
        `1 validation error detected: DetailType must have length less than or equal to ${MAX_DETAIL_TYPE}.`,
      ),
    );
  }
  // API_PutEventsRequestEntry (EventBusName): the named bus must exist.
  const missingBus = list
    .map((e) => busOf(e.EventBusName))
    .find((bus) => bus !== 'default' && !account.busNames.includes(bus));
  if (missingBus !== undefined)
    return whole(
      fail(
        'ResourceNotFoundException',
        'bus-exists',
        EVENTBRIDGE_DOCS.entry,
        `Event bus ${missingBus} does not exist.`,
      ),
    );

  const verdicts = list.map((entry) => checkEntry(entry, account));
  // API_PutEventsRequestEntry: when no entry has Source, DetailType and Detail, the whole request fails.
  if (verdicts.every((v) => v?.rule === 'required-fields')) {
    return whole(
      fail(
        'ValidationException',
        'required-fields',
        EVENTBRIDGE_DOCS.entry,
        'Parameters Source, DetailType and Detail are required for at least one entry.',
      ),
    );
  }
  return { request: null, entries: verdicts };
}

function checkEntry(entry: PutEventsEntry, account: EventBridgeAccount): EventBridgeRejection | null {
  // API_PutEventsRequestEntry: Detail, DetailType and Source are required; an entry without them fails.
  if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
    return fail(
      'InvalidArgument',
      'required-fields',
      EVENTBRIDGE_DOCS.entry,
      'Parameters Source, DetailType and Detail are required.',
    );
  }
  // API_PutEventsRequestEntry: Detail is a valid JSON object (not an array, string or number).
  if (!isJsonObject(entry.Detail))
    return fail(
      'MalformedDetail',
      'detail-json-object',
      EVENTBRIDGE_DOCS.entry,
      'Detail is malformed: it must be a JSON object.',
    );
  // eb-events-structure: sources starting with `aws.` are reserved for AWS services.
  if (entry.Source.startsWith('aws.'))
    return fail(
      'NotAuthorizedForSourceException',
      'source-reserved',
      EVENTBRIDGE_DOCS.events,
      `Not authorized for the source ${entry.Source}.`,
    );
  if (account.requiredBus !== undefined && busOf(entry.EventBusName) !== account.requiredBus) {
    return fail(
      'InvalidArgument',
      'bus-named',
      EVENTBRIDGE_DOCS.entry,
      `maildesk rule: every entry names bus ${account.requiredBus} (got ${busOf(entry.EventBusName)}); the default ` +
        `bus has none of the stack's rules.`,
    );
  }
  return null;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
