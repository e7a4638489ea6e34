/** An engineer opens a ticket for a customer who phoned: `#requester` names them, the fields come from the text below. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('an engineer opening a ticket', () => {
  it('with #requester: the ticket is the customer\'s, its fields read below the command lines', async () => {
    // given an engineer's first mail naming the customer
    await h.send({
      from: 'engineer1@team.example',
      to: 'clinic-north@support.example',
      subject: 'Не печатается направление - Терапия',
      text: '#requester Boris <boris@clinic-north.example>\n\nКлиент звонил.\nНомер амбулаторной карты: 777\nЛогин в системе: boris_b',
      messageId: '<eng-open-1@support.example>',
    });
    await h.newMail();
    // then the ticket belongs to the customer, with the fields of the text below the commands
    const ticket = await h.stack.store.getTicket('MG-1');
    expect(ticket).toMatchObject({ requester: 'boris@clinic-north.example', requesterName: null, department: 'Терапия', fields: { cardNumber: '777', login: 'boris_b' } });
    const created = (await h.stack.store.listEvents('MG-1')).find((e) => e.type === 'ticket.created')!;
    expect(created.actor).toEqual({ kind: 'engineer', address: 'engineer1@team.example' });
    expect(created.text).not.toContain('#requester');
  });
});
