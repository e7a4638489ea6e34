/**
 * Customer-facing and engineer-facing texts, per tenant language. Russian is the default
 * (clinic staff); engineers get Russian too, with codes beside names so commands are easy to type.
 */
import { priorityNamesEn, priorityNamesRu, type Priority } from '../domain/priorities';
import { statusNamesEn, statusNamesRu, templateFieldLabelsRu, templateFieldNames, type Status, type TemplateFieldName, type Ticket } from '../domain/ticket';

export type Language = 'ru' | 'en';

const fieldLabelsEn: Record<TemplateFieldName, string> = {
  cardNumber: 'Outpatient card number',
  caseHistoryNumber: 'Case history number',
  login: 'Login',
  recordName: 'Record name',
  buttonName: 'Navigation button name',
};

export const priorityName = (p: Priority, lang: Language) => (lang === 'en' ? priorityNamesEn[p] : priorityNamesRu[p]);
export const statusName = (s: Status, lang: Language) => (lang === 'en' ? statusNamesEn[s] : statusNamesRu[s]);
export const fieldLabel = (f: TemplateFieldName, lang: Language) => (lang === 'en' ? fieldLabelsEn[f] : templateFieldLabelsRu[f]);

/** Building an Intl.DateTimeFormat costs ~0.15 ms (bench: a quarter of notify's CPU per ticket); one per zone and language. */
const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** A deadline as the customer reads it: in the tenant's time zone, with the zone named. */
export function formatInstant(iso: string | null, timeZone: string, lang: Language): string | null {
  if (!iso) return null;
  const cacheKey = `${lang}|${timeZone}`;
  let format = instantFormats.get(cacheKey);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ru-RU', {
      timeZone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    instantFormats.set(cacheKey, format);
  }
  return `${format.format(new Date(iso)).replace(',', '')} (${timeZone})`;
}

export function deadlineLines(ticket: Ticket, timeZone: string, lang: Language): string[] {
  const ru = lang === 'ru';
  const lines: string[] = [];
  const due = formatInstant(ticket.deadlines.dueAt, timeZone, lang);
  const target = formatInstant(ticket.deadlines.targetAt, timeZone, lang);
  if (target) lines.push(`${ru ? 'Плановый срок' : 'Target'}: ${target}`);
  if (due) lines.push(`${ru ? 'Крайний срок решения' : 'Deadline'}: ${due}`);
  if (!target && !due) {
    if (ticket.priority === 'feature') lines.push(ru ? 'Срок будет назначен, когда задача будет взята в работу.' : 'The deadline is set when work starts.');
    else lines.push(ru ? 'Срок для этого типа обращений не устанавливается.' : 'No deadline applies to this kind of request.');
  }
  return lines;
}

export function fieldLines(ticket: Ticket, lang: Language): { present: string[]; missing: string[] } {
  const present: string[] = [];
  const missing: string[] = [];
  for (const name of templateFieldNames) {
    const value = ticket.fields[name];
    if (value) present.push(`${fieldLabel(name, lang)}: ${value}`);
    else missing.push(fieldLabel(name, lang));
  }
  return { present, missing };
}

export const signature = (tenantName: string, lang: Language) =>
  lang === 'ru' ? `--\nСлужба технической поддержки\n${tenantName}\nЭто письмо отправлено автоматически; чтобы ответить, просто ответьте на него.` : `--\nSupport desk\n${tenantName}\nThis mail was sent automatically; reply to it to answer.`;

/** What each status change means to the customer, and what (if anything) they should do. */
export function statusExplanation(to: Status, lang: Language): string {
  const ru: Record<Status, string> = {
    open: 'Ваша заявка снова ожидает рассмотрения специалистом.',
    in_progress: 'Специалист взял заявку в работу.',
    reopened: 'Заявка открыта повторно и будет взята в работу.',
    awaiting_test:
      'Исправление готово к проверке. Пожалуйста, проверьте работу и ответьте на это письмо:\n' +
      '  - если всё в порядке, напишите «Проверено, ошибок нет»;\n' +
      '  - если ошибка осталась, напишите «Найдена ошибка» и опишите, что именно не работает.\n' +
      'Без ответа заявка будет закрыта автоматически через 10 рабочих дней.',
    info_requested:
      'Для продолжения работы нужна дополнительная информация (вопрос специалиста ниже). Пожалуйста, ответьте на это письмо. ' +
      'Пока мы ждём ответа, срок решения приостановлен. Без ответа заявка будет закрыта автоматически через 10 рабочих дней.',
    verified: 'Спасибо за проверку! Изменения подтверждены.',
    bug_found: 'Спасибо, замечание передано специалисту, заявка возвращена в работу.',
    deploying: 'Изменения переносятся на основную среду.',
    closed: 'Заявка закрыта. Если вопрос возникнет снова, напишите новое письмо и укажите номер этой заявки.',
    duplicate: 'Заявка закрыта как дубликат: этот вопрос уже решается в другой заявке.',
    infeasible: 'К сожалению, выполнить заявку невозможно.',
    cancelled: 'Заявка отменена в связи с невозможностью выполнения.',
    closed_no_response: 'Заявка закрыта, так как мы не получили ответа. Если вопрос ещё актуален, напишите новое письмо и укажите номер этой заявки.',
  };
  const en: Record<Status, string> = {
    open: 'Your request is waiting for an engineer again.',
    in_progress: 'An engineer has started working on your request.',
    reopened: 'Your request has been reopened.',
    awaiting_test:
      'The fix is ready for testing. Please check and reply to this mail:\n  - "Verified, no errors" if everything works;\n  - "Bug found" with what still fails otherwise.\nWithout an answer the request closes automatically in 10 working days.',
    info_requested: 'We need more information (see the question below). Please reply to this mail. The deadline is paused while we wait.',
    verified: 'Thank you for testing! The change is confirmed.',
    bug_found: 'Thank you, the engineer has it; the request is back in progress.',
    deploying: 'The change is being moved to production.',
    closed: 'The request is closed. If the problem returns, write a new mail citing this number.',
    duplicate: 'Closed as a duplicate: another request already covers this.',
    infeasible: 'Unfortunately this request cannot be done.',
    cancelled: 'The request has been cancelled as impossible to carry out.',
    closed_no_response: 'Closed because we received no answer. If it still matters, write a new mail citing this number.',
  };
  return (lang === 'en' ? en : ru)[to];
}

/** The line the engineers' copy carries when a mail did not prove its From (it may be forged). */
export const unauthenticatedWarning = (lang: Language) =>
  lang === 'ru'
    ? '⚠ Отправитель не подтверждён (SPF/DKIM/DMARC): письмо может быть подделкой. Статус, приоритет и участники заявки по нему не изменены.'
    : '⚠ Sender not authenticated (SPF/DKIM/DMARC): this mail may be forged. It changed no status, priority or participants.';

export interface UnprovenEngineerMail {
  fromDomain: string;
  spf: string;
  dkim: string;
  dmarc: string;
  /** domains of the DKIM signatures SES saw pass */
  dkimDomains: string[];
  /** #command lines in the mail */
  commands: number;
}

/**
 * To an engineer whose mail did not prove its From domain: what was seen, why it is not enough, and
 * what to fix (README "Authentication"). Only verdicts and domains: never the mail's text.
 */
export function unprovenEngineerLines(m: UnprovenEngineerMail, lang: Language): string[] {
  const ru = lang === 'ru';
  const d = m.fromDomain;
  const signed = m.dkimDomains.length ? m.dkimDomains.join(', ') : ru ? 'нет' : 'none';
  const why: string[] = [];
  if (m.dmarc === 'FAIL') why.push(ru ? `DMARC домена ${d} отклонил письмо (FAIL): оно не прошло ни выровненную проверку SPF, ни подпись DKIM этого домена.` : `The DMARC policy of ${d} rejected the mail (FAIL): neither an aligned SPF nor a DKIM signature of that domain passed.`);
  else if (m.dmarc === 'GRAY' || m.dmarc === 'NONE') {
    why.push(ru ? `Для домена ${d} не опубликована запись DMARC (DMARC ${m.dmarc}), а подписи DKIM самого домена ${d} (или его родительского домена) среди прошедших проверку нет.` : `${d} publishes no DMARC record (DMARC ${m.dmarc}), and no passing DKIM signature is of ${d} itself (or a parent of it).`);
    if (m.dkimDomains.length) why.push(ru ? `Подписи других доменов (${signed}) ничего не говорят об адресе From.` : `Signatures of other domains (${signed}) prove nothing about the From address.`);
    if (m.spf === 'PASS') why.push(ru ? 'Проверка SPF относится к адресу конверта, который выбирает отправитель: одной её недостаточно.' : 'SPF checks the envelope sender, which the sender chooses: it is never enough alone.');
  } else why.push(ru ? `Проверка DMARC не выполнена (DMARC ${m.dmarc}).` : `DMARC could not be checked (DMARC ${m.dmarc}).`);
  return ru
    ? [
        `Ваше письмо пришло с адреса сотрудника поддержки, но не доказало, что отправлено с домена ${d}.`,
        m.commands ? 'Команды из него не выполнены; текст не отправлен клиенту и записан в заявку как комментарий.' : 'Текст не отправлен клиенту и записан в заявку как комментарий.',
        '',
        `Проверки SES: SPF ${m.spf}, DKIM ${m.dkim}, DMARC ${m.dmarc}. Прошедшие подписи DKIM: ${signed}.`,
        ...why,
        '',
        'Что исправить (одно из двух):',
        `  - опубликуйте запись DMARC для домена ${d}: TXT-запись _dmarc.${d} со значением "v=DMARC1; p=none" (или строже); при этом SPF или DKIM вашей почты должны относиться к домену ${d};`,
        `  - или подписывайте исходящую почту DKIM-ключом домена ${d} (d=${d}).`,
        'Если вы не отправляли это письмо, кто-то пишет от вашего имени: сообщите администратору.',
      ]
    : [
        `Your mail came from a support engineer's address but did not prove it was sent by ${d}.`,
        m.commands ? 'Its commands were not applied; its text was not sent to the customer and is recorded on the ticket as a comment.' : 'Its text was not sent to the customer and is recorded on the ticket as a comment.',
        '',
        `SES checks: SPF ${m.spf}, DKIM ${m.dkim}, DMARC ${m.dmarc}. Passing DKIM signatures: ${signed}.`,
        ...why,
        '',
        'What to fix (either):',
        `  - publish a DMARC record for ${d}: TXT _dmarc.${d} "v=DMARC1; p=none" (or stricter), with your mail's SPF or DKIM aligned with ${d};`,
        `  - or sign your outgoing mail with a DKIM key of ${d} (d=${d}).`,
        'If you did not send this mail, someone is writing in your name: tell your administrator.',
      ];
}
