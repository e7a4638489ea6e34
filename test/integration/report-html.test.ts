/**
 * The HTML report rendered by headless Chromium (Debian's chromium package, driven by
 * playwright-core): the numbers a manager sees in the page, the charts, no network, and a
 * screenshot in /tmp for a human look. Skipped, saying why, where /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CliIo } from '../../shared/cli/io';
import { runReportCommand } from '../../shared/cli/report-command';
import { FIXTURE_NOW, openFixtureTable } from '../support/fixture-history';
import { exampleConfig, uniqueTable } from '../support/harness';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report-html: SKIPPED, ${CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium)`);

const SCREENSHOT = '/tmp/maildesk-sla-report.png';
const htmlFile = join(tmpdir(), `maildesk-sla-report-${process.pid}.html`);

let close: () => void = () => {};
let browser: Browser | null = null;

beforeAll(async () => {
  if (!hasChromium) return;
  ({ close } = await openFixtureTable(inject('dynamoEndpoint'), exampleConfig(), uniqueTable('html')));
  const io: CliIo = { stdout: () => {}, stderr: () => {} };
  expect(await runReportCommand(['sla', '--month', '2026-11', '--format', 'html', '--out', htmlFile, '--config', 'maildesk.config.example.json'], io, FIXTURE_NOW)).toBe(0);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  close();
  await rm(htmlFile, { force: true });
});

const cell = (page: Page, tenant: string, priority: string, metric: string) => page.locator(`tr[data-tenant="${tenant}"][data-priority="${priority}"] td[data-metric="${metric}"]`).innerText();

describe('report sla --format html in headless Chromium', () => {
  const title = 'shows the fixture figures in tables, KPIs and charts, loads nothing from the network, and prints';
  it.skipIf(!hasChromium)(hasChromium ? title : `${title} [skipped: ${CHROMIUM} not found; .ci/run installs Debian's chromium]`, async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(htmlFile).href);

    expect(await page.title()).toBe('отчёт SLA за 2026-11');
    expect(await page.locator('h1').innerText()).toContain('Отчёт о соблюдении SLA');
    expect(await page.locator('#period').innerText()).toBe('01.11.2026 — 30.11.2026');

    // KPIs: all tenants together
    const kpi = (k: string) => page.locator(`[data-kpi="${k}"] .kpi-value`).innerText();
    expect([await kpi('opened'), await kpi('closed'), await kpi('breached'), await kpi('met'), await kpi('autoClosed')]).toEqual(['10', '9', '3', '66.7%', '1']);

    // the tables, cell by cell for the rows with every kind of figure
    const north = async (priority: string) =>
      Promise.all(['opened', 'closed', 'breached', 'met', 'firstResponseMedian', 'firstResponseP90', 'resolutionMedian', 'resolutionP90', 'paused', 'autoClosed'].map((m) => cell(page, 'clinic-north', priority, m)));
    expect(await north('error')).toEqual(['3', '3', '1', '66.7% (2/3)', '2.5', '6', '27', '50', '8', '0']);
    expect(await north('blocking')).toEqual(['2', '2', '1', '50% (1/2)', '0.25', '0.5', '5', '6', '0', '0']);
    expect(await north('minor')).toEqual(['1', '1', '0', '100% (1/1)', '2', '2', '86', '86', '80', '1']);
    expect(await north('settings')).toEqual(['1', '0', '1', '0% (0/1)', '0.5', '0.5', '—', '—', '40', '0']);
    expect(await north('feature')).toEqual(['0', '1', '0', '—', '—', '—', '118', '118', '0', '0']);
    expect(await north('all')).toEqual(['7', '7', '3', '57.1% (4/7)', '1', '6', '27', '118', '128', '1']);
    expect(await cell(page, 'clinic-south', 'all', 'met')).toBe('100% (2/2)');
    expect(await cell(page, 'clinic-south', 'all', 'resolutionMedian')).toBe('6.5');
    expect(await cell(page, 'all', 'all', 'paused')).toBe('134');
    expect(await page.locator('section[data-tenant="clinic-north"] li[data-ticket]').allInnerTexts()).toEqual([
      'MG-2, Ошибка работы (error): срок 16.11.2026 18:00, нарушение зафиксировано 16.11.2026 18:01',
      'MG-8, Дополнительные настройки (settings): срок 17.11.2026 11:00, нарушение зафиксировано 17.11.2026 11:01',
      'MG-4, Блокировка (blocking): срок 23.11.2026 14:00, нарушение зафиксировано 23.11.2026 14:01',
    ]);

    // the charts: inline SVG, one met % bar per settled row (+ the tenant's total), opened/closed per row
    const chartText = (metric: string) => page.locator(`svg text[data-metric="${metric}"]`).textContent();
    expect(await chartText('met:clinic-north:error')).toBe('66.7% (2/3)');
    expect(await chartText('met:clinic-north:all')).toBe('57.1% (4/7)');
    expect(await chartText('met:clinic-south:partial')).toBe('100% (1/1)');
    expect(await page.locator('#chart-met text[data-metric]').count()).toBe(4 + 1 + 2 + 1);
    expect(await chartText('opened:clinic-north:error')).toBe('3');
    expect(await chartText('closed:clinic-north:feature')).toBe('1');
    expect(await chartText('opened:clinic-south:error')).toBe('2');
    // bar lengths follow the figures: error's met bar is 2/3 of the full width
    const metBar = page.locator('#chart-met rect').first();
    expect(await metBar.isVisible()).toBe(true);
    const widths = await page.locator('#chart-met rect').evaluateAll((rects) => rects.map((r) => Number((r as unknown as { getAttribute(n: string): string }).getAttribute('width'))));
    const full = 760 - 250 - 90;
    expect(widths.slice(0, 2).map((w) => Math.round(w))).toEqual([full / 2, full / 2]); // blocking: 1 met, 1 missed
    expect(Math.round(widths[2]!)).toBe(Math.round((full * 2) / 3)); // error: 2 of 3 met

    // self-contained: the page itself and nothing else
    expect(requests).toEqual([pathToFileURL(htmlFile).href]);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });
});
