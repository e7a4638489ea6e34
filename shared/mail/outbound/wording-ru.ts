/**
 * Every word the desk writes in Russian: one table, the letters' common parts and the customer's
 * letters here, the team's in wording-ru-team.ts. wording-en.ts has exactly the same keys (its type is
 * this table's, so a key missing or extra in either language fails tsc). Numbers the config can change
 * arrive as parameters, already in words (`3 рабочих дня`).
 */
import { ruNumber, ruPlural } from './plural';
import { ruTeam } from './wording-ru-team';

export const ru = {
  greeting: 'Здравствуйте!',
  /** The footer fits the letter: only where a reply reaches the ticket and the letter says nothing else of it. */
  footer: {
    reply: 'Это письмо отправлено автоматически; ваш ответ на него получит служба поддержки.',
    plain: 'Это письмо отправлено автоматически.',
  },
  signature: (tenantName: string) => `--\nСлужба технической поддержки\n${tenantName}`,
  noSubject: 'Без темы',
  hours: (n: number) => `${ruNumber(n)} ${ruPlural(n, 'час', 'часа', 'часов')}`,
  workingDays: (n: number) => `${ruNumber(n)} ${ruPlural(n, 'рабочий день', 'рабочих дня', 'рабочих дней')}`,
  locale: 'ru-RU',

  deadlines: {
    target: 'Плановый срок',
    due: 'Крайний срок решения',
    feature: 'Срок назначим, когда возьмём задачу в работу.',
    none: 'Для обращений такого типа срок не устанавливается.',
    outsideContract: 'Сроки регламента не применяются: обращение вне договора поддержки.',
  },

  acknowledgement: {
    registered: (key: string) => `Ваше обращение зарегистрировано под номером ${key}.`,
    subject: 'Тема',
    department: 'Подразделение',
    priority: 'Приоритет',
    received: 'Мы получили следующие данные:',
    missing: 'Чтобы ускорить решение, сообщите, пожалуйста:',
    linked: 'Связанные заявки',
    howToAdd: (key: string) => `Дополнить заявку можно ответом на это письмо: сохраните в теме номер [${key}].`,
    /** a clinic without an active support contract (support-contract.ts) */
    outsideContract:
      'У клиники нет действующего договора на техническую поддержку, поэтому работы по этому обращению ' +
      'выполняются вне договора: исправления и доработки оплачиваются отдельно и выполняются после ' +
      'обновления программы до текущей версии. Сроки регламента поддержки на обращение не распространяются.',
  },

  status: {
    line: (key: string, status: string) => `Статус заявки ${key}: ${status}.`,
    original: 'Основная заявка',
    reason: 'Причина',
    engineer: 'Ответственный специалист',
    /** the closing mail of a code change: its knowledge-base links (#doc) */
    documentation: 'Описание изменений в базе знаний',
  },

  /** What each status means to the customer; `autoClose` is the config's period in words. */
  explain: (key: string, autoClose: string) => ({
    open: 'Заявка вернулась в очередь и ждёт специалиста.',
    in_progress: 'Мы приступили к работе над заявкой.',
    reopened: 'Мы снова займёмся этой заявкой.',
    awaiting_test:
      'Исправление готово. Пожалуйста, проверьте его и ответьте на это письмо:\n' +
      '  - если всё в порядке, напишите «Проверено, ошибок нет»;\n' +
      '  - если ошибка осталась, напишите «Найдена ошибка» и опишите, что именно не работает.\n' +
      `Без ответа заявка будет закрыта автоматически через ${autoClose}.`,
    info_requested:
      'Чтобы продолжить работу, нам нужны дополнительные сведения. Пожалуйста, ответьте на это письмо. ' +
      'Пока мы ждём, срок решения не идёт. ' +
      `Без ответа заявка будет закрыта автоматически через ${autoClose}.`,
    verified: 'Спасибо за проверку: вы подтвердили, что ошибок нет.',
    bug_found: 'Спасибо! Мы передали ваше замечание специалисту и вернули заявку в работу.',
    deploying: 'Теперь изменения устанавливаются в рабочую систему; когда всё будет готово, мы сообщим.',
    closed:
      'Работа по заявке завершена. Если вопрос возникнет снова, напишите нам новое письмо ' +
      `(не ответом на это) и укажите в нём номер ${key}.`,
    duplicate: 'Этот вопрос уже решается в другой заявке, поэтому эту мы закрыли.',
    infeasible: 'К сожалению, выполнить эту заявку невозможно.',
    cancelled: 'К сожалению, заявку пришлось отменить: выполнить её невозможно.',
    closed_no_response:
      `Заявка ${key} закрыта: мы не получили от вас ответа. Если вопрос ещё актуален, ` +
      `напишите нам новое письмо и укажите в нём номер ${key}.`,
  }),

  priority: {
    line: (key: string, priority: string, was: string | null) =>
      `Приоритет заявки ${key}: ${priority}${was ? ` (прежний: ${was})` : ''}.`,
  },
  deferral: (key: string, days: string) => `Срок решения заявки ${key} перенесён на ${days}.`,
  reminder: (key: string, status: string, closeAt: string) =>
    `По заявке ${key} мы ждём вашего ответа (статус: ${status}). ` +
    `Если вы не ответите, заявка закроется автоматически ${closeAt}.`,
  finished: (key: string, status: string) =>
    `Заявка ${key} уже завершена (статус: ${status}), поэтому ваше письмо её не изменило.\n` +
    'Если вопрос снова актуален, напишите нам новое письмо (не ответом на это) ' +
    `и укажите в нём номер ${key}: мы свяжем новую заявку с прежней.`,
  refusal: {
    subject: 'Обращение не зарегистрировано',
    text: (tenantName: string) =>
      'Мы не можем зарегистрировать ваше обращение: адрес отправителя не относится к организациям, ' +
      `которые обслуживает эта служба поддержки (${tenantName}).\n` +
      'Пожалуйста, напишите с рабочего адреса вашей организации.',
  },

  report: {
    months: 'январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь'.split(' '),
    subject: (when: string, name: string) => `Отчёт SLA за ${when}: ${name}`,
    noDeadlines: 'нет заявок со сроком',
    heading: (when: string, name: string) => `Отчёт о соблюдении сроков поддержки за ${when} (${name}).`,
    opened: 'Открыто заявок',
    closed: 'Закрыто заявок',
    breached: 'Нарушено сроков',
    met: 'Сроки соблюдены',
    medians: (firstResponse: string, resolution: string) =>
      `Медиана в рабочих часах: первый ответ — ${firstResponse}; решение — ${resolution}.`,
    paused: 'Ожидание ответа клиента, рабочих часов',
    /** "1.5" as Russian writes it */
    decimal: (figure: string) => figure.replace('.', ','),
    autoClosed: 'Закрыто из-за отсутствия ответа',
    attached:
      'Подробный отчёт с диаграммами по приоритетам — во вложении ' +
      '(HTML-файл открывается в браузере, его можно распечатать).',
    signed: (name: string) => `Служба поддержки, ${name}`,
  },

  team: ruTeam,
};

export type Wording = typeof ru;
