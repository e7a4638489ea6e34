/**
 * Where a signature starts: the RFC 3676 delimiter, a client signature ("Sent from my iPhone",
 * localised), a closing ("С уважением") or a "-Name" sign-off with only a few short lines after it.
 */
import { CLOSING, DASH_SIGN_OFF, MOBILE_SIGNATURE } from './reply-shapes';

const SIGNATURE_TAIL_LINES = 6;
const SIGNATURE_LINE_LENGTH = 70;

/** "Sent from TypeApp<http://...>" -> "Sent from TypeApp"; found by lastIndexOf so a long line costs one pass. */
function withoutTrailingLink(t: string): string {
  const open = t.lastIndexOf('<');
  return open >= 0 && /^<(?:https?|mailto):[^<>\s]{1,200}>$/i.test(t.slice(open)) ? t.slice(0, open).trimEnd() : t;
}

/** Where the signature starts, or -1. */
export function signatureStart(lines: readonly string[]): number {
  // A closing starts a signature only when what follows is a few short lines (name, role,
  // phone). Which lines qualify is read once from the end, so 50,000 "Regards" lines cost
  // one pass, not one pass each: `shortTail` is the first index from which the rest of the
  // mail is at most 6 non-blank lines, all short.
  let shortTail = lines.length;
  let tailLines = 0;
  for (let j = lines.length - 1; j >= 0; j--) {
    const t = lines[j]!.trim();
    if (t === '') {
      shortTail = j;
      continue;
    }
    if (t.length > SIGNATURE_LINE_LENGTH || ++tailLines > SIGNATURE_TAIL_LINES) break;
    shortTail = j;
  }
  let lastLine = lines.length - 1;
  while (lastLine >= 0 && lines[lastLine]!.trim() === '') lastLine--;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // RFC 3676 delimiter "-- " (also without the trailing space, as many clients send it).
    if (line.startsWith('--') && line.slice(2).trim() === '') return i;
    // "Sent from TypeApp<http://...>": the app's link is part of the signature line.
    const t = withoutTrailingLink(line.trim());
    if (t.length <= 80 && MOBILE_SIGNATURE.some((re) => re.test(t))) return i;
    if (t.length <= 60 && i + 1 >= shortTail && CLOSING.test(t)) return i;
    // "-Anna Smirnova" as the last line: a sign-off, as a closing is ("- Петров" with a space is a list item).
    if (i === lastLine && DASH_SIGN_OFF.test(t) && !/^\s*[-–—]/.test(lines[i - 1] ?? '')) return i;
  }
  return -1;
}
