/**
 * deliverEvent: one outbox event in, its mails and bus events out.
 * 1 load the ticket the event belongs to (current state: deadlines as they are now)
 * 2 decide who is told: requester (+Cc), engineers, or the one sender concerned
 * 3 for each mail: record its Message-ID once (the claim), send, remember SES's Message-ID
 * 4 publish the event on the bus (consumers dedupe by event id)
 * The stream delivers at least once; the claims make each mail go out once. A failed send
 * releases its claim and rethrows, so the retry sends it; once SES has the mail nothing releases
 * the claim (a lost provider id is only logged). The one double left: SES accepted a mail and the
 * answer was lost (a timeout); SES has no idempotency key, and a second copy beats a lost mail.
 */
import { isSupportAddress, type MaildeskConfig, type Tenant } from '../config';
import type { TicketEvent } from '../domain/events';
import { TicketNotFoundError } from '../domain/errors';
import { isCritical } from '../domain/priorities';
import { allowedNext, isFinal, isWaiting, type Ticket } from '../domain/ticket';
import type { Logger } from '../log';
import { mailbox } from '../mail/compose';
import { eventMessageId } from '../mail/message-ids';
import { deadlineLines, fieldLines, formatInstant, priorityName, signature, statusExplanation, statusName, unauthenticatedWarning, unprovenEngineerLines, type Language } from '../mail/texts';
import type { BusEvent, EventBus, MailSender, OutgoingMail, TicketStore } from './ports';

export interface DeliverDeps {
  tickets: TicketStore;
  sender: MailSender;
  bus: EventBus;
  config: MaildeskConfig;
  log: Logger;
}

export interface Delivery {
  sent: string[];
  skipped: string[];
}

type Role = 'requester' | 'engineers' | 'recipient' | 'actor';

interface Draft {
  role: Role;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  /** automatic answers to an inbound mail count against the per-sender hourly cap */
  autoReply: boolean;
}

/** Events that go on the EventBridge bus (others are internal). */
const busTypes = new Set<TicketEvent['type']>([
  'ticket.created',
  'ticket.status_changed',
  'ticket.priority_changed',
  'ticket.auto_closed',
  'sla.escalated',
  'sla.warning',
  'sla.breached',
  'sla.respond_overdue',
]);

export async function deliverEvent(event: TicketEvent, deps: DeliverDeps): Promise<Delivery> {
  const { config, tickets } = deps;
  const tenant = config.tenants.find((t) => t.id === event.tenant);
  if (!tenant) {
    deps.log.error('event for an unknown tenant: dropped', { eventId: event.id, tenant: event.tenant });
    return { sent: [], skipped: ['unknown-tenant'] };
  }
  const ticket = event.ticketKey ? await tickets.getTicket(event.ticketKey) : null;
  if (event.ticketKey && !ticket) throw new TicketNotFoundError(event.ticketKey);

  // Intermediate steps of one mail (verified on the way to deploying) are history, not news.
  const drafts = event.data?.silent ? [] : draftMails(event, ticket, tenant, config);
  const delivery: Delivery = { sent: [], skipped: [] };
  for (const draft of drafts) {
    const outcome = await sendOnce(event, ticket, tenant, draft, deps);
    (outcome === 'sent' ? delivery.sent : delivery.skipped).push(`${draft.role}${outcome === 'sent' ? '' : `:${outcome}`}`);
  }
  if (busTypes.has(event.type)) await deps.bus.publish([busEvent(event, ticket)]);
  return delivery;
}

function busEvent(event: TicketEvent, ticket: Ticket | null): BusEvent {
  // Keys, codes and times only: no bodies or field values leave the table.
  return {
    type: event.type,
    id: event.id,
    detail: {
      ticketKey: event.ticketKey,
      tenant: event.tenant,
      at: event.at,
      priority: ticket?.priority ?? event.priority ?? null,
      status: ticket?.status ?? null,
      from: event.from ?? null,
      to: event.to ?? null,
      dueAt: ticket?.deadlines.dueAt ?? null,
    },
  };
}

const domainOf = (address: string) => address.split('@')[1] ?? 'maildesk.local';
const safeId = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 150);

/**
 * The Message-ID of one mail of an event, the same on every delivery: recording it is the claim that
 * sends the mail once, and the lookup that threads replies to it. From the event's random nonce, so it
 * names nothing and cannot be guessed (a cited id lets a reply find its ticket). Events stored before
 * the nonce existed keep the old form, derived from the event id, so their claims still match.
 */
const messageIdOf = (event: TicketEvent, role: Role, from: string) =>
  event.nonce ? eventMessageId(event.nonce, role, from) : `${safeId(event.id)}.${role}@${domainOf(from)}`;

/** An automatic answer goes to its sender and at most this many Cc: no spam cannon from one inbound mail. */
export const AUTO_ANSWER_MAX_CC = 10;
const AUTO_ANSWER_COUNTER_TTL_SECONDS = 2 * 3600;

/**
 * Answers to an inbound mail (acknowledgements, refusals, "already finished") are sent because
 * someone wrote, so whoever can forge a From could aim them: they reach few, and every address
 * they reach counts against its own hourly cap.
 */
const answersMail = (draft: Draft) => draft.autoReply || draft.role === 'recipient';

/**
 * Counts each address of an automatic answer against its hourly cap; addresses over it are dropped.
 * The senders are counted first: if none of them may be answered, the Cc are not counted at all.
 */
async function withinCaps(to: string[], cc: string[], event: TicketEvent, deps: DeliverDeps): Promise<{ to: string[]; cc: string[] } | null> {
  const hour = event.at.slice(0, 13);
  const allowed = async (addresses: string[]) => {
    const counts = await Promise.all(addresses.map((a) => deps.tickets.increment(`autoreply#${a.toLowerCase()}#${hour}`, AUTO_ANSWER_COUNTER_TTL_SECONDS)));
    return addresses.filter((_, i) => counts[i]! <= deps.config.autoReplyLimitPerHour);
  };
  const keptTo = await allowed(to);
  const fields = { eventId: event.id, ticketKey: event.ticketKey, limit: deps.config.autoReplyLimitPerHour };
  if (keptTo.length === 0) {
    deps.log.warn('auto-reply cap reached: not answering', fields);
    return null;
  }
  const bounded = cc.slice(0, AUTO_ANSWER_MAX_CC);
  const keptCc = await allowed(bounded);
  if (keptTo.length < to.length || keptCc.length < cc.length) {
    // counts only: addresses are personal data
    deps.log.warn('automatic answer narrowed', { ...fields, ccGiven: cc.length, ccBound: AUTO_ANSWER_MAX_CC, ccCapped: bounded.length - keptCc.length, toCapped: to.length - keptTo.length });
  }
  return { to: keptTo, cc: keptCc };
}

async function sendOnce(event: TicketEvent, ticket: Ticket | null, tenant: Tenant, draft: Draft, deps: DeliverDeps): Promise<'sent' | 'already-sent' | 'capped' | 'no-recipients'> {
  let to = draft.to.filter((a) => !isSupportAddress(deps.config, a));
  if (to.length === 0) return 'no-recipients';
  const seen = new Set(to.map((a) => a.toLowerCase()));
  let cc = draft.cc.filter((a) => {
    const lower = a.toLowerCase();
    if (seen.has(lower) || isSupportAddress(deps.config, a)) return false;
    seen.add(lower);
    return true;
  });
  const from = tenant.addresses[0]!;
  const messageId = messageIdOf(event, draft.role, from);
  if (!(await deps.tickets.claimMessageId(messageId, ticket?.key ?? null))) return 'already-sent';
  let providerMessageId: string | null;
  try {
    if (answersMail(draft)) {
      // Counted after the claim, so a second delivery of the event counts nothing; a capped mail keeps its claim.
      const kept = await withinCaps(to, cc, event, deps);
      if (!kept) return 'capped';
      ({ to, cc } = kept);
    }
    // Threaded under the customer's first mail. The mail that caused the event is added only when
    // the recipients have it: the customer's own mail, or any mail for the engineers; an engineer's
    // Message-ID never goes to the customer.
    const causeKnown = draft.role !== 'requester' || event.actor.kind === 'requester';
    const cause = causeKnown && event.messageId ? event.messageId : null;
    const thread = ticket ? [ticket.rootMessageId, ...(cause && cause !== ticket.rootMessageId ? [cause] : [])] : cause ? [cause] : [];
    const mail: OutgoingMail = {
      from: mailbox(tenant.name, from),
      to,
      cc,
      replyTo: from,
      subject: draft.subject,
      text: draft.text,
      messageId,
      inReplyTo: thread.at(-1) ?? null,
      references: thread,
      // RFC 3834: answers to a person's mail are auto-replied, the rest auto-generated; both stop loops.
      headers: {
        'Auto-Submitted': draft.autoReply ? 'auto-replied' : 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
        'X-Maildesk-Event': event.type,
        ...(event.ticketKey ? { 'X-Maildesk-Ticket': event.ticketKey } : {}),
      },
      attachments: [],
    };
    ({ providerMessageId } = await deps.sender.send(mail));
  } catch (error) {
    await deps.tickets.releaseMessageId(messageId);
    throw error;
  }
  // The mail is out: from here nothing may release the claim, or the retry would send it again.
  // Without SES's id a reply to this mail still threads by our Message-ID and the [MG-n] tag.
  if (ticket && providerMessageId) {
    try {
      await deps.tickets.rememberMessageId(providerMessageId, ticket.key);
    } catch (error) {
      deps.log.warn('mail sent, its provider Message-ID not remembered', { eventId: event.id, ticketKey: event.ticketKey, error: (error as Error).name });
    }
  }
  deps.log.info('mail sent', { eventId: event.id, eventType: event.type, ticketKey: event.ticketKey, role: draft.role });
  return 'sent';
}

/**
 * Engineers' subjects say what happened (`[MG-42] Ответ клиента: ...`). The customer's subject is
 * always the acknowledgement's, `[MG-42] <summary>`: Gmail and Outlook group a conversation by
 * subject as well as by References, so a changing subject would split the customer's thread. What
 * happened is the first line of the body instead.
 */
function subjectOf(ticket: Ticket, lang: Language, note?: string): string {
  return `[${ticket.key}] ${note ? `${note}: ` : ''}${ticket.summary || (lang === 'ru' ? 'Без темы' : 'No subject')}`;
}
const customerSubject = (ticket: Ticket, lang: Language) => subjectOf(ticket, lang);

function engineerAddresses(config: MaildeskConfig, except?: string | null): string[] {
  return config.engineers.map((e) => e.address).filter((a) => a !== except);
}

function ticketCard(ticket: Ticket, tenant: Tenant, config: MaildeskConfig, lang: Language): string {
  const ru = lang === 'ru';
  const { present } = fieldLines(ticket, lang);
  return [
    `${ru ? 'Заявка' : 'Ticket'}: ${ticket.key}`,
    `${ru ? 'Клиент' : 'Tenant'}: ${tenant.name} (${tenant.id})`,
    `${ru ? 'Заявитель' : 'Requester'}: ${ticket.requesterName ? `${ticket.requesterName} <${ticket.requester}>` : ticket.requester}`,
    ...(ticket.cc.length ? [`${ru ? 'Копия' : 'Cc'}: ${ticket.cc.join(', ')}`] : []),
    `${ru ? 'Подразделение' : 'Department'}: ${ticket.department ?? '-'}`,
    `${ru ? 'Приоритет' : 'Priority'}: ${priorityName(ticket.priority, lang)} (${ticket.priority})`,
    `${ru ? 'Статус' : 'Status'}: ${statusName(ticket.status, lang)} (${ticket.status})`,
    ...deadlineLines(ticket, config.timezone, lang),
    ...present,
    ...(config.ticketLinkBase ? [`${ru ? 'Ссылка' : 'Link'}: ${config.ticketLinkBase.replace(/\/$/, '')}/${ticket.key}`] : []),
  ].join('\n');
}

function attachmentLines(ticket: Ticket, keys: readonly string[] | undefined, lang: Language): string[] {
  const listed = ticket.attachments.filter((a) => !keys || keys.includes(a.key));
  if (listed.length === 0) return [];
  return [lang === 'ru' ? 'Вложения:' : 'Attachments:', ...listed.map((a) => `  - ${a.filename} (${Math.ceil(a.size / 1024)} КБ) ${a.key}`)];
}

const commandHelp = (lang: Language) =>
  lang === 'ru'
    ? 'Ответьте на это письмо. Строки #команд в начале ответа меняют заявку: #status in_progress, #priority blocking, #assign <логин>, #defer <N>, #duplicate MG-n, #internal.'
    : 'Reply to this mail. #command lines at the top change the ticket: #status in_progress, #priority blocking, #assign <login>, #defer <N>, #duplicate MG-n, #internal.';

function draftMails(event: TicketEvent, ticket: Ticket | null, tenant: Tenant, config: MaildeskConfig): Draft[] {
  const lang: Language = tenant.language;
  const ru = lang === 'ru';
  const sign = signature(tenant.name, lang);
  const customers = (t: Ticket) => ({ to: [t.requester], cc: t.cc });
  const engineersExcept = (actor?: string | null) => ({ to: engineerAddresses(config, actor), cc: [] as string[] });

  if (!ticket) {
    if (event.type === 'sender.refused' && event.recipient) {
      return [
        {
          role: 'recipient',
          to: [event.recipient],
          cc: [],
          autoReply: true,
          subject: ru ? 'Обращение не зарегистрировано' : 'Request not registered',
          text: ru
            ? `Здравствуйте!\n\nМы не можем зарегистрировать ваше обращение: адрес отправителя не относится к организациям, которые обслуживает эта служба поддержки (${tenant.name}).\nПожалуйста, напишите с рабочего адреса вашей организации.\n\n${sign}`
            : `Hello,\n\nWe cannot register your request: the sender's address does not belong to an organisation served by this desk (${tenant.name}). Please write from your work address.\n\n${sign}`,
        },
      ];
    }
    return [];
  }

  const card = ticketCard(ticket, tenant, config, lang);
  // What a person wrote, if anything (answers and internal notes always carry it).
  const said = event.text?.trim() ?? '';
  const saidLines = said ? ['', said] : [];
  // A mail that did not prove its From: the engineers' copy says so first.
  const warning = event.data?.unauthenticated ? [unauthenticatedWarning(lang), ''] : [];
  /** A mail to the requester (and Cc) in the thread of the acknowledgement. */
  const letter = (lines: string[], autoReply = false): Draft => ({
    role: 'requester',
    ...customers(ticket),
    autoReply,
    subject: customerSubject(ticket, lang),
    text: [ru ? 'Здравствуйте!' : 'Hello,', '', ...lines, '', sign].join('\n'),
  });

  switch (event.type) {
    case 'ticket.created': {
      const { present, missing } = fieldLines(ticket, lang);
      const ack = [
        ru ? 'Здравствуйте!' : 'Hello,',
        '',
        ru
          ? `Ваше обращение зарегистрировано под номером ${ticket.key}.`
          : `Your request has been registered as ${ticket.key}.`,
        `${ru ? 'Тема' : 'Subject'}: ${ticket.summary || '-'}`,
        ...(ticket.department ? [`${ru ? 'Подразделение' : 'Department'}: ${ticket.department}`] : []),
        `${ru ? 'Приоритет' : 'Priority'}: ${priorityName(ticket.priority, lang)}`,
        ...deadlineLines(ticket, config.timezone, lang),
        ...(present.length ? ['', ru ? 'Мы получили следующие данные:' : 'We received:', ...present.map((l) => `  ${l}`)] : []),
        ...(missing.length
          ? [
              '',
              ru
                ? 'Чтобы ускорить решение, пожалуйста, ответьте на это письмо и укажите:'
                : 'To speed things up, please reply to this mail with:',
              ...missing.map((l) => `  - ${l}`),
            ]
          : []),
        ...(ticket.linkedTo.length ? ['', `${ru ? 'Связанные заявки' : 'Linked tickets'}: ${ticket.linkedTo.join(', ')}`] : []),
        '',
        ru
          ? `Чтобы дополнить заявку, ответьте на это письмо, сохранив номер [${ticket.key}] в теме.`
          : `To add to the request, reply to this mail keeping [${ticket.key}] in the subject.`,
        '',
        sign,
      ].join('\n');
      const critical = isCritical(ticket.priority);
      return [
        { role: 'requester', ...customers(ticket), autoReply: true, subject: customerSubject(ticket, lang), text: ack },
        {
          role: 'engineers',
          ...engineersExcept(),
          autoReply: false,
          subject: subjectOf(ticket, lang, critical ? (ru ? 'СРОЧНО, новая заявка' : 'URGENT, new ticket') : ru ? 'Новая заявка' : 'New ticket'),
          text: [...warning, card, '', ru ? 'Текст обращения:' : 'Request text:', '', event.text?.trim() || '-', '', ...attachmentLines(ticket, event.attachmentKeys, lang), '', commandHelp(lang)].join('\n'),
        },
      ];
    }
    case 'ticket.commented':
      return [
        {
          role: 'engineers',
          ...engineersExcept(event.actor.address),
          autoReply: false,
          subject: subjectOf(ticket, lang, ru ? 'Ответ клиента' : 'Customer reply'),
          text: [...warning, card, '', `${ru ? 'От' : 'From'}: ${event.actor.address ?? '-'}`, said, '', ...attachmentLines(ticket, event.attachmentKeys, lang), '', commandHelp(lang)].join('\n'),
        },
      ];
    case 'ticket.answered':
      return [letter([said])];
    case 'ticket.internal_note':
      return [
        {
          role: 'engineers',
          ...engineersExcept(event.actor.address),
          autoReply: false,
          subject: subjectOf(ticket, lang, ru ? 'Внутренняя заметка' : 'Internal note'),
          text: [`${event.actor.address ?? ''}:`, '', said, '', card].join('\n'),
        },
      ];
    case 'ticket.status_changed': {
      const to = event.to ?? ticket.status;
      const byCustomer = event.actor.kind === 'requester';
      const customerText = [
        ru ? 'Здравствуйте!' : 'Hello,',
        '',
        `${ru ? 'Статус заявки' : 'Ticket status'} ${ticket.key}: ${statusName(to, lang)}.`,
        // The last step of a verdict (verified -> deploying, bug_found -> in_progress) answers the verdict.
        ...(event.from === 'verified' ? [statusExplanation('verified', lang), statusExplanation(to, lang)] : event.from === 'bug_found' ? [statusExplanation('bug_found', lang)] : [statusExplanation(to, lang)]),
        ...(to === 'duplicate' && ticket.duplicateOf ? [`${ru ? 'Основная заявка' : 'Original ticket'}: ${ticket.duplicateOf}`] : []),
        ...(event.reason && !byCustomer ? ['', `${ru ? 'Причина' : 'Reason'}: ${event.reason}`] : []),
        ...(!byCustomer && event.text?.trim() ? ['', event.text.trim()] : []),
        // No deadline to announce while the clock stands (waiting) or once the ticket is finished.
        ...(isFinal(to) || isWaiting(to) ? [] : ['', ...deadlineLines(ticket, config.timezone, lang)]),
        '',
        sign,
      ].join('\n');
      const drafts: Draft[] = [
        { role: 'requester', ...customers(ticket), autoReply: byCustomer, subject: customerSubject(ticket, lang), text: customerText },
      ];
      if (byCustomer || event.actor.kind === 'system') {
        drafts.push({
          role: 'engineers',
          ...engineersExcept(),
          autoReply: false,
          subject: subjectOf(ticket, lang, `${statusName(event.from ?? ticket.status, lang)} -> ${statusName(to, lang)}`),
          text: [card, '', `${ru ? 'Изменение' : 'Change'}: ${event.from ?? '-'} -> ${to}${event.reason ? ` (${event.reason})` : ''}`, said, '', commandHelp(lang)].join('\n'),
        });
      }
      return drafts;
    }
    case 'ticket.priority_changed':
      return [
        letter([
          `${ru ? 'Приоритет заявки' : 'Priority of'} ${ticket.key}: ${priorityName(ticket.priority, lang)}${event.previousPriority ? ` (${ru ? 'был' : 'was'}: ${priorityName(event.previousPriority, lang)})` : ''}.`,
          ...deadlineLines(ticket, config.timezone, lang),
          ...saidLines,
        ]),
      ];
    case 'ticket.deferred':
      return [
        letter([
          ru ? `Срок решения заявки ${ticket.key} перенесён на ${event.data?.days ?? '?'} раб. дн.` : `The deadline of ${ticket.key} moved by ${event.data?.days ?? '?'} working days.`,
          ...deadlineLines(ticket, config.timezone, lang),
          ...saidLines,
        ]),
      ];
    case 'ticket.assigned':
      return [
        {
          role: 'engineers',
          to: engineerAddresses(config).filter((a) => a === event.recipient),
          cc: [],
          autoReply: false,
          subject: subjectOf(ticket, lang, ru ? 'Назначено вам' : 'Assigned to you'),
          text: card,
        },
      ];
    case 'ticket.final_reply':
      if (event.recipient && event.actor.kind === 'engineer') {
        // An engineer wrote text to a finished ticket: nothing went to the customer; say how to go on.
        return [
          {
            role: 'recipient',
            to: [event.recipient],
            cc: [],
            autoReply: false,
            subject: subjectOf(ticket, lang, ru ? 'Заявка уже завершена' : 'Ticket already finished'),
            text: [
              ru
                ? `Заявка ${ticket.key} завершена (статус: ${ticket.status}, ${statusName(ticket.status, lang)}): ваш текст клиенту не отправлен, заявка не изменена.`
                : `Ticket ${ticket.key} is finished (${ticket.status}, ${statusName(ticket.status, lang)}): your text was not sent and nothing changed.`,
              ticket.status === 'closed'
                ? ru
                  ? 'Чтобы продолжить работу, откройте её снова: первой строкой ответа #status reopened (или #status in_progress).'
                  : 'To carry on, reopen it: #status reopened (or #status in_progress) as the first line of your reply.'
                : ru
                  ? 'Из этого статуса заявку открыть нельзя; пусть клиент напишет новое письмо со ссылкой на этот номер.'
                  : 'This status cannot be reopened; the customer should write a new mail citing this number.',
              '',
              card,
            ].join('\n'),
          },
        ];
      }
      return event.recipient
        ? [
            {
              role: 'recipient',
              to: [event.recipient],
              cc: [],
              autoReply: true,
              subject: customerSubject(ticket, lang),
              text: ru
                ? `Здравствуйте!\n\nЗаявка ${ticket.key} уже завершена (статус: ${statusName(ticket.status, lang)}), поэтому ваше письмо не изменило её.\nЕсли вопрос снова актуален, пожалуйста, напишите новое письмо (новая тема, без ответа на это) и укажите в тексте номер ${ticket.key}: мы свяжем новую заявку с прежней.\n\n${sign}`
                : `Hello,\n\nTicket ${ticket.key} is already finished (${statusName(ticket.status, lang)}), so your mail changed nothing.\nIf the matter is open again, please write a new mail (new subject) citing ${ticket.key}; we will link it.\n\n${sign}`,
            },
          ]
        : [];
    case 'ticket.auto_closed':
      return [
        letter([statusExplanation('closed_no_response', lang)]),
        { role: 'engineers', ...engineersExcept(), autoReply: false, subject: subjectOf(ticket, lang, ru ? 'Закрыта автоматически' : 'Closed automatically'), text: card },
      ];
    case 'command.rejected':
      return event.actor.address
        ? [
            {
              role: 'actor',
              to: [event.actor.address],
              cc: [],
              autoReply: false,
              subject: subjectOf(ticket, lang, ru ? 'Команды не выполнены' : 'Commands not applied'),
              text: [
                ru ? 'Ни одна команда из вашего письма не применена (команды выполняются только все вместе):' : 'None of the commands in your mail were applied (they apply all together or not at all):',
                '',
                event.reason ?? '-',
                '',
                `${ru ? 'Текущий статус' : 'Current status'}: ${ticket.status} (${statusName(ticket.status, lang)}); ${ru ? 'из него можно перейти в' : 'allowed next'}: ${
                  allowedNext(ticket.status).map((s) => `${s} (${statusName(s, lang)})`).join(', ') || (ru ? 'никуда (заявка завершена)' : 'none (the ticket is final)')
                }.`,
                ru ? 'Текст вашего письма клиенту не отправлен. Исправьте команды и ответьте ещё раз.' : 'Your text was not sent to the customer. Fix the commands and reply again.',
                '',
                card,
              ].join('\n'),
            },
          ]
        : [];
    case 'engineer.unauthenticated':
      // To the engineer's address in the config (never the mail's own From or Reply-To); capped like any auto-reply.
      return event.recipient && engineerAddresses(config).includes(event.recipient)
        ? [
            {
              role: 'recipient',
              to: [event.recipient],
              cc: [],
              autoReply: true,
              subject: subjectOf(ticket, lang, ru ? 'Письмо не подтверждено, команды не выполнены' : 'Mail not authenticated, commands not applied'),
              text: [
                ...unprovenEngineerLines(
                  {
                    fromDomain: String(event.data?.fromDomain ?? ''),
                    spf: String(event.data?.spf ?? 'NONE'),
                    dkim: String(event.data?.dkim ?? 'NONE'),
                    dmarc: String(event.data?.dmarc ?? 'NONE'),
                    dkimDomains: String(event.data?.dkimDomains ?? '').split(' ').filter(Boolean),
                    commands: Number(event.data?.commands ?? 0),
                  },
                  lang,
                ),
                '',
                card,
              ].join('\n'),
            },
          ]
        : [];
    case 'sla.escalated':
    case 'sla.warning':
    case 'sla.breached':
    case 'sla.respond_overdue': {
      const heading = {
        'sla.escalated': ru ? 'СРОЧНО: блокирующая заявка' : 'URGENT: blocking ticket',
        'sla.warning': ru ? 'Срок скоро истечёт' : 'Deadline approaching',
        'sla.breached': ru ? 'Срок нарушен' : 'Deadline breached',
        'sla.respond_overdue': ru ? 'Заявка не взята в работу за 72 часа' : 'Not taken into work within 72 hours',
      }[event.type];
      return [
        {
          role: 'engineers',
          ...engineersExcept(),
          autoReply: false,
          subject: subjectOf(ticket, lang, heading),
          text: [heading, ...(event.reason ? [event.reason] : []), '', card, '', commandHelp(lang)].join('\n'),
        },
      ];
    }
    case 'sla.reminder': {
      const closeAt = formatInstant(ticket.deadlines.autoCloseAt, config.timezone, lang);
      return [
        letter([
          ru
            ? `По заявке ${ticket.key} мы ждём вашего ответа (статус: ${statusName(ticket.status, lang)}). Если ответа не будет, заявка закроется автоматически ${closeAt ?? ''}.`
            : `We are waiting for your answer on ${ticket.key} (${statusName(ticket.status, lang)}). Without one it closes automatically ${closeAt ?? ''}.`,
        ]),
      ];
    }
    default:
      return [];
  }
}
