/**
 * EventBridge for the tests, strict: every PutEvents passes shared/adapters/standins/eventbridge-rules.ts
 * first, as strict-ses.ts does for SES. A broken request throws the SDK's exception (AWS's name and
 * status); a broken entry comes back failed in Entries (FailedEntryCount), as AWS answers. For a
 * permissive aws-sdk-client-mock on PutEventsCommand: wrap its responder with `respond`.
 */
import {
  EventBridgeServiceException,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import {
  checkPutEvents,
  type EventBridgeAccount,
  type EventBridgeRejection,
} from '../../shared/adapters/standins/eventbridge-rules';

export type PutEventsResponder = (
  input: PutEventsCommandInput,
) => Promise<Partial<PutEventsCommandOutput>> | Partial<PutEventsCommandOutput>;

export interface StrictEventBridge {
  /** every refusal, whole request or entry, in order */
  rejections: EventBridgeRejection[];
  /** validate, then hand the entries that pass to `inner` (its answer's Entries are merged back in order) */
  respond: (inner: PutEventsResponder) => (input: PutEventsCommandInput) => Promise<Partial<PutEventsCommandOutput>>;
}

export function strictEventBridge(account: EventBridgeAccount): StrictEventBridge {
  const rejections: EventBridgeRejection[] = [];
  return {
    rejections,
    respond: (inner) => async (input) => {
      const entries = (input.Entries ?? []).map((e) => ({
        ...e,
        Time: e.Time ? Math.floor(e.Time.getTime() / 1000) : undefined,
      }));
      const verdict = checkPutEvents(entries, account);
      if (verdict.request) {
        rejections.push(verdict.request);
        throw new EventBridgeServiceException({
          name: verdict.request.name,
          $fault: 'client',
          message: verdict.request.message,
          $metadata: { httpStatusCode: 400 },
        });
      }
      const passing = (input.Entries ?? []).filter((_, i) => verdict.entries[i] === null);
      const answered = passing.length > 0 ? ((await inner({ ...input, Entries: passing })).Entries ?? []) : [];
      let next = 0;
      const merged = verdict.entries.map((failed) => {
        if (!failed) return answered[next++] ?? {};
        rejections.push(failed);
        return { ErrorCode: failed.name, ErrorMessage: failed.message };
      });
      return { FailedEntryCount: merged.filter((e) => 'ErrorCode' in e && e.ErrorCode).length, Entries: merged };
    },
  };
}
