/**
 * The Russian words of the support team's letters (the `team` part of wording-ru.ts): the engineers'
 * copies, SLA alerts, refused commands and the notice to an engineer whose mail was not authenticated.
 * Status and priority codes, #commands, addresses and the checks' names (SPF, DKIM, DMARC) stay as
 * they are typed or shown by SES.
 */
import type { UnprovenEngineerMail as M } from './unauthenticated';

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
      'Чтобы продолжить работу, откройте её снова: первая строка ответа #status reopened (или #status in_progress).',
    final: 'Из этого статуса заявку открыть нельзя; пусть клиент напишет новое письмо и укажет в нём этот номер.',
  },
  rejected: {
    note: 'Команды не выполнены',
    none: 'Команды из вашего письма не выполнены: они выполняются только все вместе, а среди них есть ошибки.',
    current: (code: string, name: string, next: string) =>
      `Текущий статус: ${code} (${name}); из него можно перейти в: ${next}.`,
    final: 'никуда (заявка завершена)',
    fix: 'Текст вашего письма клиенту не отправлен. Исправьте команды и отправьте письмо ещё раз.',
  },
  sla: (respondWithin: string) => ({
    'sla.escalated': 'СРОЧНО: блокирующая заявка',
    'sla.warning': 'Срок скоро истечёт',
    'sla.breached': 'Срок нарушен',
    'sla.respond_overdue': `Заявка не взята в работу за ${respondWithin}`,
  }),
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
