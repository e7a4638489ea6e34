/** Labels and number formats shared by the report renderers (Russian headings, English codes). */
import { priorityNamesRu } from '../domain/priorities';
import { localInstantText } from '../instant-text';
import type { SlaReport, SlaRow } from './sla-report';

export const columns = [
  { key: 'priority', ru: 'Приоритет', en: 'priority' },
  { key: 'opened', ru: 'Открыто', en: 'opened' },
  { key: 'closed', ru: 'Закрыто', en: 'closed' },
  { key: 'breached', ru: 'Нарушено', en: 'breached' },
  { key: 'met', ru: 'SLA соблюдён', en: 'met %' },
  { key: 'firstResponseMedian', ru: 'Первый ответ, медиана, ч', en: 'first response median, bh' },
  { key: 'firstResponseP90', ru: 'Первый ответ, p90, ч', en: 'first response p90, bh' },
  { key: 'resolutionMedian', ru: 'Решение, медиана, ч', en: 'resolution median, bh' },
  { key: 'resolutionP90', ru: 'Решение, p90, ч', en: 'resolution p90, bh' },
  { key: 'paused', ru: 'Ожидание клиента, ч', en: 'paused, bh' },
  { key: 'autoClosed', ru: 'Автозакрыто', en: 'auto-closed' },
] as const;
export type ColumnKey = (typeof columns)[number]['key'];

export const DASH = '—';

/** Hours with at most two decimals: 2.5, 27, 0.75. */
export const fmtHours = (h: number | null): string => (h === null ? DASH : String(Number(h.toFixed(2))));

export const fmtPercent = (p: number | null): string => (p === null ? DASH : `${Number(p.toFixed(1))}%`);

export const priorityLabel = (p: SlaRow['priority']): string =>
  p === 'all' ? 'Итого (all)' : `${priorityNamesRu[p]} (${p})`;

/** The text of each cell of a row, as every human-readable renderer shows it. */
export function cells(row: SlaRow): Record<ColumnKey, string> {
  return {
    priority: priorityLabel(row.priority),
    opened: String(row.opened),
    closed: String(row.closed),
    breached: String(row.breached),
    met: row.metPercent === null ? DASH : `${fmtPercent(row.metPercent)} (${row.met}/${row.settled})`,
    firstResponseMedian: fmtHours(row.firstResponse.medianHours),
    firstResponseP90: fmtHours(row.firstResponse.p90Hours),
    resolutionMedian: fmtHours(row.resolution.medianHours),
    resolutionP90: fmtHours(row.resolution.p90Hours),
    paused: fmtHours(row.pausedHours),
    autoClosed: String(row.autoClosed),
  };
}

/** 2026-11-25T12:00:00Z -> "25.11.2026 15:00" in the report's zone. */
export function fmtInstant(iso: string, timeZone: string): string {
  return localInstantText(iso, timeZone, 'ru-RU');
}

/** The month is not over when the report is made: it covers the month to date. */
export const isMonthToDate = (report: SlaReport): boolean => Date.parse(report.generatedAt) < Date.parse(report.to);

/** "01.11.2026 — 30.11.2026" (the last day of the month, inclusive; today's date for a month to date). */
export function periodText(report: SlaReport): string {
  const day = (iso: string) =>
    new Intl.DateTimeFormat('ru-RU', {
      timeZone: report.timezone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    }).format(new Date(iso));
  const last = isMonthToDate(report) ? report.generatedAt : new Date(Date.parse(report.to) - 1).toISOString();
  return `${day(report.from)} — ${day(last)}`;
}

/** The title's tail: the month, and for a month to date the instant it reports up to. */
export function monthTitle(report: SlaReport): string {
  if (!isMonthToDate(report)) return report.month;
  return `${report.month}, с начала месяца по ${fmtInstant(report.generatedAt, report.timezone)} (month to date)`;
}

export const definitions: string[] = [
  'Открыто (opened): заявки, созданные в этом месяце.',
  'Закрыто (closed): заявки, впервые получившие финальный статус в этом месяце ' +
    '(closed, duplicate, infeasible, cancelled, closed_no_response).',
  'Нарушено (breached): заявки, крайний срок которых был нарушен в этом месяце (событие sla.breached).',
  'SLA соблюдён (met %): доля заявок со сроком, исход которых определился в этом месяце, ' +
    'решённых до нарушения срока (соблюдено/всего).',
  'Первый ответ (first response): от создания до первого выхода из статуса «Открыто»; ' +
    'решение (resolution): от создания до первого финального статуса. ' +
    'Рабочие часы по календарю поддержки; медиана и p90 (по рангу).',
  'Ожидание клиента (paused): рабочие часы в этом месяце, когда заявки ждали ответа клиента (часы SLA остановлены).',
  'Автозакрыто (auto-closed): заявки, закрытые системой из-за отсутствия ответа клиента.',
];
