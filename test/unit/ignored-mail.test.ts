/**
 * Where did my mail go: every way receiveMail ignores a mail (or refuses it without a ticket) leaves
 * an entry in the ignored-mail log with its reason, and `maildesk log` shows it in the desk's zone.
 * The store is the memory adapter (its DynamoDB twin passes the same contract against DynamoDB Local).
 */
import { describe, expect, it } from 'vitest';
import { MemoryMailStore, MemoryTicketStore } from '../../shared/adapters/memory';
import { parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { renderIgnored } from '../../shared/cli/ignored-command';
import { buildDesk } from '../../shared/composition';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { memoryLogger } from '../../shared/log';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { exampleConfig } from '../support/harness';
import { buildMail, type MailSpec, type Verdicts } from '../support/mail-builder';

const NOW = new Date('2026-12-01T08:00:00.000Z'); // 11:00 in Moscow

function desk() {
  const config = exampleConfig();
  const tickets = new MemoryTicketStore();
  const mail = new MemoryMailStore();
  const { receiveDeps } = buildDesk({
    tickets,
    mail,
    config,
    calendar: BusinessCalendar.fromConfig(config),
    now: () => NOW,
    log: memoryLogger(),
  });
  let n = 0;
  const receive = async (spec: MailSpec, recipients: string[], verdicts: Verdicts = {}) => {
    const id = `ignored-${++n}`;
    await mail.put(`inbound/${id}`, await buildMail(spec));
    return receiveMail(parseSesEvent(sesEventFor(id, recipients, verdicts))[0]!, receiveDeps);
  };
  return { tickets, receive };
}

const anna = 'anna@clinic-north.example';
const NORTH = 'clinic-north@support.example';
const SOUTH = 'clinic-south@support.example';

describe('the ignored-mail log', () => {
  it('records every mail receiveMail ignores or refuses without a ticket, with its reason', async () => {
    const { tickets, receive } = desk();
    const cases: Array<[string, MailSpec, string[], Verdicts?]> = [
      ['unknown-tenant', { from: anna, to: 'nobody@support.example', subject: 'Куда делось письмо' }, ['nobody@support.example']],
      ['virus', { from: anna, to: NORTH, subject: 'Счёт' }, [NORTH], { virus: 'FAIL' }],
      ['spam', { from: anna, to: NORTH, subject: 'Выигрыш' }, [NORTH], { spam: 'FAIL' }],
      ['auto-generated:auto-submitted:auto-replied', { from: anna, to: NORTH, subject: 'Я в отпуске', headers: { 'Auto-Submitted': 'auto-replied' } }, [NORTH]],
      ['loop:own-address', { from: SOUTH, to: NORTH, subject: 'Петля' }, [NORTH]],
      ['refused:sender-domain', { from: 'stranger@elsewhere.example', to: SOUTH, subject: 'Чужой домен' }, [SOUTH]],
    ];
    for (const [reason, spec, recipients, verdicts] of cases) {
      const outcome = await receive({ ...spec, text: 'Текст письма' }, recipients, verdicts);
      expect(outcome, reason).toMatchObject(reason.startsWith('refused') ? { kind: 'refused' } : { kind: 'ignored', reason });
    }
    // a mail that became a ticket is not in the log
    expect(await receive({ from: anna, to: NORTH, subject: 'Не печатается направление', text: 'Номер амбулаторной карты: 1' }, [NORTH])).toMatchObject({ kind: 'created' });

    const log = await tickets.listIgnored(NOW.toISOString(), 50);
    expect(log.map((m) => m.reason).sort()).toEqual(cases.map(([r]) => r).sort());
    expect(log.find((m) => m.reason === 'unknown-tenant')).toEqual({
      at: NOW.toISOString(),
      inboundId: 'ignored-1',
      reason: 'unknown-tenant',
      from: anna,
      to: ['nobody@support.example'],
      subject: 'Куда делось письмо',
      mailKey: 'inbound/ignored-1',
    });
    // SES's spam and virus verdicts come before reading: the envelope and the key only
    expect(log.find((m) => m.reason === 'virus')).toMatchObject({ from: null, subject: null, to: [NORTH] });
  });

  it('the same mail delivered twice is listed once', async () => {
    const { tickets, receive } = desk();
    await receive({ from: anna, to: 'nobody@support.example', subject: 'Дважды', text: 'x' }, ['nobody@support.example']);
    const [entry] = await tickets.listIgnored(NOW.toISOString(), 5);
    await tickets.recordIgnored({ ...entry!, at: new Date(NOW.getTime() - 1000).toISOString() });
    expect(await tickets.listIgnored(NOW.toISOString(), 5)).toHaveLength(1);
  });
});

describe('maildesk log: the table', () => {
  it('shows times in the desk zone, newest last, and what each reason means', () => {
    const out = renderIgnored(
      [
        { at: '2026-12-01T07:00:00.000Z', inboundId: 'a', reason: 'unknown-tenant', from: anna, to: ['nobody@support.example'], subject: 'Куда делось письмо', mailKey: 'inbound/a' },
        { at: '2026-12-01T08:30:00.000Z', inboundId: 'b', reason: 'auto-generated:outlook-auto-reply', from: 'boss@clinic-north.example', to: [NORTH], subject: 'Автоответ', mailKey: 'inbound/b' },
      ],
      'Europe/Moscow',
    ).split('\n');
    expect(out[0]).toMatch(/^TIME +REASON +FROM +TO +MAIL +SUBJECT$/);
    expect(out[1]).toMatch(/^2026-12-01 10:00 +unknown-tenant +anna@clinic-north\.example +nobody@support\.example +inbound\/a +Куда делось письмо$/);
    expect(out[2]).toMatch(/^2026-12-01 11:30 +auto-generated:outlook-auto-reply +boss@clinic-north\.example/);
    expect(out[3]).toBe('(2 ignored mails, newest last; times in Europe/Moscow; kept 30 days)');
    expect(out[4]).toContain('unknown-tenant: sent to an address no tenant has');
    expect(out[5]).toContain('auto-generated:outlook-auto-reply: an auto-reply');
  });

  it('says so when there is nothing', () => {
    expect(renderIgnored([], 'Europe/Moscow')).toBe('no ignored mail in the last 30 days');
  });
});
