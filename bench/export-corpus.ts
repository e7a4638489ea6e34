/**
 * Writes the bench corpus's new-ticket mails and replies (the ingest measurement's mails) as .eml
 * files plus index.tsv (file, kind, Message-ID, parent Message-ID), for bench/peer-rt.sh and for
 * reading by eye. Same corpus as `npm run bench` [--quick] (same seed, sizes and digest).
 *
 *   npx tsx bench/export-corpus.ts [--out bench/out/corpus] [--quick]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { corpusStats, generateCorpus } from './corpus';
import { benchProfile, corpusOptions } from './profile';

const args = process.argv.slice(2);
const out = resolve(
  args[args.indexOf('--out') + 1] && args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'bench/out/corpus',
);
const profile = benchProfile(args.includes('--quick'));
const corpus = await generateCorpus(corpusOptions(profile));
await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'new'), { recursive: true });
await mkdir(join(out, 'reply'), { recursive: true });
const rows: string[] = [];
for (const mail of [...corpus.newMails, ...corpus.replies]) {
  const file = `${mail.kind}/${mail.id}.eml`;
  await writeFile(join(out, file), mail.raw);
  rows.push([file, mail.kind, mail.messageId, mail.parentMessageId ?? ''].join('\t'));
}
await writeFile(join(out, 'index.tsv'), `${rows.join('\n')}\n`);
const stats = corpusStats(corpus);
await writeFile(join(out, 'stats.json'), `${JSON.stringify({ profile: profile.name, ...stats }, null, 2)}\n`);
console.log(
  `corpus (${profile.name}, seed ${profile.seed}): ${stats.mails} mails, ${(stats.bytes / 1024 / 1024).toFixed(1)} ` +
    `MB -> ${out}`,
);
