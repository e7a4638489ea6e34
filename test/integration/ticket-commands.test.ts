/**
 * `maildesk tickets list` and `maildesk ticket show` against DynamoDB Local holding the fixture
 * history, read at Tue 2026-12-01 12:00 Moscow. Time left is on each ticket's own SLA clock:
 * - MG-8 settings, due Nov 17 11:00, waiting since Nov 24 10:00: overdue by 81 business hours
 *   (Nov 17: 7, Nov 18-30: 9 days, Dec 1: 2) minus the 42 spent waiting = -39 bh, paused
 * - MG-11 error, created Nov 26 17:00: due 40 bh later = Dec 3 17:00; left 6 + 8 + 7 = 21 bh
 * - MG-7 settings, created Dec 1 01:00: due 80 bh after Dec 1 10:00 = Dec 14 18:00; left 78 bh
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { UsageError, type CliIo } from '../../shared/cli/io';
import { runTicketShow, runTicketsList, timeLeft } from '../../shared/cli/ticket-commands';
import { buildFixtureTicket, FIXTURE_NOW, openFixtureTable } from '../support/fixture-history';
import { exampleConfig, uniqueTable } from '../support/harness';

const CONFIG = ['--config', 'maildesk.config.example.json'];

async function run(command: typeof runTicketsList, argv: string[], tty = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), isTty: tty };
  const code = await command([...argv, ...CONFIG], io, FIXTURE_NOW);
  return { code, out, err };
}
const keys = async (...argv: string[]) => (JSON.parse((await run(runTicketsList, [...argv, '--json'])).out) as Array<{ key: string }>).map((t) => t.key);

let close: () => void = () => {};
beforeAll(async () => {
  ({ close } = await openFixtureTable(inject('dynamoEndpoint'), exampleConfig(), uniqueTable('tickets')));
});
afterAll(() => close());

describe('tickets list', () => {
  it('shows the open work sorted by deadline, with time left on each ticket clock', async () => {
    const { code, out, err } = await run(runTicketsList, []);
    expect([code, err]).toEqual([0, '']);
    expect(out.split('\n')).toEqual([
      'KEY      TENANT        PRIORITY  STATUS             DUE              LEFT          SUMMARY',
      'MG-8     clinic-north  settings  awaiting_test      2026-11-17 11:00 -39 bh paused Права доступа [breached]',
      'MG-11    clinic-south  error     open               2026-12-03 17:00 21 bh         Вопрос по отчёту',
      'MG-7     clinic-north  settings  open               2026-12-14 18:00 78 bh         Настроить шаблон',
      '(3 tickets; times in Europe/Moscow; bh = business hours)',
    ]);
  });

  it('colours overdue time red on a terminal', async () => {
    const { out } = await run(runTicketsList, [], true);
    const line = out.split('\n').find((l) => l.startsWith('MG-8'))!;
    expect(line).toContain('\u001b[31m-39 bh paused\u001b[0m');
    expect(line).toContain('\u001b[31m [breached]\u001b[0m');
  });

  it('gives JSON with the ticket and where it stands', async () => {
    const list = JSON.parse((await run(runTicketsList, ['--json'])).out) as Array<Record<string, unknown>>;
    expect(list.map((t) => [t.key, t.deadline, t.hoursLeft, t.clock, t.overdue, t.paused])).toEqual([
      ['MG-8', '2026-11-17T08:00:00.000Z', -39, 'business', true, true],
      ['MG-11', '2026-12-03T14:00:00.000Z', 21, 'business', false, false],
      ['MG-7', '2026-12-14T15:00:00.000Z', 78, 'business', false, false],
    ]);
    expect(list[0]).toMatchObject({ tenant: 'clinic-north', priority: 'settings', status: 'awaiting_test', breached: true, pauses: [{ from: '2026-11-24T07:00:00.000Z', to: null }] });
  });

  it('filters by tenant, priority, status, breach and due time; --all adds the finished tickets', async () => {
    expect(await keys('--tenant', 'clinic-south')).toEqual(['MG-11']);
    expect(await keys('--priority', 'settings')).toEqual(['MG-8', 'MG-7']);
    expect(await keys('--breached')).toEqual(['MG-8']);
    expect(await keys('--breached', '--all')).toEqual(['MG-8', 'MG-2', 'MG-4']);
    // a final status asked for by name is shown without --all
    expect(await keys('--status', 'closed')).toEqual(['MG-1', 'MG-2', 'MG-3', 'MG-4', 'MG-6', 'MG-9', 'MG-10', 'MG-13']);
    expect(await keys('--status', 'closed', '--tenant', 'clinic-south')).toEqual(['MG-10']);
    // wall time until the deadline: MG-8 is overdue, MG-11 is due in 53 h, MG-7 in 13 days
    expect(await keys('--due-within', '4h')).toEqual(['MG-8']);
    expect(await keys('--due-within', '3d')).toEqual(['MG-8', 'MG-11']);
    expect(await keys('--all')).toEqual(['MG-8', 'MG-11', 'MG-7', 'MG-1', 'MG-2', 'MG-3', 'MG-4', 'MG-5', 'MG-6', 'MG-9', 'MG-10', 'MG-12', 'MG-13']);
    expect((await run(runTicketsList, ['--tenant', 'clinic-south', '--priority', 'blocking'])).out).toBe('no tickets match');
  });

  it.each([
    [['--status', 'nope'], /--status: Invalid option: expected one of "open"\|"in_progress"/],
    [['--priority', 'urgent'], /--priority: Invalid option/],
    [['--due-within', '4x'], /--due-within: expected a duration like 30m, 4h or 2d/],
    [['--tenant', 'nowhere'], /--tenant: unknown tenant "nowhere"/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('rejects %j with a usage error', async (argv, message) => {
    await expect(run(runTicketsList, argv)).rejects.toThrow(message);
    await expect(run(runTicketsList, argv)).rejects.toBeInstanceOf(UsageError);
  });

  it('counts wall hours for calendar-clock priorities, even at night', () => {
    const config = exampleConfig();
    const calendar = BusinessCalendar.fromConfig(config);
    const spec = { number: 99, tenant: 'clinic-north', priority: 'blocking' as const, created: '2026-11-30T20:00', summary: 'x', steps: [] };
    const { ticket } = buildFixtureTicket(spec, config, calendar);
    // due 5 h later, at 01:00; no business hours between, but the clock runs
    expect(timeLeft(ticket, config, calendar, new Date('2026-11-30T22:30:00+03:00'))).toEqual({ deadline: '2026-11-30T22:00:00.000Z', hoursLeft: 2.5, clock: 'calendar', overdue: false, paused: false });
    expect(timeLeft(ticket, config, calendar, new Date('2026-12-01T03:00:00+03:00'))).toMatchObject({ hoursLeft: -2, overdue: true });
  });
});

describe('ticket show', () => {
  it('prints fields, participants, deadlines, attachments and the timeline in local time', async () => {
    const { code, out } = await run(runTicketShow, ['MG-1']);
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'MG-1  Не открывается карта',
      'tenant        clinic-north (Северная клиника)',
      'requester     anna@clinic-north.example',
      'participants  anna@clinic-north.example (requester), engineer1@team.example (engineer)',
      'department    -',
      'priority      error (Ошибка работы)',
      'status        closed (Закрыто)',
      'assignee      -',
      'created       2026-11-02 11:00',
      'respond by    2026-11-07 12:00  (answered 2026-11-02 13:30)',
      'target        2026-11-09 12:00',
      'due           2026-11-11 12:00',
      'closed        2026-11-06 15:00',
      'fields        cardNumber=123456 caseHistoryNumber=- login=ivanova_a recordName=- buttonName=-',
      'attachment    screen.png (2048 B) attachments/MG-1/screen.png',
      '',
      'history (Europe/Moscow)',
      '  2026-11-02 11:00  ticket.created  anna@clinic-north.example',
      '      Текст обращения MG-1: номер карты 123456',
      '  2026-11-02 13:30  ticket.status_changed open -> in_progress  engineer1@team.example',
      '      Смотрим.',
      '  2026-11-03 11:00  ticket.status_changed in_progress -> info_requested  engineer1@team.example',
      '      Пришлите номер карты.',
      '  2026-11-05 12:00  ticket.status_changed info_requested -> in_progress  anna@clinic-north.example',
      '      Номер карты 777.',
      '  2026-11-06 15:00  ticket.status_changed in_progress -> closed  engineer1@team.example',
    ]);
  });

  it('shows how a waiting, breached ticket stands', async () => {
    const { out } = await run(runTicketShow, ['mg-8']);
    expect(out).toContain('due           2026-11-17 11:00  (overdue 39 bh, clock paused: waiting for the customer)  BREACHED');
    expect(out).toContain('auto-close    2026-12-07 18:00');
    expect(out).toContain('  2026-11-17 11:01  sla.breached  system\n      (overdue)');
  });

  it('gives JSON with the history, participants and time left', async () => {
    const t = JSON.parse((await run(runTicketShow, ['MG-10', '--json'])).out) as Record<string, unknown> & { history: Array<Record<string, unknown>> };
    expect(t).toMatchObject({ key: 'MG-10', tenant: 'clinic-south', status: 'closed', priority: 'partial', dueAt: '2026-11-13T18:00:00.000Z' });
    expect(t.timeLeft).toEqual({ deadline: null, hoursLeft: null, clock: null, overdue: false, paused: false });
    expect(t.participants).toEqual([
      { address: 'boris@clinic-south.example', role: 'requester' },
      { address: 'engineer1@team.example', role: 'engineer' },
    ]);
    expect(t.history.map((h) => [h.at, h.type, h.actor, h.from, h.to])).toEqual([
      ['2026-11-11T12:00:00.000Z', 'ticket.created', 'boris@clinic-south.example', null, null],
      ['2026-11-11T12:30:00.000Z', 'ticket.status_changed', 'engineer1@team.example', 'open', 'in_progress'],
      ['2026-11-12T07:00:00.000Z', 'ticket.status_changed', 'engineer1@team.example', 'in_progress', 'awaiting_test'],
      ['2026-11-12T13:00:00.000Z', 'ticket.status_changed', 'boris@clinic-south.example', 'awaiting_test', 'verified'],
      ['2026-11-13T08:00:00.000Z', 'ticket.status_changed', 'engineer1@team.example', 'verified', 'closed'],
    ]);
    expect(t.history[3]!.text).toBe('Проверено, ошибок нет');
  });

  it('says when a ticket does not exist, and rejects a malformed key', async () => {
    expect(await run(runTicketShow, ['MG-404'])).toEqual({ code: 1, out: '', err: 'ticket MG-404 not found' });
    await expect(run(runTicketShow, ['42'])).rejects.toThrow('usage: maildesk ticket show MG-42 [--json] [--aws]');
    await expect(run(runTicketShow, [])).rejects.toBeInstanceOf(UsageError);
  });
});
