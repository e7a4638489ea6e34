/**
 * Splits an address list at commas outside quoted strings and angle brackets (parts untrimmed).
 * Shared by the MIME writer and the SES request rules, which must agree on what a list is.
 */
export function splitAddressList(input: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted && c === '\\') i++;
    else if (c === '"' && !angle) quoted = !quoted;
    else if (!quoted && c === '<') angle = true;
    else if (!quoted && c === '>') angle = false;
    else if (!quoted && !angle && c === ',') {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(input.slice(start));
  return parts;
}
