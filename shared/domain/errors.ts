/**
 * Few, named errors. Permanent ones are logged and answered; transient ones (throttling, 5xx)
 * are rethrown so Lambda retries and the DLQ catches the rest. Names are literals: minifiers mangle class names.
 */
export class MailNotFoundError extends Error {
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`raw mail not found: ${key}`, options);
    this.name = 'MailNotFoundError';
  }
}

export class TicketNotFoundError extends Error {
  constructor(
    readonly ticketKey: string,
    options?: { cause?: unknown },
  ) {
    super(`ticket not found: ${ticketKey}`, options);
    this.name = 'TicketNotFoundError';
  }
}

/** Optimistic locking lost too many times in a row: let Lambda retry the whole mail. */
export class ConcurrentUpdateError extends Error {
  constructor(readonly ticketKey: string) {
    super(`ticket ${ticketKey} kept changing under us; retry`);
    this.name = 'ConcurrentUpdateError';
  }
}
