/**
 * Where did my mail go: a mail to an address no tenant has is accepted over SMTP (as SES accepts it),
 * answered by nobody, and `maildesk log` / `maildesk tickets list --ignored` list it with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIgnoredList } from '../../shared/cli/ignored-command';
import type { CliIo } from '../../shared/cli/io';
import { runTicketsList } from '../../shared/cli/ticket-commands';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // the CLI reads the store the local stack writes (store-access.ts)
  process.env.MAILDESK_DYNAMODB_PORT = new URL(h.stack.dynamoEndpoint).port;
  process.env.MAILDESK_TABLE = h.stack.table;
});
afterAll(async () => h?.close());

async function cli(command: typeof runIgnoredList, argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
  const code = await command([...argv, '--config', 'maildesk.config.example.json'], io);
  return { code, out, err };
}

describe('mail the desk ignores, listed', () => {
  it('a mail to an unknown desk address is accepted, answered by nobody, and listed with its reason', async () => {
    // given a mail to an address of the desk's domain that no tenant has
    await h.send({
      from: 'anna@clinic-north.example',
      to: 'clinic-nort@support.example',
      subject: 'Не открывается карта пациента',
      text: 'Номер амбулаторной карты: 123456',
    });
    // and an auto-reply to a real tenant address
    await h.send({
      from: 'boss@clinic-north.example',
      to: 'clinic-north@support.example',
      subject: 'Автоматический ответ: в отпуске',
      text: 'Я в отпуске до понедельника.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    // when the stack has processed them
    expect(await h.newMail()).toEqual([]);
    expect(h.stack.outcomes.map((o) => o.kind)).toEqual(['ignored', 'ignored']);

    // then `maildesk log` lists both, newest last, with what each reason means
    const log = await cli(runIgnoredList, []);
    expect([log.code, log.err]).toEqual([0, '']);
    const lines = log.out.split('\n');
    expect(lines[0]).toMatch(/^TIME +REASON +FROM +TO +MAIL +SUBJECT$/);
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d +unknown-tenant +anna@clinic-north\.example +clinic-nort@support\.example +inbound\/\S+ +Не открывается карта пациента$/,
    );
    expect(lines[2]).toMatch(/ auto-generated:auto-submitted:auto-replied +boss@clinic-north\.example /);
    expect(lines[3]).toBe('(2 ignored mails, newest last; times in Europe/Moscow; kept 30 days)');
    expect(log.out).toContain('unknown-tenant: sent to an address no tenant has');

    // and `tickets list --ignored --last 1 --json` gives the newest, with the key `maildesk replay` takes
    const json = await cli(runTicketsList, ['--ignored', '--last', '1', '--json']);
    const entries = JSON.parse(json.out) as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reason: 'auto-generated:auto-submitted:auto-replied', from: 'boss@clinic-north.example' });
    expect(String(entries[0]!.mailKey)).toMatch(/^inbound\//);
    expect(await h.stack.store.listTickets()).toEqual([]);
  });
});
