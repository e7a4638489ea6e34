/**
 * Issue 16, end to end through the local stack (SMTP in, DynamoDB Local, stream -> notify -> outbox):
 * - the documentation gate: a feature ticket's close without `#doc` is refused (the engineer is told
 *   why, nothing changes, the customer hears nothing); with `#документация URL` it closes, and the
 *   requester's closing mail carries the link;
 * - a clinic with `support.active: false` gets its ticket opened and acknowledged with the contract
 *   note, the engineers' copy is marked, and no deadline, escalation or sweep action follows.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CliIo } from '../../shared/cli/io';
import { runTicketShow, runTicketsList } from '../../shared/cli/ticket-commands';
import type { MaildeskConfig } from '../../shared/config';
import type { ParsedMail } from '../../shared/mail/inbound/types';
import { sweepDeadlines } from '../../shared/use-cases/sweep-deadlines';
import { exampleConfig, moscowClock, startHarness, uniqueTable, type Harness } from '../support/harness';

type Mail = ParsedMail & { file: string };

const NORTH = 'clinic-north@support.example';
const SOUTH = 'clinic-south@support.example';
const ANNA = 'anna@clinic-north.example';
const BORIS = 'boris@clinic-south.example';
const IVANOV = 'engineer1@team.example';
const KB = 'https://kb.clinic-soft.example/articles/room-load-report';

const clock = moscowClock('2026-11-16T10:00:00');

/** The example config, clinic-south without a support contract. */
function config(): MaildeskConfig {
  const base = exampleConfig();
  return {
    ...base,
    tenants: base.tenants.map((t) => (t.id === 'clinic-south' ? { ...t, support: { active: false } } : t)),
  };
}

let h: Harness;
const table = uniqueTable('gates');
beforeAll(async () => {
  h = await startHarness({ now: clock.now, config: config(), table });
});
afterAll(async () => h?.close());

const to = (mails: Mail[], address: string) => mails.filter((m) => m.to.some((a) => a.address === address));
const flat = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ');

async function ticket(key: string) {
  const t = await h.stack.store.getTicket(key);
  expect(t, key).not.toBeNull();
  return t!;
}

async function engineer(key: string, text: string) {
  await h.send({ from: IVANOV, to: NORTH, subject: `Re: [${key}] заявка`, text });
  return h.newMail();
}

describe('the documentation gate: a feature ticket closes only with a knowledge-base link', () => {
  it('opened as a feature and taken into work', async () => {
    await h.send({ from: ANNA, to: NORTH, subject: 'Новый отчёт по загрузке кабинетов', text: 'Приоритет: Новые функции, доработки\nНужен отчёт по загрузке кабинетов за месяц.' });
    await h.newMail();
    expect(await ticket('MG-1')).toMatchObject({ priority: 'feature', status: 'open' });
    await engineer('MG-1', '#статус в работе\nБерём в работу.');
    expect((await ticket('MG-1')).status).toBe('in_progress');
  });

  it('#status closed without #doc: refused, the engineer is told why, nothing changes, the customer hears nothing', async () => {
    const before = await ticket('MG-1');
    const mails = await engineer('MG-1', '#статус закрыто\nОтчёт готов, закрываем.');
    expect(to(mails, ANNA)).toEqual([]);
    const answer = to(mails, IVANOV);
    expect(answer).toHaveLength(1);
    expect(flat(answer[0]!.text)).toContain('заявку с приоритетом «Новые функции, доработки» можно закрыть только после того, как изменение описано в базе знаний; добавьте строку #документация');
    const after = await ticket('MG-1');
    expect(after).toMatchObject({ status: 'in_progress', closedAt: null });
    expect(after.documentation ?? []).toEqual([]);
    expect((await h.stack.store.listEvents('MG-1')).filter((e) => e.type === 'ticket.status_changed').map((e) => e.to)).toEqual(['in_progress']);
    expect(after.version).toBe(before.version + 1);
  });

  it('with #документация URL it closes, and the requester\'s closing mail lists the link', async () => {
    const mails = await engineer('MG-1', `#документация ${KB}\n#статус закрыто\nОтчёт готов.`);
    const t = await ticket('MG-1');
    expect(t).toMatchObject({ status: 'closed', documentation: [KB] });
    const closing = to(mails, ANNA);
    expect(closing).toHaveLength(1);
    expect(closing[0]!.text).toContain('Статус заявки MG-1: Закрыто.');
    expect(closing[0]!.text).toContain(`Описание изменений в базе знаний:\n  ${KB}`);
    const events = await h.stack.store.listEvents('MG-1');
    expect(events.filter((e) => e.type === 'ticket.documented').map((e) => e.data?.url)).toEqual([KB]);
  });
});

describe('a clinic without a support contract (support.active: false)', () => {
  it('a blocking mail: opened and acknowledged with the contract note, marked for the engineers, no deadline, no escalation', async () => {
    await h.send({ from: BORIS, to: SOUTH, subject: '[Блокировка] Не работает лаборатория', text: 'Анализы не уходят в лабораторию.' });
    const mails = await h.newMail();
    const key = 'MG-2';
    const t = await ticket(key);
    expect(t).toMatchObject({ tenant: 'clinic-south', priority: 'blocking', status: 'open', outsideContract: true, nextDue: null });
    expect(t.deadlines).toEqual({ respondBy: null, targetAt: null, dueAt: null, autoCloseAt: null });

    const ack = to(mails, BORIS);
    expect(ack).toHaveLength(1);
    const text = flat(ack[0]!.text);
    expect(text).toContain(`Ваше обращение зарегистрировано под номером ${key}.`);
    expect(text).toContain('работы по этому обращению выполняются вне договора: исправления и доработки оплачиваются отдельно и выполняются после обновления программы до текущей версии');
    expect(text).toContain('Сроки регламента не применяются: обращение вне договора поддержки.');
    expect(text).not.toContain('Крайний срок');

    // one copy per engineer, marked; no URGENT escalation
    const copies = to(mails, IVANOV);
    expect(copies.map((m) => m.subject)).toEqual([`[${key}] Новая заявка (вне договора): Не работает лаборатория`]);
    expect(copies[0]!.text).toMatch(/^ВНЕ ДОГОВОРА ПОДДЕРЖКИ/);
    expect((await h.stack.store.listEvents(key)).map((e) => e.type)).toEqual(['ticket.created']);
  });

  it('the sweep never acts on it: weeks later, nothing is due', async () => {
    const result = await sweepDeadlines(new Date('2026-12-20T10:00:00+03:00'), h.stack.sweepDeps);
    expect(result.acted.filter((a) => a.ticketKey === 'MG-2')).toEqual([]);
    expect(await h.newMail()).toEqual([]);
  });
});

describe('the CLI shows both', () => {
  /** The CLI against this stack's table, with this test's config written to a file (as an operator's would be). */
  async function cli(command: typeof runTicketShow, argv: string[]): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'maildesk-gates-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config()));
    let out = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: () => {}, isTty: false };
    const env = process.env.MAILDESK_DYNAMODB_PORT;
    process.env.MAILDESK_DYNAMODB_PORT = new URL(inject('dynamoEndpoint')).port;
    try {
      expect(await command([...argv, '--table', table, '--config', join(dir, 'config.json')], io, clock.now())).toBe(0);
    } finally {
      if (env === undefined) delete process.env.MAILDESK_DYNAMODB_PORT;
      else process.env.MAILDESK_DYNAMODB_PORT = env;
    }
    return out;
  }

  it('ticket show: the knowledge-base link, in the details and the history', async () => {
    const out = await cli(runTicketShow, ['MG-1']);
    expect(out).toContain(`documentation ${KB}`);
    expect(out).toMatch(new RegExp(`ticket\\.documented  engineer1@team\\.example\\n\\s+${KB.replace(/[./]/g, '\\$&')}`));
    expect(out).not.toContain('contract');
  });

  it('ticket show: outside the support contract, no deadline', async () => {
    const out = await cli(runTicketShow, ['MG-2']);
    expect(out).toContain('contract      outside the support contract: no SLA or auto-close');
    expect(out).toMatch(/^due {11}-$/m);
  });

  it('tickets list: the clinic without a contract apart, after the others', async () => {
    await h.send({ from: ANNA, to: NORTH, subject: 'Не печатается направление', text: 'Ошибка при печати.' });
    await h.newMail();
    const lines = (await cli(runTicketsList, [])).split('\n');
    const apart = lines.indexOf('outside the support contract (no SLA):');
    expect(apart).toBeGreaterThan(0);
    expect(lines.slice(1, apart).map((l) => l.split(' ')[0])).toEqual(['MG-3', '']);
    expect(lines[apart + 1]).toMatch(/^MG-2 +clinic-south +blocking +open /);
  });
});
