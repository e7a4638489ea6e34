/**
 * A known November 2026 history (Europe/Moscow, 10:00-18:00, the Russian production calendar:
 * Nov 3 is a short day closing at 17:00, Nov 4 a holiday), written with the store's saveTicket.
 * Each ticket is built with the real workflow (moveTo, withDeadlines), so its state (pauses,
 * deadlines, flags) is what the pipeline would have stored. Expected figures are computed by hand
 * in the tests that use it; the business hours of each step are noted here.
 */
import { localDynamoClient } from '../../shared/adapters/clients';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store';
import { ensureTicketTable } from '../../shared/adapters/ticket-table';
import type { MaildeskConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Actor, EventType, TicketEvent } from '../../shared/domain/events';
import type { Priority } from '../../shared/domain/priorities';
import { newTicket, type Status, type Ticket } from '../../shared/domain/ticket';
import { moveTo, withDeadlines } from '../../shared/domain/workflow';
import type { TicketStore } from '../../shared/use-cases/ports';

const iso = (local: string) => new Date(`${local}+03:00`).toISOString();

type Step =
  | { at: string; to: Status; by?: 'engineer' | 'requester' | 'system'; text?: string }
  | { at: string; breach: true }
  | { at: string; autoClose: true };

export interface Spec {
  number: number;
  tenant: string;
  priority: Priority;
  created: string;
  summary: string;
  steps: Step[];
}

const ENGINEER = 'engineer1@team.example';

export const fixtureSpecs: Spec[] = [
  // clinic-north, error: FR 2.5; paused 6 (Nov 3 11-17) + 0 (holiday) + 2 = 8; resolution 7+7+0+8+5 = 27; met
  {
    number: 1,
    tenant: 'clinic-north',
    priority: 'error',
    created: '2026-11-02T11:00',
    summary: 'Не открывается карта',
    steps: [
      { at: '2026-11-02T13:30', to: 'in_progress', text: 'Смотрим.' },
      { at: '2026-11-03T11:00', to: 'info_requested', text: 'Пришлите номер карты.' },
      { at: '2026-11-05T12:00', to: 'in_progress', by: 'requester', text: 'Номер карты 777.' },
      { at: '2026-11-06T15:00', to: 'closed' },
    ],
  },
  // clinic-north, error: FR 6; deadline 5 wd = Nov 16 18:00, breached; resolution 5*8 + 8 + 2 = 50; not met
  {
    number: 2,
    tenant: 'clinic-north',
    priority: 'error',
    created: '2026-11-10T10:00',
    summary: 'Ошибка печати',
    steps: [
      { at: '2026-11-10T16:00', to: 'in_progress' },
      { at: '2026-11-16T18:01', breach: true },
      { at: '2026-11-18T12:00', to: 'closed' },
    ],
  },
  // clinic-north, blocking: FR 0.5; resolution 4; met (5 h calendar deadline)
  {
    number: 3,
    tenant: 'clinic-north',
    priority: 'blocking',
    created: '2026-11-16T10:00',
    summary: 'Всё встало',
    steps: [
      { at: '2026-11-16T10:30', to: 'in_progress' },
      { at: '2026-11-16T14:00', to: 'closed' },
    ],
  },
  // clinic-north, blocking, created before opening: FR 0; breached at 14:01; resolution 10:00-16:00 = 6; not met
  {
    number: 4,
    tenant: 'clinic-north',
    priority: 'blocking',
    created: '2026-11-23T09:00',
    summary: 'Нет входа',
    steps: [
      { at: '2026-11-23T09:20', to: 'in_progress' },
      { at: '2026-11-23T14:01', breach: true },
      { at: '2026-11-23T16:00', to: 'closed' },
    ],
  },
  // clinic-north, minor: FR 2; waits from Nov 3 10:00, auto-closed after 10 wd (80 bh) on Nov 18 11:00;
  // paused 80; resolution 6 + 7 + 9*8 + 1 = 86; met; auto-closed
  {
    number: 5,
    tenant: 'clinic-north',
    priority: 'minor',
    created: '2026-11-02T12:00',
    summary: 'Опечатка в форме',
    steps: [
      { at: '2026-11-02T14:00', to: 'in_progress' },
      { at: '2026-11-03T10:00', to: 'awaiting_test' },
      { at: '2026-11-18T11:00', autoClose: true },
    ],
  },
  // clinic-north, feature from October: FR in October (not counted); resolution Oct 20 10:00 -> Nov 10 17:00 = 13*8 + 7 + 7 = 118
  {
    number: 6,
    tenant: 'clinic-north',
    priority: 'feature',
    created: '2026-10-20T10:00',
    summary: 'Новая выгрузка',
    steps: [
      { at: '2026-10-21T10:00', to: 'in_progress' },
      { at: '2026-11-10T17:00', to: 'closed' },
    ],
  },
  // clinic-north, settings, created Dec 1 01:00 Moscow (Nov 30 22:00 UTC): not November
  {
    number: 7,
    tenant: 'clinic-north',
    priority: 'settings',
    created: '2026-12-01T01:00',
    summary: 'Настроить шаблон',
    steps: [],
  },
  // clinic-north, settings, created Nov 1 00:30 Moscow (Oct 31 UTC): November. FR Sunday -> Mon 10:30 = 0.5;
  // deadline 10 wd = Nov 17 11:00, breached; waiting since Nov 24 10:00 to the month's end: 5*8 = 40 paused; not met
  {
    number: 8,
    tenant: 'clinic-north',
    priority: 'settings',
    created: '2026-11-01T00:30',
    summary: 'Права доступа',
    steps: [
      { at: '2026-11-02T10:30', to: 'in_progress' },
      { at: '2026-11-17T11:01', breach: true },
      { at: '2026-11-24T10:00', to: 'awaiting_test' },
    ],
  },
  // clinic-north, error: FR 1; resolution 8 + 2 = 10; met
  {
    number: 9,
    tenant: 'clinic-north',
    priority: 'error',
    created: '2026-11-19T10:00',
    summary: 'Не сохраняется запись',
    steps: [
      { at: '2026-11-19T11:00', to: 'in_progress' },
      { at: '2026-11-20T12:00', to: 'closed' },
    ],
  },
  // clinic-south, partial: FR 0.5; waits Nov 12 10:00-16:00 (6 paused); resolution 3 + 8 + 1 = 12; met
  {
    number: 10,
    tenant: 'clinic-south',
    priority: 'partial',
    created: '2026-11-11T15:00',
    summary: 'Медленно работает',
    steps: [
      { at: '2026-11-11T15:30', to: 'in_progress' },
      { at: '2026-11-12T10:00', to: 'awaiting_test' },
      { at: '2026-11-12T16:00', to: 'verified', by: 'requester', text: 'Проверено, ошибок нет' },
      { at: '2026-11-13T11:00', to: 'closed' },
    ],
  },
  // clinic-south, error, still open at the month's end: opened only
  {
    number: 11,
    tenant: 'clinic-south',
    priority: 'error',
    created: '2026-11-26T17:00',
    summary: 'Вопрос по отчёту',
    steps: [],
  },
  // clinic-south, error, closed as a duplicate: FR = resolution = 0.5 + 0.5 = 1; met
  {
    number: 12,
    tenant: 'clinic-south',
    priority: 'error',
    created: '2026-11-26T17:30',
    summary: 'Вопрос по отчёту (повтор)',
    steps: [{ at: '2026-11-27T10:30', to: 'duplicate' }],
  },
  // clinic-north, error, all in October: not in November's report
  {
    number: 13,
    tenant: 'clinic-north',
    priority: 'error',
    created: '2026-10-05T10:00',
    summary: 'Старая заявка',
    steps: [
      { at: '2026-10-05T11:00', to: 'in_progress' },
      { at: '2026-10-06T11:00', to: 'closed' },
    ],
  },
];

function requesterOf(tenant: string): string {
  return tenant === 'clinic-north' ? 'anna@clinic-north.example' : 'boris@clinic-south.example';
}

export function buildFixtureTicket(
  spec: Spec,
  config: MaildeskConfig,
  calendar: BusinessCalendar,
): { ticket: Ticket; events: TicketEvent[] } {
  const key = `MG-${spec.number}`;
  const createdAt = iso(spec.created);
  const ctx = { calendar, sla: config.sla };
  const requester = requesterOf(spec.tenant);
  const actor = (by: 'engineer' | 'requester' | 'system' = 'engineer'): Actor => ({
    kind: by,
    address: by === 'engineer' ? ENGINEER : by === 'requester' ? requester : null,
  });
  let ticket: Ticket = withDeadlines(
    newTicket({
      key,
      number: spec.number,
      tenant: spec.tenant,
      requester,
      summary: spec.summary,
      fields: { cardNumber: '123456', caseHistoryNumber: null, login: 'ivanova_a', recordName: null, buttonName: null },
      priority: spec.priority,
      createdAt,
      attachments:
        spec.number === 1
          ? [{ filename: 'screen.png', contentType: 'image/png', size: 2048, key: 'attachments/MG-1/screen.png' }]
          : [],
      rootMessageId: `root-${spec.number}@clinic.example`,
    }),
    ctx,
    new Date(createdAt),
  );
  const events: TicketEvent[] = [
    {
      id: `${key}:created`,
      type: 'ticket.created',
      ticketKey: key,
      tenant: spec.tenant,
      at: createdAt,
      actor: actor('requester'),
      priority: spec.priority,
      text: `Текст обращения ${key}: номер карты 123456`,
      attachmentKeys: ticket.attachments.map((a) => a.key),
    },
  ];
  spec.steps.forEach((step, i) => {
    const at = iso(step.at);
    const id = `${key}:${i + 1}`;
    const base = { ticketKey: key, tenant: spec.tenant, at, priority: ticket.priority };
    if ('breach' in step) {
      const deadline = ticket.deadlines.dueAt;
      ticket = { ...ticket, breached: true, warned: true, updatedAt: at };
      events.push({
        ...base,
        id: `${key}:breach:${deadline}`,
        type: 'sla.breached' as EventType,
        actor: actor('system'),
        reason: 'overdue',
        data: { deadline },
      });
    } else if ('autoClose' in step) {
      const from = ticket.status;
      ticket = moveTo(ticket, 'closed_no_response', at);
      events.push({
        ...base,
        id,
        type: 'ticket.auto_closed',
        actor: actor('system'),
        from,
        to: 'closed_no_response',
        reason: 'no answer from the customer within the waiting period',
      });
    } else {
      const from = ticket.status;
      ticket = moveTo(ticket, step.to, at);
      events.push({
        ...base,
        id,
        type: 'ticket.status_changed',
        actor: actor(step.by),
        from,
        to: step.to,
        ...(step.text ? { text: step.text } : {}),
      });
    }
    ticket = withDeadlines(ticket, ctx, new Date(at));
  });
  return { ticket: { ...ticket, version: 1 }, events };
}

/** Writes the whole fixture through the store's saveTicket (one transaction per ticket, in parallel). */
export async function writeFixtureHistory(store: TicketStore, config: MaildeskConfig): Promise<void> {
  const calendar = BusinessCalendar.fromConfig(config);
  await Promise.all(
    fixtureSpecs.map(async (spec) => {
      const { ticket, events } = buildFixtureTicket(spec, config, calendar);
      const result = await store.saveTicket({ ticket, expectedVersion: null, events, messageIds: [], inboundId: null });
      if (!result.ok) throw new Error(`fixture ${ticket.key}: ${result.reason}`);
    }),
  );
}

/** The instant the fixture is read at: the first working day of December, midday in Moscow. */
export const FIXTURE_NOW = new Date('2026-12-01T12:00:00+03:00');

/**
 * A fresh table on the test run's DynamoDB Local holding the fixture, and the environment the CLI
 * reads (MAILDESK_DYNAMODB_PORT, MAILDESK_TABLE) pointed at it.
 */
export async function openFixtureTable(
  endpoint: string,
  config: MaildeskConfig,
  table: string,
): Promise<{ store: DynamoTicketStore; close(): void }> {
  const client = localDynamoClient(endpoint);
  await ensureTicketTable(client, table);
  const store = new DynamoTicketStore(client, table);
  await writeFixtureHistory(store, config);
  process.env.MAILDESK_DYNAMODB_PORT = new URL(endpoint).port;
  process.env.MAILDESK_TABLE = table;
  return { store, close: () => client.destroy() };
}
