/**
 * The HTML report's inline SVG charts: SLA met % and tickets opened/closed per tenant and priority, as
 * horizontal bars. No script and no external font, so the charts print and open from a mail attachment.
 */
import { fmtPercent, priorityLabel } from './format';
import { esc } from './html-escape';
import { COLOURS } from './html-style';
import type { SlaReport } from './sla-report';

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
    const labelY = y + (lines.length * lineH) / 2 + 4;
    parts.push(`<text x="${labelW - 8}" y="${labelY}" text-anchor="end" class="label">${esc(row.label)}</text>`);
    lines.forEach((line, i) => {
      let x = labelW;
      const by = y + i * lineH + 1;
      for (const s of line.segments) {
        const w = scale(s.value);
        const box = `x="${x.toFixed(1)}" y="${by}" width="${w.toFixed(1)}" height="${lineH - 3}"`;
        if (w > 0) parts.push(`<rect ${box} fill="${s.colour}"><title>${esc(s.title)}</title></rect>`);
        x += w;
      }
      const at = `x="${(x + 6).toFixed(1)}" y="${by + lineH - 5}"`;
      parts.push(`<text ${at} class="value" data-metric="${esc(line.metric)}">${esc(line.text)}</text>`);
    });
    y += h;
  }
  const bottom = y;
  const grid = ticks
    .map((t) => {
      const x = (labelW + scale(t)).toFixed(1);
      const rule = `<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${bottom}" stroke="${COLOURS.grid}" />`;
      return `${rule}<text x="${x}" y="${top - 8}" text-anchor="middle" class="tick">${esc(tickText(t))}</text>`;
    })
    .join('');
  let lx = labelW;
  const legendSvg = legend
    .map((l) => {
      const swatch = `<rect x="${lx}" y="${bottom + 10}" width="10" height="10" fill="${l.colour}" />`;
      const out = `${swatch}<text x="${lx + 14}" y="${bottom + 19}" class="tick">${esc(l.text)}</text>`;
      lx += 24 + l.text.length * 6.2;
      return out;
    })
    .join('');
  const height = bottom + (legend.length ? 30 : 8);
  const size = `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`;
  const open = `<svg id="${id}" role="img" aria-label="${esc(title)}" ${size} preserveAspectRatio="xMinYMin meet"`;
  return `${open} xmlns="http://www.w3.org/2000/svg">${grid}${parts.join('')}${legendSvg}</svg>`;
}

export function metChart(report: SlaReport): string {
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

export function volumeChart(report: SlaReport): string {
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
