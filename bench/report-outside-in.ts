/** Section 8 of BENCHMARKS.md and its two targets: the local stack measured from outside (bench/outside-in.ts). */
import type { OutsideInResult } from './outside-in';
import type { ProfileSummary } from './profile-summary';
import type { SdkFloorResult } from './sdk-floor';
import type { StoreCostResult } from './store-cost';
import type { PeerRt, RtPhase, Target } from './targets';

/** Issue 18: 20x less node CPU per new ticket than Request Tracker 5's 190 ms of server CPU, and per reply. */
export const OUTSIDE_IN_TARGETS = { newTicketNodeCpuMs: 9.5, replyNodeCpuMs: 8 };

const fmt = (v: number | null | undefined, d = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d);

const rtPhase = (rt: PeerRt | null, name: string): RtPhase | null => {
  const p = rt?.phases[name];
  return p && typeof p !== 'number' ? p : null;
};

/**
 * The floor the SDK alone puts under CPU per mail: the DynamoDB calls a mail makes (section 3's mean, which leaves
 * out the SES sends and remembering SES's Message-IDs, so the floor is a lower bound) times one call's CPU.
 */
export function sdkFloorText(floor: SdkFloorResult | null, cost: StoreCostResult | null): string {
  if (!floor) return '';
  const per = (calls: number) =>
    `${fmt(calls)} calls x ${fmt(floor.sdkMsPerCall, 2)} = ${fmt(calls * floor.sdkMsPerCall)} ms`;
  const floors = cost ? ` (new ticket ${per(cost.newTicket.calls)}, reply ${per(cost.reply.calls)})` : '';
  return (
    `One DynamoDB call through the AWS SDK costs ${fmt(floor.sdkMsPerCall, 2)} ms of node CPU on this machine, the ` +
    `same call over bare node:http with a SigV4 signature ${fmt(floor.bareHttpMsPerCall, 2)} ms ` +
    `(x${fmt(floor.ratio, 2)}, ` +
    `bench/sdk-floor.ts): the DynamoDB calls alone put the floor at calls per mail times that${floors}, before any ` +
    'mail is read, written or sent.'
  );
}

export function outsideInTargets(
  o: OutsideInResult | null,
  rt: PeerRt | null,
  floor: SdkFloorResult | null = null,
  cost: StoreCostResult | null = null,
): Target[] {
  if (!o) return [];
  const method =
    `node CPU from /proc (user + system) of the \`npm start\` child's own process over ${o.newTickets.mails} new ` +
    `tickets and as many replies at concurrency ${o.concurrency}, after ${o.warmUpMails} warm-up mails (what Lambda ` +
    `would bill); counted apart, not ours on AWS: its AWS stand-ins' process (SMTP receiving, the SES v2 endpoint: ` +
    `${fmt(o.newTickets.standinCpuMsPerMail)} / ${fmt(o.replies.standinCpuMsPerMail)} ms) and DynamoDB Local's java ` +
    `(${fmt(o.newTickets.dynamoCpuMsPerMail)} / ${fmt(o.replies.dynamoCpuMsPerMail)} ms) per new ticket / reply; ` +
    `load average ${fmt(o.newTickets.loadAverage, 2)}`;
  const toMeet =
    "See section 8 and bench/profile-outside-in.md: most of it is the AWS SDK and Node's HTTP around each " +
    'DynamoDB and SES call. ' +
    sdkFloorText(floor, cost) +
    ' Meeting it takes fewer calls than the design needs or a leaner DynamoDB client than the chosen SDK ' +
    '(asked in the closing note of issue 18, not swapped).';
  const target = (id: string, name: string, limit: number, measured: number, rtPhaseName: string): Target => {
    const rtCpu = rtPhase(rt, rtPhaseName)?.serverCpuMsPerMail ?? null;
    return {
      id,
      name,
      target: `<= ${limit} ms node CPU`,
      measured: `${fmt(measured)} ms`,
      met: measured <= limit,
      reason: method + (rtCpu ? `; RT5's server CPU ${fmt(rtCpu, 0)} ms (x${fmt(rtCpu / measured)})` : ''),
      toMeet: measured <= limit ? '' : toMeet,
    };
  };
  return [
    target(
      'outside-new',
      '8 Outside in: per new ticket',
      OUTSIDE_IN_TARGETS.newTicketNodeCpuMs,
      o.newTickets.nodeCpuMsPerMail,
      'new-c1',
    ),
    target(
      'outside-reply',
      '8 Outside in: per reply',
      OUTSIDE_IN_TARGETS.replyNodeCpuMs,
      o.replies.nodeCpuMsPerMail,
      'reply-c1',
    ),
  ];
}

const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

export function renderOutsideIn(
  o: OutsideInResult | null,
  rt: PeerRt | null,
  cost: StoreCostResult | null,
  profile: Record<string, ProfileSummary> | null,
  floor: SdkFloorResult | null = null,
): string[] {
  if (!o) return [];
  const out = [
    '## 8 Outside in: the local stack as `npm start` runs it',
    '',
    'bench/outside-in.ts starts infra/local/start.ts as a child (own data dir, free ports, the sweep timer off), ' +
      `sends ${o.newTickets.mails} new-ticket mails of the corpus over SMTP at concurrency ${o.concurrency}, then ` +
      "one reply to each, and reads /proc apart for the CPU of the stack's own node process (what Lambda would " +
      "bill: the targets are judged on it), of its AWS stand-ins' node process (SES receiving's SMTP and the SES v2 " +
      "endpoint, infra/local/aws-standins.ts: SES's work on AWS) and of DynamoDB Local (java), from the first mail " +
      'of a phase to the last file it causes in the outbox. Latency: SMTP `250` to the ' +
      "acknowledgement's file (new tickets) or the engineers' copy (replies). " +
      `${o.warmUpMails} warm-up mails of another seed go first.`,
    '',
    row([
      'phase',
      'mails',
      'mails/s',
      'node CPU ms/mail',
      'stand-ins CPU ms/mail',
      'DynamoDB Local CPU ms/mail',
      'p50 ms',
      'p99 ms',
      'load',
    ]),
    row(['---', '---', '---', '---', '---', '---', '---', '---', '---']),
  ];
  for (const [name, p] of [
    ['new tickets', o.newTickets],
    ['replies', o.replies],
  ] as const)
    out.push(
      row([
        name,
        p.mails,
        fmt(p.mailsPerSecond),
        fmt(p.nodeCpuMsPerMail),
        fmt(p.standinCpuMsPerMail),
        fmt(p.dynamoCpuMsPerMail),
        p.p50Ms,
        p.p99Ms,
        fmt(p.loadAverage, 2),
      ]),
    );
  out.push(
    '',
    `Idle (3 s, nothing sent): node ${fmt(o.idleNodeCpuMsPerSecond)} ms CPU per second, the stand-ins ` +
      `${fmt(o.idleStandinCpuMsPerSecond)}, DynamoDB Local ${fmt(o.idleDynamoCpuMsPerSecond)} ms per second ` +
      "(the stream poller's reads).",
    '',
  );
  const rtNew = rtPhase(rt, 'new-c1');
  const rtReply = rtPhase(rt, 'reply-c1');
  if (rt && rtNew && rtReply)
    out.push(
      `Request Tracker 5 side by side (bench/peer-rt.sh, ${rt.date.slice(0, 10)}, c=1): ` +
        `${fmt(rtNew.serverCpuMsPerMail, 0)} ms of server CPU per new ticket (x` +
        `${fmt((rtNew.serverCpuMsPerMail ?? 0) / o.newTickets.nodeCpuMsPerMail)} ours), ` +
        `${fmt(rtReply.serverCpuMsPerMail, 0)} ms per reply (x` +
        `${fmt((rtReply.serverCpuMsPerMail ?? 0) / o.replies.nodeCpuMsPerMail)}); its database (SQLite) runs ` +
        "inside its server processes, so the fair comparison adds DynamoDB Local's CPU to ours: x" +
        `${fmt((rtNew.serverCpuMsPerMail ?? 0) / (o.newTickets.nodeCpuMsPerMail + o.newTickets.dynamoCpuMsPerMail))}` +
        ' per new ticket.',
      '',
    );
  if (cost?.newTicket.callsByOperation) {
    const calls = (x: Record<string, number>) =>
      Object.entries(x)
        .map(([k, v]) => `${k} ${fmt(v, 2)}`)
        .join(', ') || 'none';
    out.push(
      'Round trips to DynamoDB per mail (section 3, counted by the capacity middleware; the local stream ' +
        "poller's reads are Lambda's event source mapping on AWS and not counted): " +
        `new ticket inbound ${calls(cost.newTicket.callsByOperation.inbound)}; notify ` +
        `${calls(cost.newTicket.callsByOperation.notify)}. Reply inbound ` +
        `${calls(cost.reply.callsByOperation!.inbound)}; notify ${calls(cost.reply.callsByOperation!.notify)}. ` +
        'The minimum the design needs, and why: docs/performance.md.',
      '',
    );
  }
  if (floor) out.push(sdkFloorText(floor, cost), '');
  out.push(
    "The stack's CPU profile before and after issue 18, by package and function: " +
      '[bench/profile-outside-in.md](bench/profile-outside-in.md).',
    '',
  );
  if (profile) {
    out.push(
      'Where the node CPU goes in this run (`--cpu-prof`: V8 self time of the child, cut to the phase; the ' +
        "profiler's own sampling adds to the CPU figures above):",
      '',
    );
    for (const [phase, s] of Object.entries(profile)) {
      out.push(
        `- ${phase}: ${s.byPackage
          .slice(0, 8)
          .map((p) => `${p.name} ${p.share}%`)
          .join(', ')}`,
      );
    }
    out.push('');
  }
  return out;
}
