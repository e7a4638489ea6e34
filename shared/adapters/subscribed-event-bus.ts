/**
 * The local stand-in for EventBridge rules: publishes to the inner bus (the events file), then
 * hands each event to the subscribers, as rule targets would. A subscriber's failure is retried a
 * few times and then logged; it never fails the publisher (EventBridge targets fail on their own).
 */
import type { Logger } from '../log';
import type { BusEvent, EventBus } from '../use-cases/ports';

export interface BusSubscriber {
  name: string;
  handle(event: BusEvent): Promise<unknown>;
}

export class SubscribedEventBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly subscribers: readonly BusSubscriber[],
    private readonly log: Logger,
    private readonly attempts = 3,
    private readonly backoffMs = 200,
  ) {}

  async publish(events: BusEvent[]): Promise<void> {
    await this.inner.publish(events);
    for (const event of events) for (const subscriber of this.subscribers) await this.deliver(subscriber, event);
  }

  private async deliver(subscriber: BusSubscriber, event: BusEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await subscriber.handle(event);
        return;
      } catch (error) {
        if (attempt >= this.attempts) {
          this.log.error('bus subscriber failed: gave up', {
            subscriber: subscriber.name,
            eventId: event.id,
            eventType: event.type,
            error: (error as Error).name,
          });
          return;
        }
        await new Promise((r) => setTimeout(r, this.backoffMs * attempt));
      }
    }
  }
}
