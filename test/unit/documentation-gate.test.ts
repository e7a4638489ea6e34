/**
 * Issue 16, the documentation gate: a ticket that changed code (priorities in the config's
 * `documentationRequiredFor`, default feature and report) reaches `closed` only with a knowledge-base
 * link, recorded with `#doc URL` / `#документация URL`. As tables: how the command line is read, what
 * the decider makes of a close with and without links, and how evolve records them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSupportAddress, parseConfig } from '../../shared/config';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { decide } from '../../shared/domain/decide';
import { isOutboxEvent, type DecisionPolicy, type InboundReading, type Sender } from '../../shared/domain/decision';
import { documentationUrl } from '../../shared/domain/documentation';
import type { TicketEvent } from '../../shared/domain/events';
import { evolve, ticketAfter } from '../../shared/domain/evolve';
import type { Priority } from '../../shared/domain/priorities';
import { newTicket, type Status, type Ticket } from '../../shared/domain/ticket';
import { rejectionLines } from '../../shared/mail/outbound/rejections';
import { readCommands } from '../../shared/mail/inbound/commands';

const config = parseConfig(JSON.parse(readFileSync('maildesk.config.example.json', 'utf8')));
const calendar = BusinessCalendar.fromConfig(config);
const NOW = new Date('2026-11-17T12:00:00+03:00');
const KB = 'https://kb.clinic-soft.example/articles/42';

describe('#doc as read from an engineer\'s reply', () => {
  it.each([
    ['#doc https://kb.example/a', ['https://kb.example/a']],
    ['#документация https://kb.example/статья', ['https://kb.example/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F']],
    ['#Документация: <https://kb.example/a?x=1>', ['https://kb.example/a?x=1']],
    ['#doc http://wiki.local/page.', ['http://wiki.local/page']],
  ])('%s', (line, args) => {
    const read = readCommands(`${line}\nТекст`, 'MG');
    expect(read.problems).toEqual([]);
    expect(read.commands).toEqual([{ name: 'doc', args }]);
  });

  it.each([
    ['#doc'],
    ['#doc kb.example/a'],
    ['#doc ftp://kb.example/a'],
    ['#doc javascript:alert(1)'],
    ['#doc file:///etc/passwd'],
    ['#doc https://kb.example/a https://kb.example/b'],
    [`#doc https://kb.example/${'a'.repeat(2000)}`],
  ])('%s: a problem, nothing applied', (line) => {
    const read = readCommands(line, 'MG');
    expect(read.commands).toEqual([]);
    expect(read.problems).toEqual([{ line: line.trim(), reason: { code: 'doc-syntax', prefix: 'MG' } }]);
  });

  it('documentationUrl keeps only http(s) addresses of a host', () => {
    expect(documentationUrl('https://kb.example')).toBe('https://kb.example/');
    expect(documentationUrl('mailto:a@b.example')).toBeNull();
    expect(documentationUrl('https://')).toBeNull();
  });
});

const north = config.tenants.find((t) => t.id === 'clinic-north')!;
const english = { ...north, language: 'en' as const };
const engineer: Sender = {
  address: 'engineer1@team.example',
  fromProven: true,
  authFailed: false,
  engineerAddress: 'engineer1@team.example',
  evidence: { fromDomain: 'team.example', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', dkimDomains: ['team.example'] },
};

function policy(tenant: DecisionPolicy['tenant'] = north, requiredFor?: Priority[]): DecisionPolicy {
  return {
    ticketPrefix: 'MG',
    engineers: config.engineers,
    sla: { calendar, sla: config.sla },
    isDeskAddress: (a) => isSupportAddress(config, a),
    tenant,
    ...(requiredFor ? { documentationRequiredFor: requiredFor } : {}),
    known: { newTicket: null, linked: [], duplicateTargets: new Set(), featureHolder: null },
  };
}

function ticket(priority: Priority, status: Status, documentation?: string[]): Ticket {
  return newTicket({
    key: 'MG-10',
    number: 10,
    tenant: 'clinic-north',
    requester: 'anna@clinic-north.example',
    summary: 'Новый отчёт по загрузке кабинетов',
    priority,
    createdAt: '2026-11-16T07:00:00.000Z',
    rootMessageId: 'root@clinic-north.example',
    status,
    respondedAt: '2026-11-16T08:00:00.000Z',
    startedAt: '2026-11-16T08:00:00.000Z',
    ...(documentation ? { documentation } : {}),
  });
}

function mail(text: string): InboundReading {
  return {
    inboundId: 'in-1',
    mailKey: 'inbound/in-1',
    messageId: 'm-1@team.example',
    fromName: null,
    addressed: ['clinic-north@support.example'],
    summary: 'Re: [MG-10]',
    department: null,
    fields: { cardNumber: null, caseHistoryNumber: null, login: null, recordName: null, buttonName: null },
    messageFields: null,
    priority: null,
    ticketKey: 'MG-10',
    verdict: null,
    newText: text,
    commands: readCommands(text, 'MG'),
    attachments: [],
  };
}

type Outcome = { kind: 'rejected'; reason: RegExp } | { kind: 'updated'; events: Array<[TicketEvent['type'], Record<string, unknown>?]> };
interface Row {
  name: string;
  ticket: Ticket;
  text: string;
  policy?: DecisionPolicy;
  outcome: Outcome;
}

const closed: [TicketEvent['type'], Record<string, unknown>] = ['ticket.status_changed', { to: 'closed' }];
const documented = (url: string): [TicketEvent['type'], Record<string, unknown>] => ['ticket.documented', { data: { url } }];

const rows: Row[] = [
  { name: 'feature closed without a link: refused, in Russian', ticket: ticket('feature', 'deploying'), text: '#статус закрыто\nГотово.', outcome: { kind: 'rejected', reason: /«Новые функции, доработки» можно закрыть только после того, как изменение описано в базе знаний; добавьте строку #документация/ } },
  { name: 'report closed without a link: refused', ticket: ticket('report', 'in_progress'), text: '#status closed', outcome: { kind: 'rejected', reason: /«Новый отчет» можно закрыть только/ } },
  { name: 'English clinic: refused in English', ticket: ticket('feature', 'deploying'), text: '#status closed', policy: policy(english), outcome: { kind: 'rejected', reason: /a New features ticket can be closed only once the change is documented in the knowledge base; add a line #doc/ } },
  { name: 'feature closed with #doc in the same mail: link recorded, then closed', ticket: ticket('feature', 'deploying'), text: `#doc ${KB}\n#status closed\nГотово.`, outcome: { kind: 'updated', events: [documented(KB), closed] } },
  { name: 'feature closed with #документация given before', ticket: ticket('feature', 'deploying', [KB]), text: '#status closed', outcome: { kind: 'updated', events: [closed] } },
  { name: 'two links, one repeated: each recorded once', ticket: ticket('feature', 'verified'), text: `#doc ${KB}\n#документация https://kb.example/b\n#doc ${KB}\n#status closed`, outcome: { kind: 'updated', events: [documented(KB), documented('https://kb.example/b'), closed] } },
  { name: 'a link already on the ticket is not recorded again', ticket: ticket('feature', 'in_progress', [KB]), text: `#doc ${KB}`, outcome: { kind: 'updated', events: [] } },
  { name: 'a link alone, no close: recorded', ticket: ticket('feature', 'in_progress'), text: `#doc ${KB}`, outcome: { kind: 'updated', events: [documented(KB)] } },
  { name: 'a link to a closed ticket (documented afterwards): recorded', ticket: ticket('feature', 'closed', ['https://kb.example/old']), text: `#doc ${KB}`, outcome: { kind: 'updated', events: [documented(KB)] } },
  { name: 'error closed without a link: no code change, no gate', ticket: ticket('error', 'in_progress'), text: '#status closed', outcome: { kind: 'updated', events: [closed] } },
  { name: 'raised to feature and closed in one mail: the gate applies to the new priority', ticket: ticket('error', 'in_progress'), text: '#priority feature\n#status closed', outcome: { kind: 'rejected', reason: /#status closed: заявку с приоритетом «Новые функции, доработки»/ } },
  { name: 'lowered to error and closed: no gate', ticket: ticket('feature', 'in_progress'), text: '#priority error\n#status closed', outcome: { kind: 'updated', events: [closed, ['ticket.priority_changed', { priority: 'error' }]] } },
  { name: 'feature cancelled without a link: only closed is gated', ticket: ticket('feature', 'in_progress'), text: '#status cancelled\nНевозможно.', outcome: { kind: 'updated', events: [['ticket.status_changed', { to: 'cancelled' }]] } },
  { name: 'config documentationRequiredFor [] : no gate', ticket: ticket('feature', 'deploying'), text: '#status closed', policy: policy(north, []), outcome: { kind: 'updated', events: [closed] } },
  { name: 'config documentationRequiredFor [settings]: settings gated', ticket: ticket('settings', 'in_progress'), text: '#status closed', policy: policy(north, ['settings']), outcome: { kind: 'rejected', reason: /«Дополнительные настройки»/ } },
  { name: 'a bad link and a close: all-or-nothing, both named', ticket: ticket('feature', 'deploying'), text: '#doc kb/42\n#status closed', outcome: { kind: 'rejected', reason: /#doc kb\/42: нужна ссылка на статью[\s\S]*можно закрыть только/ } },
];

describe('decide: the documentation gate', () => {
  it.each(rows)('$name', ({ ticket: before, text, policy: given, outcome: then }) => {
    const decision = decide(before, mail(text), engineer, NOW, given ?? policy());
    const events = decision.events.filter(isOutboxEvent);
    if (then.kind === 'rejected') {
      expect(decision.kind).toBe('rejected-commands');
      expect(events.map((e) => e.type)).toEqual(['command.rejected']);
      // the codes, in the clinic's language
      expect(rejectionLines(events[0]!, (given ?? policy()).tenant.language ?? 'ru').join('\n')).toMatch(then.reason);
      // nothing applied: the ticket keeps its status and has no link
      const after = ticketAfter(before, decision, { calendar, sla: config.sla }, NOW)!;
      expect(after.status).toBe(before.status);
      expect(after.documentation).toEqual(before.documentation);
      return;
    }
    expect(decision.kind).toBe('updated');
    const relevant = events.filter((e) => e.type !== 'ticket.answered' && e.type !== 'ticket.assigned');
    expect(relevant.map((e) => e.type)).toEqual(then.events.map(([type]) => type));
    for (const [i, [, fields]] of then.events.entries()) expect(relevant[i]).toMatchObject(fields ?? {});
    const after = ticketAfter(before, decision, { calendar, sla: config.sla }, NOW)!;
    const links = then.events.filter(([type]) => type === 'ticket.documented').map(([, f]) => (f!.data as { url: string }).url);
    expect(after.documentation ?? []).toEqual([...(before.documentation ?? []), ...links]);
  });
});

describe('evolve: ticket.documented', () => {
  const event = (url: unknown): TicketEvent => ({
    id: 'in-1:doc-0',
    type: 'ticket.documented',
    ticketKey: 'MG-10',
    tenant: 'clinic-north',
    at: NOW.toISOString(),
    actor: { kind: 'engineer', address: 'engineer1@team.example' },
    data: { url: url as string },
  });
  it('appends a link once; a ticket stored before the gate starts with none', () => {
    const old = ticket('feature', 'in_progress');
    expect(old.documentation).toBeUndefined();
    const once = evolve(old, event(KB));
    expect(once.documentation).toEqual([KB]);
    expect(evolve(once, event(KB)).documentation).toEqual([KB]);
    expect(evolve(once, event('https://kb.example/b')).documentation).toEqual([KB, 'https://kb.example/b']);
  });
  it('keeps the first 20 links', () => {
    let t = ticket('feature', 'in_progress');
    for (let i = 0; i < 25; i++) t = evolve(t, event(`https://kb.example/${i}`));
    expect(t.documentation).toHaveLength(20);
    expect(t.documentation![19]).toBe('https://kb.example/19');
  });
  it('an event without a link changes nothing', () => {
    const t = ticket('feature', 'in_progress');
    expect(evolve(t, event(undefined))).toEqual(t);
  });
});
