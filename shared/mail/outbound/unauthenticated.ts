/**
 * Mail that did not prove its From domain: the line on the engineers' copy, and the notice to an
 * engineer whose own mail failed (what SES saw, why it is not enough, what to fix: README
 * "Authentication"). Only verdicts and domains: never the mail's text.
 */
import type { TicketEvent } from '../../domain/events';
import { subjectOf, ticketCard, type Language, type LetterOf } from './parts';

const warningWords = {
  ru:
    '⚠ Отправитель не подтверждён (SPF/DKIM/DMARC): письмо может быть подделкой. ' +
    'Статус, приоритет и участники заявки по нему не изменены.',
  en:
    '⚠ Sender not authenticated (SPF/DKIM/DMARC): this mail may be forged. ' +
    'It changed no status, priority or participants.',
};

/** The line the engineers' copy carries when a mail did not prove its From (it may be forged). */
export const unauthenticatedWarning = (lang: Language) => warningWords[lang];

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

type M = UnprovenEngineerMail;

const words = {
  ru: {
    subject: 'Письмо не подтверждено, команды не выполнены',
    none: 'нет',
    dmarcFail: (m: M) =>
      `DMARC домена ${m.fromDomain} отклонил письмо (FAIL): ` +
      'оно не прошло ни выровненную проверку SPF, ни подпись DKIM этого домена.',
    noDmarc: (m: M) =>
      `Для домена ${m.fromDomain} не опубликована запись DMARC (DMARC ${m.dmarc}), ` +
      `а подписи DKIM самого домена ${m.fromDomain} (или его родительского домена) среди прошедших проверку нет.`,
    otherSigners: (signed: string) => `Подписи других доменов (${signed}) ничего не говорят об адресе From.`,
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
  en: {
    subject: 'Mail not authenticated, commands not applied',
    none: 'none',
    dmarcFail: (m: M) =>
      `The DMARC policy of ${m.fromDomain} rejected the mail (FAIL): ` +
      'neither an aligned SPF nor a DKIM signature of that domain passed.',
    noDmarc: (m: M) =>
      `${m.fromDomain} publishes no DMARC record (DMARC ${m.dmarc}), ` +
      `and no passing DKIM signature is of ${m.fromDomain} itself (or a parent of it).`,
    otherSigners: (signed: string) => `Signatures of other domains (${signed}) prove nothing about the From address.`,
    spfAlone: 'SPF checks the envelope sender, which the sender chooses: it is never enough alone.',
    dmarcUnknown: (m: M) => `DMARC could not be checked (DMARC ${m.dmarc}).`,
    notProven: (m: M) =>
      `Your mail came from a support engineer's address but did not prove it was sent by ${m.fromDomain}.`,
    withCommands:
      'Its commands were not applied; ' +
      'its text was not sent to the customer and is recorded on the ticket as a comment.',
    withoutCommands: 'Its text was not sent to the customer and is recorded on the ticket as a comment.',
    checks: (m: M, signed: string) =>
      `SES checks: SPF ${m.spf}, DKIM ${m.dkim}, DMARC ${m.dmarc}. Passing DKIM signatures: ${signed}.`,
    fixes: (d: string) => [
      'What to fix (either):',
      `  - publish a DMARC record for ${d}: TXT _dmarc.${d} "v=DMARC1; p=none" (or stricter), ` +
        `with your mail's SPF or DKIM aligned with ${d};`,
      `  - or sign your outgoing mail with a DKIM key of ${d} (d=${d}).`,
      'If you did not send this mail, someone is writing in your name: tell your administrator.',
    ],
  },
};

/** What was seen, why it is not enough, what to fix. */
export function unprovenEngineerLines(m: UnprovenEngineerMail, lang: Language): string[] {
  const w = words[lang];
  const signed = m.dkimDomains.length ? m.dkimDomains.join(', ') : w.none;
  const why: string[] = [];
  if (m.dmarc === 'FAIL') why.push(w.dmarcFail(m));
  else if (m.dmarc === 'GRAY' || m.dmarc === 'NONE') {
    why.push(w.noDmarc(m));
    if (m.dkimDomains.length) why.push(w.otherSigners(signed));
    if (m.spf === 'PASS') why.push(w.spfAlone);
  } else why.push(w.dmarcUnknown(m));
  const done = m.commands ? w.withCommands : w.withoutCommands;
  return [w.notProven(m), done, '', w.checks(m, signed), ...why, '', ...w.fixes(m.fromDomain)];
}

/** The verdicts the inbound side stored on the event (strings and counts only). */
function unprovenOf(event: TicketEvent): UnprovenEngineerMail {
  const data = event.data ?? {};
  return {
    fromDomain: String(data.fromDomain ?? ''),
    spf: String(data.spf ?? 'NONE'),
    dkim: String(data.dkim ?? 'NONE'),
    dmarc: String(data.dmarc ?? 'NONE'),
    dkimDomains: String(data.dkimDomains ?? '')
      .split(' ')
      .filter(Boolean),
    commands: Number(data.commands ?? 0),
  };
}

/** engineer.unauthenticated: to the engineer's configured address. */
export const unauthenticatedNotice: LetterOf = (event, ticket, tenant, config) => {
  const lang = tenant.language;
  return {
    subject: subjectOf(ticket, lang, words[lang].subject),
    text: [...unprovenEngineerLines(unprovenOf(event), lang), '', ticketCard(ticket, tenant, config, lang)].join('\n'),
  };
};
