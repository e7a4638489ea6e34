/**
 * partTypes reads the content type of every MIME part from the raw mail's header blocks. It must
 * give what the line-by-line reader it replaced gave (kept below as the oracle) on every fixture
 * and on line-ending and nesting variants, and it must not decode a part's body to text: a mail
 * with a file of megabytes costs what its headers cost (issue 18, the attachment path's CPU).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partTypes } from '../../shared/mail/inbound/mime-parts';
import { SCAN_LIMIT } from '../../shared/mail/inbound/raw-headers';

/** The reader before issue 18: the whole mail (up to SCAN_LIMIT) as latin1 text, split into lines. */
function linePartTypes(raw: Buffer): string[] {
  const found: string[] = [];
  const boundaries = new Set<string>();
  const lines = raw.subarray(0, SCAN_LIMIT).toString('latin1').split(/\r?\n/);
  let inHeaders = true;
  let block: string[] = [];
  let nextIsMessage = false;
  const closeBlock = (): void => {
    const unfolded = block.join('\n').replace(/\n[ \t]+/g, ' ');
    const ct = /^content-type:[ \t]*([^;\s]+)(.*)$/im.exec(unfolded);
    const type = ct ? ct[1]!.toLowerCase() : 'text/plain';
    found.push(type);
    const boundary = ct ? /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(ct[2] ?? '') : null;
    if (boundary) boundaries.add((boundary[1] ?? boundary[2])!);
    nextIsMessage = type === 'message/rfc822' || type === 'message/global';
    block = [];
  };
  for (const line of lines) {
    if (inHeaders) {
      if (line === '') {
        closeBlock();
        inHeaders = nextIsMessage;
        nextIsMessage = false;
      } else block.push(line);
      continue;
    }
    if (line.startsWith('--') && boundaries.size > 0 && boundaries.has(line.slice(2).trimEnd())) inHeaders = true;
  }
  if (inHeaders && block.length > 0) closeBlock();
  return [...new Set(found)];
}

const FIXTURES = join(__dirname, '../fixtures/mail');
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => [f, readFileSync(join(FIXTURES, f))] as const);

const latin1 = (s: string) => Buffer.from(s, 'latin1');
/** The same mail with other line endings, and cut in the middle (a truncated upload). */
const variants = (raw: Buffer): Buffer[] => [
  raw,
  latin1(raw.toString('latin1').replace(/\r?\n/g, '\r\n')),
  latin1(raw.toString('latin1').replace(/\r\n/g, '\n')),
  raw.subarray(0, Math.floor(raw.length / 2)),
];

/** Hand-made shapes: nested multiparts, a forwarded message, boundaries with trailing blanks, lone CRs, no end. */
const SHAPES: Record<string, string> = {
  nested: [
    'From: a@b.example',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'preamble',
    '--outer',
    'Content-Type: multipart/alternative;',
    ' boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    '',
    '--not-a-boundary',
    '--inner  \t',
    'Content-Type: text/html',
    '',
    '<p>x</p>',
    '--inner--',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'Subject: forwarded',
    'Content-Type: multipart/report; boundary=r',
    '',
    '--r',
    'Content-Type: message/delivery-status',
    '',
    'Status: 5.0.0',
    '--r--',
    '--outer',
    'Content-Type: image/png',
    'Content-Transfer-Encoding: base64',
    '',
    'iVBORw0KGgo=',
    '--outer--',
    '',
  ].join('\r\n'),
  'lone CR and no final line break': 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\rContent-Type: x/y\r\n--b\r\nContent-Type: a/b\r',
  'headers only': 'From: a@b.example\nContent-Type: text/html',
  'blank first line': '\nContent-Type: text/html\n\nbody',
  'boundary line first in the body': 'Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: application/pdf\n\n%PDF',
  'no boundary known': 'Content-Type: text/plain\n\n--x\nContent-Type: image/gif\n\n',
  'latin1 bytes and NBSP after the boundary': `Content-Type: multipart/mixed; boundary=z\n\n--z\u00a0\nContent-Type: text/x-\u00e9\n\n--z`,
};

describe('partTypes', () => {
  it.each(fixtures)('%s: the same types as the line-by-line reader, in any line ending', (_name, raw) => {
    for (const mail of variants(raw)) expect(partTypes(mail, [])).toEqual(linePartTypes(mail));
  });

  it.each(Object.entries(SHAPES))('%s: the same types as the line-by-line reader', (_name, text) => {
    for (const mail of variants(latin1(text))) expect(partTypes(mail, [])).toEqual(linePartTypes(mail));
  });

  it('reads nested multiparts, a forwarded message and its report', () => {
    expect(partTypes(latin1(SHAPES.nested!), [{ contentType: 'Image/PNG', content: null }])).toEqual([
      'multipart/mixed',
      'multipart/alternative',
      'text/plain',
      'text/html',
      'message/rfc822',
      'multipart/report',
      'message/delivery-status',
      'image/png',
    ]);
  });

  it('decodes only header lines, not a 6 MB file, to text', () => {
    const file = Buffer.alloc(6 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = latin1(
      [
        'From: a@b.example',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'see the file',
        '--b1',
        'Content-Type: application/pdf; name=scan.pdf',
        'Content-Transfer-Encoding: base64',
        '',
        file,
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const decoded: number[] = [];
    const original = Buffer.prototype.toString;
    Buffer.prototype.toString = function (this: Buffer, ...args: Parameters<Buffer['toString']>) {
      const text = original.apply(this, args);
      decoded.push(text.length);
      return text;
    } as Buffer['toString'];
    let types: string[];
    try {
      types = partTypes(raw, []);
    } finally {
      Buffer.prototype.toString = original;
    }
    expect(types).toEqual(['multipart/mixed', 'text/plain', 'application/pdf']);
    expect(decoded.reduce((a, b) => a + b, 0)).toBeLessThan(1000);
  });
});
