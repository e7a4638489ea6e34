/**
 * The monthly SLA report mail: due on the first working day of a month, once per tenant and month,
 * HTML attached; through the use case on the fixture history, and through the local stack's timer.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UsageError, type CliIo } from '../../shared/cli/io';
import { runReportCommand } from '../../shared/cli/report-command';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { memoryLogger } from '../../shared/log';
import { composeMail } from '../../shared/mail/outbound/compose';
import { parseMail } from '../../shared/mail/inbound/parse-mail';
import type { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import type { MailSender, OutgoingMail } from '../../shared/use-cases/ports';
import { isFirstWorkingDayOfMonth, sendMonthlyReports, type MonthlyReportDeps } from '../../shared/use-cases/send-monthly-reports';
import { openFixtureTable } from '../support/fixture-history';
import { exampleConfig, startHarness, uniqueTable } from '../support/harness';

const config = exampleConfig();
const calendar = BusinessCalendar.fromConfig(config);
const msk = (local: string) => new Date(`${local}+03:00`);

class RecordingSender implements MailSender {
  sent: OutgoingMail[] = [];
  failing = false;
  async send(mail: OutgoingMail) {
    if (this.failing) throw new Error('SES is down');
    this.sent.push(mail);
    return { providerMessageId: null };
  }
}

let store: DynamoTicketStore;
let close: () => void = () => {};
beforeAll(async () => {
  ({ store, close } = await openFixtureTable(inject('dynamoEndpoint'), config, uniqueTable('monthly')));
});
afterAll(() => close());

const depsWith = (sender: MailSender, log = memoryLogger()): MonthlyReportDeps => ({ tickets: store, sender, config, calendar, log });

describe('first working day of a month (Russian production calendar)', () => {
  it.each([
    ['2026-12-01', true], // Tuesday
    ['2026-12-02', false],
    ['2026-11-02', true], // Nov 1 is a Sunday
    ['2026-11-01', false],
    ['2027-01-11', true], // after the New Year holidays (Jan 1-8) and the weekend
    ['2027-01-08', false],
    ['2026-05-04', true], // May 1 holiday, then the weekend
  ])('%s -> %s', (date, expected) => {
    expect(isFirstWorkingDayOfMonth(date, calendar)).toBe(expected);
  });
});

describe('sendMonthlyReports', () => {
  it('does nothing on other days', async () => {
    const sender = new RecordingSender();
    expect(await sendMonthlyReports(msk('2026-12-02T10:00'), depsWith(sender))).toEqual({ due: false, month: null, sent: [], skipped: [] });
    expect(sender.sent).toEqual([]);
  });

  it('on other days touches neither the table nor the sender (the function makes its clients only on a report day)', async () => {
    const touched: string[] = [];
    const deps = depsWith(new RecordingSender());
    const watched: MonthlyReportDeps = {
      ...deps,
      get tickets() {
        touched.push('tickets');
        return deps.tickets;
      },
      get sender() {
        touched.push('sender');
        return deps.sender;
      },
    };
    for (const day of ['2026-12-02T10:00', '2026-12-31T23:00', '2027-01-08T10:00']) {
      expect((await sendMonthlyReports(msk(day), watched)).due).toBe(false);
    }
    expect(touched).toEqual([]);
  });

  it("mails last month's report to each tenant's reportRecipients once, with the HTML attached", async () => {
    const sender = new RecordingSender();
    const log = memoryLogger();
    const result = await sendMonthlyReports(msk('2026-12-01T09:00'), depsWith(sender, log));
    expect(result).toEqual({ due: true, month: '2026-11', sent: ['clinic-north'], skipped: [{ tenant: 'clinic-south', reason: 'no-recipients' }] });
    expect(sender.sent).toHaveLength(1);
    const mail = sender.sent[0]!;
    expect(mail).toMatchObject({
      from: '"Северная клиника" <clinic-north@support.example>',
      to: ['manager@clinic-north.example'],
      subject: 'Отчёт SLA за ноябрь 2026: Северная клиника',
      // random (issue 12): the claim sends it once; an id naming tenant and month could be cited
      messageId: expect.stringMatching(/^[0-9a-f]{32}@support\.example$/),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Maildesk-Report': 'sla 2026-11' },
    });
    // the summary in the body: clinic-north's November (see report-sla.test.ts)
    for (const line of [
      'Открыто заявок: 7',
      'Закрыто заявок: 7',
      'Нарушено сроков: 3',
      'Сроки соблюдены: 57,1% (4/7)',
      'Медиана в рабочих часах: первый ответ — 1; решение — 27.',
      'Ожидание ответа клиента, рабочих часов: 128',
      'Закрыто из-за отсутствия ответа: 1',
    ]) {
      expect(mail.text.split('\n')).toContain(line);
    }
    // the attachment survives MIME: the tenant's own report only
    const parsed = await parseMail(await composeMail(mail));
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([['sla-report-clinic-north-2026-11.html', 'text/html']]);
    const html = parsed.attachments[0]!.content.toString('utf8');
    expect(html).toContain('<section class="tenant" data-tenant="clinic-north">');
    expect(html).not.toContain('clinic-south');
    expect(html).toMatch(/<tr data-tenant="clinic-north" data-priority="error"><th scope="row">Ошибка работы \(error\)<\/th><td data-metric="opened">3<\/td>/);
    expect(log.entries.find((e) => e.message === 'monthly report sent')?.fields).toEqual({ tenant: 'clinic-north', month: '2026-11', recipients: 1, opened: 7 });

    // the timer fires again the same day (or the Lambda is retried): nothing more
    expect(await sendMonthlyReports(msk('2026-12-01T10:00'), depsWith(sender))).toMatchObject({ sent: [], skipped: [{ tenant: 'clinic-north', reason: 'already-sent' }, { tenant: 'clinic-south', reason: 'no-recipients' }] });
    expect(sender.sent).toHaveLength(1);
  });

  it('releases the claim when sending fails, so the retry sends it', async () => {
    const sender = new RecordingSender();
    sender.failing = true;
    const at = msk('2026-10-15T12:00');
    await expect(sendMonthlyReports(at, depsWith(sender), { force: true, month: '2026-09' })).rejects.toThrow('monthly report failed for 1 tenant(s)');
    sender.failing = false;
    expect(await sendMonthlyReports(at, depsWith(sender), { force: true, month: '2026-09' })).toMatchObject({ month: '2026-09', sent: ['clinic-north'] });
    expect(sender.sent.map((m) => m.subject)).toEqual(['Отчёт SLA за сентябрь 2026: Северная клиника']);
  });
});

describe('maildesk report send', () => {
  it('does what the timer does, or sends a month by hand with --force, into the local outbox', async () => {
    const data = await mkdtemp(join(tmpdir(), 'maildesk-send-'));
    process.env.MAILDESK_DATA = data;
    try {
      let out = '';
      let err = '';
      const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
      const argv = (...a: string[]) => ['send', ...a, '--config', 'maildesk.config.example.json'];
      expect(await runReportCommand(argv('--now', '2026-12-02T10:00:00+03:00'), io)).toBe(0);
      expect(JSON.parse(out)).toEqual({ due: false, month: null, sent: [], skipped: [], via: join(data, 'outbox') });
      out = '';
      expect(await runReportCommand(argv('--force', '--month', '2026-08'), io)).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ due: true, month: '2026-08', sent: ['clinic-north'] });
      expect(err).toContain('"message":"monthly report sent"');
      const files = await readdir(join(data, 'outbox'));
      expect(files).toHaveLength(1);
      const mail = await parseMail(await readFile(join(data, 'outbox', files[0]!)));
      expect([mail.subject, mail.attachments[0]?.filename]).toEqual(['Отчёт SLA за август 2026: Северная клиника', 'sla-report-clinic-north-2026-08.html']);
      await expect(runReportCommand(argv('--month', '2026-08'), io)).rejects.toThrow(UsageError);
      await expect(runReportCommand(argv('--now', 'tomorrow'), io)).rejects.toThrow('--now: expected an ISO instant');
    } finally {
      delete process.env.MAILDESK_DATA;
      await rm(data, { recursive: true, force: true });
    }
  });
});

describe('the local stack checks at start and hourly', () => {
  it('sends on the first working day, and not again after a restart', async () => {
    const table = uniqueTable('timer');
    const now = () => msk('2026-12-01T09:30');
    const first = await startHarness({ table, now, monthlyReportCheckMinutes: 60 });
    let mails: Awaited<ReturnType<typeof first.outbox>> = [];
    try {
      for (let i = 0; i < 100 && mails.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        mails = await first.outbox();
      }
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to.map((a) => a.address)).toEqual(['manager@clinic-north.example']);
      expect(mails[0]!.subject).toBe('Отчёт SLA за ноябрь 2026: Северная клиника');
      expect(mails[0]!.attachments[0]!.filename).toBe('sla-report-clinic-north-2026-11.html');
    } finally {
      await first.close();
    }
    const second = await startHarness({ table, now, monthlyReportCheckMinutes: 60 });
    await second.close(); // stop() waits for the check started at start-up
    expect(first.log.entries.filter((e) => e.message === 'monthly report sent')).toHaveLength(1);
    expect(second.log.entries.filter((e) => e.message === 'monthly report sent')).toHaveLength(0);
    expect(second.log.entries.filter((e) => e.level === 'error')).toEqual([]);
  });
});
