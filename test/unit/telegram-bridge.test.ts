/**
 * The Telegram bridge's pure parts as tables: reading an Update (zod subset), the ticket key in a text,
 * the secret check, the group-message decider, the requester's summary window, the config keys.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSupportAddress, parseConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { decideGroupMessage, type GroupAuthor, type GroupMessage } from '../../shared/domain/decide-group-message';
import type { DecisionPolicy } from '../../shared/domain/decision';
import type { TicketEvent } from '../../shared/domain/events';
import { ticketAfter } from '../../shared/domain/evolve';
import { newTicket, type Status, type Ticket } from '../../shared/domain/ticket';
import { readCommands } from '../../shared/mail/inbound/commands';
import { groupPost, withGroupSummary } from '../../shared/mail/outbound/clinic-group';
import { groupCommentsFor } from '../../shared/use-cases/group-summary';
import { readTelegramUpdate, ticketKeyIn } from '../../shared/use-cases/read-telegram-update';
import { secretMatches } from '../../shared/use-cases/receive-telegram-update';

const raw = JSON.parse(readFileSync('maildesk.config.example.json', 'utf8'));
const config = parseConfig(raw);
const calendar = BusinessCalendar.fromConfig(config);
const fixture = JSON.parse(readFileSync('test/fixtures/telegram/group-reply.json', 'utf8'));
const NOW = new Date('2026-11-17T09:00:00.000Z');

/** The fixture update with one change applied to its message (or the update, with `top`). */
function update(change: (m: Record<string, any>) => void = () => {}, top: Record<string, unknown> = {}): string {
  const u = structuredClone(fixture);
  change(u.message);
  return JSON.stringify({ ...u, ...top });
}

describe('readTelegramUpdate', () => {
  it('reads a person\'s reply in a group: ids, text, author, the post it answers, the key it names', () => {
    const r = readTelegramUpdate(update((m) => (m.text = 'По MG-7: перезагрузили')), 'MG');
    expect(r).toEqual({
      kind: 'message',
      replyTo: 1001,
      ticketKey: 'MG-7',
      message: { updateId: 815400001, chatId: -1001234567890, messageId: 311, text: 'По MG-7: перезагрузили', commands: readCommands('По MG-7: перезагрузили', 'MG'), telegramUserId: 5550001, authorName: '@anna_clinic' },
    });
  });

  it.each([
    ['not JSON', '{', 'not-json'],
    ['no update_id', JSON.stringify({ message: fixture.message }), 'not-an-update'],
    ['update_id a string', update(() => {}, { update_id: '1' }), 'not-an-update'],
    ['chat id a string', update((m) => (m.chat.id = '-100')), 'not-an-update'],
    ['an edited message', JSON.stringify({ update_id: 5, edited_message: fixture.message }), 'no-message'],
    ['a private chat', update((m) => (m.chat.type = 'private')), 'not-a-group'],
    ['a channel post', update((m) => (m.chat.type = 'channel')), 'not-a-group'],
    ['a photo without caption', update((m) => delete m.text), 'no-text'],
    ['only spaces', update((m) => (m.text = '  \n ')), 'no-text'],
    ['no from', update((m) => delete m.from), 'no-author'],
    ['a bot', update((m) => (m.from.is_bot = true)), 'from-bot'],
  ])('ignores %s', (_case, body, reason) => {
    expect(readTelegramUpdate(body, 'MG')).toMatchObject({ kind: 'ignored', reason });
  });

  it.each([
    ['caption of a photo', (m: Record<string, any>) => { delete m.text; m.caption = 'скриншот MG-3'; }, 'скриншот MG-3', '@anna_clinic'],
    ['name without username', (m: Record<string, any>) => delete m.from.username, 'Перезагрузили сервер, ошибка осталась', 'Анна Иванова'],
    ['unknown fields pass', (m: Record<string, any>) => (m.entities = [{ type: 'bold', offset: 0, length: 3 }]), 'Перезагрузили сервер, ошибка осталась', '@anna_clinic'],
  ])('reads %s', (_case, change, text, author) => {
    const r = readTelegramUpdate(update(change), 'MG');
    expect(r.kind === 'message' && [r.message.text, r.message.authorName]).toEqual([text, author]);
  });
});

describe('ticketKeyIn', () => {
  it.each([
    ['MG-42 не работает', 'MG-42'],
    ['по заявке mg-42', 'MG-42'],
    ['(MG-007)', 'MG-7'],
    ['MG-1 и MG-2', 'MG-1'],
    ['XMG-42', null],
    ['MG-42a', null],
    ['AB-42', null],
    ['MG42', null],
    ['карта 555777', null],
  ])('%s -> %s', (text, key) => expect(ticketKeyIn(text, 'MG')).toBe(key));
});

describe('secretMatches', () => {
  it.each([
    ['s3cret-token', 's3cret-token', true],
    ['s3cret-tokeN', 's3cret-token', false],
    ['s3cret-token-longer', 's3cret-token', false],
    ['s3cret', 's3cret-token', false],
    ['', 's3cret-token', false],
    [undefined, 's3cret-token', false],
    ['', '', false],
    [undefined, '', false],
  ])('%s against %s: %s', (given, expected, ok) => expect(secretMatches(given, expected)).toBe(ok));
});

const policy: DecisionPolicy = {
  ticketPrefix: 'MG',
  engineers: config.engineers,
  sla: { calendar, sla: config.sla },
  isDeskAddress: (a) => isSupportAddress(config, a),
  tenant: config.tenants[0]!,
  known: { newTicket: null, linked: [], duplicateTargets: new Set(), featureHolder: null },
};
const ticket = (status: Status = 'open'): Ticket => ({
  ...newTicket({ key: 'MG-10', number: 10, tenant: 'clinic-north', requester: 'anna@clinic-north.example', summary: 'Не открывается карта', priority: 'blocking', createdAt: '2026-11-16T07:00:00.000Z', rootMessageId: 'root@x' }),
  status,
});
const message = (text: string): GroupMessage => ({ updateId: 77, chatId: -100, messageId: 5, text, commands: readCommands(text, 'MG'), telegramUserId: 1, authorName: '@a' });
const engineer: GroupAuthor = { kind: 'engineer', address: 'engineer1@team.example' };
const clinic: GroupAuthor = { kind: 'clinic' };

describe('decideGroupMessage', () => {
  it.each<[string, GroupAuthor, string, Status, string, string[], Status]>([
    ['clinic comment', clinic, 'ошибка осталась', 'open', 'updated', ['ticket.group_comment'], 'open'],
    ['clinic command is text', clinic, '#status closed\nзакройте', 'open', 'updated', ['ticket.group_comment'], 'open'],
    ['engineer comment', engineer, 'смотрим', 'open', 'updated', ['ticket.group_comment'], 'open'],
    ['engineer status', engineer, '#status in_progress\nсмотрим', 'open', 'updated', ['ticket.status_changed', 'ticket.group_comment'], 'in_progress'],
    ['engineer status, no text', engineer, '#статус в работе', 'open', 'updated', ['ticket.status_changed'], 'in_progress'],
    ['engineer bad command', engineer, '#status nonsense\nтекст', 'open', 'rejected-commands', ['command.rejected'], 'open'],
    ['illegal move', engineer, '#status verified', 'open', 'rejected-commands', ['command.rejected'], 'open'],
    ['clinic on a closed ticket', clinic, 'спасибо', 'closed', 'final-reply', [], 'closed'],
    ['engineer reopens', engineer, '#status reopened', 'closed', 'updated', ['ticket.status_changed'], 'reopened'],
  ])('%s', (_case, author, text, status, kind, types, after) => {
    const t = ticket(status);
    const decision = decideGroupMessage(t, message(text), author, NOW, policy);
    const events = decision.events.filter((e): e is TicketEvent => e.type !== 'mail.received');
    expect(decision.kind).toBe(kind);
    // (who takes a ticket into work may also be assigned it: not the bridge's rule)
    expect(events.map((e) => e.type).filter((t) => t !== 'ticket.assigned').sort()).toEqual([...types].sort());
    expect(events.every((e) => e.id.startsWith('telegram-77:'))).toBe(true);
    expect(ticketAfter(t, decision, policy.sla, NOW)?.status ?? t.status).toBe(after);
    // nothing is mailed to the requester as an answer: the group's words wait for the next letter
    expect(events.some((e) => e.type === 'ticket.answered' || (e.type === 'ticket.status_changed' && e.text))).toBe(false);
  });

  it('keeps the author and the role on the comment; rejected commands are answered in the group, not by mail', () => {
    const c = decideGroupMessage(ticket(), message('ошибка'), clinic, NOW, policy).events.find((e) => e.type === 'ticket.group_comment');
    expect(c).toMatchObject({ actor: { kind: 'requester', address: null }, text: 'ошибка', data: { via: 'telegram', role: 'clinic', author: '@a', telegramUserId: 1, chatId: -100, telegramMessageId: 5 } });
    const r = decideGroupMessage(ticket(), message('#status nonsense'), engineer, NOW, policy).events.find((e) => e.type === 'command.rejected');
    expect(r).toMatchObject({ actor: { kind: 'engineer', address: 'engineer1@team.example' }, data: { via: 'telegram' } });
  });
});

describe('groupCommentsFor: what the requester\'s letter sums up', () => {
  const ev = (id: string, type: TicketEvent['type'], at: string, data?: TicketEvent['data']): TicketEvent => ({ id, type, ticketKey: 'MG-10', tenant: 'clinic-north', at: `2026-11-17T${at}:00.000Z`, actor: { kind: 'system', address: null }, ...(data ? { data } : {}) });
  const history = [
    ev('a', 'ticket.created', '07:00'),
    ev('b', 'ticket.group_comment', '07:10'),
    ev('c', 'ticket.status_changed', '07:20'),
    ev('d', 'ticket.group_comment', '07:30'),
    ev('e', 'ticket.status_changed', '07:40', { silent: true }),
    ev('f', 'ticket.group_comment', '07:50'),
    ev('g', 'ticket.status_changed', '08:00'),
    ev('h', 'ticket.group_comment', '08:00'),
    ev('i', 'ticket.group_comment', '08:10'),
  ];
  it.each([
    ['c', ['b']],
    ['g', ['d', 'f', 'h']],
    ['a', []],
  ])('letter of %s lists %s', (id, ids) => {
    expect(groupCommentsFor(history.find((e) => e.id === id)!, history).map((e) => e.id)).toEqual(ids);
  });
});

describe('config', () => {
  const withBridge = (over: (c: any) => void) => {
    const c = structuredClone(raw);
    over(c);
    return () => parseConfig(c);
  };
  it('reads tenants[].telegram.chatId (number or digits) and engineers[].telegramUserId', () => {
    const c = withBridge((c) => {
      c.tenants[0].telegram = { chatId: -1001234567890 };
      c.tenants[1].telegram = { chatId: '-1009876543210' };
      c.engineers[0].telegramUserId = 4242001;
    })();
    expect([c.tenants[0]!.telegram, c.tenants[1]!.telegram, c.engineers[0]!.telegramUserId]).toEqual([{ chatId: -1001234567890 }, { chatId: -1009876543210 }, 4242001]);
  });
  it.each([
    ['a chat shared by two clinics', (c: any) => { c.tenants[0].telegram = { chatId: -5 }; c.tenants[1].telegram = { chatId: -5 }; }, 'tenants[1].telegram.chatId: duplicate chat -5'],
    ['a Telegram user mapped twice', (c: any) => { c.engineers[0].telegramUserId = 9; c.engineers[1].telegramUserId = 9; }, 'engineers[1].telegramUserId: duplicate Telegram user 9'],
    ['a user id as text', (c: any) => { c.engineers[0].telegramUserId = '9'; }, 'engineers[0]'],
    ['a chat name', (c: any) => { c.tenants[0].telegram = { chatId: '@clinic' }; }, 'tenants[0].telegram.chatId'],
  ])('refuses %s', (_case, over, message) => expect(withBridge(over)).toThrow(message));
});

describe('groupPost', () => {
  it('never carries template fields or mail text, whatever the ticket holds', () => {
    const t = { ...ticket('in_progress'), fields: { cardNumber: '555777', caseHistoryNumber: '9911', login: 'petrova_k', recordName: null, buttonName: null } };
    const text = groupPost('status', t, 'in_progress', config.tenants[0]!, config);
    expect(text.split('\n').slice(0, 4)).toEqual(['🔄 Статус изменён MG-10', 'Приоритет: Блокировка', 'Тема: Не открывается карта', 'Статус: В работе']);
    for (const secret of ['555777', '9911', 'petrova_k', 'anna@']) expect(text).not.toContain(secret);
  });
});

describe('withGroupSummary', () => {
  const north = config.tenants[0]!;
  it.each([
    ['above the signature', 'Здравствуйте!\n\nТекст.\n\n--\nСлужба технической поддержки\nСеверная клиника\nfooter', ['Итог:', '- a'], 'Здравствуйте!\n\nТекст.\n\nИтог:\n- a\n\n--\nСлужба технической поддержки\nСеверная клиника\nfooter'],
    ['at the end without one', 'Текст.', ['Итог:'], 'Текст.\n\nИтог:'],
    ['nothing to add', 'Текст.', [], 'Текст.'],
  ])('%s', (_case, text, summary, expected) => expect(withGroupSummary(text, summary, north)).toBe(expected));
});
