/**
 * Child process of the memory measurement (bench/memory.ts bundles it with the Lambda build
 * settings and runs it with plain node): reads one .eml and, by mode,
 * - baseline:   only loads the code and reads the file
 * - mailparser: simpleParser(raw) alone
 * - pipeline:   receiveMail + deliverEvent over in-memory stores, the raw mail copied once on
 *               the way in as S3MailStore does (Body.transformToByteArray, then Buffer.from)
 * and prints {"peakRssMb", "maxRssMb", "afterLoadRssMb", "ms", "outcome"}.
 *
 * peakRssMb is VmHWM from /proc/self/status: the high-water mark of this process image. On Linux
 * process.resourceUsage().maxRSS (getrusage ru_maxrss) survives exec, so a child spawned by a big
 * parent reports at least the parent's RSS at fork time; it is printed too, for comparison.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { jsonLogger } from '../shared/log';
import { INBOUND_PREFIX, sesEventFor, parseSesEvent } from '../shared/adapters/ses-event';
import { MailNotFoundError } from '../shared/domain/errors';
import type { FileLink, MailStore } from '../shared/use-cases/ports';
import { MemoryTicketStore } from '../shared/adapters/memory';
import { exampleConfig, makePipeline, processMail } from './pipeline';

const [file, mode, root] = process.argv.slice(2);
/** VmHWM (peak RSS of this process image) in MB, or getrusage's maxRSS where /proc is missing. */
function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS / 1024;
}

const afterLoadRssMb = peakRssMb();

/** The one raw mail, read from its file; attachments are not kept (put stores nothing). */
class FileBackedStore implements MailStore {
  async get(key: string): Promise<Buffer> {
    if (!key.startsWith(INBOUND_PREFIX)) throw new MailNotFoundError(key);
    const bytes = new Uint8Array(await readFile(file!));
    return Buffer.from(bytes);
  }
  async put(): Promise<void> {}
  async link(key: string): Promise<FileLink> {
    return { url: key, expiresAt: null };
  }
}

const t0 = performance.now();
let outcome = 'none';
if (mode === 'mailparser') {
  const parsed = await simpleParser(await readFile(file!));
  outcome = `attachments:${parsed.attachments.length}`;
} else if (mode === 'pipeline') {
  const p = makePipeline(
    new MemoryTicketStore(),
    new FileBackedStore(),
    exampleConfig(root),
    jsonLogger(() => {}),
  );
  const [inbound] = parseSesEvent(
    sesEventFor('memory', ['clinic-north@support.example', 'clinic-south@support.example']),
  );
  outcome = (await processMail(p, inbound!)).outcome.kind;
} else {
  outcome = `read:${(await readFile(file!)).length}`;
}
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({
    peakRssMb: peakRssMb(),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    afterLoadRssMb,
    ms,
    outcome,
  }),
);
