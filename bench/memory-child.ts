/**
 * Child process of the memory measurement (bench/memory.ts bundles it with the Lambda build
 * settings and runs it with plain node): reads one .eml and, by mode,
 * - baseline:   only loads the code and reads the file
 * - mailparser: simpleParser(raw) alone
 * - pipeline:   receiveMail + deliverEvent over in-memory stores, the raw mail copied once on
 *               the way in as S3MailStore does (Body.transformToByteArray, then Buffer.from)
 * and prints {"maxRssMb", "afterLoadRssMb", "ms", "outcome"} from process.resourceUsage().
 */
import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { jsonLogger } from '../shared/log';
import { sesEventFor, parseSesEvent } from '../shared/ses-event';
import type { MailStore } from '../shared/use-cases/ports';
import { MemoryTicketStore, exampleConfig, makePipeline, processMail } from './pipeline';

const [file, mode, root] = process.argv.slice(2);
const afterLoadRssMb = process.resourceUsage().maxRSS / 1024;

class FileBackedStore implements MailStore {
  async get(): Promise<Buffer> {
    const bytes = new Uint8Array(await readFile(file!));
    return Buffer.from(bytes);
  }
  async put(): Promise<void> {}
}

const t0 = performance.now();
let outcome = 'none';
if (mode === 'mailparser') {
  const parsed = await simpleParser(await readFile(file!));
  outcome = `attachments:${parsed.attachments.length}`;
} else if (mode === 'pipeline') {
  const p = makePipeline(new MemoryTicketStore(), new FileBackedStore(), exampleConfig(root), jsonLogger(() => {}));
  const [inbound] = parseSesEvent(sesEventFor('memory', ['clinic-north@support.example', 'clinic-south@support.example']));
  outcome = (await processMail(p, inbound!)).outcome.kind;
} else {
  outcome = `read:${(await readFile(file!)).length}`;
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, afterLoadRssMb, ms, outcome }));
