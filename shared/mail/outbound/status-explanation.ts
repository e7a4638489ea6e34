/**
 * What each status means to the customer, and what (if anything) they should do. The auto-close
 * period is the config's (`sla.autoCloseWorkingDays`), never a number written into the text.
 */
import type { MaildeskConfig } from '../../config';
import type { Status } from '../../domain/ticket';
import { workingDaysPhrase, type Language } from './parts';

type Explanations = Record<Status, string>;

const explanations: Record<Language, (autoClose: string) => Explanations> = {
  ru: (autoClose) => ({
    open: 'Ваша заявка снова ожидает рассмотрения специалистом.',
    in_progress: 'Специалист взял заявку в работу.',
    reopened: 'Заявка открыта повторно и будет взята в работу.',
    awaiting_test:
      'Исправление готово к проверке. Пожалуйста, проверьте работу и ответьте на это письмо:\n' +
      '  - если всё в порядке, напишите «Проверено, ошибок нет»;\n' +
      '  - если ошибка осталась, напишите «Найдена ошибка» и опишите, что именно не работает.\n' +
      `Без ответа заявка будет закрыта автоматически через ${autoClose}.`,
    info_requested:
      'Для продолжения работы нужна дополнительная информация (вопрос специалиста ниже). ' +
      'Пожалуйста, ответьте на это письмо. Пока мы ждём ответа, срок решения приостановлен. ' +
      `Без ответа заявка будет закрыта автоматически через ${autoClose}.`,
    verified: 'Спасибо за проверку! Изменения подтверждены.',
    bug_found: 'Спасибо, замечание передано специалисту, заявка возвращена в работу.',
    deploying: 'Изменения переносятся на основную среду.',
    closed: 'Заявка закрыта. Если вопрос возникнет снова, напишите новое письмо и укажите номер этой заявки.',
    duplicate: 'Заявка закрыта как дубликат: этот вопрос уже решается в другой заявке.',
    infeasible: 'К сожалению, выполнить заявку невозможно.',
    cancelled: 'Заявка отменена в связи с невозможностью выполнения.',
    closed_no_response:
      'Заявка закрыта, так как мы не получили ответа. ' +
      'Если вопрос ещё актуален, напишите новое письмо и укажите номер этой заявки.',
  }),
  en: (autoClose) => ({
    open: 'Your request is waiting for an engineer again.',
    in_progress: 'An engineer has started working on your request.',
    reopened: 'Your request has been reopened.',
    awaiting_test:
      'The fix is ready for testing. Please check and reply to this mail:\n' +
      '  - "Verified, no errors" if everything works;\n' +
      '  - "Bug found" with what still fails otherwise.\n' +
      `Without an answer the request closes automatically in ${autoClose}.`,
    info_requested:
      'We need more information (see the question below). Please reply to this mail. ' +
      `The deadline is paused while we wait. Without an answer the request closes automatically in ${autoClose}.`,
    verified: 'Thank you for testing! The change is confirmed.',
    bug_found: 'Thank you, the engineer has it; the request is back in progress.',
    deploying: 'The change is being moved to production.',
    closed: 'The request is closed. If the problem returns, write a new mail citing this number.',
    duplicate: 'Closed as a duplicate: another request already covers this.',
    infeasible: 'Unfortunately this request cannot be done.',
    cancelled: 'The request has been cancelled as impossible to carry out.',
    closed_no_response:
      'Closed because we received no answer. If it still matters, write a new mail citing this number.',
  }),
};

export function statusExplanation(to: Status, config: MaildeskConfig, lang: Language): string {
  return explanations[lang](workingDaysPhrase(config.sla.autoCloseWorkingDays, lang))[to];
}
