/**
 * The monthly SLA report mail: a short summary in the body (the HTML report is attached by
 * sendMonthlyReports). Figures come from the report, never from the text.
 */
import type { Tenant } from '../../config';
import { fmtHours, fmtPercent } from '../../reports/format';
import type { SlaReport } from '../../reports/sla-report';
import type { Language, Letter } from './parts';
import { wordsOf } from './wording';

/** "март 2026", "March 2026" from YYYY-MM. */
export function monthName(month: string, lang: Language): string {
  return `${wordsOf(lang).report.months[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

/** The report mail of one tenant (its report holds that tenant alone). */
export function reportLetter(report: SlaReport, tenant: Tenant): Letter {
  const lang = tenant.language;
  const w = wordsOf(lang).report;
  const t = report.tenants[0]!.total;
  const when = monthName(report.month, lang);
  const met = t.metPercent === null ? w.noDeadlines : `${w.decimal(fmtPercent(t.metPercent))} (${t.met}/${t.settled})`;
  const hours = (h: number | null) => w.decimal(fmtHours(h));
  const lines = [
    w.heading(when, tenant.name),
    '',
    `${w.opened}: ${t.opened}`,
    `${w.closed}: ${t.closed}`,
    `${w.breached}: ${t.breached}`,
    `${w.met}: ${met}`,
    w.medians(hours(t.firstResponse.medianHours), hours(t.resolution.medianHours)),
    `${w.paused}: ${hours(t.pausedHours)}`,
    `${w.autoClosed}: ${t.autoClosed}`,
    '',
    w.attached,
  ];
  return {
    subject: w.subject(when, tenant.name),
    text: [wordsOf(lang).greeting, '', ...lines, '', w.signed(tenant.name)].join('\n'),
  };
}
