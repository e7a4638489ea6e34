/** The pure parts of the operating tools: rendering untrusted names, and the local bus's subscribers. */
import { describe, expect, it } from 'vitest';
import { SubscribedEventBus } from '../../shared/adapters/subscribed-event-bus';
import { parseConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { memoryLogger } from '../../shared/log';
import { renderCsv } from '../../shared/reports/render-csv';
import { renderHtml } from '../../shared/reports/render-html';
import { renderMarkdown } from '../../shared/reports/render-markdown';
import { buildSlaReport } from '../../shared/reports/sla-report';
import type { BusEvent, EventBus } from '../../shared/use-cases/ports';
import { buildFixtureTicket, fixtureSpecs } from '../support/fixture-history';

const config = parseConfig({
  engineers: ['engineer1@team.example'],
  tenants: [{ id: 'clinic-north', name: 'Клиника <b>"Север" & Co</b> | №1', addresses: ['clinic-north@support.example'] }],
});
const calendar = BusinessCalendar.fromConfig(config);
const histories = fixtureSpecs.filter((s) => s.tenant === 'clinic-north').map((s) => buildFixtureTicket(s, config, calendar));
const report = buildSlaReport(histories, config, calendar, { month: '2026-11', now: new Date('2026-12-01T12:00:00+03:00') });

describe('report renderers with a hostile tenant name', () => {
  it('escapes it in HTML, in Markdown tables and in CSV', () => {
    const html = renderHtml(report);
    expect(html).toContain('Клиника &lt;b&gt;&quot;Север&quot; &amp; Co&lt;/b&gt; | №1');
    expect(html).not.toContain('<b>"Север"');
    // self-contained: nothing that would load a resource
    expect(html).not.toMatch(/<script|<link|<img|\ssrc=|\shref=|@import|url\(/i);
    expect(renderMarkdown(report)).toContain('## Клиника <b>"Север" & Co</b> \\| №1 (clinic-north)');
    expect(renderCsv(report).split('\r\n')[1]).toBe('2026-11,clinic-north,blocking,2,2,1,2,1,50,2,0.25,0.5,2,5,6,0,0');
  });

  it('says so when a month has nothing in it', () => {
    const empty = buildSlaReport([], config, calendar, { month: '2025-01', now: new Date('2025-02-03T12:00:00+03:00') });
    expect(empty.total).toMatchObject({ opened: 0, metPercent: null, firstResponse: { count: 0, medianHours: null, p90Hours: null } });
    const html = renderHtml(empty);
    expect(html).toContain('Нет заявок со сроком');
    expect(html).toContain('В этом месяце заявок не было');
  });
});

describe('SubscribedEventBus (local stand-in for EventBridge rules)', () => {
  const event: BusEvent = { type: 'sla.breached', id: 'e1', detail: {} };

  it('publishes first, then hands each event to each subscriber, retrying a failure', async () => {
    const order: string[] = [];
    const inner: EventBus = { publish: async (events) => void order.push(`published ${events.map((e) => e.id).join()}`) };
    let calls = 0;
    const flaky = async (e: BusEvent) => {
      order.push(`handled ${e.id} try ${++calls}`);
      if (calls < 2) throw new Error('Bot API down');
    };
    const bus = new SubscribedEventBus(inner, [{ name: 'flaky', handle: flaky }], memoryLogger(), 3, 1);
    await bus.publish([event]);
    expect(order).toEqual(['published e1', 'handled e1 try 1', 'handled e1 try 2']);
  });

  it('never fails the publisher: after the last attempt the failure is logged', async () => {
    const log = memoryLogger();
    let calls = 0;
    const bus = new SubscribedEventBus({ publish: async () => {} }, [{ name: 'telegram', handle: async () => Promise.reject(new TypeError(`down ${++calls}`)) }], log, 3, 1);
    await expect(bus.publish([event])).resolves.toBeUndefined();
    expect(calls).toBe(3);
    expect(log.entries).toEqual([{ level: 'error', message: 'bus subscriber failed: gave up', fields: { subscriber: 'telegram', eventId: 'e1', eventType: 'sla.breached', error: 'TypeError' } }]);
  });
});
