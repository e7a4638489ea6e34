/**
 * The engineers' copy carries the customer's files (issue 17): a real .eml with a PNG screenshot and
 * a log goes in over SMTP; the copy in the outbox has both as MIME attachments (read back with
 * mailparser, bytes compared), up to `engineerAttachmentLimitMb`; what does not fit goes as a link
 * (locally the file's path; on AWS a presigned URL, here through the Lambdas' adapters on the
 * mocked S3). The customer's mails carry no file, link, key or path.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { startDirectEnv, type DirectEnv } from '../support/direct-env';
import { exampleConfig, startHarness, type Harness } from '../support/harness';

const eml = readFileSync('test/fixtures/mail/new-ticket-screenshot.eml');
const png = readFileSync('test/fixtures/mail/screenshot.png');
const envelope = { from: 'a.smirnova@clinic-north.example', to: ['clinic-north@support.example'] };
const engineers = ['engineer1@team.example', 'engineer2@team.example'];
/** 10 KB: the 1.7 KB log fits, the 12 KB screenshot does not */
const SMALL_LIMIT_MB = 10 / 1024;

type Outbox = Awaited<ReturnType<Harness['newMail']>>;
const toEngineers = (mails: Outbox) => mails.filter((m) => m.to.some((a) => engineers.includes(a.address)));
const toCustomer = (mails: Outbox) => mails.filter((m) => m.to.some((a) => a.address === envelope.from));

/** Nothing of a file reaches a customer: no part, no bucket key, no link, no path. */
function expectNothingOfFiles(mail: Outbox[number]) {
  expect(mail.attachments).toEqual([]);
  expect(mail.text).not.toMatch(/attachments\/|X-Amz-|https?:\/\/|\.maildesk|скриншот\.png|journal\.log/);
}

describe('local stack: the engineers\' copy carries the files', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('a new ticket with a PNG: the copy has the PNG as a MIME attachment, same bytes, name and type', async () => {
    // given a clinic employee's mail with a screenshot and a log
    await h.sendRaw(eml, envelope);
    // when the stack has processed it
    const mails = await h.newMail();
    // then the engineers' copy carries both files
    const [copy] = toEngineers(mails);
    expect(copy).toBeDefined();
    const byName = new Map(copy!.attachments.map((a) => [a.filename, a]));
    expect([...byName.keys()].sort()).toEqual(['journal.log', 'скриншот.png']);
    const shot = byName.get('скриншот.png')!;
    expect(shot.contentType).toBe('image/png');
    expect(Buffer.compare(shot.content, png)).toBe(0);
    expect(byName.get('journal.log')!.content.toString('utf8')).toContain('строка 1 записана дважды');
    // the text lists them without any bucket key
    expect(copy!.text).toContain('  - скриншот.png (13 КБ): во вложении к этому письму');
    expect(copy!.text).toContain('  - journal.log (2 КБ): во вложении к этому письму');
    expect(copy!.text).not.toContain('attachments/');
    // and the acknowledgement carries nothing of them
    const [ack] = toCustomer(mails);
    expectNothingOfFiles(ack!);
  });

  it('a customer reply with a file: the engineers\' copy of the reply carries it', async () => {
    await h.send({
      from: envelope.from,
      to: 'clinic-north@support.example',
      subject: 'Re: [MG-1] Двоятся строки в отчёте',
      text: 'Ещё один снимок.',
      attachments: [{ filename: 'второй снимок.png', content: png }],
    });
    const mails = await h.newMail();
    const [copy] = toEngineers(mails);
    expect(copy!.subject).toContain('Ответ клиента');
    expect(copy!.attachments.map((a) => a.filename)).toEqual(['второй снимок.png']);
    expect(Buffer.compare(copy!.attachments[0]!.content, png)).toBe(0);
    for (const mail of toCustomer(mails)) expectNothingOfFiles(mail);
  });
});

describe('local stack over the limit: the screenshot as a local file path', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { ...exampleConfig(), engineerAttachmentLimitMb: SMALL_LIMIT_MB } });
  });
  afterAll(async () => h?.close());

  it('the log is attached; the screenshot is listed with the path of the stored file, which holds its bytes', async () => {
    await h.sendRaw(eml, envelope);
    const mails = await h.newMail();
    const [copy] = toEngineers(mails);
    expect(copy!.attachments.map((a) => a.filename)).toEqual(['journal.log']);
    const lines = copy!.text!.split('\n');
    const at = lines.indexOf('  - скриншот.png (13 КБ): файл на этом компьютере (локальный стенд):');
    expect(at).toBeGreaterThan(0);
    const path = lines[at + 1]!.trim();
    expect(isAbsolute(path)).toBe(true);
    expect(Buffer.compare(readFileSync(path), png)).toBe(0);
    for (const mail of toCustomer(mails)) expectNothingOfFiles(mail);
  });
});

describe('Lambda adapters (S3 mocked, SES strict): over the limit, a presigned link valid 7 days', () => {
  let env: DirectEnv;
  afterEach(() => env?.close());

  it('the screenshot as a presigned GET on its attachments/ key, the deadline in the desk\'s zone; SES accepts the mail', async () => {
    // given the Lambdas' wiring with a 10 KB limit, at a fixed time
    const now = new Date('2026-11-02T11:05:00.000Z');
    const config = parseConfig({ ...JSON.parse(readFileSync('maildesk.config.example.json', 'utf8')), engineerAttachmentLimitMb: SMALL_LIMIT_MB });
    env = await startDirectEnv({ config, now });
    // when the mail arrives and the stream delivers its events
    await env.receive(env.putMail(eml, { recipients: envelope.to }));
    await env.deliverPending();
    // then the engineers' copy carries the log and links the screenshot
    expect(env.sesRejections).toEqual([]);
    const copies = env.sent.filter((m) => m.eventType === 'ticket.created' && m.to.some((a) => engineers.includes(a)));
    expect(copies).toHaveLength(1);
    const copy = await simpleParser(copies[0]!.raw);
    expect(copy.attachments.map((a) => a.filename)).toEqual(['journal.log']);
    const url = new URL(/https:\/\/\S+/.exec(copy.text!)![0]);
    const [ticket] = await env.tickets();
    const shot = ticket!.attachments.find((a) => a.filename === 'скриншот.png')!;
    expect(decodeURIComponent(url.pathname)).toBe(`/${shot.key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // 7 days after delivery, shown on the desk's clock (Europe/Moscow)
    const signed = url.searchParams.get('X-Amz-Date')!;
    const until = new Date(Date.parse(signed.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')) + 7 * 24 * 3600 * 1000);
    const moscow = new Intl.DateTimeFormat('ru-RU', { timeZone: 'Europe/Moscow', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(until).replace(',', '');
    expect(copy.text).toContain(`  - скриншот.png (13 КБ): ссылка для скачивания, действует до ${moscow} (Europe/Moscow):`);
    expect(copy.text).not.toContain(`${shot.key}\n`); // the key only inside the signed URL, never listed
    // and the customer's acknowledgement has none of it
    const ack = await simpleParser(env.sent.find((m) => m.to.includes(envelope.from))!.raw);
    expect(ack.attachments).toEqual([]);
    expect(ack.text).not.toMatch(/attachments\/|X-Amz-|https?:\/\//);
  });

  it('within the default 10 MB both files travel in the mail: SES accepts it, the PNG reads back byte for byte', async () => {
    env = await startDirectEnv({ now: new Date('2026-11-02T11:05:00.000Z') });
    await env.receive(env.putMail(eml, { recipients: envelope.to }));
    await env.deliverPending();
    expect(env.sesRejections).toEqual([]);
    const raw = env.sent.find((m) => m.eventType === 'ticket.created' && m.to.some((a) => engineers.includes(a)))!.raw;
    const copy = await simpleParser(raw);
    const shot = copy.attachments.find((a) => a.filename === 'скриншот.png')!;
    expect(shot.contentType).toBe('image/png');
    expect(Buffer.compare(shot.content, png)).toBe(0);
    expect(copy.text).not.toMatch(/https?:\/\//);
  });
});
