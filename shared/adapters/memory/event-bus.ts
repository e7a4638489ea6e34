/** The event bus in memory: counts what was published. */
import type { BusEvent, EventBus } from '../../use-cases/ports';

export class MemoryBus implements EventBus {
  published = 0;
  async publish(events: BusEvent[]): Promise<void> {
    this.published += events.length;
  }
}
