/** Local stand-in for the raw-mail bucket: keys are relative paths under one folder. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { MailNotFoundError } from '../domain/errors';
import type { FileLink, MailStore } from '../use-cases/ports';

export class FolderMailStore implements MailStore {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const full = resolve(join(this.root, key));
    // Keys come from our own code, but never let one escape the folder.
    if (!full.startsWith(this.root + sep)) throw new Error(`mail key escapes the store: ${key}`);
    return full;
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(key));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw new MailNotFoundError(key, { cause });
      throw cause;
    }
  }

  async put(key: string, body: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }

  /** The file's own path on this machine: it lasts as long as the data folder, so it has no expiry. */
  async link(key: string): Promise<FileLink> {
    return { url: this.path(key), expiresAt: null };
  }
}
