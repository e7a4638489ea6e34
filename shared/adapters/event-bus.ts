/** The maildesk EventBridge bus, and its local stand-in: a JSON-lines file. */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BusEvent, EventBus } from '../use-cases/ports';

export const EVENT_SOURCE = 'maildesk';

export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: BusEvent[]): Promise<void> {
    // PutEvents takes at most 10 entries per call.
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: e.type,
            Detail: JSON.stringify({ id: e.id, ...e.detail }),
          })),
        }),
      );
      if (result.FailedEntryCount)
        throw new Error(`EventBridge rejected ${result.FailedEntryCount} of ${batch.length} events`);
    }
  }
}

export class FileEventBus implements EventBus {
  constructor(private readonly file: string) {}

  async publish(events: BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(
      this.file,
      events
        .map((e) => JSON.stringify({ source: EVENT_SOURCE, 'detail-type': e.type, detail: { id: e.id, ...e.detail } }))
        .join('\n') + '\n',
    );
  }
}
