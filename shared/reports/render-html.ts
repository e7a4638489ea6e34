/**
 * The SLA report as one self-contained HTML page: inline CSS and inline SVG charts, no script, no
 * font or image from the network, so it opens from a mail attachment and prints on A4.
 */
import { timelinesHtml } from './blocking-timeline';
import {
  cells,
  columns,
  definitions,
  fmtInstant,
  fmtPercent,
  monthTitle,
  periodText,
  priorityLabel,
  type ColumnKey,
} from './format';
import { gatesHtml } from './gates-report';
import { metChart, volumeChart } from './html-charts';
import { esc } from './html-escape';
import { CSS } from './html-style';
import type { Breach, SlaReport, SlaRow, TenantSection } from './sla-report';

function table(tenant: string, rows: SlaRow[]): string {
  const head = columns.map((c) => `<th scope="col">${esc(c.ru)}<span class="code">${esc(c.en)}</span></th>`).join('');
  const body = rows
    .map((r) => {
      const text = cells(r);
      const tds = columns
        .map((c, i) => {
          const key: ColumnKey = c.key;
          return i === 0 ? `<th scope="row">${esc(text[key])}</th>` : `<td data-metric="${key}">${esc(text[key])}</td>`;
        })
        .join('');
      const total = r.priority === 'all' ? ' class="total"' : '';
      return `<tr data-tenant="${esc(tenant)}" data-priority="${r.priority}"${total}>${tds}</tr>`;
    })
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function kpis(row: SlaRow): string {
  const kpi = (key: string, label: string, code: string, value: string) => {
    const caption = `<div class="kpi-label">${esc(label)}<span class="code">${esc(code)}</span></div>`;
    return `<div class="kpi" data-kpi="${key}"><div class="kpi-value">${esc(value)}</div>${caption}</div>`;
  };
  return `<div class="kpis">${[
    kpi('opened', 'Открыто', 'opened', String(row.opened)),
    kpi('closed', 'Закрыто', 'closed', String(row.closed)),
    kpi('breached', 'Нарушено', 'breached', String(row.breached)),
    kpi('met', 'SLA соблюдён', 'met %', row.metPercent === null ? '—' : `${fmtPercent(row.metPercent)}`),
    kpi('autoClosed', 'Автозакрыто', 'auto-closed', String(row.autoClosed)),
  ].join('')}</div>`;
}

function breachItem(b: Breach, tz: string): string {
  const deadline = esc(b.deadline ? fmtInstant(b.deadline, tz) : '—');
  const recorded = esc(fmtInstant(b.at, tz));
  const what = `${esc(priorityLabel(b.priority))}: срок ${deadline}, нарушение зафиксировано ${recorded}`;
  return `<li data-ticket="${esc(b.ticketKey)}"><b>${esc(b.ticketKey)}</b>, ${what}</li>`;
}

function breachesHtml(breaches: Breach[], tz: string): string {
  if (!breaches.length) return '';
  const items = breaches.map((b) => breachItem(b, tz)).join('');
  return `<h3>Нарушения сроков <span class="code">breaches</span></h3><ul class="breaches">${items}</ul>`;
}

function tenantHtml(t: TenantSection, tz: string): string {
  const rows = t.rows.length
    ? table(t.id, [...t.rows, t.total])
    : '<p class="empty">В этом месяце по клиенту не было событий (no activity).</p>';
  const gates = gatesHtml(t.gates, tz) + timelinesHtml(t.timelines, tz);
  const heading = `<h2>${esc(t.name)}<span class="code">${esc(t.id)}</span></h2>`;
  const body = `${heading}${rows}${breachesHtml(t.breaches, tz)}${gates}`;
  return `<section class="tenant" data-tenant="${esc(t.id)}">${body}</section>`;
}

const figure = (caption: string, code: string, chart: string) =>
  `<figure><figcaption>${caption} <span class="code">${code}</span></figcaption>${chart}</figure>`;

export function renderHtml(report: SlaReport): string {
  const tz = report.timezone;
  const single = report.tenants.length === 1 ? report.tenants[0]! : null;
  const heading = single ? `${single.name}: ` : '';
  const tenants = report.tenants.map((t) => tenantHtml(t, tz)).join('\n');
  const allHeading = '<h2>Все клиенты<span class="code">all tenants</span></h2>';
  const all =
    report.tenants.length > 1
      ? `<section class="tenant" data-tenant="all">${allHeading}${table('all', [report.total])}</section>`
      : '';
  const period = `Период (period): <span id="period">${esc(periodText(report))}</span>, ${esc(tz)}.`;
  const generated = `Сформирован (generated): ${esc(fmtInstant(report.generatedAt, tz))}.`;
  const defs = definitions.map((d) => `<li>${esc(d)}</li>`).join('');
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${heading}отчёт SLA за ${report.month}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(heading)}Отчёт о соблюдении SLA<span class="code">SLA compliance report ${esc(monthTitle(report))}</span></h1>
<p class="meta">${period} Время в рабочих часах (business hours). ${generated}</p>
</header>
${kpis(report.tenants.length === 1 ? report.tenants[0]!.total : report.total)}
${figure('SLA соблюдён по приоритетам', 'met % per tenant and priority', metChart(report))}
${figure('Заявки: открыто и закрыто', 'tickets opened and closed', volumeChart(report))}
${tenants}
${all}
<section class="definitions"><h3>Определения <span class="code">definitions</span></h3><ul>${defs}</ul></section>
</body>
</html>
`;
}
