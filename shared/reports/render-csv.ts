/** The SLA report as CSV (RFC 4180): one line per tenant and priority, plus the totals ('all'). */
import type { SlaReport, SlaRow } from './sla-report';

export const csvHeader = [
  'month',
  'tenant',
  'priority',
  'opened',
  'closed',
  'breached',
  'settled',
  'met',
  'met_percent',
  'first_response_count',
  'first_response_median_bh',
  'first_response_p90_bh',
  'resolution_count',
  'resolution_median_bh',
  'resolution_p90_bh',
  'paused_bh',
  'auto_closed',
] as const;

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const num = (v: number | null) => (v === null ? '' : String(v));

function line(month: string, r: SlaRow): string {
  return [
    month,
    r.tenant,
    r.priority,
    num(r.opened),
    num(r.closed),
    num(r.breached),
    num(r.settled),
    num(r.met),
    num(r.metPercent),
    num(r.firstResponse.count),
    num(r.firstResponse.medianHours),
    num(r.firstResponse.p90Hours),
    num(r.resolution.count),
    num(r.resolution.medianHours),
    num(r.resolution.p90Hours),
    num(r.pausedHours),
    num(r.autoClosed),
  ]
    .map(quote)
    .join(',');
}

export function renderCsv(report: SlaReport): string {
  const lines = [csvHeader.join(',')];
  for (const t of report.tenants) for (const r of [...t.rows, t.total]) lines.push(line(report.month, r));
  if (report.tenants.length > 1) lines.push(line(report.month, report.total));
  return `${lines.join('\r\n')}\r\n`;
}
