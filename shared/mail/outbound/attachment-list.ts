/**
 * The customer's files in the engineers' copy: each by name and size, and how the engineer gets it
 * (attached to this mail, a download link with the time it stops working, or gone from the store).
 * Never a bucket key, and never in a letter to a customer.
 */
import type { MaildeskConfig } from '../../config';
import type { Attachment } from '../../domain/ticket';
import { formatInstant, type Language } from './parts';
import { wordsOf } from './wording';

export type FileDelivery =
  | { kind: 'attached' }
  | { kind: 'link'; url: string; expiresAt: string | null }
  | { kind: 'missing' };

/** One customer file as the engineers' copy lists it; without `delivery`, by name and size only. */
export interface EngineerFile {
  filename: string;
  size: number;
  delivery?: FileDelivery;
}

const MB = 1024 * 1024;

/** "3 КБ", "12,5 МБ": KB rounded up below a megabyte, MB to one decimal above. */
export function sizePhrase(bytes: number, lang: Language): string {
  const w = wordsOf(lang).team.files;
  if (bytes < MB) return `${Math.max(1, Math.ceil(bytes / 1024))} ${w.kb}`;
  const mb = (Math.round((bytes / MB) * 10) / 10).toString();
  return `${lang === 'ru' ? mb.replace('.', ',') : mb} ${w.mb}`;
}

/** The files an event brought, before delivery decided how each goes: name and size only. */
export const listedFiles = (attachments: readonly Attachment[], keys: readonly string[] | undefined): EngineerFile[] =>
  attachments.filter((a) => keys?.includes(a.key)).map((a) => ({ filename: a.filename, size: a.size }));

function howLine(delivery: FileDelivery | undefined, config: MaildeskConfig, lang: Language): string[] {
  const w = wordsOf(lang).team.files;
  switch (delivery?.kind) {
    case undefined:
      return [];
    case 'attached':
      return [w.attached];
    case 'missing':
      return [w.missing];
    case 'link': {
      const until = formatInstant(delivery.expiresAt, config.timezone, lang);
      return [until ? w.link(until) : w.local, `    ${delivery.url}`];
    }
  }
}

/** "Вложения:" and a line per file (a link on the line after it); nothing when there are no files. */
export function fileLines(files: readonly EngineerFile[], config: MaildeskConfig, lang: Language): string[] {
  if (files.length === 0) return [];
  const lines = [wordsOf(lang).team.files.heading];
  for (const file of files) {
    const [how, ...rest] = howLine(file.delivery, config, lang);
    lines.push(`  - ${file.filename} (${sizePhrase(file.size, lang)})${how ? `: ${how}` : ''}`, ...rest);
  }
  return lines;
}
