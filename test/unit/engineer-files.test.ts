/**
 * The customer's files in the engineers' copy (issue 17): the limit from the config (zod, at most
 * what SES v2 can carry), which files are attached and which linked, a file gone from the store,
 * and deliverEvent: files and links go to the engineers only, never to a customer.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryMailStore, MemoryTicketStore } from '../../shared/adapters/memory';
import { checkSendEmail } from '../../shared/adapters/ses-v2-rules';
import { ConfigError, MAX_ENGINEER_ATTACHMENT_MB, parseConfig, type MaildeskConfig } from '../../shared/config';
import type { TicketEvent } from '../../shared/domain/events';
import { newTicket, type Ticket } from '../../shared/domain/ticket';
import { memoryLogger } from '../../shared/log';
import { fileLines, sizePhrase } from '../../shared/mail/outbound/attachment-list';
import { asciiMailbox, composeMail } from '../../shared/mail/outbound/compose';
import { deliverEvent, type DeliverDeps } from '../../shared/use-cases/deliver-event';
import { engineerFiles, FILE_LINK_SECONDS } from '../../shared/use-cases/engineer-files';
import type { FileLink, MailStore, OutgoingMail } from '../../shared/use-cases/ports';

const example = JSON.parse(readFileSync('maildesk.config.example.json', 'utf8'));
const MB = 1024 * 1024;
const configWith = (limit?: number): MaildeskConfig =>
  parseConfig(limit === undefined ? example : { ...example, engineerAttachmentLimitMb: limit });

describe('config: engineerAttachmentLimitMb', () => {
  it('defaults to 10 MB; 0 (links only) and the maximum are accepted', () => {
    expect(configWith().engineerAttachmentLimitMb).toBe(10);
    expect(configWith(0).engineerAttachmentLimitMb).toBe(0);
    expect(configWith(MAX_ENGINEER_ATTACHMENT_MB).engineerAttachmentLimitMb).toBe(MAX_ENGINEER_ATTACHMENT_MB);
  });

  it.each([40, 22, -1])('refuses %s MB naming the key and why (SES v2: 40 MB a message after base64)', (limit) => {
    expect(() => configWith(limit)).toThrowError(ConfigError);
    expect(() => configWith(limit)).toThrowError('engineerAttachmentLimitMb');
    if (limit > 0) expect(() => configWith(limit)).toThrowError(/at most 21 MB: SES v2 takes 40 MB per message after base64/);
  });

  it.each([
    [MAX_ENGINEER_ATTACHMENT_MB * MB, null],
    [22.5 * MB, 'MessageRejected:raw-size'],
  ])('a mail with %i bytes of files: the strict SES rules answer %s (the maximum fits, more does not)', async (bytes, rule) => {
    const raw = await composeMail({
      from: '"Клиника Север" <clinic-north@support.example>',
      to: ['engineer1@team.example'],
      cc: [],
      replyTo: 'clinic-north@support.example',
      subject: '[MG-1] Новая заявка: снимки',
      text: 'Текст обращения\n'.repeat(2000),
      messageId: 'a@support.example',
      inReplyTo: null,
      references: [],
      headers: {},
      attachments: [{ filename: 'снимок.bin', contentType: 'application/octet-stream', content: randomBytes(bytes) }],
    });
    const rejection = checkSendEmail(
      {
        FromEmailAddress: asciiMailbox('"Клиника Север" <clinic-north@support.example>'),
        Destination: { ToAddresses: ['engineer1@team.example'] },
        Content: { Raw: { Data: raw } },
        ConfigurationSetName: 'maildesk',
      },
      { verifiedIdentities: ['support.example'], configurationSets: ['maildesk'], requiredConfigurationSet: 'maildesk' },
    );
    expect(rejection ? `${rejection.name}:${rejection.rule}` : null).toBe(rule);
  });
});

const at = '2026-11-02T11:05:00.000Z';
const file = (n: number, size: number) => ({ key: `attachments/in-1/${n}-f${n}.bin`, filename: `f${n}.bin`, contentType: 'application/octet-stream', size });
const ticketWith = (attachments: Ticket['attachments']): Ticket =>
  newTicket({ key: 'MG-1', number: 1, tenant: 'clinic-north', requester: 'anna@clinic-north.example', summary: 'Снимки', priority: 'error', createdAt: at, rootMessageId: 'root@clinic-north.example', cc: ['boris@clinic-north.example'], attachments });
const created = (keys: string[], extra: Partial<TicketEvent> = {}): TicketEvent => ({
  id: 'in-1#created', type: 'ticket.created', ticketKey: 'MG-1', tenant: 'clinic-north', at, nonce: 'c'.repeat(32),
  actor: { kind: 'requester', address: 'anna@clinic-north.example' }, text: 'Смотрите снимки', attachmentKeys: keys, ...extra,
});

/** A store holding the files; `link` answers as S3 would, 7 days from a fixed time. */
function storeWith(files: Array<{ key: string; size: number }>) {
  const mail = new MemoryMailStore();
  for (const f of files) mail.objects.set(f.key, Buffer.alloc(f.size, f.key.length));
  const links: Array<{ key: string; validForSeconds: number; filename?: string }> = [];
  const store: MailStore = mail;
  store.link = async (key, options): Promise<FileLink> => {
    links.push({ key, ...options });
    return { url: `https://raw-mail.s3.example/${key}?X-Amz-Expires=${options.validForSeconds}`, expiresAt: '2026-11-09T11:05:00.000Z' };
  };
  return { mail, links };
}

describe('engineerFiles: attached while they fit, linked beyond', () => {
  it('in the customer\'s order: 6 MB attached, 5 MB linked (4 MB left), 3 MB still attached', async () => {
    const files = [file(1, 6 * MB), file(2, 5 * MB), file(3, 3 * MB)];
    const { mail, links } = storeWith(files);
    const out = await engineerFiles(created(files.map((f) => f.key)), ticketWith(files), { mail, config: configWith(10), log: memoryLogger() });
    expect(out.attached.map((a) => [a.filename, a.content.length])).toEqual([['f1.bin', 6 * MB], ['f3.bin', 3 * MB]]);
    expect(out.listed.map((f) => [f.filename, f.delivery?.kind])).toEqual([['f1.bin', 'attached'], ['f2.bin', 'link'], ['f3.bin', 'attached']]);
    expect(links).toEqual([{ key: files[1]!.key, validForSeconds: FILE_LINK_SECONDS, filename: 'f2.bin' }]);
    expect(FILE_LINK_SECONDS).toBe(7 * 24 * 3600);
  });

  it('only the files this event brought (a reply\'s new file, not the ticket\'s earlier ones)', async () => {
    const files = [file(1, 1000), file(2, 2000)];
    const { mail } = storeWith(files);
    const out = await engineerFiles(created([files[1]!.key]), ticketWith(files), { mail, config: configWith(), log: memoryLogger() });
    expect(out.attached.map((a) => a.filename)).toEqual(['f2.bin']);
  });

  it('limit 0: every file as a link, none read', async () => {
    const files = [file(1, 10)];
    const { mail } = storeWith(files);
    mail.get = async () => { throw new Error('must not read'); };
    const out = await engineerFiles(created([files[0]!.key]), ticketWith(files), { mail, config: configWith(0), log: memoryLogger() });
    expect(out.attached).toEqual([]);
    expect(out.listed[0]!.delivery).toMatchObject({ kind: 'link', expiresAt: '2026-11-09T11:05:00.000Z' });
  });

  it('a file gone from the store (past the retention) is listed as gone, and the mail still goes', async () => {
    const files = [file(1, 10), file(2, 20)];
    const { mail } = storeWith([files[1]!]);
    const log = memoryLogger();
    const out = await engineerFiles(created(files.map((f) => f.key)), ticketWith(files), { mail, config: configWith(), log });
    expect(out.listed.map((f) => f.delivery?.kind)).toEqual(['missing', 'attached']);
    expect(log.entries.map((e) => e.message)).toEqual(['attachment no longer stored: listed as gone']);
    expect(JSON.stringify(log.entries)).not.toContain('f1.bin'); // file names are patients' data: never logged
  });
});

describe('the list in the letter', () => {
  it.each([
    [3000, '3 КБ', '3 KB'],
    [1, '1 КБ', '1 KB'],
    [1.5 * MB, '1,5 МБ', '1.5 MB'],
  ])('%i bytes read %s / %s', (bytes, ru, en) => {
    expect(sizePhrase(bytes, 'ru')).toBe(ru);
    expect(sizePhrase(bytes, 'en')).toBe(en);
  });

  it('says how each file goes: attached, a link with the time it stops working (desk\'s zone), a local path, gone', () => {
    const config = configWith();
    const files = [
      { filename: 'a.png', size: 3000, delivery: { kind: 'attached' as const } },
      { filename: 'b.zip', size: 12 * MB, delivery: { kind: 'link' as const, url: 'https://x/b', expiresAt: '2026-11-09T11:05:00.000Z' } },
      { filename: 'c.pdf', size: 2048, delivery: { kind: 'link' as const, url: '/data/mail/attachments/c.pdf', expiresAt: null } },
      { filename: 'd.csv', size: 10, delivery: { kind: 'missing' as const } },
    ];
    expect(fileLines(files, config, 'ru')).toEqual([
      'Вложения:',
      '  - a.png (3 КБ): во вложении к этому письму',
      '  - b.zip (12 МБ): ссылка для скачивания, действует до 09.11.2026 14:05 (Europe/Moscow):',
      '    https://x/b',
      '  - c.pdf (2 КБ): файл на этом компьютере (локальный стенд):',
      '    /data/mail/attachments/c.pdf',
      '  - d.csv (1 КБ): файл больше не хранится',
    ]);
    expect(fileLines(files, config, 'en')).toEqual([
      'Attachments:',
      '  - a.png (3 KB): attached to this mail',
      '  - b.zip (12 MB): download link, valid until 09/11/2026 14:05 (Europe/Moscow):',
      '    https://x/b',
      '  - c.pdf (2 KB): a file on this machine (local stack):',
      '    /data/mail/attachments/c.pdf',
      '  - d.csv (1 KB): the file is no longer stored',
    ]);
    expect(fileLines([], config, 'ru')).toEqual([]);
  });
});

describe('deliverEvent: files and links reach the engineers only', () => {
  async function deliver(event: TicketEvent, ticket: Ticket, config: MaildeskConfig, mail = storeWith(ticket.attachments).mail) {
    const tickets = new MemoryTicketStore();
    await tickets.saveTicket({ ticket, expectedVersion: null, events: [], messageIds: [], inboundId: null });
    const sent: OutgoingMail[] = [];
    const deps: DeliverDeps = {
      tickets, mail, config, log: memoryLogger(),
      sender: { send: async (m) => {
        sent.push(m);
        return { providerMessageId: null };
      } },
      bus: { publish: async () => undefined },
    };
    return { sent, delivery: await deliverEvent(event, deps), tickets, deps };
  }
  const customers = ['anna@clinic-north.example', 'boris@clinic-north.example'];

  it('ticket.created: the engineers\' copy carries what fits and links the rest; the acknowledgement (and its Cc) nothing', async () => {
    const files = [file(1, 2 * MB), file(2, 3 * MB)];
    const { sent } = await deliver(created(files.map((f) => f.key)), ticketWith(files), configWith(4));
    const [ack, copy] = [sent.find((m) => m.to.includes(customers[0]!))!, sent.find((m) => m.to.includes('engineer1@team.example'))!];
    expect(copy.attachments.map((a) => a.filename)).toEqual(['f1.bin']);
    expect(copy.text).toContain('https://raw-mail.s3.example/attachments/in-1/2-f2.bin');
    expect(copy.text).not.toMatch(/^\s+- .*attachments\//m); // no key listed as such
    expect(ack.cc).toEqual(['boris@clinic-north.example']);
    expect(ack.attachments).toEqual([]);
    expect(ack.text).not.toMatch(/attachments\/|https?:\/\/|f1\.bin|f2\.bin/);
  });

  it('ticket.commented with a file: the engineers\' copy carries it', async () => {
    const files = [file(1, 100)];
    const event = created([files[0]!.key], { id: 'in-2#comment', type: 'ticket.commented', nonce: 'd'.repeat(32) });
    const { sent } = await deliver(event, ticketWith(files), configWith());
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toEqual(['engineer1@team.example', 'engineer2@team.example']);
    expect(sent[0]!.attachments.map((a) => a.filename)).toEqual(['f1.bin']);
  });

  it('a store that fails (throttled) fails the delivery before any mail, so the retry sends both mails', async () => {
    const files = [file(1, 100)];
    const { mail } = storeWith(files);
    let fail = true;
    const get = mail.get.bind(mail);
    mail.get = async (key) => {
      if (fail) throw Object.assign(new Error('SlowDown'), { name: 'SlowDown' });
      return get(key);
    };
    const ticket = ticketWith(files);
    const tickets = new MemoryTicketStore();
    await tickets.saveTicket({ ticket, expectedVersion: null, events: [], messageIds: [], inboundId: null });
    const sent: OutgoingMail[] = [];
    const deps: DeliverDeps = { tickets, mail, config: configWith(), log: memoryLogger(), sender: { send: async (m) => {
        sent.push(m);
        return { providerMessageId: null };
      } }, bus: { publish: async () => undefined } };
    await expect(deliverEvent(created([files[0]!.key]), deps)).rejects.toThrow('SlowDown');
    expect(sent).toEqual([]);
    fail = false;
    await deliverEvent(created([files[0]!.key]), deps);
    expect(sent.map((m) => m.attachments.length).sort()).toEqual([0, 1]);
  });
});
