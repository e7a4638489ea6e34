/**
 * The Russian words of the support team's letters (the `team` part of wording-ru.ts): the engineers'
 * copies, SLA alerts, refused commands and the notice to an engineer whose mail was not authenticated.
 * Status and priority codes, #commands, addresses and the checks' names (SPF, DKIM, DMARC) stay as
 * they are typed or shown by SES.
 */
import { ruPlural } from './plural';
import type { RejectionWords } from './rejections';
import type { UnprovenEngineerMail as M } from './unauthenticated';

/** Why a command was refused (the line it came from is written before it). */
const rejections: RejectionWords = {
  'unknown-command': (r) => `неизвестная команда; можно: ${r.allowed.map((a) => a.replace(' ', ' (')).join('), ')})`,
  'missing-value': (r, n) =>
    r.kind === 'status'
      ? `после #status нужен статус; можно: ${n.statuses}`
      : `после #priority нужен приоритет; можно: ${n.priorities}`,
  'unknown-value': (r, n) =>
    r.kind === 'status'
      ? `неизвестный статус «${r.value}»; можно: ${n.statuses}`
      : `неизвестный приоритет «${r.value}»; можно: ${n.priorities}`,
  'ambiguous-value': (r, n) => {
    const which = r.candidates.map(r.kind === 'status' ? n.status : n.priority).join(', ');
    return `«${r.value}» подходит к нескольким: ${which}; напишите название полнее`;
  },
  'assign-syntax': () => 'нужен один логин или адрес инженера, например #assign <логин>',
  'defer-syntax': () => 'нужно целое положительное число рабочих дней, например #defer 5',
  'duplicate-syntax': (r) => `нужен номер основной заявки, например #duplicate ${r.prefix}-12`,
  'internal-arguments': () => '#internal пишется без параметров; текст заметки — под строками команд',
  'doc-syntax': (r) => `нужна ссылка на статью, например #doc https://kb.example/${r.prefix}-12`,
  'requester-syntax': () => 'нужен адрес электронной почты клиента, например #requester <адрес>',
  'more-lines': (r) =>
    `и ещё ${r.count} ${ruPlural(r.count, 'нечитаемая строка', 'нечитаемые строки', 'нечитаемых строк')} команд`,
  repeated: () => 'команда указана больше одного раза; оставьте одну',
  'no-such-engineer': (r) => `такого инженера нет; можно: ${r.allowed.join(', ')}`,
  'self-duplicate': () => 'заявка не может быть дубликатом самой себя',
  'no-such-ticket': () => 'у этого клиента нет такой заявки',
  'not-allowed': (r, n) =>
    `из статуса ${n.status(r.from)} так нельзя; можно: ` +
    (r.allowed.length ? r.allowed.map(n.status).join(', ') : 'никуда, заявка завершена'),
  'feature-slot': (r) =>
    `другая доработка этого клиента (${r.holder}) ещё в работе и не принята: ` +
    'новую можно начать только после её приёмки',
  'duplicate-conflict': (r) => `противоречит #status ${r.status}`,
  'not-deferrable': (r, n) => `заявку с приоритетом «${n.priorityName(r.priority)}» откладывать нельзя`,
  'defer-budget': (r, n) =>
    r.deferred
      ? `всего можно отложить не больше чем на ${n.workingDays(r.max)}, а уже отложено ` +
        `${n.workingDays(r.deferred)}: осталось ${n.workingDays(r.left)}`
      : `отложить можно не больше чем на ${n.workingDays(r.max)}`,
  final: (r, n) => `заявка в статусе ${n.status(r.status)} завершена; сначала откройте её снова: #status reopened`,
  undocumented: (r, n) =>
    `заявку с приоритетом «${n.priorityName(r.priority)}» можно закрыть только после того, как изменение описано ` +
    'в базе знаний; добавьте строку #документация <ссылка на статью> (или #doc <URL>)',
};

export const ruTeam = {
  card: {
    ticket: 'Заявка',
    tenant: 'Клиент',
    requester: 'Заявитель',
    cc: 'Копия',
    department: 'Подразделение',
    priority: 'Приоритет',
    status: 'Статус',
    link: 'Ссылка',
  },
  commandHelp: (prefix: string) =>
    'Ответьте на это письмо: строки #команд в начале ответа меняют заявку ' +
    `(#status in_progress, #priority blocking, #assign <логин>, #defer <N>, #duplicate ${prefix}-n, #internal, ` +
    '#doc <ссылка на статью базы знаний>).',
  newTicket: { urgent: 'СРОЧНО, новая заявка', plain: 'Новая заявка', text: 'Текст обращения:' },
  /** a ticket of a clinic without an active support contract (support-contract.ts) */
  outsideContract: {
    subject: 'вне договора',
    mark: 'ВНЕ ДОГОВОРА ПОДДЕРЖКИ: у клиники нет действующего договора; сроков, эскалации и автозакрытия нет.',
  },
  customerReply: { note: 'Ответ клиента', from: 'От' },
  internalNote: 'Внутренняя заметка',
  change: 'Изменение',
  assigned: { toYou: 'Назначено вам', taken: (who: string) => `Взята в работу: ${who}` },
  autoClosed: 'Закрыта автоматически',
  finished: {
    note: 'Заявка уже завершена',
    finished: (key: string, code: string, name: string) =>
      `Заявка ${key} уже завершена (статус: ${code}, ${name}): ваш текст клиенту не отправлен, ` +
      'в заявке ничего не изменилось.',
    reopen:
      'Чтобы продолжить работу, откройте её снова: напишите первой строкой ответа #status reopened ' +
      '(или #status in_progress).',
    final: 'Из этого статуса заявку открыть нельзя; пусть клиент напишет новое письмо и укажет в нём этот номер.',
  },
  rejected: {
    note: 'Команды не выполнены',
    none: 'Команды из вашего письма не выполнены: они выполняются только все вместе, а среди них есть ошибки.',
    current: (code: string, name: string, next: string | null) =>
      `Текущий статус: ${code} (${name})${next ? `; из него можно перейти в: ${next}` : ''}.`,
    final: 'никуда (заявка завершена)',
    fix: 'Текст вашего письма клиенту не отправлен. Исправьте команды и отправьте письмо ещё раз.',
  },
  sla: (respondWithin: string) => ({
    'sla.escalated': 'СРОЧНО: блокирующая заявка',
    'sla.warning': 'Срок скоро истечёт',
    'sla.breached': 'Срок нарушен',
    'sla.respond_overdue': `Заявка не взята в работу за ${respondWithin}`,
  }),
  /** the customer's files in the engineers' copy; the clinic's Telegram group; the team's alert chat */
  files: {
    heading: 'Вложения:',
    kb: 'КБ',
    mb: 'МБ',
    attached: 'во вложении к этому письму',
    link: (until: string) => `ссылка для скачивания, действует до ${until}:`,
    local: 'файл на этом компьютере (локальный стенд):',
    missing: 'файл больше не хранится',
  },
  group: {
    head: {
      opened: '🔴 Блокирующая заявка',
      status: '🔄 Статус изменён',
      escalated: '🔴 Критическая заявка',
      breached: '⏰ Срок нарушен',
    },
    priority: 'Приоритет',
    summary: 'Тема',
    status: 'Статус',
    due: 'Крайний срок',
    hint: 'Ответьте на это сообщение (или укажите номер заявки), чтобы добавить комментарий к заявке.',
    applied: (key: string) => `✅ ${key}: команды применены.`,
    rejected: (key: string) => `❌ ${key}: команды не применены, заявка не изменена:`,
    notEngineer: (key: string) => `ℹ️ ${key}: комментарий записан; команды принимаются только от инженеров поддержки.`,
  },
  groupCopy: { note: 'Комментарий в группе Telegram', engineer: 'инженер', clinic: 'сторона клиники' },
  groupSummary: { head: 'Что обсуждалось в группе Telegram по этой заявке:', engineer: 'Инженер', clinic: 'Клиника' },
  alert: {
    head: {
      'new-blocking': (key: string) => `🔴 Новая блокирующая заявка ${key} (ticket.created)`,
      escalated: (key: string) => `🔴 Критическая заявка ${key} (sla.escalated)`,
      breached: (key: string) => `⏰ Срок нарушен: ${key} (sla.breached)`,
    },
    tenant: 'Клиент',
    priority: 'Приоритет',
    status: 'Статус',
    due: 'Крайний срок',
  },
  rejections,
  /** The sweep's line under an SLA alert; the heading has said what happened. */
  sweep: {
    span: (hours: number, minutes: number, business: boolean) =>
      [
        hours ? `${hours} ${ruPlural(hours, 'час', 'часа', 'часов')}` : '',
        minutes || !hours ? `${minutes} ${ruPlural(minutes, 'минута', 'минуты', 'минут')}` : '',
      ]
        .filter(Boolean)
        .join(' ') + (business ? ' рабочего времени' : ''),
    respond: (due: string) => `Срок взятия в работу истёк ${due}.`,
    warn: (left: string) => `До крайнего срока: ${left}.`,
    breach: (over: string) => `Крайний срок пропущен на ${over}.`,
    remind: (closeAt: string) => `Ждём ответа клиента; без него заявка закроется ${closeAt}.`,
    autoClose: (days: string, since: string) => `Клиент не отвечал ${days}, с ${since}.`,
  },
  raisedFrom: (priority: string) => `Приоритет повышен (прежний: ${priority}).`,
  unauthenticated: {
    warning:
      '⚠ Отправитель не подтверждён (SPF/DKIM/DMARC): письмо может быть подделкой. ' +
      'Статус, приоритет и участники заявки по нему не изменены.',
    subject: 'Письмо не подтверждено, команды не выполнены',
    none: 'нет',
    dmarcFail: (m: M) =>
      `DMARC домена ${m.fromDomain} отклонил письмо (FAIL): ` +
      'оно не прошло ни выровненную проверку SPF, ни подпись DKIM этого домена.',
    noDmarc: (m: M) =>
      `Для домена ${m.fromDomain} не опубликована запись DMARC (DMARC ${m.dmarc}), ` +
      'а среди прошедших проверку подписей DKIM нет подписи самого домена (или его родительского домена).',
    otherSigners: (signed: string) => `Подписи других доменов (${signed}) ничего не говорят об адресе отправителя.`,
    spfAlone: 'Проверка SPF относится к адресу конверта, который выбирает отправитель: одной её недостаточно.',
    dmarcUnknown: (m: M) => `Проверка DMARC не выполнена (DMARC ${m.dmarc}).`,
    notProven: (m: M) =>
      `Ваше письмо пришло с адреса сотрудника поддержки, но не доказало, что отправлено с домена ${m.fromDomain}.`,
    withCommands: 'Команды из него не выполнены; текст не отправлен клиенту и записан в заявку как комментарий.',
    withoutCommands: 'Текст не отправлен клиенту и записан в заявку как комментарий.',
    checks: (m: M, signed: string) =>
      `Проверки SES: SPF ${m.spf}, DKIM ${m.dkim}, DMARC ${m.dmarc}. Прошедшие подписи DKIM: ${signed}.`,
    fixes: (d: string) => [
      'Что исправить (одно из двух):',
      `  - опубликуйте запись DMARC для домена ${d}: TXT-запись _dmarc.${d} со значением "v=DMARC1; p=none" ` +
        `(или строже); при этом SPF или DKIM вашей почты должны относиться к домену ${d};`,
      `  - или подписывайте исходящую почту DKIM-ключом домена ${d} (d=${d}).`,
      'Если вы не отправляли это письмо, кто-то пишет от вашего имени: сообщите администратору.',
    ],
  },
};
