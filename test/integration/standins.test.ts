/**
 * The strict stand-ins (shared/adapters/standins/), driven by the real SDK clients over loopback
 * HTTP: a good request passes, and each broken one is refused with the exception (or PutEvents
 * entry ErrorCode) AWS answers with, and recorded as a refusal.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../shared/adapters/event-bus';
import { S3MailStore } from '../../shared/adapters/s3-mail-store';
import { SesMailSender } from '../../shared/adapters/ses-mail-sender';
import { startEventBridgeStandin, type EventBridgeStandin } from '../../shared/adapters/standins/eventbridge-standin';
import { startS3Standin, type S3Standin } from '../../shared/adapters/standins/s3-standin';
import { startSesStandin, type SesStandin } from '../../shared/adapters/standins/ses-v2-standin';
import { MailNotFoundError } from '../../shared/domain/errors';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }; // fake: the stand-ins check the signature's scope, not its key
const region = 'eu-west-1';
const CONFIGURATION_SET = 'maildesk-test';

let ses: SesStandin;
let bus: EventBridgeStandin;
let s3: S3Standin;
let folder: string;
let sesClient: SESv2Client;
let busClient: EventBridgeClient;
let s3Client: S3Client;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'maildesk-ses-standin-'));
  [ses, bus, s3] = await Promise.all([
    startSesStandin({ account: { verifiedIdentities: ['support.example'], configurationSets: [CONFIGURATION_SET], requiredConfigurationSet: CONFIGURATION_SET }, folder }),
    startEventBridgeStandin({ account: { busNames: ['maildesk'], requiredBus: 'maildesk' } }),
    startS3Standin({ buckets: ['raw-mail'] }),
  ]);
  // maxAttempts 1: a refusal is seen at once (the SDK would not retry a 400 anyway).
  sesClient = new SESv2Client({ endpoint: ses.endpoint, region, credentials, maxAttempts: 1 });
  busClient = new EventBridgeClient({ endpoint: bus.endpoint, region, credentials, maxAttempts: 1 });
  s3Client = new S3Client({ endpoint: s3.endpoint, region, credentials, maxAttempts: 1 });
});

afterAll(async () => {
  for (const client of [sesClient, busClient, s3Client]) client?.destroy();
  await Promise.all([ses?.close(), bus?.close(), s3?.close()]);
  rmSync(folder, { recursive: true, force: true });
});

beforeEach(() => {
  for (const standin of [ses, bus, s3]) standin.refusals.length = 0;
});

const rawMail = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');
const goodRaw = () =>
  rawMail(['From: =?UTF-8?B?0KHQtdCy0LXRgNC90LDRjyDQutC70LjQvdC40LrQsA==?= <clinic-north@support.example>', 'To: doctor@clinic.example', 'Subject: MG-1', 'Message-ID: <a@support.example>', '', 'Hello', '']);
const goodSend = (): SendEmailCommandInput => ({
  FromEmailAddress: '=?UTF-8?B?0KHQtdCy0LXRgNC90LDRjyDQutC70LjQvdC40LrQsA==?= <clinic-north@support.example>',
  Destination: { ToAddresses: ['doctor@clinic.example'] },
  Content: { Raw: { Data: goodRaw() } },
  ConfigurationSetName: CONFIGURATION_SET,
});

/** The SDK exception a send ends in, or 'ok'. */
async function sendOutcome(input: SendEmailCommandInput): Promise<string> {
  try {
    await sesClient.send(new SendEmailCommand(input));
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

describe('SES v2 stand-in (SendEmail, Content.Raw)', () => {
  it('accepts a good send, answers a MessageId and writes the mail to its folder as .eml', async () => {
    const before = ses.accepted.length;
    const result = await sesClient.send(new SendEmailCommand(goodSend()));
    expect(result.MessageId).toMatch(/^0102[0-9a-f]+-/);
    expect(ses.accepted.length).toBe(before + 1);
    expect(ses.accepted.at(-1)!.destinations).toEqual(['doctor@clinic.example']);
    const file = readdirSync(folder).find((f) => f.endsWith(`-${result.MessageId}.eml`));
    expect(file).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-\d{5}-0102/);
    expect(readFileSync(join(folder, file!)).equals(goodRaw())).toBe(true);
    expect(ses.refusals).toEqual([]);
  });

  it('takes mail from SesMailSender with a Cyrillic tenant name (the display name goes out as encoded-words)', async () => {
    const sender = new SesMailSender(sesClient, CONFIGURATION_SET);
    const sent = await sender.send({
      from: '"Северная клиника" <clinic-north@support.example>',
      to: ['doctor@clinic.example'],
      cc: [],
      replyTo: 'clinic-north@support.example',
      subject: '[MG-1] Заявка принята',
      text: 'Здравствуйте',
      messageId: 'x1@support.example',
      inReplyTo: null,
      references: [],
      headers: { 'Auto-Submitted': 'auto-replied' },
      attachments: [],
    });
    expect(sent.providerMessageId).toBe(ses.accepted.at(-1)!.messageId);
    expect(ses.refusals).toEqual([]);
  });

  const broken: Array<[string, (input: SendEmailCommandInput) => SendEmailCommandInput, string, string]> = [
    ['a raw Cyrillic display name in FromEmailAddress', (i) => ({ ...i, FromEmailAddress: '"Северная клиника" <clinic-north@support.example>' }), 'BadRequestException', 'from-ascii'],
    ['a From address on no verified identity', (i) => ({ ...i, FromEmailAddress: 'desk@elsewhere.example' }), 'MessageRejected', 'from-verified'],
    ['51 recipients', (i) => ({ ...i, Destination: { ToAddresses: Array.from({ length: 51 }, (_, n) => `r${n}@clinic.example`) } }), 'MessageRejected', 'recipient-count'],
    ['a line of 999 octets', (i) => ({ ...i, Content: { Raw: { Data: rawMail(['From: clinic-north@support.example', 'To: doctor@clinic.example', '', 'x'.repeat(999), '']) } } }), 'MessageRejected', 'line-length'],
    ['no From header', (i) => ({ ...i, Content: { Raw: { Data: rawMail(['To: doctor@clinic.example', 'Subject: x', '', 'body', '']) } } }), 'MessageRejected', 'from-header'],
    ['raw UTF-8 in a header', (i) => ({ ...i, Content: { Raw: { Data: rawMail(['From: clinic-north@support.example', 'To: doctor@clinic.example', 'Subject: Заявка', '', 'body', '']) } } }), 'MessageRejected', 'header-ascii'],
    ['a configuration set that does not exist', (i) => ({ ...i, ConfigurationSetName: 'other' }), 'NotFoundException', 'configuration-set-exists'],
    ['no configuration set', (i) => ({ ...i, ConfigurationSetName: undefined }), 'BadRequestException', 'configuration-set-named'],
  ];
  it.each(broken)('refuses %s', async (_label, breakIt, exception, rule) => {
    const before = ses.accepted.length;
    expect(await sendOutcome(breakIt(goodSend()))).toBe(exception);
    expect(ses.refusals.map((r) => r.rule)).toEqual([rule]);
    expect(ses.refusals[0]!.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(ses.accepted.length).toBe(before);
  });

  it('shows the accepted mail to a browser at / and each raw at /mail/<MessageId>.eml', async () => {
    const last = ses.accepted.at(-1)!;
    const page = await (await fetch(`${ses.endpoint}/`)).text();
    expect(page).toContain(`${ses.accepted.length} mail(s) sent`);
    expect(page).toContain(`href="/mail/${last.messageId}.eml"`);
    const raw = await fetch(`${ses.endpoint}/mail/${last.messageId}.eml`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(Buffer.from(await raw.arrayBuffer()).equals(last.raw)).toBe(true);
    expect((await fetch(`${ses.endpoint}/mail/nope.eml`)).status).toBe(404);
  });

  it('answers AWS REST-JSON errors: status, x-amzn-ErrorType header, JSON message; an unsigned request is refused', async () => {
    const response = await fetch(`${ses.endpoint}/v2/email/outbound-emails`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(((await response.json()) as { message: string }).message).toMatch(/SigV4/);
  });
});

const entry = (over: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({ EventBusName: 'maildesk', Source: 'maildesk', DetailType: 'ticket.created', Detail: JSON.stringify({ id: 'e1', key: 'MG-1' }), ...over });

async function putOutcome(entries: PutEventsRequestEntry[]): Promise<string | { failed: number; codes: Array<string | undefined> }> {
  try {
    const result = await busClient.send(new PutEventsCommand({ Entries: entries }));
    return { failed: result.FailedEntryCount ?? 0, codes: (result.Entries ?? []).map((e) => e.ErrorCode) };
  } catch (error) {
    return (error as Error).name;
  }
}

describe('EventBridge stand-in (PutEvents, JSON 1.1)', () => {
  it('puts what EventBridgeBus publishes (12 events: two requests of at most 10), in order', async () => {
    const before = bus.events.length;
    const events = Array.from({ length: 12 }, (_, n) => ({ type: 'ticket.created', id: `ev-${n}`, detail: { key: `MG-${n}` } }));
    await new EventBridgeBus(busClient, 'maildesk').publish(events);
    const put = bus.events.slice(before);
    expect(put.map((e) => e.detail.id)).toEqual(events.map((e) => e.id));
    expect(put.every((e) => e.bus === 'maildesk' && e.source === 'maildesk' && e.detailType === 'ticket.created')).toBe(true);
    expect(bus.refusals).toEqual([]);
  });

  it('refuses 11 entries in one request: ValidationException', async () => {
    expect(await putOutcome(Array.from({ length: 11 }, () => entry()))).toBe('ValidationException');
    expect(bus.refusals.map((r) => r.rule)).toEqual(['entry-count']);
  });

  it('refuses entries of 256 KB in total: ValidationException', async () => {
    const big = entry({ Detail: JSON.stringify({ text: 'x'.repeat(130 * 1024) }) });
    expect(await putOutcome([big])).toEqual({ failed: 0, codes: [undefined] }); // 130 KB alone fits
    expect(await putOutcome([big, big])).toBe('ValidationException');
    expect(bus.refusals.map((r) => r.rule)).toEqual(['entries-size']);
  });

  it('fails an entry whose Detail is not a JSON object (MalformedDetail), and puts the others', async () => {
    const before = bus.events.length;
    expect(await putOutcome([entry({ Detail: '[1,2]' }), entry(), entry({ Detail: 'not json' })])).toEqual({ failed: 2, codes: ['MalformedDetail', undefined, 'MalformedDetail'] });
    expect(bus.events.length).toBe(before + 1);
  });

  it('fails an entry without Source or DetailType; a request with no complete entry fails whole', async () => {
    expect(await putOutcome([entry({ Source: undefined }), entry()])).toEqual({ failed: 1, codes: ['InvalidArgument', undefined] });
    expect(await putOutcome([entry({ DetailType: undefined })])).toBe('ValidationException');
  });

  it('refuses a bus that does not exist (ResourceNotFoundException) and, by the stack rule, the default bus', async () => {
    expect(await putOutcome([entry({ EventBusName: 'other' })])).toBe('ResourceNotFoundException');
    expect(await putOutcome([entry({ EventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/maildesk' })])).toEqual({ failed: 0, codes: [undefined] });
    expect(await putOutcome([entry({ EventBusName: undefined })])).toEqual({ failed: 1, codes: ['InvalidArgument'] });
    expect(bus.refusals.map((r) => r.rule)).toEqual(['bus-exists', 'bus-named']);
  });

  it('makes EventBridgeBus.publish throw when an entry fails', async () => {
    await expect(new EventBridgeBus(busClient, 'maildesk').publish([{ type: 'x'.repeat(129), id: 'e', detail: {} }])).rejects.toThrow(expect.objectContaining({ name: 'ValidationException' }));
  });
});

describe('S3 stand-in (GetObject, PutObject)', () => {
  it('stores and reads back through S3MailStore (path style on an IP endpoint)', async () => {
    const store = new S3MailStore(s3Client, 'raw-mail');
    const body = Buffer.from('raw mail \u00e9', 'utf8');
    await store.put('attachments/MG-1/a.txt', body, 'text/plain');
    expect((await store.get('attachments/MG-1/a.txt')).equals(body)).toBe(true);
    s3.put('raw-mail', 'inbound/abc', Buffer.from('seeded'));
    expect((await store.get('inbound/abc')).toString()).toBe('seeded');
    expect(s3.refusals).toEqual([]);
  });

  it('answers NoSuchKey (MailNotFoundError) and NoSuchBucket', async () => {
    await expect(new S3MailStore(s3Client, 'raw-mail').get('inbound/missing')).rejects.toBeInstanceOf(MailNotFoundError);
    await expect(new S3MailStore(s3Client, 'other-bucket').get('inbound/x')).rejects.toThrow(expect.objectContaining({ name: 'NoSuchBucket' }));
    expect(s3.refusals.map((r) => r.name)).toEqual(['NoSuchKey', 'NoSuchBucket']);
  });
});

it('listens on loopback only', () => {
  for (const standin of [ses, bus, s3]) expect(standin.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(readdirSync(folder).every((f) => f.endsWith('.eml'))).toBe(true);
});
