/** The SLA report as Markdown: one table per tenant, then the breaches and the definitions. */
import { cells, columns, definitions, fmtInstant, monthTitle, periodText, priorityLabel } from './format';
import { timelinesMarkdown } from './blocking-timeline';
import { gatesMarkdown } from './gates-report';
import type { Breach, SlaReport, SlaRow } from './sla-report';

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: SlaRow[]): string[] {
  const header = `| ${columns.map((c) => `${c.ru} (${c.en})`).join(' | ')} |`;
  const rule = `|${columns.map((_c, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [header, rule, ...rows.map((r) => `| ${columns.map((c) => escapeCell(cells(r)[c.key])).join(' | ')} |`)];
}

function breachLine(b: Breach, tz: string): string {
  const deadline = b.deadline ? fmtInstant(b.deadline, tz) : '—';
  const recorded = fmtInstant(b.at, tz);
  return `- ${b.ticketKey}, ${priorityLabel(b.priority)}: срок ${deadline}, нарушение зафиксировано ${recorded}`;
}

export function renderMarkdown(report: SlaReport): string {
  const generated = `Сформирован (generated): ${fmtInstant(report.generatedAt, report.timezone)}.`;
  const lines: string[] = [
    `# Отчёт о соблюдении SLA (SLA compliance report) — ${monthTitle(report)}`,
    '',
    `Период (period): ${periodText(report)}, ${report.timezone}. Время — в рабочих часах (bh). ${generated}`,
  ];
  for (const t of report.tenants) {
    lines.push('', `## ${escapeCell(t.name)} (${t.id})`, '');
    lines.push(...table([...t.rows, t.total]));
    if (t.breaches.length) {
      lines.push('', 'Нарушения сроков (breaches):', '');
      for (const b of t.breaches) lines.push(breachLine(b, report.timezone));
    }
    lines.push(...gatesMarkdown(t.gates, report.timezone));
    lines.push(...timelinesMarkdown(t.timelines, report.timezone));
  }
  if (report.tenants.length > 1) lines.push('', '## Все клиенты (all tenants)', '', ...table([report.total]));
  lines.push('', '### Определения (definitions)', '', ...definitions.map((d) => `- ${d}`));
  return `${lines.join('\n')}\n`;
}
