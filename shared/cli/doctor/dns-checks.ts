/** DNS checks: the desk domain's MX points at SES receiving; DMARC of the desk domain and the engineers' domains. */
import type { Resolver } from 'node:dns/promises';
import type { MaildeskConfig } from '../../config';
import { domainOf, errorText, fail, ok, warn, type Finding } from './findings';

const dnsMissing = (error: unknown) => ['ENOTFOUND', 'ENODATA'].includes((error as { code?: string }).code ?? '');

export async function mxFinding(resolver: Resolver, domain: string, region: string | undefined): Promise<Finding> {
  const check = `mx ${domain}`;
  if (!region) return warn(check, 'not checked: no region to compare with', 'set "deployment.region"');
  const expected = `inbound-smtp.${region}.amazonaws.com`;
  const fix = `publish "${domain}. MX 10 ${expected}" (stack output DnsMxRecord), and no other MX`;
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (error) {
    if (dnsMissing(error)) return fail(check, `${domain} has no MX record: mail to the desk is not delivered`, fix);
    return fail(check, `DNS lookup failed (${errorText(error)})`, 'check the resolver (--dns) and the domain');
  }
  if (records.length === 0) return fail(check, `${domain} has no MX record`, fix);
  const hosts = records.map((r) => ({ host: r.exchange.toLowerCase().replace(/\.$/, ''), priority: r.priority }));
  const list = hosts.map((h) => `${h.priority} ${h.host}`).join(', ');
  const ours = hosts.filter((h) => h.host === expected);
  if (ours.length === 0) return fail(check, `MX ${list}: none is ${expected}`, fix);
  const best = Math.min(...hosts.map((h) => h.priority));
  if (hosts.some((h) => h.host !== expected)) {
    if (ours[0]!.priority > best) return fail(check, `MX ${list}: another host is preferred to ${expected}`, fix);
    return warn(check, `MX ${list}: other hosts besides ${expected} get mail when SES is busy`, fix);
  }
  return ok(check, `MX ${list}`);
}

/**
 * The DMARC record of a domain: `_dmarc.<domain>`, else (RFC 7489 6.6.3) the organizational
 * domain's, approximated here by the parents of the domain down to two labels.
 */
async function dmarcRecord(resolver: Resolver, domain: string): Promise<{ at: string; records: string[] } | undefined> {
  const labels = domain.split('.');
  for (let i = 0; i <= labels.length - 2; i++) {
    const at = labels.slice(i).join('.');
    try {
      const txt = await resolver.resolveTxt(`_dmarc.${at}`);
      const records = txt.map((chunks) => chunks.join('')).filter((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t));
      if (records.length) return { at, records };
    } catch (error) {
      if (!dnsMissing(error)) throw error;
    }
  }
  return undefined;
}

export async function dmarcFinding(
  resolver: Resolver,
  domain: string,
  role: 'desk' | 'engineers',
  who = '',
): Promise<Finding> {
  const check = `dmarc ${domain}`;
  const publish =
    `publish "_dmarc.${domain}. TXT \\"v=DMARC1; p=none\\"" or stricter, ` + `with SPF or DKIM aligned to ${domain}`;
  let found: Awaited<ReturnType<typeof dmarcRecord>>;
  try {
    found = await dmarcRecord(resolver, domain);
  } catch (error) {
    return fail(check, `DNS lookup failed (${errorText(error)})`, 'check the resolver (--dns) and the domain');
  }
  if (!found) {
    return role === 'desk'
      ? warn(
          check,
          `${domain} publishes no DMARC: mail forged in the desk's name is not refused`,
          'publish the record of the stack output DnsDmarcRecord (docs/deploy.md, step 5)',
        )
      : warn(
          check,
          `${domain} (${who}) publishes no DMARC: their #commands apply only if their mail is DKIM-signed as ` +
            `d=${domain}`,
          publish,
        );
  }
  if (found.records.length > 1)
    return fail(
      check,
      `${found.records.length} DMARC records at _dmarc.${found.at}: receivers then apply none (RFC 7489 6.6.3)`,
      'keep exactly one',
    );
  const policy = /(?:^|;)\s*p\s*=\s*(\w+)/i.exec(found.records[0]!)?.[1]?.toLowerCase() ?? '?';
  const where = found.at === domain ? '' : ` (inherited from ${found.at})`;
  return ok(check, `${role === 'engineers' ? `${who}: ` : ''}p=${policy}${where}`);
}

export async function engineerDmarcFindings(resolver: Resolver, config: MaildeskConfig): Promise<Finding[]> {
  const byDomain = new Map<string, string[]>();
  for (const e of config.engineers)
    byDomain.set(domainOf(e.address), [...(byDomain.get(domainOf(e.address)) ?? []), e.login]);
  return Promise.all(
    [...byDomain].map(([domain, logins]) =>
      dmarcFinding(resolver, domain, 'engineers', `engineers ${logins.join(', ')}`),
    ),
  );
}
