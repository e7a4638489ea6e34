/**
 * One composition root: the use cases' deps built from a set of adapters. The Lambdas
 * (functions/wiring.ts: AWS adapters), the local stack (DynamoDB Local, folders, SMTP), the CLI,
 * the bench (memory adapters) and the test harness all build their deps here, so a new dependency
 * of a use case is added in one place.
 *
 * Lazy on purpose: an adapter is read from `adapters` when a use case first uses it, so a
 * function whose adapters are made on first use (monthly-report on a day without a report) makes
 * none; and a caller that has no mail sender (the CLI's sweep) can still build the sweep's deps.
 */
import type { MaildeskConfig } from './config';
import type { BusinessCalendar } from './domain/business-calendar';
import type { Logger } from './log';
import { TelegramBotApi } from './adapters/telegram-bot-api';
import type { TelegramDeps } from './use-cases/alert-telegram';
import type { ClinicGroupDeps } from './use-cases/post-to-clinic-group';
import type { TelegramUpdateDeps } from './use-cases/receive-telegram-update';
import type { DeliverDeps } from './use-cases/deliver-event';
import type { EventBus, MailSender, MailStore, TicketStore } from './use-cases/ports';
import type { ReceiveDeps } from './use-cases/receive-mail';
import type { MonthlyReportDeps } from './use-cases/send-monthly-reports';
import type { SweepDeps } from './use-cases/sweep-deadlines';

export interface TelegramAdapter {
  /** the bot token: SSM Parameter Store in AWS, MAILDESK_TELEGRAM_TOKEN locally */
  token: () => Promise<string>;
  apiBase?: string;
  /** the webhook's secret token (the clinics' groups bridge): SSM in AWS, MAILDESK_TELEGRAM_WEBHOOK_SECRET locally */
  webhookSecret?: () => Promise<string>;
}

/** What the use cases run on; any of them may be a getter that makes the adapter on first use. */
export interface DeskAdapters {
  config: MaildeskConfig;
  log: Logger;
  tickets?: TicketStore;
  mail?: MailStore;
  sender?: MailSender;
  bus?: EventBus;
  telegram?: TelegramAdapter;
  /**
   * BusinessCalendar.fromConfig(config), for the use cases that compute deadlines (not made here, so
   * a function that computes none, notify or telegram-alert, does not bundle the calendar)
   */
  calendar?: BusinessCalendar;
  /** default: the system clock */
  now?: () => Date;
}

export interface Desk {
  readonly receiveDeps: ReceiveDeps;
  readonly deliverDeps: DeliverDeps;
  readonly sweepDeps: SweepDeps;
  readonly reportDeps: MonthlyReportDeps;
  readonly alertDeps: TelegramDeps;
  readonly groupPostDeps: ClinicGroupDeps;
  readonly telegramUpdateDeps: TelegramUpdateDeps;
}

/** A use case needed an adapter its caller did not give (a wiring mistake, not a runtime condition). */
export class MissingAdapterError extends Error {
  override name = 'MissingAdapterError';
  constructor(readonly adapter: string) {
    super(`no ${adapter} adapter was given to buildDesk`);
  }
}

type Makers<T> = { [K in keyof T]: () => T[K] };

/**
 * An object whose fields are made on first read, then kept; assigning a field replaces it (tests
 * swap a store for a wrapped one). Fields are enumerable, so a spread copies them as values.
 */
function lazyObject<T extends object>(makers: Makers<T>): T {
  const target = {} as T;
  for (const key of Object.keys(makers) as Array<keyof T>) {
    let made = false;
    let value: T[typeof key] | undefined;
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!made) [value, made] = [makers[key]!(), true];
        return value;
      },
      set: (replacement: T[typeof key]) => {
        [value, made] = [replacement, true];
      },
    });
  }
  return target;
}

const systemClock = () => new Date();

export function buildDesk(adapters: DeskAdapters): Desk {
  type Needed = 'tickets' | 'mail' | 'sender' | 'bus' | 'telegram' | 'calendar';
  const need = <K extends Needed>(name: K): NonNullable<DeskAdapters[K]> => {
    const adapter = adapters[name];
    if (adapter === undefined) throw new MissingAdapterError(name);
    return adapter as NonNullable<DeskAdapters[K]>;
  };
  const calendar = () => need('calendar');
  const config = () => adapters.config;
  const log = () => adapters.log;
  let bot: TelegramBotApi | undefined;
  const chat = () => (bot ??= new TelegramBotApi(need('telegram')));
  return lazyObject<Desk>({
    receiveDeps: () =>
      lazyObject<ReceiveDeps>({
        mail: () => need('mail'),
        tickets: () => need('tickets'),
        config,
        calendar,
        now: () => adapters.now ?? systemClock,
        log,
      }),
    deliverDeps: () =>
      lazyObject<DeliverDeps>({
        tickets: () => need('tickets'),
        sender: () => need('sender'),
        bus: () => need('bus'),
        mail: () => need('mail'),
        config,
        log,
      }),
    sweepDeps: () => lazyObject<SweepDeps>({ tickets: () => need('tickets'), config, calendar, log }),
    reportDeps: () =>
      lazyObject<MonthlyReportDeps>({
        tickets: () => need('tickets'),
        sender: () => need('sender'),
        config,
        calendar,
        log,
      }),
    alertDeps: () =>
      lazyObject<TelegramDeps>({
        claims: () => need('tickets'),
        config,
        token: () => need('telegram').token,
        apiBase: () => adapters.telegram?.apiBase,
        log,
      }),
    groupPostDeps: () => lazyObject<ClinicGroupDeps>({ tickets: () => need('tickets'), chat, config, log }),
    telegramUpdateDeps: () =>
      lazyObject<TelegramUpdateDeps>({
        tickets: () => need('tickets'),
        chat,
        webhookSecret: () =>
          need('telegram').webhookSecret ?? (() => Promise.reject(new MissingAdapterError('webhook secret'))),
        config,
        calendar,
        now: () => adapters.now ?? systemClock,
        log,
      }),
  });
}
