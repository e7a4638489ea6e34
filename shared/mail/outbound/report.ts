/**
 * The monthly SLA report mail: a short summary in the body (the HTML report is attached by
 * sendMonthlyReports). Figures come from the report, never from the text.
 */
import type { Tenant } from '../../config';
import { fmtHours, fmtPercent } from '../../reports/format';
import type { SlaReport, SlaRow } from '../../reports/sla-report';
import type { Language, Letter } from './parts';

const months = {
  ru: 'январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь'.split(' '),
  en: 'January February March April May June July August September October November December'.split(' '),
};

/** "март 2026", "March 2026" from YYYY-MM. */
export function monthName(month: string, lang: Language): string {
  return `${months[lang][Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

const words = {
  ru: {
    subject: (when: string, name: string) => `Отчёт SLA за ${when}: ${name}`,
    noDeadlines: 'нет заявок со сроком',
    lines: (when: string, name: string, t: SlaRow, met: string) => [
      `Отчёт о соблюдении сроков поддержки за ${when} (${name}).`,
      '',
      `Открыто заявок: ${t.opened}`,
      `Закрыто заявок: ${t.closed}`,
      `Нарушено сроков: ${t.breached}`,
      `Сроки соблюдены: ${met}`,
      `Первый ответ, медиана: ${fmtHours(t.firstResponse.medianHours)} раб. ч`,
      `Решение, медиана: ${fmtHours(t.resolution.medianHours)} раб. ч`,
      `Ожидание ответа клиента: ${fmtHours(t.pausedHours)} раб. ч`,
      `Закрыто из-за отсутствия ответа: ${t.autoClosed}`,
      '',
      'Подробный отчёт с диаграммами по приоритетам — во вложении ' +
        '(HTML-файл: откройте в браузере, его можно распечатать).',
    ],
    hello: 'Здравствуйте!',
    signed: (name: string) => `Служба поддержки, ${name}`,
  },
  en: {
    subject: (when: string, name: string) => `SLA report for ${when}: ${name}`,
    noDeadlines: 'no tickets with a deadline',
    lines: (when: string, name: string, t: SlaRow, met: string) => [
      `SLA compliance report for ${when} (${name}).`,
      '',
      `Tickets opened: ${t.opened}`,
      `Tickets closed: ${t.closed}`,
      `Deadlines breached: ${t.breached}`,
      `Deadlines met: ${met}`,
      `First response, median: ${fmtHours(t.firstResponse.medianHours)} business h`,
      `Resolution, median: ${fmtHours(t.resolution.medianHours)} business h`,
      `Waiting for the customer: ${fmtHours(t.pausedHours)} business h`,
      `Closed for lack of response: ${t.autoClosed}`,
      '',
      'The full report with charts per priority is attached (an HTML file: open it in a browser; it prints well).',
    ],
    hello: 'Hello,',
    signed: (name: string) => `Support desk, ${name}`,
  },
};

/** The report mail of one tenant (its report holds that tenant alone). */
export function reportLetter(report: SlaReport, tenant: Tenant): Letter {
  const lang = tenant.language;
  const w = words[lang];
  const t = report.tenants[0]!.total;
  const when = monthName(report.month, lang);
  const met = t.metPercent === null ? w.noDeadlines : `${fmtPercent(t.metPercent)} (${t.met}/${t.settled})`;
  return {
    subject: w.subject(when, tenant.name),
    text: [w.hello, '', ...w.lines(when, tenant.name, t, met), '', w.signed(tenant.name)].join('\n'),
  };
}
