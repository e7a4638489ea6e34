/**
 * The README's "Reading mail" table is what the peer corpora runner prints (issue 13). The corpora
 * are other projects' test mails kept beside the checkout (`../shared/peer-corpora`, or
 * MAILDESK_PEER_CORPORA); where they are absent (a bare clone) there is nothing to measure and the
 * case says so instead of passing silently.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const corpora = resolve(process.env.MAILDESK_PEER_CORPORA ?? '../shared/peer-corpora');
const present = existsSync(resolve(corpora, 'run.sh'));

/** README rows: corpus name as the table writes it, figure, our count. */
function readmeRows(): { corpus: string; figure: string; count: string }[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf("## Reading mail, measured on other projects' corpora");
  expect(start, 'README has no Reading mail section').toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 3));
  const rows = section.split('\n').filter((l) => /^\| [^-]/.test(l) && !l.startsWith('| corpus'));
  return rows.map((line) => {
    const [corpus, figure, count] = line.split('|').slice(1, 4).map((c) => c.trim());
    return { corpus: corpus!, figure: figure!, count: count! };
  });
}

/** The runner's summary line for a README corpus name. */
const summaryName: Record<string, string> = {
  Zammad: 'peer-zammad',
  'Zammad (106 raw mails)': 'peer-zammad',
  'github/email_reply_parser': 'peer-erp-github',
  'crisp-oss/email-reply-parser': 'peer-erp-crisp',
  'mailgun/talon': 'peer-talon',
  'mailparser + postal-mime MIME': 'peer-mime',
};

/** How each README figure is spelled in the runner's summary line. */
const figureRe: Record<string, (count: string) => RegExp> = {
  from: (n) => new RegExp(`; from ${n} `),
  'subject decoded': (n) => new RegExp(`subject decoded ${n} `),
  'body first line in newText': (n) => new RegExp(`body first line in newText ${n} `),
  'kept+clean': (n) => new RegExp(`kept\\+clean ${n} `),
  'expected kept (signature-tolerant)': (n) => new RegExp(`\\(signature-tolerant ${n}\\)`),
  'no quoted/hidden line leaked': (n) => new RegExp(`no quoted/hidden line leaked ${n} `),
  'well-formed output': (n) => new RegExp(`well-formed output ${n} `),
};

describe('peer corpora (README "Reading mail")', () => {
  it.runIf(present)(
    'every figure in the README table is what the runner prints, with no crash and no timeout',
    async () => {
      const { stdout } = await promisify(execFile)('bash', [resolve(corpora, 'run.sh'), '.'], {
        maxBuffer: 16 * 1024 * 1024,
        timeout: 400_000,
      });
      const lines = stdout.split('\n').filter((l) => l.startsWith('peer-'));
      expect(lines).toHaveLength(5);
      for (const line of lines) expect(line, line).toMatch(/crashes 0, timeouts 0;/);
      const rows = readmeRows();
      expect(rows.length).toBe(8);
      for (const row of rows) {
        const name = summaryName[row.corpus];
        expect(name, `README corpus ${row.corpus} has no runner line`).toBeDefined();
        const line = lines.find((l) => l.startsWith(`${name}:`)) ?? '';
        const re = figureRe[row.figure];
        expect(re, `README figure ${row.figure} is not one the runner prints`).toBeDefined();
        expect(line, `${row.corpus} ${row.figure}: README says ${row.count}`).toMatch(re!(row.count));
      }
    },
    420_000,
  );
  it.skipIf(present)(`needs the peer corpora at ${corpora} (set MAILDESK_PEER_CORPORA)`, () => {});
});
