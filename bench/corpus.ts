/**
 * The bench corpus: a seeded, reproducible set of clinic support mails, written as MIME by
 * nodemailer's MailComposer. Same seed and sizes, same bytes (test/unit/bench.test.ts checks it).
 *
 * - new-ticket mails to the two tenants of maildesk.config.example.json: plain text, HTML-only
 *   (Outlook-like, fields in a table) and multipart/alternative; UTF-8, windows-1251 and koi8-r
 *   (8-bit charsets with RFC 2047 subjects in the same charset, as old Russian clients send them)
 * - customer replies to those mails (In-Reply-To/References the original Message-ID) with quoted
 *   history in Gmail, Outlook and `>` shapes
 * - engineer replies with #commands (used by the store-cost measurement)
 * - exactly 10% of the mails carry one 0.2-2 MB attachment and 1% one of 10 MB (incompressible
 *   bytes, like the screenshots and PDFs clinics send)
 *
 * iconv-lite comes with mailparser's dependencies; only the bench imports it.
 */
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

export type Charset = 'utf-8' | 'windows-1251' | 'koi8-r';
export type Format = 'plain' | 'html' | 'alternative';
export type MailKind = 'new' | 'reply' | 'command';

export interface CorpusMail {
  /** n0001 (new ticket), r0001 (customer reply to n0001), c0001 (engineer command on n0001) */
  id: string;
  kind: MailKind;
  raw: Buffer;
  /** envelope */
  from: string;
  to: string;
  messageId: string;
  /** the mail this one answers (its Message-ID), for replies and commands */
  parentMessageId: string | null;
  charset: Charset;
  format: Format;
  attachmentBytes: number;
}

export interface Corpus {
  seed: number;
  newMails: CorpusMail[];
  replies: CorpusMail[];
  commands: CorpusMail[];
}

export interface CorpusOptions {
  seed: number;
  newTickets: number;
  /** customer replies, each to a different new-ticket mail (default: one per new ticket) */
  replies?: number;
  /** engineer #command replies (default 0) */
  commands?: number;
  /** share of mails with a 0.2-2 MB attachment (default 0.1) and with a 10 MB one (default 0.01) */
  smallAttachmentShare?: number;
  largeAttachmentShare?: number;
  /** size of the "10 MB" attachment and range of the "0.2-2 MB" ones; tests shrink them */
  largeAttachmentBytes?: number;
  smallAttachmentBytes?: [number, number];
}

/** mulberry32: small, fast, good enough for test data, identical on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const int = (rand: Rand, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

/** Incompressible bytes from the seed (xorshift32 words). */
export function randomBytes(seed: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = (seed ^ 0x9e3779b9) >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf.writeUInt32LE(x, i);
  }
  for (; i < size; i++) buf[i] = (x >>> (8 * (i % 4))) & 0xff;
  return buf;
}

// ---------------------------------------------------------------------------------------------
// vocabulary (written for the bench; no text from the regulation)

const TENANTS = [
  {
    address: 'clinic-north@support.example',
    domain: 'clinic-north.example',
    departments: ['Терапия', 'Хирургия', 'Регистратура', 'Приёмное отделение'],
  },
  {
    address: 'clinic-south@support.example',
    domain: 'clinic-south.example',
    departments: ['Кардиология', 'Неврология', 'Лаборатория'],
  },
] as const;

const FIRST = [
  'Анна',
  'Мария',
  'Ольга',
  'Елена',
  'Ирина',
  'Наталья',
  'Светлана',
  'Татьяна',
  'Сергей',
  'Андрей',
  'Дмитрий',
  'Алексей',
  'Павел',
  'Игорь',
];
const LAST = [
  'Иванова',
  'Смирнова',
  'Кузнецова',
  'Попова',
  'Соколова',
  'Лебедева',
  'Козлова',
  'Новикова',
  'Морозов',
  'Волков',
  'Зайцев',
  'Павлов',
  'Семёнов',
  'Голубев',
];
const LATIN = [
  'anna',
  'maria',
  'olga',
  'elena',
  'irina',
  'natalia',
  'svetlana',
  'tatiana',
  'sergey',
  'andrey',
  'dmitry',
  'alexey',
  'pavel',
  'igor',
];

const PROBLEMS = [
  'Не открывается карта пациента',
  'Не печатается направление на анализы',
  'Ошибка при сохранении протокола осмотра',
  'Не отображается расписание врача',
  'Не формируется выписка',
  'Зависает окно записи на приём',
  'Не приходят результаты из лаборатории',
  'Дублируются записи в журнале',
  'Неверно считается стоимость услуги',
  'Нужен новый отчёт по загрузке кабинетов',
  'Просим добавить поле в форму осмотра',
  'Не работает кнопка перехода в историю болезни',
];

const SENTENCES = [
  'Добрый день!',
  'Здравствуйте.',
  'С утра при открытии карты появляется сообщение об ошибке и окно закрывается.',
  'Проблема повторяется у нескольких сотрудников отделения.',
  'Перезапуск программы не помогает, очистка кэша тоже.',
  'Вчера всё работало, изменений на нашей стороне не было.',
  'Пациенты ждут в очереди, просим решить как можно скорее.',
  'Ошибка появляется только при переходе из расписания, из поиска карта открывается.',
  'Прикладываю снимок экрана с текстом ошибки.',
  'В журнале видно, что запись создаётся дважды с разницей в несколько секунд.',
  'Сумма в счёте не совпадает с прайсом на 150 рублей.',
  'Направление формируется, но на печать уходит пустой лист.',
  'Нужно, чтобы отчёт показывал загрузку по дням недели и по врачам.',
  'Просим проверить настройки обмена с лабораторией.',
  'Номер заявки из прошлого месяца не помню, проблема похожая.',
  'Спасибо заранее за помощь.',
];

const REPLY_OPENERS = [
  'Добрый день. Ошибка осталась, прикладываю ещё один снимок.',
  'Здравствуйте! Дополняю заявку: проблема воспроизводится и на втором компьютере.',
  'Уточняю: ошибка появляется только у пользователей с ролью врача.',
  'Спасибо за ответ. Номер карты указала ниже.',
  'Добрый день, логин сотрудника, у которого ошибка, указан ниже.',
  'Проблема повторилась сегодня в 9:40 после обновления.',
];

const FIELD_LABELS = [
  'Номер амбулаторной карты',
  'Номер истории болезни',
  'Логин в системе',
  'Наименование записи',
  'Наименование кнопки перехода',
] as const;

const SIGNATURES = ['--\nС уважением,\n{name}\n{dept}', 'С уважением, {name}', '--\n{name}\nтел. 1234', ''];
const PRIORITY_LINES = [
  'Приоритет: блокировка',
  'Приоритет: частичная блокировка',
  'Приоритет: мелкое исправление',
  'Приоритет: новые функции',
];
const ATTACHMENT_NAMES = [
  'скриншот.png',
  'ошибка.jpg',
  'выгрузка.xlsx',
  'протокол.pdf',
  'screenshot 2.png',
  'журнал.docx',
];

// ---------------------------------------------------------------------------------------------

interface Person {
  name: string;
  address: string;
}

interface Draft {
  tenant: (typeof TENANTS)[number];
  person: Person;
  subject: string;
  department: string;
  text: string;
  fields: Array<[string, string]>;
}

function fieldValue(rand: Rand, label: string): string {
  switch (label) {
    case 'Номер амбулаторной карты':
      return String(int(rand, 100000, 999999));
    case 'Номер истории болезни':
      return `${int(rand, 1, 99)}-${int(rand, 1000, 9999)}`;
    case 'Логин в системе':
      return `${pick(rand, LATIN)}_${String.fromCharCode(97 + int(rand, 0, 25))}`;
    case 'Наименование записи':
      return pick(rand, ['Приём терапевта', 'Осмотр хирурга', 'Повторный приём', 'Консультация кардиолога']);
    default:
      return pick(rand, ['Открыть карту', 'История болезни', 'Печать', 'Сохранить']);
  }
}

function draftNew(rand: Rand, index: number): Draft {
  const tenant = TENANTS[rand() < 0.7 ? 0 : 1];
  const i = int(rand, 0, FIRST.length - 1);
  const person = {
    name: `${FIRST[i]} ${LAST[int(rand, 0, LAST.length - 1)]}`,
    address: `${LATIN[i]}.${index}@${tenant.domain}`,
  };
  const department = pick(rand, tenant.departments);
  const problem = pick(rand, PROBLEMS);
  const subject =
    rand() < 0.15 ? `[Блокировка] ${problem} - ${department}` : rand() < 0.8 ? `${problem} - ${department}` : problem;
  const sentences = Array.from({ length: int(rand, 2, 8) }, () => pick(rand, SENTENCES));
  const fields = FIELD_LABELS.filter(() => rand() < 0.6).map(
    (label) => [label, fieldValue(rand, label)] as [string, string],
  );
  const lines = [...sentences];
  if (rand() < 0.3) lines.push(pick(rand, PRIORITY_LINES));
  const signature = pick(rand, SIGNATURES).replace('{name}', person.name).replace('{dept}', department);
  const text = [lines.join(rand() < 0.5 ? '\n' : ' '), '', ...fields.map(([l, v]) => `${l}: ${v}`), '', signature]
    .join('\n')
    .trim();
  return { tenant, person, subject, department, text, fields };
}

function htmlOf(draft: Draft, rand: Rand): string {
  const [body, ...rest] = draft.text.split('\n\n');
  const row = ([label, value]: readonly [string, string]) =>
    `<tr><td><p class="MsoNormal"><b>${label}:</b></p></td><td><p class="MsoNormal">${value}</p></td></tr>`;
  const table = draft.fields.length
    ? `<table border="0" cellpadding="0"><tbody>${draft.fields.map(row).join('')}</tbody></table>`
    : '';
  const paragraphs = (body ?? '')
    .split('\n')
    .map((l) => `<p class="MsoNormal">${escapeHtml(l)}<o:p></o:p></p>`)
    .join('\n');
  const tail = rest
    .slice(draft.fields.length ? 1 : 0)
    .map((p) => `<div id="Signature"><p class="MsoNormal">${escapeHtml(p).replace(/\n/g, '<br>')}</p></div>`)
    .join('');
  const style =
    rand() < 0.5
      ? '<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;} --></style>'
      : '';
  return (
    `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">${style}</head><body ` +
    `lang="RU"><div class="WordSection1">\n${paragraphs}\n${table}\n${tail}</div></body></html>`
  );
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function quoteHistory(
  rand: Rand,
  original: Draft,
  originalDate: Date,
  shape: number,
): { text: string; htmlQuote: string } {
  const when = originalDate.toISOString().slice(0, 16).replace('T', ' ');
  const quoted = original.text.split('\n');
  switch (shape) {
    case 0: // Gmail ru
      return {
        text:
          `\n\n${when.slice(0, 10)} ${when.slice(11)}, ${original.person.name} ` +
          `<${original.person.address}>:\n${quoted.map((l) => `> ${l}`).join('\n')}`,
        htmlQuote:
          `<div class="gmail_quote">${when}, ${escapeHtml(original.person.name)} ` +
          `&lt;${original.person.address}&gt;:<br><blockquote ` +
          `class="gmail_quote">${quoted.map(escapeHtml).join('<br>')}</blockquote></div>`,
      };
    case 1: // Outlook ru
      return {
        text:
          `\n\n________________________________\nОт: ${original.person.name} ` +
          `<${original.person.address}>\nОтправлено: ${when}\nКому: ${original.tenant.address}\nТема: ` +
          `${original.subject}\n\n${original.text}`,
        htmlQuote:
          `<hr><div id="divRplyFwdMsg"><b>От:</b> ${escapeHtml(original.person.name)}<br><b>Отправлено:</b> ` +
          `${when}<br><b>Кому:</b> ${original.tenant.address}<br><b>Тема:</b> ` +
          `${escapeHtml(original.subject)}</div><div>${quoted.map(escapeHtml).join('<br>')}</div>`,
      };
    default: // ----- Original Message -----
      return {
        text:
          `\n\n-----Original Message-----\nFrom: ${original.person.address}\nSent: ${when}\nSubject: ` +
          `${original.subject}\n\n${quoted.map((l) => `> ${l}`).join('\n')}`,
        htmlQuote:
          `<div>-----Original Message-----<br>From: ${original.person.address}<br>Sent: ` +
          `${when}</div><blockquote>${quoted.map(escapeHtml).join('<br>')}</blockquote>`,
      };
  }
}

/** RFC 2047 words in an 8-bit charset, as The Bat! or Outlook Express write them. */
function encodedWords(text: string, charset: Charset): string {
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (iconv.encode(chunk + ch, charset).length > 30) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?${charset}?B?${iconv.encode(w, charset).toString('base64')}?=`).join('\r\n ');
}

interface ComposeInput {
  rand: Rand;
  from: Person;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  format: Format;
  charset: Charset;
  messageId: string;
  inReplyTo: string | null;
  date: Date;
  attachment: { name: string; bytes: number; seed: number } | null;
}

async function compose(input: ComposeInput): Promise<Buffer> {
  const { charset, format } = input;
  const eightBit = charset !== 'utf-8';
  const headers: Record<string, string | { prepared: true; value: string }> = {};
  if (eightBit) headers['Subject'] = { prepared: true, value: encodedWords(input.subject, charset) };
  const mail: ConstructorParameters<typeof MailComposer>[0] & { baseBoundary?: string } = {
    from: { name: input.from.name, address: input.from.address },
    to: input.to,
    ...(eightBit ? {} : { subject: input.subject }),
    messageId: `<${input.messageId}>`,
    date: input.date,
    ...(input.inReplyTo ? { inReplyTo: `<${input.inReplyTo}>`, references: `<${input.inReplyTo}>` } : {}),
    headers: {
      ...headers,
      'X-Mailer': pick(input.rand, ['Microsoft Outlook 16.0', 'The Bat! 9.4', 'Thunderbird 115', 'Yandex.Mail']),
    },
    baseBoundary: Math.floor(input.rand() * 2 ** 48).toString(16),
    textEncoding: input.rand() < 0.5 ? 'base64' : 'quoted-printable',
  };
  if (eightBit) {
    // MailComposer labels `text` as UTF-8; an 8-bit body goes in as an alternative with its own charset.
    mail.alternatives = [{ contentType: `text/plain; charset=${charset}`, content: iconv.encode(input.text, charset) }];
  } else {
    if (format !== 'html') mail.text = input.text;
    if (format !== 'plain') mail.html = input.html ?? '';
  }
  if (input.attachment) {
    mail.attachments = [
      { filename: input.attachment.name, content: randomBytes(input.attachment.seed, input.attachment.bytes) },
    ];
  }
  return new MailComposer(mail).compile().build();
}

/** Exactly round(share * n) of the indexes 0..n-1, chosen by the seed, disjoint from `taken`. */
function choose(rand: Rand, n: number, share: number, taken: Set<number>): Set<number> {
  const want = Math.round(share * n);
  const free = Array.from({ length: n }, (_, i) => i).filter((i) => !taken.has(i));
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  return new Set(free.slice(0, want));
}

const BASE_DATE = Date.UTC(2026, 2, 2, 7, 0, 0); // a Monday morning in Moscow

export async function generateCorpus(options: CorpusOptions): Promise<Corpus> {
  const rand = prng(options.seed);
  const nNew = options.newTickets;
  const nReplies = Math.min(options.replies ?? nNew, nNew);
  const nCommands = Math.min(options.commands ?? 0, nNew);
  const total = nNew + nReplies + nCommands;
  const large = choose(rand, total, options.largeAttachmentShare ?? 0.01, new Set());
  const small = choose(rand, total, options.smallAttachmentShare ?? 0.1, large);
  const largeBytes = options.largeAttachmentBytes ?? 10 * 1024 * 1024;
  const smallRange = options.smallAttachmentBytes ?? [200 * 1024, 2 * 1024 * 1024];
  const attachmentFor = (slot: number) => {
    if (large.has(slot))
      return { name: pick(rand, ATTACHMENT_NAMES), bytes: largeBytes, seed: options.seed * 7919 + slot };
    if (small.has(slot))
      return {
        name: pick(rand, ATTACHMENT_NAMES),
        bytes: int(rand, smallRange[0], smallRange[1]),
        seed: options.seed * 7919 + slot,
      };
    return null;
  };
  const charsetOf = (): Charset => {
    const r = rand();
    return r < 0.7 ? 'utf-8' : r < 0.9 ? 'windows-1251' : 'koi8-r';
  };
  const formatOf = (charset: Charset): Format => {
    if (charset !== 'utf-8') return 'plain';
    const r = rand();
    return r < 0.45 ? 'plain' : r < 0.75 ? 'html' : 'alternative';
  };

  const drafts: Array<{ draft: Draft; mail: CorpusMail; date: Date }> = [];
  const newMails: CorpusMail[] = [];
  for (let i = 0; i < nNew; i++) {
    const draft = draftNew(rand, i);
    const charset = charsetOf();
    const format = formatOf(charset);
    const id = `n${String(i + 1).padStart(5, '0')}`;
    const messageId = `${id}.${options.seed}@${draft.tenant.domain}`;
    const date = new Date(BASE_DATE + i * 60_000);
    const attachment = attachmentFor(i);
    const raw = await compose({
      rand,
      from: draft.person,
      to: draft.tenant.address,
      subject: draft.subject,
      text: draft.text,
      html: htmlOf(draft, rand),
      format,
      charset,
      messageId,
      inReplyTo: null,
      date,
      attachment,
    });
    const mail: CorpusMail = {
      id,
      kind: 'new',
      raw,
      from: draft.person.address,
      to: draft.tenant.address,
      messageId,
      parentMessageId: null,
      charset,
      format,
      attachmentBytes: attachment?.bytes ?? 0,
    };
    newMails.push(mail);
    drafts.push({ draft, mail, date });
  }

  const replies: CorpusMail[] = [];
  for (let i = 0; i < nReplies; i++) {
    const { draft, mail: original, date } = drafts[i]!;
    const charset = charsetOf();
    const format = formatOf(charset);
    const shape = int(rand, 0, 2);
    const opener = pick(rand, REPLY_OPENERS);
    const label = pick(rand, FIELD_LABELS);
    const extra = rand() < 0.5 ? `\n\n${label}: ${fieldValue(rand, label)}` : '';
    const quote = quoteHistory(rand, draft, date, shape);
    const newText = `${opener}${extra}`;
    const id = `r${String(i + 1).padStart(5, '0')}`;
    const messageId = `${id}.${options.seed}@${draft.tenant.domain}`;
    const attachment = attachmentFor(nNew + i);
    const raw = await compose({
      rand,
      from: draft.person,
      to: draft.tenant.address,
      subject: `Re: ${draft.subject}`,
      text: `${newText}${quote.text}`,
      html: `<html><body><div>${escapeHtml(newText).replace(/\n/g, '<br>')}</div>${quote.htmlQuote}</body></html>`,
      format,
      charset,
      messageId,
      inReplyTo: original.messageId,
      date: new Date(date.getTime() + 3_600_000),
      attachment,
    });
    replies.push({
      id,
      kind: 'reply',
      raw,
      from: draft.person.address,
      to: draft.tenant.address,
      messageId,
      parentMessageId: original.messageId,
      charset,
      format,
      attachmentBytes: attachment?.bytes ?? 0,
    });
  }

  const commands: CorpusMail[] = [];
  const commandTexts = [
    '#status in_progress\nВзяли в работу, сообщим о результате.',
    '#priority minor\n#status in_progress\nСмотрим.',
    '#assign petrov\n#status in_progress',
    '#status info_requested\nПришлите, пожалуйста, номер карты пациента.',
  ];
  for (let i = 0; i < nCommands; i++) {
    const { draft, mail: original, date } = drafts[i]!;
    const engineer =
      i % 2 === 0
        ? { name: 'Engineer One', address: 'engineer1@team.example' }
        : { name: 'Engineer Two', address: 'engineer2@team.example' };
    const id = `c${String(i + 1).padStart(5, '0')}`;
    const messageId = `${id}.${options.seed}@support.example`;
    const text = `${commandTexts[i % commandTexts.length]}${quoteHistory(rand, draft, date, 1).text}`;
    const attachment = attachmentFor(nNew + nReplies + i);
    const raw = await compose({
      rand,
      from: engineer,
      to: draft.tenant.address,
      subject: `RE: ${draft.subject}`,
      text,
      html: null,
      format: 'plain',
      charset: 'utf-8',
      messageId,
      inReplyTo: original.messageId,
      date: new Date(date.getTime() + 7_200_000),
      attachment,
    });
    commands.push({
      id,
      kind: 'command',
      raw,
      from: engineer.address,
      to: draft.tenant.address,
      messageId,
      parentMessageId: original.messageId,
      charset: 'utf-8',
      format: 'plain',
      attachmentBytes: attachment?.bytes ?? 0,
    });
  }
  return { seed: options.seed, newMails, replies, commands };
}

/** One mail of about `totalBytes` of MIME (attachments of 5-8 MB), for the memory measurement. */
export async function bigMail(seed: number, totalBytes: number): Promise<Buffer> {
  const rand = prng(seed);
  const draft = draftNew(rand, 0);
  const attachments: Array<{ filename: string; content: Buffer }> = [];
  // base64 grows content by 4/3 plus line breaks (~1.37 in all)
  let left = Math.floor(totalBytes / 1.37);
  for (let i = 0; left > 0; i++) {
    const size = Math.min(left, int(rand, 5, 8) * 1024 * 1024);
    attachments.push({ filename: `скан-${i + 1}.pdf`, content: randomBytes(seed + i, size) });
    left -= size;
  }
  return new MailComposer({
    from: draft.person,
    to: draft.tenant.address,
    subject: draft.subject,
    text: draft.text,
    messageId: `<big-${seed}@${draft.tenant.domain}>`,
    date: new Date(BASE_DATE),
    attachments,
    baseBoundary: 'big',
  } as ConstructorParameters<typeof MailComposer>[0])
    .compile()
    .build();
}

/** sha256 over every mail's bytes, in order: equal digests mean equal corpora. */
export function corpusDigest(corpus: Corpus): string {
  const hash = createHash('sha256');
  for (const mail of [...corpus.newMails, ...corpus.replies, ...corpus.commands]) hash.update(mail.id).update(mail.raw);
  return hash.digest('hex');
}

export function corpusStats(corpus: Corpus) {
  const all = [...corpus.newMails, ...corpus.replies, ...corpus.commands];
  const count = <K extends string>(key: (m: CorpusMail) => K) =>
    all.reduce<Record<string, number>>((acc, m) => ((acc[key(m)] = (acc[key(m)] ?? 0) + 1), acc), {});
  return {
    seed: corpus.seed,
    mails: all.length,
    newTickets: corpus.newMails.length,
    replies: corpus.replies.length,
    commands: corpus.commands.length,
    bytes: all.reduce((s, m) => s + m.raw.length, 0),
    charsets: count((m) => m.charset),
    formats: count((m) => m.format),
    withAttachment: all.filter((m) => m.attachmentBytes > 0).length,
    with10MB: all.filter((m) => m.attachmentBytes >= 10 * 1024 * 1024).length,
    digest: corpusDigest(corpus),
  };
}
