/**
 * The top of a V8 CPU profile (`node --cpu-prof`): self time by package (AWS SDK, smithy, Node's http/net/streams,
 * our code, mailparser, zod, ...) and the functions with the most self time, as Markdown.
 * `npx tsx bench/profile-summary.ts <file.cpuprofile> [title]` prints it; bench/outside-in.ts profiles the stack.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byPackage: Array<{ name: string; ms: number; share: number }>;
  topFunctions: Array<{ name: string; where: string; pkg: string; ms: number; share: number }>;
}

const PACKAGE_GROUPS: Array<[RegExp, string]> = [
  [/node_modules\/@aws-sdk\//, 'AWS SDK'],
  [/node_modules\/@smithy\//, 'smithy (SDK core)'],
  [/node_modules\/(mailparser|libmime|libqp|libbase64|iconv-lite|encoding-japanese|punycode|tlds)\//, 'mailparser'],
  [/node_modules\/(nodemailer)\//, 'nodemailer'],
  [/node_modules\/(smtp-server|ipv6-normalize|base32.js)\//, 'smtp-server'],
  [/node_modules\/zod\//, 'zod'],
  [/node_modules\/(htmlparser2|entities|domhandler|domutils|dom-serializer|chardet)\//, 'html/charset'],
  [/node_modules\/(tsx|esbuild|get-tsconfig)\//, 'tsx (loader)'],
  [/node_modules\/(fast-xml-parser|strnum|bowser|uuid|tslib)\//, 'AWS SDK'],
  [/^node:(internal\/)?(http|_http|net|dns|tls|https|internal\/http|internal\/net|stream)/, 'node http/net'],
  [/^node:(internal\/)?(fs|internal\/fs)/, 'node fs'],
  [/^node:/, 'node other'],
  [/\/(shared|infra|functions|bench|bin)\//, 'our code'],
];

function packageOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return functionName ? `native: ${functionName}` : 'native';
  }
  const u = url.replace(/^file:\/\//, '');
  for (const [re, name] of PACKAGE_GROUPS) if (re.test(u)) return name;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1];
  return pkg ?? 'other';
}

const shortWhere = (url: string, line: number) =>
  `${url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*?\/(shared|infra|functions|bench|bin)\//, '$1/')}:${line + 1}`;

/**
 * `window`: only samples taken between these instants (µs of the monotonic clock, which V8's profile and
 * `process.hrtime` share on Linux), to leave out the stack's start-up and warm-up.
 */
export function summariseProfile(file: string, top = 25, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    self.set(id, (self.get(id) ?? 0) + delta / 1000);
  });
  const pkgMs = new Map<string, number>();
  const fnMs = new Map<string, { name: string; where: string; pkg: string; ms: number }>();
  let total = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const pkg = packageOf(node);
    if (pkg === 'idle') continue;
    total += ms;
    pkgMs.set(pkg, (pkgMs.get(pkg) ?? 0) + ms);
    const where = node.callFrame.url ? shortWhere(node.callFrame.url, node.callFrame.lineNumber) : '';
    const key = `${node.callFrame.functionName}@${where}`;
    const entry = fnMs.get(key) ?? { name: node.callFrame.functionName || '(anonymous)', where, pkg, ms: 0 };
    entry.ms += ms;
    fnMs.set(key, entry);
  }
  const share = (ms: number) => Math.round((ms / total) * 1000) / 10;
  return {
    totalMs: Math.round(total),
    byPackage: [...pkgMs]
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: share(ms) })),
    topFunctions: [...fnMs.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, ms: Math.round(f.ms), share: share(f.ms) })),
  };
}

export function profileMarkdown(s: ProfileSummary, title: string): string {
  const lines = [
    `### ${title}`,
    '',
    `${s.totalMs} ms of samples (idle excluded).`,
    '',
    '| package | self ms | share |',
  ];
  lines.push('| --- | --- | --- |');
  for (const p of s.byPackage.filter((x) => x.share >= 0.5)) lines.push(`| ${p.name} | ${p.ms} | ${p.share}% |`);
  lines.push('', '| function | where | package | self ms | share |', '| --- | --- | --- | --- | --- |');
  for (const f of s.topFunctions) lines.push(`| ${f.name} | ${f.where} | ${f.pkg} | ${f.ms} | ${f.share}% |`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, ...title] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [title]');
  process.stdout.write(profileMarkdown(summariseProfile(file), title.join(' ') || file));
}
