/**
 * The status machine of the regulation as data. Handlers, the CLI and the command checker
 * all ask `canTransition`; no other place decides which status may follow which.
 */
import type { Priority } from './priorities';

export const statusCodes = [
  'open',
  'in_progress',
  'reopened',
  'awaiting_test',
  'info_requested',
  'verified',
  'bug_found',
  'deploying',
  'closed',
  'duplicate',
  'infeasible',
  'cancelled',
  'closed_no_response',
] as const;
export type Status = (typeof statusCodes)[number];

export const statusNamesRu = {
  open: 'Открыто',
  in_progress: 'В работе',
  reopened: 'Открыто повторно',
  awaiting_test: 'Ожидание тестирования клиентом',
  info_requested: 'Запрошена дополнительная информация',
  verified: 'Проверено, ошибок нет',
  bug_found: 'Найдена ошибка',
  deploying: 'Перенос на основную среду',
  closed: 'Закрыто',
  duplicate: 'Дубликат',
  infeasible: 'Невыполнимо',
  cancelled: 'Отменено в связи с невозможностью выполнения',
  closed_no_response: 'Закрыто из-за отсутствия ответа',
} as const satisfies Record<Status, string>;

export const statusNamesEn = {
  open: 'Open',
  in_progress: 'In progress',
  reopened: 'Reopened',
  awaiting_test: 'Awaiting customer testing',
  info_requested: 'More information requested',
  verified: 'Verified, no errors',
  bug_found: 'Bug found',
  deploying: 'Deploying to production',
  closed: 'Closed',
  duplicate: 'Duplicate',
  infeasible: 'Infeasible',
  cancelled: 'Cancelled as impossible',
  closed_no_response: 'Closed for lack of response',
} as const satisfies Record<Status, string>;

const ending = ['duplicate', 'infeasible', 'cancelled'] as const;

/** Which status may follow which. Customer verdicts and the sweep go through the same table. */
export const transitions = {
  open: ['in_progress', 'info_requested', 'awaiting_test', 'closed', ...ending],
  in_progress: ['info_requested', 'awaiting_test', 'deploying', 'closed', ...ending],
  reopened: ['in_progress', 'info_requested', 'awaiting_test', 'closed', ...ending],
  awaiting_test: ['verified', 'bug_found', 'in_progress', 'info_requested', 'closed_no_response', 'closed', ...ending],
  info_requested: ['open', 'in_progress', 'reopened', 'awaiting_test', 'closed_no_response', 'closed', ...ending],
  verified: ['deploying', 'closed', 'in_progress'],
  bug_found: ['in_progress', 'info_requested', ...ending],
  deploying: ['closed', 'in_progress', 'awaiting_test'],
  closed: ['reopened'],
  duplicate: [],
  infeasible: [],
  cancelled: [],
  closed_no_response: [],
} as const satisfies Record<Status, readonly Status[]>;

export const finalStatuses = [
  'closed',
  'duplicate',
  'infeasible',
  'cancelled',
  'closed_no_response',
] as const satisfies readonly Status[];
/** The SLA clock stops while the ticket waits for the customer. */
export const waitingStatuses = ['info_requested', 'awaiting_test'] as const satisfies readonly Status[];

export const isFinal = (s: Status): boolean => (finalStatuses as readonly Status[]).includes(s);
export const isWaiting = (s: Status): boolean => (waitingStatuses as readonly Status[]).includes(s);
export const isStatus = (s: string): s is Status => (statusCodes as readonly string[]).includes(s);
export const canTransition = (from: Status, to: Status): boolean =>
  (transitions[from] as readonly Status[]).includes(to);
export const allowedNext = (from: Status): readonly Status[] => transitions[from];

export type TemplateFieldName = 'cardNumber' | 'caseHistoryNumber' | 'login' | 'recordName' | 'buttonName';
export const templateFieldNames: readonly TemplateFieldName[] = [
  'cardNumber',
  'caseHistoryNumber',
  'login',
  'recordName',
  'buttonName',
];
export const templateFieldLabelsRu: Record<TemplateFieldName, string> = {
  cardNumber: 'Номер амбулаторной карты',
  caseHistoryNumber: 'Номер истории болезни',
  login: 'Логин в системе',
  recordName: 'Наименование записи',
  buttonName: 'Наименование кнопки перехода',
};
export type TemplateFields = Record<TemplateFieldName, string | null>;

/** A closed interval during which the ticket waited for the customer (SLA paused). `to` null: still waiting. */
export interface Pause {
  from: string;
  to: string | null;
}

export interface Attachment {
  filename: string;
  contentType: string;
  size: number;
  key: string;
}

/** What the SLA engine computed for a ticket; ISO instants, null where none applies. */
export interface Deadlines {
  respondBy: string | null;
  targetAt: string | null;
  dueAt: string | null;
  autoCloseAt: string | null;
}

/** The next scheduled SLA action; stored on the ticket so the sparse `due` index can find it. */
export type DueKind = 'respond' | 'warn' | 'breach' | 'remind' | 'auto_close';
export interface NextDue {
  kind: DueKind;
  at: string;
}

export interface Ticket {
  key: string; // MG-42
  number: number;
  tenant: string;
  requester: string;
  requesterName: string | null;
  cc: string[];
  summary: string;
  department: string | null;
  fields: TemplateFields;
  priority: Priority;
  status: Status;
  /** Status the ticket had before it started waiting for the customer; it goes back there on their answer. */
  statusBeforeWait: Status | null;
  assignee: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Where the SLA clock counts from when it is not `createdAt`: the last reopening. A ticket
   * reopened weeks after it was created gets its deadlines anew from the reopen time instead of
   * being overdue at once (null, or absent on tickets stored before this field: `createdAt`).
   */
  clockStart?: string | null;
  /**
   * First time the ticket left `open` (responded) and first `in_progress` since creation or the last reopening (feature
   * clock start).
   */
  respondedAt: string | null;
  startedAt: string | null;
  waitingSince: string | null;
  pauses: Pause[];
  deferredWd: number;
  deadlines: Deadlines;
  breached: boolean;
  warned: boolean;
  /** engineers were told it was not taken into work within 72 h */
  respondOverdue: boolean;
  reminded: boolean;
  linkedTo: string[];
  duplicateOf: string | null;
  /** knowledge-base links recorded with `#doc` (documentation.ts); absent on tickets stored before the gate */
  documentation?: string[];
  /** opened while the clinic had no active support contract: no SLA (support-contract.ts); absent = covered */
  outsideContract?: boolean;
  attachments: Attachment[];
  /** Message-ID of the customer's first mail, and the newest one in the thread (for In-Reply-To). */
  rootMessageId: string;
  lastMessageId: string;
  closedAt: string | null;
  nextDue: NextDue | null;
  version: number;
}

/** What a new ticket must be told; everything else starts empty. */
export type NewTicket = Pick<
  Ticket,
  'key' | 'number' | 'tenant' | 'requester' | 'summary' | 'priority' | 'createdAt' | 'rootMessageId'
> &
  Partial<Ticket>;

/** A freshly opened ticket: status `open`, no pauses, no flags, version 1 (deadlines are the SLA engine's job). */
export function newTicket(init: NewTicket): Ticket {
  return {
    requesterName: null,
    cc: [],
    department: null,
    fields: { cardNumber: null, caseHistoryNumber: null, login: null, recordName: null, buttonName: null },
    status: 'open',
    statusBeforeWait: null,
    assignee: null,
    updatedAt: init.createdAt,
    clockStart: null,
    respondedAt: null,
    startedAt: null,
    waitingSince: null,
    pauses: [],
    deferredWd: 0,
    deadlines: { respondBy: null, targetAt: null, dueAt: null, autoCloseAt: null },
    breached: false,
    warned: false,
    respondOverdue: false,
    reminded: false,
    linkedTo: [],
    duplicateOf: null,
    attachments: [],
    lastMessageId: init.rootMessageId,
    closedAt: null,
    nextDue: null,
    version: 1,
    ...init,
  };
}
