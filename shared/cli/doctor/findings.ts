/** What a doctor check answers (ok / warn / fail, with a fix), and how findings print on a terminal. */
import { terminalLine } from '../terminal-text';

export type Status = 'ok' | 'warn' | 'fail';
export interface Finding {
  status: Status;
  /** short name of the check, e.g. `dmarc engineers:corp.example` */
  check: string;
  detail: string;
  /** what to do, for warn and fail */
  fix?: string;
}

export const ok = (check: string, detail: string): Finding => ({ status: 'ok', check, detail });
export const warn = (check: string, detail: string, fix: string): Finding => ({ status: 'warn', check, detail, fix });
export const fail = (check: string, detail: string, fix: string): Finding => ({ status: 'fail', check, detail, fix });

export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
export const errorName = (error: unknown) => (error instanceof Error ? error.name : String(error));
export const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const MARK: Record<Status, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/**
 * One line per finding (`fix:` indented under it) and a count; everything terminal-safe (DNS answers are
 * outside text).
 */
export function formatFindings(findings: readonly Finding[]): string {
  const width = Math.min(28, Math.max(...findings.map((f) => f.check.length)));
  const lines = findings.flatMap((f) => {
    const line = `${MARK[f.status]}  ${terminalLine(f.check).padEnd(width)}  ${terminalLine(f.detail)}`;
    return f.fix ? [line, `${' '.repeat(width + 8)}fix: ${terminalLine(f.fix)}`] : [line];
  });
  const count = (s: Status) => findings.filter((f) => f.status === s).length;
  lines.push('', `${count('fail')} failed, ${count('warn')} warnings, ${count('ok')} ok`);
  return lines.join('\n');
}
