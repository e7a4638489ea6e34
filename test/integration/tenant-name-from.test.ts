/**
 * Regression (issue 12 item 10): a tenant name holding `"` garbled the From name, since the From
 * was written as `"${tenant.name}" <address>`. Every mail the desk sends from a tenant, the
 * acknowledgement and the monthly report, must read back with the name exactly as configured,
 * and pass the strict SES v2 stand-in.
 */
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MaildeskConfig } from '../../shared/config';
import { composeMail } from '../../shared/mail/outbound/compose';
import type { SlaReport } from '../../shared/reports/sla-report';
import { reportMail } from '../../shared/use-cases/send-monthly-reports';
import { startDirectEnv, type DirectEnv } from '../support/direct-env';
import { exampleConfig } from '../support/harness';
import { buildMail } from '../support/mail-builder';

// Each case starts a direct environment on DynamoDB Local: generous time on a shared machine.
vi.setConfig({ testTimeout: 120_000 });

const NAMES = ['Клиника "Север"', 'North "Best" Clinic', 'Back\\slash "and" quotes'];

const configNamed = (name: string): MaildeskConfig => {
  const config = exampleConfig();
  return { ...config, tenants: config.tenants.map((t, i) => (i === 0 ? { ...t, name } : t)) };
};

let env: DirectEnv | undefined;
afterEach(() => env?.close());

describe('the From name of a tenant with quotes reads back exactly', () => {
  it.each(NAMES)('acknowledgement from %s', async (name) => {
    env = await startDirectEnv({ config: configNamed(name), now: new Date('2026-03-03T08:00:00Z') });
    const tenant = env.config.tenants[0]!;
    const raw = await buildMail({ from: 'doctor@clinic-north.example', to: tenant.addresses[0]!, subject: 'Не открывается карта', text: 'Ошибка при открытии карты.', messageId: `<ask-${Math.random().toString(36).slice(2)}@clinic-north.example>` });
    await env.receive(env.putMail(raw));
    const report = await env.deliverPending();
    expect(report.leftForRetry).toEqual([]);
    expect(env.sesRejections).toEqual([]);
    const ack = env.sent.find((m) => m.to.includes('doctor@clinic-north.example'));
    expect(ack).toBeDefined();
    const parsed = await simpleParser(ack!.raw);
    expect(parsed.from?.value).toEqual([{ name, address: tenant.addresses[0] }]);
  });

  it.each(NAMES)('monthly report from %s', async (name) => {
    const tenant = { ...configNamed(name).tenants[0]! };
    const total = { opened: 1, closed: 1, breached: 0, met: 1, settled: 1, metPercent: 100, firstResponse: { medianHours: 1 }, resolution: { medianHours: 2 }, pausedHours: 0, autoClosed: 0 };
    const report = { month: '2026-02', tenants: [{ total }] } as unknown as SlaReport;
    const mail = reportMail(report, tenant, '<html></html>', 'report.test@support.example');
    const parsed = await simpleParser(await composeMail(mail));
    expect(parsed.from?.value).toEqual([{ name, address: tenant.addresses[0] }]);
  });
});
