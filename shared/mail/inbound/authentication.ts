/**
 * What an inbound mail proves about its From domain. Pure: SES's verdicts and SES's own
 * `Authentication-Results: amazonses.com; ...` header (from the receipt block above the stored mail)
 * in, a proof out. No AWS imports.
 *
 * Rules (README "Authentication"):
 * - proof `dmarc`: SES's DMARC verdict is PASS (the From domain's own policy was met, by aligned SPF or DKIM);
 * - proof `aligned-dkim`: the From domain publishes no DMARC (SES says GRAY; NONE counts the same), SES's
 *   DKIM verdict is PASS and one passing signature's domain is the From domain or a parent of it (relaxed
 *   alignment; never a single label such as a bare TLD);
 * - SPF proves nothing about From (it checks the envelope domain, which the sender chooses), nor does a
 *   DKIM pass of some other domain; DMARC FAIL, PROCESSING_FAILED or DISABLED never prove anything;
 * - `failed` (customer mail): DMARC FAIL, or neither SPF nor DKIM passing with at least one FAIL.
 */

export type SesVerdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED' | 'NONE';

export interface AuthenticationVerdicts {
  spf: SesVerdict;
  dkim: SesVerdict;
  dmarc: SesVerdict;
}

export type SenderProof = 'dmarc' | 'aligned-dkim';

export interface SenderAuthentication {
  /** the From address's domain, lower-case */
  fromDomain: string;
  /** how the From domain proved itself, or null: only a proven engineer's #commands count */
  proof: SenderProof | null;
  /** the mail positively failed: it may leave a comment, never move a ticket or add people */
  failed: boolean;
  /** signing domains of the DKIM signatures SES saw pass (shown to an engineer whose mail was not proven) */
  dkimDomains: string[];
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const domainOfAddress = (address: string): string =>
  (address.slice(address.lastIndexOf('@') + 1) || '').toLowerCase();

/**
 * Relaxed alignment without a public-suffix list: the signing domain is the From domain or one of its
 * parents, and has at least two labels (a signature of `ru` or `com` proves nothing).
 */
export function isAlignedDomain(fromDomain: string, signingDomain: string): boolean {
  const from = fromDomain.toLowerCase().replace(/\.$/, '');
  const signer = signingDomain.toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(from) || !DOMAIN.test(signer) || !signer.includes('.')) return false;
  return from === signer || from.endsWith(`.${signer}`);
}

export function authenticateSender(
  fromAddress: string,
  verdicts: AuthenticationVerdicts,
  dkimDomains: readonly string[],
): SenderAuthentication {
  const fromDomain = domainOfAddress(fromAddress);
  const noDmarcPublished = verdicts.dmarc === 'GRAY' || verdicts.dmarc === 'NONE';
  const aligned =
    verdicts.dkim === 'PASS' && noDmarcPublished && dkimDomains.some((d) => isAlignedDomain(fromDomain, d));
  const proof: SenderProof | null = verdicts.dmarc === 'PASS' ? 'dmarc' : aligned ? 'aligned-dkim' : null;
  const failed =
    !proof &&
    (verdicts.dmarc === 'FAIL' ||
      (verdicts.spf !== 'PASS' && verdicts.dkim !== 'PASS' && (verdicts.spf === 'FAIL' || verdicts.dkim === 'FAIL')));
  return { fromDomain, proof, failed, dkimDomains: [...new Set(dkimDomains.map((d) => d.toLowerCase()))] };
}

/**
 * Splits an Authentication-Results value (RFC 8601) into its `;`-separated parts, dropping comments
 * `( ... )` and keeping quoted strings whole: text the sender chose (envelope-from, HELO) must not
 * become a result of its own.
 */
function resultParts(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (!depth) current += c + (value[i + 1] ?? '');
      i++;
    } else if (quoted) {
      current += c;
      if (c === '"') quoted = false;
    } else if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
    } else if (c === '(') {
      depth = 1;
      current += ' ';
    } else if (c === '"') {
      quoted = true;
      current += c;
    } else if (c === ';') {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts.filter(Boolean);
}

/** SPF's part and its properties carry sender-chosen text; SES writes the DKIM results after them. */
const SPF_PART = /^(?:spf|client-ip|envelope-from|helo|smtp\.mailfrom|smtp\.helo)\s*=/i;

/**
 * The result SES recorded for one method (`spf`, `dkim`, `dmarc`) in its Authentication-Results value,
 * lower-cased, or null. Read from the parsed parts, never by a search through the raw text: DKIM and
 * DMARC only after SPF's sender-chosen properties (envelope-from, HELO), the first of each.
 */
export function methodResult(authenticationResults: string, method: 'spf' | 'dkim' | 'dmarc'): string | null {
  const parts = resultParts(authenticationResults);
  const lastSpf = parts.reduce((last, part, i) => (SPF_PART.test(part) ? i : last), -1);
  for (const part of method === 'spf' ? parts : parts.slice(lastSpf + 1)) {
    const m = /^([a-z]+)\s*=\s*([a-z]+)/i.exec(part);
    if (m && m[1]!.toLowerCase() === method) return m[2]!.toLowerCase();
  }
  return null;
}

/**
 * The signing domains of the passing DKIM results in SES's Authentication-Results value
 * (`dkim=pass header.i=@example.com` or `header.d=example.com`), one per signature.
 * The value starts with the authserv-id; the caller checks it is `amazonses.com`.
 */
export function dkimPassDomains(authenticationResults: string): string[] {
  const parts = resultParts(authenticationResults);
  const lastSpf = parts.reduce((last, part, i) => (SPF_PART.test(part) ? i : last), -1);
  const domains: string[] = [];
  for (const part of parts.slice(lastSpf + 1)) {
    const tokens = part.split(/\s+/);
    if (!/^dkim\s*=\s*pass$/i.test(tokens[0] ?? '')) continue;
    for (const token of tokens.slice(1)) {
      const property = /^header\.(d|i)=(.+)$/i.exec(token);
      if (!property) continue;
      const value = property[2]!.replace(/^"(.*)"$/, '$1').toLowerCase();
      const domain = property[1]!.toLowerCase() === 'd' ? value : /^[^@\s"]*@([^@\s"]+)$/.exec(value)?.[1];
      if (domain && DOMAIN.test(domain)) {
        domains.push(domain);
        break;
      }
    }
  }
  return [...new Set(domains)];
}

/** Headers SES's S3 action puts above the received message. */
const SES_BLOCK = new Set([
  'return-path',
  'received',
  'x-ses-spam-verdict',
  'x-ses-virus-verdict',
  'received-spf',
  'authentication-results',
  'x-ses-receipt',
  'x-ses-dkim-signature',
  'arc-seal',
  'arc-message-signature',
  'arc-authentication-results',
]);

export interface SesReceipt {
  /** header fields of SES's block, in order, up to and including its X-SES-RECEIPT */
  fields: Array<{ name: string; value: string }>;
  /** SES's own Authentication-Results value: the block's first one, and only if it is `amazonses.com;` */
  authenticationResults: string | null;
}

/**
 * SES's receipt block at the top of a stored raw mail, or null (an .eml from elsewhere). The block ends
 * at SES's X-SES-RECEIPT: everything after it was written by the sender, so an
 * `Authentication-Results: amazonses.com; dkim=pass ...` there is never taken for SES's.
 */
export function readSesReceipt(raw: Buffer): SesReceipt | null {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = /\r?\n\r?\n/.exec(head)?.index ?? head.length;
  const lines = head
    .slice(0, end)
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/);
  const fields: SesReceipt['fields'] = [];
  let receipt = false;
  for (const line of lines) {
    const m = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    const name = m?.[1]?.toLowerCase();
    if (!m || !name || !SES_BLOCK.has(name)) break;
    fields.push({ name, value: m[2]! });
    if (name === 'x-ses-receipt') {
      receipt = true;
      break;
    }
  }
  if (!receipt) return null;
  const firstAuth = fields.find((f) => f.name === 'authentication-results')?.value ?? null;
  return { fields, authenticationResults: firstAuth && /^\s*amazonses\.com\s*;/i.test(firstAuth) ? firstAuth : null };
}

/** The passing DKIM signing domains SES recorded above a stored mail ([] when there is no SES block). */
export function dkimDomainsFromStoredMail(raw: Buffer): string[] {
  const auth = readSesReceipt(raw)?.authenticationResults;
  return auth ? dkimPassDomains(auth) : [];
}
