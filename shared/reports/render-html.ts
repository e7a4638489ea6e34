/**
 * The SLA report as one self-contained HTML page: inline CSS and inline SVG charts, no script, no
 * font or image from the network, so it opens from a mail attachment and prints on A4.
 */
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
import { timelinesHtml } from './blocking-timeline';
import { gatesHtml } from './gates-report';
import type { SlaReport, SlaRow } from './sla-report';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const COLOURS = {
  met: '#2e7d32',
  missed: '#c62828',
  opened: '#1565c0',
  closed: '#90a4ae',
  grid: '#e0e0e0',
  text: '#212121',
  muted: '#616161',
};

interface Segment {
  value: number;
  colour: string;
  title: string;
}
interface BarRow {
  kind: 'group' | 'bar';
  label: string;
  /** one or two lines of bars (grouped) per row */
  lines?: Array<{ segments: Segment[]; text: string; metric: string }>;
}

/** Horizontal bar chart: label column, bars scaled to `max`, value text after each bar. */
function barChart(
  id: string,
  title: string,
  rows: BarRow[],
  max: number,
  ticks: number[],
  tickText: (v: number) => string,
  legend: Array<{ colour: string; text: string }>,
): string {
  const width = 760;
  const labelW = 250;
  const valueW = 90;
  const plotW = width - labelW - valueW;
  const lineH = 16;
  const gap = 8;
  const top = 26;
  let y = top;
  const parts: string[] = [];
  const scale = (v: number) => (max > 0 ? (v / max) * plotW : 0);
  for (const row of rows) {
    if (row.kind === 'group') {
      parts.push(`<text x="0" y="${y + 13}" class="group">${esc(row.label)}</text>`);
      y += 20;
      continue;
    }
    const lines = row.lines ?? [];
    const h = lines.length * lineH + gap;
    parts.push(
      `<text x="${labelW - 8}" y="${y + (lines.length * lineH) / 2 + 4}" text-anchor="end" class="label">${esc(row.label)}</text>`,
    );
    lines.forEach((line, i) => {
      let x = labelW;
      const by = y + i * lineH + 1;
      for (const s of line.segments) {
        const w = scale(s.value);
        if (w > 0)
          parts.push(
            `<rect x="${x.toFixed(1)}" y="${by}" width="${w.toFixed(1)}" height="${lineH - 3}" fill="${s.colour}"><title>${esc(s.title)}</title></rect>`,
          );
        x += w;
      }
      parts.push(
        `<text x="${(x + 6).toFixed(1)}" y="${by + lineH - 5}" class="value" data-metric="${esc(line.metric)}">${esc(line.text)}</text>`,
      );
    });
    y += h;
  }
  const bottom = y;
  const grid = ticks
    .map((t) => {
      const x = (labelW + scale(t)).toFixed(1);
      return `<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${bottom}" stroke="${COLOURS.grid}" /><text x="${x}" y="${top - 8}" text-anchor="middle" class="tick">${esc(tickText(t))}</text>`;
    })
    .join('');
  let lx = labelW;
  const legendSvg = legend
    .map((l) => {
      const out = `<rect x="${lx}" y="${bottom + 10}" width="10" height="10" fill="${l.colour}" /><text x="${lx + 14}" y="${bottom + 19}" class="tick">${esc(l.text)}</text>`;
      lx += 24 + l.text.length * 6.2;
      return out;
    })
    .join('');
  const height = bottom + (legend.length ? 30 : 8);
  return `<svg id="${id}" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">${grid}${parts.join('')}${legendSvg}</svg>`;
}

function metChart(report: SlaReport): string {
  const rows: BarRow[] = [];
  for (const t of report.tenants) {
    const settledRows = t.rows.filter((r) => r.settled > 0);
    if (settledRows.length === 0) continue;
    rows.push({ kind: 'group', label: `${t.name} (${t.id})` });
    for (const r of [...settledRows, ...(settledRows.length > 1 ? [t.total] : [])]) {
      const metPct = (r.met / r.settled) * 100;
      rows.push({
        kind: 'bar',
        label: priorityLabel(r.priority),
        lines: [
          {
            metric: `met:${t.id}:${r.priority}`,
            text: `${fmtPercent(r.metPercent)} (${r.met}/${r.settled})`,
            segments: [
              { value: metPct, colour: COLOURS.met, title: `соблюдено (met): ${r.met}` },
              { value: 100 - metPct, colour: COLOURS.missed, title: `нарушено (missed): ${r.settled - r.met}` },
            ],
          },
        ],
      });
    }
  }
  if (rows.length === 0)
    return '<p class="empty">Нет заявок со сроком, исход которых определился в этом месяце (no settled tickets).</p>';
  return barChart('chart-met', 'SLA соблюдён (met %)', rows, 100, [0, 25, 50, 75, 100], (v) => `${v}%`, [
    { colour: COLOURS.met, text: 'соблюдено (met)' },
    { colour: COLOURS.missed, text: 'нарушено (missed)' },
  ]);
}

function niceMax(v: number): number {
  if (v <= 5) return 5;
  const pow = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= v) return m * pow;
  return 10 * pow;
}

function volumeChart(report: SlaReport): string {
  const rows: BarRow[] = [];
  let max = 0;
  for (const t of report.tenants) {
    const active = t.rows.filter((r) => r.opened > 0 || r.closed > 0);
    if (active.length === 0) continue;
    rows.push({ kind: 'group', label: `${t.name} (${t.id})` });
    for (const r of active) {
      max = Math.max(max, r.opened, r.closed);
      rows.push({
        kind: 'bar',
        label: priorityLabel(r.priority),
        lines: [
          {
            metric: `opened:${t.id}:${r.priority}`,
            text: `${r.opened}`,
            segments: [{ value: r.opened, colour: COLOURS.opened, title: `открыто (opened): ${r.opened}` }],
          },
          {
            metric: `closed:${t.id}:${r.priority}`,
            text: `${r.closed}`,
            segments: [{ value: r.closed, colour: COLOURS.closed, title: `закрыто (closed): ${r.closed}` }],
          },
        ],
      });
    }
  }
  if (rows.length === 0) return '<p class="empty">В этом месяце заявок не было (no tickets).</p>';
  const top = niceMax(max);
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].find((s) => top / s <= 5) ?? top / 5;
  const ticks = Array.from({ length: Math.floor(top / step) + 1 }, (_, i) => i * step);
  return barChart('chart-volume', 'Открыто и закрыто (opened, closed)', rows, top, ticks, (v) => String(v), [
    { colour: COLOURS.opened, text: 'открыто (opened)' },
    { colour: COLOURS.closed, text: 'закрыто (closed)' },
  ]);
}

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
      return `<tr data-tenant="${esc(tenant)}" data-priority="${r.priority}"${r.priority === 'all' ? ' class="total"' : ''}>${tds}</tr>`;
    })
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function kpis(row: SlaRow): string {
  const kpi = (key: string, label: string, code: string, value: string) =>
    `<div class="kpi" data-kpi="${key}"><div class="kpi-value">${esc(value)}</div><div class="kpi-label">${esc(label)}<span class="code">${esc(code)}</span></div></div>`;
  return `<div class="kpis">${[
    kpi('opened', 'Открыто', 'opened', String(row.opened)),
    kpi('closed', 'Закрыто', 'closed', String(row.closed)),
    kpi('breached', 'Нарушено', 'breached', String(row.breached)),
    kpi('met', 'SLA соблюдён', 'met %', row.metPercent === null ? '—' : `${fmtPercent(row.metPercent)}`),
    kpi('autoClosed', 'Автозакрыто', 'auto-closed', String(row.autoClosed)),
  ].join('')}</div>`;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: ${COLOURS.text}; margin: 24px auto; max-width: 1040px; padding: 0 16px; font-size: 14px; line-height: 1.4; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid ${COLOURS.opened}; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.code { display: block; font-size: 10px; font-weight: normal; color: ${COLOURS.muted}; font-family: "DejaVu Sans Mono", Consolas, monospace; }
h1 .code, h2 .code { display: inline; font-size: 13px; margin-left: 8px; }
.meta { color: ${COLOURS.muted}; margin: 0 0 16px; }
.kpis { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0 20px; }
.kpi { border: 1px solid ${COLOURS.grid}; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.kpi-value { font-size: 24px; font-weight: bold; }
.kpi-label { color: ${COLOURS.muted}; font-size: 12px; }
figure { margin: 8px 0 20px; break-inside: avoid; }
figcaption { font-weight: bold; margin-bottom: 4px; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font-family: "DejaVu Sans", Arial, sans-serif; fill: ${COLOURS.text}; }
svg .label { font-size: 12px; }
svg .group { font-size: 12px; font-weight: bold; }
svg .value { font-size: 11px; }
svg .tick { font-size: 10px; fill: ${COLOURS.muted}; }
table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; break-inside: avoid; }
th, td { border: 1px solid ${COLOURS.grid}; padding: 4px 6px; }
thead th { background: #f5f5f5; text-align: center; vertical-align: bottom; font-weight: 600; }
tbody th { text-align: left; font-weight: normal; min-width: 150px; }
td { text-align: right; white-space: nowrap; }
tr.total th, tr.total td { font-weight: bold; background: #fafafa; }
ul.breaches { margin: 6px 0; padding-left: 20px; font-size: 13px; }
.definitions { font-size: 12px; color: ${COLOURS.muted}; }
.empty { color: ${COLOURS.muted}; font-style: italic; }
section.tenant { break-inside: avoid-page; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { margin: 0; max-width: none; padding: 0; font-size: 12px; } h2 { break-after: avoid; } .kpi { padding: 4px 10px; } }
`;

export function renderHtml(report: SlaReport): string {
  const tz = report.timezone;
  const single = report.tenants.length === 1 ? report.tenants[0]! : null;
  const heading = single ? `${single.name}: ` : '';
  const tenants = report.tenants
    .map((t) => {
      const breaches = t.breaches.length
        ? `<h3>Нарушения сроков <span class="code">breaches</span></h3><ul class="breaches">${t.breaches
            .map(
              (b) =>
                `<li data-ticket="${esc(b.ticketKey)}"><b>${esc(b.ticketKey)}</b>, ${esc(priorityLabel(b.priority))}: срок ${esc(b.deadline ? fmtInstant(b.deadline, tz) : '—')}, нарушение зафиксировано ${esc(fmtInstant(b.at, tz))}</li>`,
            )
            .join('')}</ul>`
        : '';
      const rows = t.rows.length
        ? table(t.id, [...t.rows, t.total])
        : '<p class="empty">В этом месяце по клиенту не было событий (no activity).</p>';
      const gates = gatesHtml(t.gates, tz) + timelinesHtml(t.timelines, tz);
      return `<section class="tenant" data-tenant="${esc(t.id)}"><h2>${esc(t.name)}<span class="code">${esc(t.id)}</span></h2>${rows}${breaches}${gates}</section>`;
    })
    .join('\n');
  const all =
    report.tenants.length > 1
      ? `<section class="tenant" data-tenant="all"><h2>Все клиенты<span class="code">all tenants</span></h2>${table('all', [report.total])}</section>`
      : '';
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
<p class="meta">Период (period): <span id="period">${esc(periodText(report))}</span>, ${esc(tz)}. Время в рабочих часах (business hours). Сформирован (generated): ${esc(fmtInstant(report.generatedAt, tz))}.</p>
</header>
${kpis(report.tenants.length === 1 ? report.tenants[0]!.total : report.total)}
<figure><figcaption>SLA соблюдён по приоритетам <span class="code">met % per tenant and priority</span></figcaption>${metChart(report)}</figure>
<figure><figcaption>Заявки: открыто и закрыто <span class="code">tickets opened and closed</span></figcaption>${volumeChart(report)}</figure>
${tenants}
${all}
<section class="definitions"><h3>Определения <span class="code">definitions</span></h3><ul>${definitions.map((d) => `<li>${esc(d)}</li>`).join('')}</ul></section>
</body>
</html>
`;
}
