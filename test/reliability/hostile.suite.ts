/**
 * Hostile and broken input on the real local stack: every message ends as a ticket, a comment or
 * a logged rejection with a reason; receiveMail never throws on what is in a mail; memory stays
 * within the inbound Lambda's size; no sender is flooded; outgoing headers cannot be injected;
 * nothing a customer wrote reaches a log.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMail } from '../../shared/mail/outbound/compose';
import type { OutgoingMail } from '../../shared/use-cases/ports';
import { receiveMail, type InboundMail, type Outcome } from '../../shared/use-cases/receive-mail';
import { startHarness, type Harness } from '../support/harness';
import { generatedCorpus, handMadeCorpus, type HostileMail } from '../support/hostile-corpus';
import { mapLimit } from '../../shared/map-limit';
import { MEMORY_MB } from '../../infra/constructs/function-settings';
import { buildMail, messageId, storeInbound } from '../support/mail-builder';

export interface HostileScale {
  generated: number;
  bigAttachmentMb: number;
  /** attachments in the many-attachments mail */
  manyAttachments: number;
  bomb: number;
  parallel: number;
}

export const SHORT_HOSTILE: HostileScale = { generated: 140, bigAttachmentMb: 30, manyAttachments: 60, bomb: 30, parallel: 4 };

/** The inbound function's memory, from the construct's settings (the number the Lambda really gets). */
const INBOUND_MB = MEMORY_MB.inbound;

const HEADER_NAMES = new Set([
  'from', 'to', 'cc', 'reply-to', 'subject', 'message-id', 'in-reply-to', 'references', 'date', 'mime-version', 'content-type', 'content-transfer-encoding',
  'auto-submitted', 'x-auto-response-suppress', 'x-maildesk-event', 'x-maildesk-ticket',
]);

/** Problems with the header block of a raw outgoing mail: unknown header names (an injected Bcc), bare CR/LF, overlong lines. */
export function headerProblems(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end >= 0 ? text.slice(0, end) : text;
  const problems: string[] = [];
  if (/\r(?!\n)|(?<!\r)\n/.test(head)) problems.push('bare CR or LF in the header block');
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line)) continue;
    const name = /^([!-9;-~]+):/.exec(line)?.[1]?.toLowerCase();
    if (!name || !HEADER_NAMES.has(name)) problems.push(`unexpected header line: ${line.slice(0, 80)}`);
    if (line.length > 998) problems.push('header line over 998 characters');
  }
  return problems;
}

export function hostileSuite(scale: HostileScale) {
  let h: Harness;
  const figures = { handMade: 0, generated: 0, tickets: 0, comments: 0, rejected: 0, duplicates: 0, peakRssMb: 0, slowestMs: 0, slowest: '', bomb: 0, bombAcks: 0 };
  let startedAt = Date.now();
  beforeAll(async () => {
    startedAt = Date.now();
    h = await startHarness();
  });
  afterAll(async () => {
    console.log(
      `RELIABILITY hostile: messages=${figures.handMade + figures.generated} (hand-made ${figures.handMade}, generated ${figures.generated}) -> tickets ${figures.tickets}, comments ${figures.comments}, logged rejections ${figures.rejected}, duplicates ${figures.duplicates}; thrown 0; peak RSS ${figures.peakRssMb} MB of ${INBOUND_MB}; slowest ${figures.slowestMs} ms (${figures.slowest}); mail bomb ${figures.bomb} -> ${figures.bombAcks} acknowledgements`,
    );
    await h?.close();
  });

  /** Runs mails through receiveMail (as SES hands them over), measuring time and memory; fails on any throw. */
  const run = async (mails: HostileMail[]) => {
    let peak = 0;
    const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
    const timer = setInterval(sample, 20);
    const results: Array<{ mail: HostileMail; inbound: InboundMail; outcome: Outcome | null; error: Error | null; ms: number }> = [];
    try {
      await mapLimit(mails, scale.parallel, async (mail) => {
        const inbound = await storeInbound(h, mail.raw);
        const started = Date.now();
        let outcome: Outcome | null = null;
        let error: Error | null = null;
        try {
          outcome = await receiveMail(inbound, h.stack.receiveDeps);
        } catch (e) {
          error = e as Error;
        }
        sample();
        const ms = Date.now() - started;
        if (ms > figures.slowestMs) Object.assign(figures, { slowestMs: ms, slowest: mail.name });
        results.push({ mail, inbound, outcome, error, ms });
      });
    } finally {
      clearInterval(timer);
    }
    figures.peakRssMb = Math.max(figures.peakRssMb, Math.round(peak / 1048576));
    return results;
  };

  /** Every mail is a ticket, a comment, or a rejection logged with its reason. */
  const classify = async (results: Awaited<ReturnType<typeof run>>) => {
    const problems: string[] = [];
    for (const { mail, inbound, outcome, error, ms } of results) {
      if (error) {
        problems.push(`${mail.name}: threw ${error.name}: ${error.message.slice(0, 200)}`);
        continue;
      }
      if (ms > 30_000) problems.push(`${mail.name}: took ${ms} ms`);
      switch (outcome!.kind) {
        case 'created':
          figures.tickets++;
          if (!(await h.stack.store.getTicket(outcome!.ticketKey))) problems.push(`${mail.name}: ticket ${outcome!.ticketKey} not stored`);
          break;
        case 'updated':
        case 'rejected-commands':
        case 'final-reply':
          figures.comments++;
          break;
        case 'duplicate':
          figures.duplicates++;
          break;
        case 'ignored':
        case 'refused': {
          figures.rejected++;
          const logged = h.log.entries.some((e) => e.fields.inboundId === inbound.inboundId && (e.fields.reason === outcome!.reason || e.message.includes('refused')));
          if (!logged) problems.push(`${mail.name}: ${outcome!.kind} (${outcome!.reason}) without a log entry`);
          break;
        }
      }
    }
    return problems;
  };

  /** automatic answers per address so far (the outbox is read once, mail by mail, as it grows) */
  const autoAnswers = new Map<string, number>();
  const checkAfter = async (mails: HostileMail[]) => {
    const out = await h.newMail();
    const problems: string[] = [];
    for (const { file } of out) {
      const raw = await readFile(join(h.stack.outboxDir, file));
      problems.push(...headerProblems(raw).map((p) => `${file}: ${p}`));
      if (/<script|onerror=|javascript:/i.test(raw.toString('utf8'))) {
        // plain text only: a script can only appear as quoted text, never as markup
        if (/content-type:\s*text\/html/i.test(raw.toString('latin1'))) problems.push(`${file}: HTML part in an outgoing mail`);
      }
    }
    // the address the hand-made injections try to smuggle in as a Bcc never receives anything
    // (a generated mail may Cc someone on purpose, folded headers included: that Cc is the sender's choice)
    for (const m of out) {
      if ([...m.to, ...m.cc].some((a) => a.address === 'victim@evil.example')) problems.push(`${m.file}: mail to victim@evil.example`);
    }
    // no sender flooded: automatic answers per address within the cap (all within the same hour here)
    for (const m of out) {
      if (m.headers['auto-submitted'] !== 'auto-replied') continue;
      for (const a of m.to) autoAnswers.set(a.address, (autoAnswers.get(a.address) ?? 0) + 1);
    }
    // the cap counts per clock hour: a run that crosses an hour may give each sender the cap once per hour
    const hours = Math.floor(Date.now() / 3_600_000) - Math.floor(startedAt / 3_600_000) + 1;
    const limit = h.stack.receiveDeps.config.autoReplyLimitPerHour * hours;
    for (const [address, n] of autoAnswers) if (n > limit) problems.push(`${address} got ${n} automatic answers (cap ${limit} in ${hours} clock hour(s))`);
    // stored attachments: keys stay inside attachments/, no traversal, no control characters
    for (const t of await h.stack.store.listTickets()) {
      for (const a of t.attachments) {
        if (!a.key.startsWith('attachments/') || a.key.split('/').some((seg) => seg === '..' || seg === '.' || seg === '') || /[\u0000-\u001f\u007f]/.test(a.key)) problems.push(`attachment key ${JSON.stringify(a.key)}`);
        if (a.filename.includes('/') || a.filename.includes('\\') || /[\u0000-\u001f\u007f\u202a-\u202e]/.test(a.filename)) problems.push(`attachment name ${JSON.stringify(a.filename)}`);
      }
    }
    // nothing kept for replay: no mail failed
    const failed = await readdir(join(h.stack.dataDir, 'failed')).catch(() => []);
    if (failed.length) problems.push(`failed/ holds ${failed.length} records`);
    // no body, field value, subject or attachment name in the logs
    const logged = JSON.stringify(h.log.entries);
    for (const mail of mails) for (const s of mail.secrets) if (logged.includes(s)) problems.push(`${mail.name}: ${s} reached the logs`);
    return problems;
  };

  describe('hostile and broken mail', () => {
    it('the hand-made corpus: each a ticket, a comment or a logged rejection, never a throw', async () => {
      const corpus = handMadeCorpus({ bigAttachmentMb: scale.bigAttachmentMb, manyAttachments: scale.manyAttachments });
      figures.handMade += corpus.length;
      const results = await run(corpus);
      const problems = await classify(results);
      problems.push(...(await checkAfter(corpus)));
      expect(problems).toEqual([]);
      expect(figures.peakRssMb).toBeLessThan(INBOUND_MB);
    }, 300_000);

    it(`${scale.generated} generated mails (fast-check): the same`, async () => {
      const corpus = generatedCorpus(scale.generated);
      figures.generated += corpus.length;
      const results = await run(corpus);
      const problems = await classify(results);
      problems.push(...(await checkAfter(corpus)));
      expect(problems).toEqual([]);
      expect(figures.peakRssMb).toBeLessThan(INBOUND_MB);
    }, 600_000);

    it('a handful through the real SMTP server too', async () => {
      const corpus = handMadeCorpus({ bigAttachmentMb: 1, manyAttachments: 2 }).filter((m) => /CRLF injection|truncated in the middle of a base64|HTML with scripts|attachments named/.test(m.name));
      const before = h.stack.outcomes.length;
      for (const mail of corpus) await h.sendRaw(mail.raw, { from: 'hostile@clinic-north.example', to: ['clinic-north@support.example'] });
      expect(h.stack.outcomes.length - before).toBe(corpus.length);
      expect(await checkAfter(corpus)).toEqual([]);
    }, 120_000);
  });

  describe('a mail bomb', () => {
    it(`${scale.bomb} mails from one sender: every one a ticket, acknowledgements capped per hour`, async () => {
      const from = 'bomber@clinic-north.example';
      const mails = await Promise.all(Array.from({ length: scale.bomb }, (_, i) => buildMail({ from, to: 'clinic-north@support.example', subject: `Бомба ${i}`, text: `письмо ${i}`, messageId: messageId('bomb') })));
      const hourBefore = Math.floor(Date.now() / 3_600_000);
      const outcomes = await mapLimit(mails, scale.parallel * 2, async (raw) => receiveMail(await storeInbound(h, raw), h.stack.receiveDeps));
      const hours = Math.floor(Date.now() / 3_600_000) - hourBefore + 1;
      figures.bomb += scale.bomb;
      expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(scale.bomb);
      const mailsOut = await h.newMail();
      const acks = mailsOut.filter((m) => m.to.some((a) => a.address === from));
      figures.bombAcks += acks.length;
      // the cap, once per clock hour the bomb lasted (almost always one)
      const limit = h.stack.receiveDeps.config.autoReplyLimitPerHour;
      expect(acks.length).toBeGreaterThanOrEqual(limit);
      expect(acks.length).toBeLessThanOrEqual(limit * hours);
      expect(h.log.entries.filter((e) => e.message.startsWith('auto-reply cap reached')).length).toBeGreaterThanOrEqual(scale.bomb - acks.length);
    }, 600_000);
  });

  describe('outgoing headers cannot be injected', () => {
    const base: OutgoingMail = {
      from: '"Северная клиника" <clinic-north@support.example>',
      to: ['anna@clinic-north.example'],
      cc: [],
      replyTo: 'clinic-north@support.example',
      subject: '[MG-1] x',
      text: 'text',
      messageId: 'e1.requester@support.example',
      inReplyTo: null,
      references: [],
      headers: { 'Auto-Submitted': 'auto-replied' },
      attachments: [],
    };
    const injections = ['x\r\nBcc: victim@evil.example', 'x\nBcc: victim@evil.example', 'x\rBcc: victim@evil.example', 'x\r\n\r\n<html>body</html>', '=?UTF-8?B?DQpCY2M6IHZpY3RpbUBldmlsLmV4YW1wbGU=?=', 'x\u2028Bcc: victim@evil.example', 'x\u0000\r\nBcc: v@evil.example'];
    for (const [i, bad] of injections.entries()) {
      it(`MailComposer keeps injection #${i + 1} inside its header (subject, name, thread ids, custom header)`, async () => {
        const raw = await composeMail({
          ...base,
          subject: `[MG-1] ${bad}`,
          from: `"${bad}" <clinic-north@support.example>`,
          references: [`a${bad}@x.example`],
          inReplyTo: `a${bad}@x.example`,
          headers: { ...base.headers, 'X-Maildesk-Ticket': `MG-1${bad}` },
          text: bad,
        });
        expect(headerProblems(raw)).toEqual([]);
        const head = raw.toString('latin1').split('\r\n\r\n')[0]!;
        expect(head).not.toMatch(/^bcc:/im);
        expect(head.split('\r\n').filter((l) => /^subject:/i.test(l))).toHaveLength(1);
      });
    }
  });
}
