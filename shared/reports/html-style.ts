/**
 * The HTML report's colours and stylesheet: inline, system fonts only, A4 landscape when printed.
 * The rules too long for one source line are built from their declarations; the sheet reads the same.
 */
export const COLOURS = {
  met: '#2e7d32',
  missed: '#c62828',
  opened: '#1565c0',
  closed: '#90a4ae',
  grid: '#e0e0e0',
  text: '#212121',
  muted: '#616161',
};

/** `selector { declaration declaration }` on one line of the sheet. */
const rule = (selector: string, declarations: string[]) => `${selector} { ${declarations.join(' ')} }`;

const body = rule('body', [
  'font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif;',
  `color: ${COLOURS.text};`,
  'margin: 24px auto;',
  'max-width: 1040px;',
  'padding: 0 16px;',
  'font-size: 14px;',
  'line-height: 1.4;',
]);
const code = rule('.code', [
  'display: block;',
  'font-size: 10px;',
  'font-weight: normal;',
  `color: ${COLOURS.muted};`,
  'font-family: "DejaVu Sans Mono", Consolas, monospace;',
]);
const table = rule('table', [
  'border-collapse: collapse;',
  'width: 100%;',
  'font-size: 12px;',
  'font-variant-numeric: tabular-nums;',
  'break-inside: avoid;',
]);
const print = rule('@media print', [
  'body { margin: 0; max-width: none; padding: 0; font-size: 12px; }',
  'h2 { break-after: avoid; }',
  '.kpi { padding: 4px 10px; }',
]);

export const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
${body}
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid ${COLOURS.opened}; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
${code}
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
${table}
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
${print}
`;
