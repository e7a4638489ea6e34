/**
 * Priorities of the regulation and their SLA policy: one table, used by the SLA engine,
 * the mail reader (Russian names), the CLI and the stack.
 */
export const priorityCodes = ['blocking', 'partial', 'error', 'minor', 'settings', 'feature', 'report'] as const;
export type Priority = (typeof priorityCodes)[number];

export const DEFAULT_PRIORITY: Priority = 'error';

/**
 * clock: how time is counted. calendar = wall time, business = support hours on working days,
 * none = no SLA. startsAt: 'created' or 'first_in_progress' (feature work counts from when it starts).
 * targetWd/deadline: null where the regulation sets none. Calendar deadlines are in hours,
 * business ones in working days (wd).
 */
export interface SlaPolicy {
  readonly clock: 'calendar' | 'business' | 'none';
  readonly startsAt: 'created' | 'first_in_progress';
  readonly targetWd: number | null;
  readonly deadlineWd: number | null;
  readonly deadlineHours: number | null;
  readonly deferrable: boolean;
}

export const slaPolicy = {
  blocking: {
    clock: 'calendar',
    startsAt: 'created',
    targetWd: null,
    deadlineWd: null,
    deadlineHours: 5,
    deferrable: false,
  },
  partial: {
    clock: 'calendar',
    startsAt: 'created',
    targetWd: null,
    deadlineWd: null,
    deadlineHours: 48,
    deferrable: false,
  },
  error: { clock: 'business', startsAt: 'created', targetWd: 3, deadlineWd: 5, deadlineHours: null, deferrable: true },
  minor: { clock: 'business', startsAt: 'created', targetWd: 3, deadlineWd: 5, deadlineHours: null, deferrable: true },
  settings: {
    clock: 'business',
    startsAt: 'created',
    targetWd: 3,
    deadlineWd: 10,
    deadlineHours: null,
    deferrable: true,
  },
  feature: {
    clock: 'business',
    startsAt: 'first_in_progress',
    targetWd: 15,
    deadlineWd: null,
    deadlineHours: null,
    deferrable: true,
  },
  report: {
    clock: 'none',
    startsAt: 'created',
    targetWd: null,
    deadlineWd: null,
    deadlineHours: null,
    deferrable: true,
  },
} as const satisfies Record<Priority, SlaPolicy>;

export const priorityNamesRu = {
  blocking: 'Блокировка',
  partial: 'Частичная блокировка',
  error: 'Ошибка работы',
  minor: 'Мелкое исправление',
  settings: 'Дополнительные настройки',
  feature: 'Новые функции, доработки',
  report: 'Новый отчет',
} as const satisfies Record<Priority, string>;

export const priorityNamesEn = {
  blocking: 'Blocking',
  partial: 'Partial blocking',
  error: 'Malfunction',
  minor: 'Minor fix',
  settings: 'Additional settings',
  feature: 'New features',
  report: 'New report',
} as const satisfies Record<Priority, string>;

/** Critical tickets escalate at once and may never be deferred. */
export const isCritical = (p: Priority): boolean => p === 'blocking' || p === 'partial';

export const isPriority = (s: string): s is Priority => (priorityCodes as readonly string[]).includes(s);
