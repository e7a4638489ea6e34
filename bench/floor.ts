/**
 * 2 Floor ratio: CPU time per mail of our whole pipeline without DynamoDB (receiveMail +
 * deliverEvent over an in-memory TicketStore, acknowledgement MIME composed), divided by the CPU
 * time mailparser alone needs to parse the same mail.
 *
 * - Passes over the whole corpus, one per variant (mailparser defaults, mailparser with our
 *   options, parseMail, parseMail + readMail, the whole pipeline), `rounds` times, the order of
 *   the passes rotating each round, a fresh in-memory store per round.
 * - Ratio of totals: process.cpuUsage() (user + system, GC threads included) of a whole pipeline
 *   pass over that of a whole mailparser pass, median over the rounds: CPU per mail, averaged.
 * - Per-mail ratio: each call's wall time (performance.now(); no I/O happens in these calls, so
 *   it is main-thread CPU plus GC pauses), median over the rounds, then the median over mails.
 * - Floor: `simpleParser(raw)` with mailparser's defaults (the "mailparser alone"), and,
 *   stricter, with the options shared/mail/inbound/parse-mail.ts uses (it skips mailparser's
 *   HTML->text and text->HTML work, so its floor is lower).
 */
import { simpleParser } from 'mailparser';
import type { MaildeskConfig } from '../shared/config';
import { parseMail } from '../shared/mail/inbound/parse-mail';
import { PARSER_OPTIONS } from '../shared/mail/inbound/parse-mail';
import { readMail } from '../shared/mail/inbound/read-mail';
import type { CorpusMail } from './corpus';
import { MemoryMailStore, MemoryTicketStore } from '../shared/adapters/memory';
import { inboundFor, makePipeline, median, processMail, round } from './pipeline';

/** The floor "with our options": exactly what parse-mail.ts passes to mailparser. */
export const MAILDESK_PARSER_OPTIONS = PARSER_OPTIONS;

export interface FloorMail {
  id: string;
  bytes: number;
  attachment: boolean;
  format: string;
  charset: string;
  /** median wall ms over the rounds (no I/O inside: main-thread CPU and GC pauses) */
  mailparserDefault: number;
  mailparserOurOptions: number;
  parseMail: number;
  parseAndRead: number;
  pipeline: number;
  /** parts of the pipeline: receiveMail (inbound), deliverEvent (notify), MIME composition inside notify */
  receive: number;
  deliver: number;
  compose: number;
}

export interface FloorGroup {
  mails: number;
  /** sum(pipeline) / sum(floor) of the per-mail medians: time per mail averaged over the group */
  ratioOfTotals: number;
  ratioOfTotalsStrict: number;
  /** median of the per-mail ratios */
  medianRatio: number;
  medianRatioStrict: number;
  /** median ms per mail */
  pipelineMs: number;
  mailparserDefaultMs: number;
  mailparserOurOptionsMs: number;
  parseMailMs: number;
  parseAndReadMs: number;
  receiveMs: number;
  deliverMs: number;
  composeMs: number;
  /** median of receive / mailparser-defaults per mail: the inbound Lambda alone */
  medianReceiveRatio: number;
}

export interface FloorResult {
  rounds: number;
  /** process CPU of whole passes (GC threads included), median over rounds */
  cpu: {
    perMailMs: Record<'mailparserDefault' | 'mailparserOurOptions' | 'parseMail' | 'parseAndRead' | 'pipeline', number>;
    ratio: number;
    ratioStrict: number;
    withoutAttachments: { ratio: number | null; ratioStrict: number | null };
    withAttachments: { ratio: number | null; ratioStrict: number | null };
  };
  all: FloorGroup;
  withoutAttachments: FloorGroup;
  withAttachments: FloorGroup;
  newTickets: FloorGroup;
  replies: FloorGroup;
  byFormat: Record<string, FloorGroup>;
  byCharset: Record<string, FloorGroup>;
}

function group(mails: FloorMail[]): FloorGroup {
  const sum = (k: keyof FloorMail) => mails.reduce((s, m) => s + (m[k] as number), 0);
  const med = (f: (m: FloorMail) => number) => round(median(mails.map(f)), 3);
  return {
    mails: mails.length,
    ratioOfTotals: round(sum('pipeline') / sum('mailparserDefault')),
    ratioOfTotalsStrict: round(sum('pipeline') / sum('mailparserOurOptions')),
    medianRatio: med((m) => m.pipeline / m.mailparserDefault),
    medianRatioStrict: med((m) => m.pipeline / m.mailparserOurOptions),
    pipelineMs: med((m) => m.pipeline),
    mailparserDefaultMs: med((m) => m.mailparserDefault),
    mailparserOurOptionsMs: med((m) => m.mailparserOurOptions),
    parseMailMs: med((m) => m.parseMail),
    parseAndReadMs: med((m) => m.parseAndRead),
    receiveMs: med((m) => m.receive),
    deliverMs: med((m) => m.deliver),
    composeMs: med((m) => m.compose),
    medianReceiveRatio: med((m) => m.receive / m.mailparserDefault),
  };
}

type Variant = 'mailparserDefault' | 'mailparserOurOptions' | 'parseMail' | 'parseAndRead' | 'pipeline';
const VARIANTS: Variant[] = ['mailparserDefault', 'mailparserOurOptions', 'parseMail', 'parseAndRead', 'pipeline'];

export async function measureFloor(
  config: MaildeskConfig,
  newMails: CorpusMail[],
  replies: CorpusMail[],
  rounds: number,
): Promise<FloorResult> {
  const mails = [...newMails, ...replies];
  const wall = new Map<string, Record<Variant, number[]>>(
    mails.map((m) => [
      m.id,
      { mailparserDefault: [], mailparserOurOptions: [], parseMail: [], parseAndRead: [], pipeline: [] },
    ]),
  );
  const parts = new Map<string, { receive: number[]; deliver: number[]; compose: number[] }>(
    mails.map((m) => [m.id, { receive: [], deliver: [], compose: [] }]),
  );
  const passCpu: Record<Variant, number[]> = {
    mailparserDefault: [],
    mailparserOurOptions: [],
    parseMail: [],
    parseAndRead: [],
    pipeline: [],
  };
  const groupsCpu = new Map<string, Record<Variant, number[]>>();

  // Warm-up: JIT and lazy module state, not measured.
  {
    const warm = makePipeline(new MemoryTicketStore(), new MemoryMailStore(), config);
    for (const m of mails.slice(0, 30)) {
      await warm.mail.put(`inbound/warm-${m.id}`, m.raw);
      await processMail(warm, inboundFor(m, `warm-${m.id}`));
      await simpleParser(m.raw);
      await simpleParser(m.raw, MAILDESK_PARSER_OPTIONS);
    }
  }
  for (let r = 0; r < rounds; r++) {
    const p = makePipeline(new MemoryTicketStore(), new MemoryMailStore(), config);
    for (const m of mails) await p.mail.put(`inbound/${m.id}-${r}`, m.raw);
    const ops: Record<Variant, (m: CorpusMail) => Promise<unknown>> = {
      mailparserDefault: (m) => simpleParser(m.raw),
      mailparserOurOptions: (m) => simpleParser(m.raw, MAILDESK_PARSER_OPTIONS),
      parseMail: (m) => parseMail(m.raw),
      parseAndRead: async (m) => readMail(await parseMail(m.raw), config),
      pipeline: async (m) => {
        const composed = p.sender.composeMs;
        const { outcome, receiveMs, deliverMs } = await processMail(p, inboundFor(m, `${m.id}-${r}`));
        const part = parts.get(m.id)!;
        part.receive.push(receiveMs);
        part.deliver.push(deliverMs);
        part.compose.push(p.sender.composeMs - composed);
        const expected = m.kind === 'new' ? 'created' : 'updated';
        if (outcome.kind !== expected)
          throw new Error(
            `floor: ${m.id} gave ${outcome.kind}, expected ${expected}: the pipeline is broken, no figure`,
          );
      },
    };
    // The pipeline pass must see new tickets before their replies: rotate the order of the passes, not of the mails.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]!);
    for (const variant of order) {
      const groupCpu: Record<string, number> = {};
      const c0 = process.cpuUsage();
      for (const m of mails) {
        const g0 = process.cpuUsage();
        const t0 = performance.now();
        await ops[variant](m);
        wall.get(m.id)![variant].push(performance.now() - t0);
        const g = process.cpuUsage(g0);
        const key = m.attachmentBytes > 0 ? 'with' : 'without';
        groupCpu[key] = (groupCpu[key] ?? 0) + (g.user + g.system) / 1000;
      }
      const c = process.cpuUsage(c0);
      passCpu[variant].push((c.user + c.system) / 1000);
      for (const [k, v] of Object.entries(groupCpu)) {
        const entry = groupsCpu.get(k) ?? {
          mailparserDefault: [],
          mailparserOurOptions: [],
          parseMail: [],
          parseAndRead: [],
          pipeline: [],
        };
        entry[variant].push(v);
        groupsCpu.set(k, entry);
      }
    }
  }
  const per: FloorMail[] = mails.map((m) => {
    const w = wall.get(m.id)!;
    return {
      id: m.id,
      bytes: m.raw.length,
      attachment: m.attachmentBytes > 0,
      format: m.format,
      charset: m.charset,
      mailparserDefault: median(w.mailparserDefault),
      mailparserOurOptions: median(w.mailparserOurOptions),
      parseMail: median(w.parseMail),
      parseAndRead: median(w.parseAndRead),
      pipeline: median(w.pipeline),
      receive: median(parts.get(m.id)!.receive),
      deliver: median(parts.get(m.id)!.deliver),
      compose: median(parts.get(m.id)!.compose),
    };
  });
  const by = (key: (m: FloorMail) => string) => {
    const groups: Record<string, FloorMail[]> = {};
    for (const m of per) (groups[key(m)] ??= []).push(m);
    return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, group(v)]));
  };
  const cpuRatio = (cpu: Record<Variant, number[]> | undefined, floor: Variant) =>
    cpu ? round(median(cpu.pipeline) / median(cpu[floor])) : null;
  const cpuPerMail = (cpu: Record<Variant, number[]>) =>
    Object.fromEntries(VARIANTS.map((v) => [v, round(median(cpu[v]) / mails.length, 3)])) as Record<Variant, number>;
  const newIds = new Set(newMails.map((m) => m.id));
  return {
    rounds,
    cpu: {
      perMailMs: cpuPerMail(passCpu),
      ratio: cpuRatio(passCpu, 'mailparserDefault')!,
      ratioStrict: cpuRatio(passCpu, 'mailparserOurOptions')!,
      withoutAttachments: {
        ratio: cpuRatio(groupsCpu.get('without'), 'mailparserDefault'),
        ratioStrict: cpuRatio(groupsCpu.get('without'), 'mailparserOurOptions'),
      },
      withAttachments: {
        ratio: cpuRatio(groupsCpu.get('with'), 'mailparserDefault'),
        ratioStrict: cpuRatio(groupsCpu.get('with'), 'mailparserOurOptions'),
      },
    },
    all: group(per),
    withoutAttachments: group(per.filter((m) => !m.attachment)),
    withAttachments: group(per.filter((m) => m.attachment)),
    newTickets: group(per.filter((m) => newIds.has(m.id))),
    replies: group(per.filter((m) => !newIds.has(m.id))),
    byFormat: by((m) => m.format),
    byCharset: by((m) => m.charset),
  };
}
