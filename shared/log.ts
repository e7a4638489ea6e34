/**
 * Structured JSON logs, one line per entry. Only keys and reasons go in: never a mail body,
 * a field value or an attachment name (patients' data).
 */
export type LogFields = Record<string, string | number | boolean | null | undefined | string[]>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** security-relevant: forged engineer mail, cross-tenant tag */
  security(message: string, fields?: LogFields): void;
}

type Level = 'info' | 'warn' | 'error' | 'security';

export function jsonLogger(
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  service = 'maildesk',
): Logger {
  const emit =
    (level: Level) =>
    (message: string, fields: LogFields = {}) =>
      write(JSON.stringify({ level, service, time: new Date().toISOString(), message, ...fields }));
  return { info: emit('info'), warn: emit('warn'), error: emit('error'), security: emit('security') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, security() {} };

/** Collects entries in memory; tests assert on reasons and that no body leaks into logs. */
export function memoryLogger(): Logger & { entries: Array<{ level: Level; message: string; fields: LogFields }> } {
  const entries: Array<{ level: Level; message: string; fields: LogFields }> = [];
  const push =
    (level: Level) =>
    (message: string, fields: LogFields = {}) =>
      void entries.push({ level, message, fields });
  return { entries, info: push('info'), warn: push('warn'), error: push('error'), security: push('security') };
}
