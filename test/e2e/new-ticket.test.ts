/** A clinic employee mails the desk; the acknowledgement and the engineers' copy appear in the outbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const body = [
  'Добрый день!',
  'Не открывается карта пациента после перехода из расписания.',
  '',
  'Номер амбулаторной карты: 123456',
  'Логин в системе: ivanova_a',
  'Наименование записи: Приём терапевта',
  'Приоритет: Ошибка работы',
].join('\n');

describe('new ticket by mail', () => {
  it('stores the ticket, acknowledges the requester in Russian and forwards it to the engineers', async () => {
    // given a mail from a clinic employee with a department in the subject
    await h.send({
      from: '"Анна Иванова" <anna@clinic-north.example>',
      to: 'clinic-north@support.example',
      cc: 'head@clinic-north.example',
      subject: 'Не открывается карта пациента - Терапия',
      text: body,
      messageId: '<first-1@clinic-north.example>',
    });
    // when the stack has processed it
    const mails = await h.newMail();

    // then the ticket is stored with the fields the regulation asks for
    const ticket = await h.stack.store.getTicket('MG-1');
    expect(ticket).toMatchObject({
      key: 'MG-1',
      tenant: 'clinic-north',
      requester: 'anna@clinic-north.example',
      cc: ['head@clinic-north.example'],
      department: 'Терапия',
      priority: 'error',
      status: 'open',
      fields: { cardNumber: '123456', login: 'ivanova_a', recordName: 'Приём терапевта', caseHistoryNumber: null, buttonName: null },
    });
    expect(ticket!.summary).toBe('Не открывается карта пациента');
    expect(ticket!.deadlines.dueAt).not.toBeNull();

    // and one acknowledgement went to the requester (Cc kept), one copy to the engineers
    expect(mails).toHaveLength(2);
    const ack = mails.find((m) => m.to.some((a) => a.address === 'anna@clinic-north.example'))!;
    expect(ack.subject).toBe('[MG-1] Не открывается карта пациента');
    expect(ack.cc.map((a) => a.address)).toEqual(['head@clinic-north.example']);
    expect(ack.headers['auto-submitted']).toBe('auto-replied');
    expect(ack.inReplyTo).toEqual(['first-1@clinic-north.example']);
    expect(ack.references).toContain('first-1@clinic-north.example');
    expect(ack.replyTo.map((a) => a.address)).toEqual(['clinic-north@support.example']);
    expect(ack.from?.address).toBe('clinic-north@support.example');
    expect(ack.text).toContain('зарегистрировано под номером MG-1');
    expect(ack.text).toContain('Приоритет: Ошибка работы');
    expect(ack.text).toMatch(/Крайний срок решения: \d\d\.\d\d\.\d{4} \d\d:\d\d \(Europe\/Moscow\)/);
    // the missing fields are asked for
    expect(ack.text).toContain('Номер истории болезни');
    expect(ack.text).toContain('Наименование кнопки перехода');

    const forward = mails.find((m) => m !== ack)!;
    expect(forward.to.map((a) => a.address).sort()).toEqual(['engineer1@team.example', 'engineer2@team.example']);
    expect(forward.subject).toBe('[MG-1] Новая заявка: Не открывается карта пациента');
    expect(forward.replyTo.map((a) => a.address)).toEqual(['clinic-north@support.example']);
    expect(forward.text).toContain('Не открывается карта пациента после перехода из расписания.');
    expect(forward.headers['auto-submitted']).toBe('auto-generated');
  });

  it('opens one ticket for the same Message-ID sent twice', async () => {
    const mail = { from: 'boris@clinic-north.example', to: 'clinic-north@support.example', subject: 'Дубль', text: 'Один и тот же текст', messageId: '<same-2@clinic-north.example>' };
    await h.send(mail);
    await h.send(mail);
    const mails = await h.newMail();
    const tickets = await h.stack.store.listTickets({ tenant: 'clinic-north' });
    expect(tickets.filter((t) => t.summary === 'Дубль')).toHaveLength(1);
    expect(mails.filter((m) => m.to.some((a) => a.address === 'boris@clinic-north.example'))).toHaveLength(1);
    expect(h.stack.outcomes.at(-1)).toEqual({ kind: 'duplicate' });
  });

  it('refuses politely a sender outside the allowed domains, without a ticket', async () => {
    const before = (await h.stack.store.listTickets({ tenant: 'clinic-south' })).length;
    await h.send({ from: 'stranger@gmail.example', to: 'clinic-south@support.example', subject: 'Вопрос', text: 'Здравствуйте' });
    const mails = await h.newMail();
    expect((await h.stack.store.listTickets({ tenant: 'clinic-south' })).length).toBe(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to[0]!.address).toBe('stranger@gmail.example');
    expect(mails[0]!.subject).toBe('Обращение не зарегистрировано');
    expect(mails[0]!.headers['auto-submitted']).toBe('auto-replied');
  });

  it('ignores mail to no tenant address, and logs the reason', async () => {
    await h.send({ from: 'someone@clinic-north.example', to: 'nobody@support.example', subject: 'x', text: 'y' });
    expect(await h.newMail()).toHaveLength(0);
    expect(h.stack.outcomes.at(-1)).toEqual({ kind: 'ignored', reason: 'unknown-tenant' });
    expect(h.log.entries.some((e) => e.fields.reason === 'unknown-tenant')).toBe(true);
  });

  it('never logs a body or a field value', () => {
    const logged = JSON.stringify(h.log.entries);
    expect(logged).not.toContain('123456');
    expect(logged).not.toContain('ivanova_a');
    expect(logged).not.toContain('Не открывается');
  });
});
