/** Addresses as SES v2 takes them: ASCII, an RFC 5322 subset, on a verified identity. */
import { reject, SES_DOCS, type SesAccount, type SesRejection } from './ses-v2-request';

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
/** Destination: UserName@[SubDomain.]Domain.TopLevelDomain (a dot-atom local part, a dotted host name). */
const ADDR_SPEC = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})+$`);

/** `addr`, or a display name (atoms, quoted strings, encoded-words, dots) then `<addr>`; null when malformed. */
export function parseMailbox(input: string): { name: string; address: string } | null {
  const text = input.trim();
  if (!text.endsWith('>')) return ADDR_SPEC.test(text) ? { name: '', address: text } : null;
  const open = text.lastIndexOf('<');
  if (open < 0) return null;
  const address = text.slice(open + 1, -1);
  const phrase = text.slice(0, open).trim();
  if (!ADDR_SPEC.test(address) || !isPhrase(phrase)) return null;
  return { name: phrase, address };
}

/**
 * A phrase: words separated by whitespace, each an atom (encoded-words are atoms), a dot run, or a well-formed quoted
 * string.
 */
function isPhrase(phrase: string): boolean {
  if (phrase === '') return true;
  return /^(?:[ \t]*(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+|"(?:[^"\\\r\n]|\\[\x20-\x7e\t])*"))+[ \t]*$/.test(phrase);
}

export const isAscii = (text: string) => /^[\x20-\x7e\t]*$/.test(text);

/**
 * verify-addresses-and-domains: an address identity covers that address; a domain identity
 * covers every address at the domain and at its subdomains.
 */
export function isVerified(address: string, account: SesAccount): boolean {
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return account.verifiedIdentities.some((identity) => {
    const id = identity.toLowerCase();
    return id.includes('@') ? id === lower : domain === id || domain.endsWith(`.${id}`);
  });
}

/** The sender (FromEmailAddress, or the Raw From header) on a verified identity, or SES's refusal. */
export function checkVerified(address: string, account: SesAccount): SesRejection | null {
  if (isVerified(address, account)) return null;
  return reject(
    'MessageRejected',
    'from-verified',
    SES_DOCS.identities,
    `Email address is not verified. The following identities failed the check: ${address}`,
  );
}
