/**
 * What a mail proves about its From domain: the table of verdict combinations, relaxed alignment,
 * and reading the DKIM signing domains from SES's own Authentication-Results only.
 */
import { describe, expect, it } from 'vitest';
import { authenticateSender, dkimDomainsFromStoredMail, dkimPassDomains, isAlignedDomain, type AuthenticationVerdicts } from '../../shared/mail/inbound/authentication';
import { localReceiptHeaders, verdictsFromStoredMail } from '../../shared/adapters/ses-event';

type Row = [name: string, verdicts: AuthenticationVerdicts, dkimDomains: string[], proof: 'dmarc' | 'aligned-dkim' | null, failed: boolean];

describe('authenticateSender: engineer@support.example', () => {
  const FROM = 'engineer1@support.example';
  const rows: Row[] = [
    // the reproductions: nothing about From is proven
    ['SPF pass alone, no DMARC published', { spf: 'PASS', dkim: 'NONE', dmarc: 'GRAY' }, [], null, false],
    ["DKIM pass of the attacker's domain, SPF fail, no DMARC", { spf: 'FAIL', dkim: 'PASS', dmarc: 'GRAY' }, ['evil.example'], null, false],
    // the controls
    ['DMARC pass', { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }, [], 'dmarc', false],
    ['DMARC pass by aligned SPF only', { spf: 'PASS', dkim: 'NONE', dmarc: 'PASS' }, [], 'dmarc', false],
    ['aligned DKIM, no DMARC (GRAY)', { spf: 'NONE', dkim: 'PASS', dmarc: 'GRAY' }, ['support.example'], 'aligned-dkim', false],
    ['aligned DKIM, DMARC NONE counts as GRAY', { spf: 'FAIL', dkim: 'PASS', dmarc: 'NONE' }, ['support.example'], 'aligned-dkim', false],
    ['one aligned signature among several', { spf: 'GRAY', dkim: 'PASS', dmarc: 'GRAY' }, ['esp.example', 'support.example'], 'aligned-dkim', false],
    // never enough
    ['aligned DKIM domain but SES says DKIM FAIL', { spf: 'PASS', dkim: 'FAIL', dmarc: 'GRAY' }, ['support.example'], null, false],
    ['aligned DKIM but DMARC FAIL', { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' }, ['support.example'], null, true],
    ['aligned DKIM but DMARC could not be checked', { spf: 'PASS', dkim: 'PASS', dmarc: 'PROCESSING_FAILED' }, ['support.example'], null, false],
    ['DKIM of a sibling of the From domain', { spf: 'NONE', dkim: 'PASS', dmarc: 'GRAY' }, ['other.example'], null, false],
    ['DKIM of the bare TLD', { spf: 'NONE', dkim: 'PASS', dmarc: 'GRAY' }, ['example'], null, false],
    ['DKIM of a look-alike suffix', { spf: 'NONE', dkim: 'PASS', dmarc: 'GRAY' }, ['port.example'], null, false],
    // customer-side failure
    ['everything fails', { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' }, [], null, true],
    ['SPF fails, no DKIM, no DMARC', { spf: 'FAIL', dkim: 'NONE', dmarc: 'GRAY' }, [], null, true],
    ['DKIM fails, SPF soft-fails', { spf: 'GRAY', dkim: 'FAIL', dmarc: 'NONE' }, [], null, true],
    ['nothing checked', { spf: 'NONE', dkim: 'NONE', dmarc: 'NONE' }, [], null, false],
    ['SPF soft-fails, no DKIM', { spf: 'GRAY', dkim: 'NONE', dmarc: 'GRAY' }, [], null, false],
  ];
  it.each(rows)('%s', (_name, verdicts, domains, proof, failed) => {
    const result = authenticateSender(FROM, verdicts, domains);
    expect(result.proof).toBe(proof);
    expect(result.failed).toBe(failed);
    expect(result.fromDomain).toBe('support.example');
  });
});

describe('isAlignedDomain (relaxed)', () => {
  it.each([
    ['support.example', 'support.example', true],
    ['mail.support.example', 'support.example', true],
    ['a.b.support.example', 'support.example', true],
    ['SUPPORT.example', 'support.EXAMPLE.', true],
    ['support.example', 'mail.support.example', false], // a child signs only for itself
    ['support.example', 'example', false], // single label
    ['support.example', 'pport.example', false],
    ['support.example', 'evil.example', false],
    ['support.example', '', false],
    ['support.example', 'support..example', false],
  ])('From %s, signed by %s: %s', (from, signer, aligned) => {
    expect(isAlignedDomain(from, signer)).toBe(aligned);
  });
});

describe("dkimPassDomains: SES's Authentication-Results", () => {
  it.each<[string, string, string[]]>([
    ['SES as it writes it', 'amazonses.com;\r\n spf=pass (spfCheck: domain of support.example designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=e@support.example; helo=mx.support.example;\r\n dkim=pass header.i=@support.example;\r\n dmarc=none header.from=support.example;', ['support.example']],
    ['several signatures, one failing', 'amazonses.com; spf=pass smtp.mailfrom=e@esp.example; dkim=pass header.i=@esp.example; dkim=fail header.i=@bad.example; dkim=pass header.d=support.example; dmarc=none', ['esp.example', 'support.example']],
    ['header.i with a local part', 'amazonses.com; spf=none; dkim=pass header.i=engineer1@support.example; dmarc=none', ['support.example']],
    ['no passing signature', 'amazonses.com; spf=pass; dkim=fail header.i=@support.example; dmarc=gray', []],
    ['a pass inside a comment is not a result', 'amazonses.com; spf=pass (dkim=pass header.i=@support.example); dkim=none; dmarc=none', []],
    ['sender-chosen envelope-from carrying a fake result', 'amazonses.com; spf=pass client-ip=192.0.2.1; envelope-from="x; dkim=pass header.d=support.example; y"@evil.example; helo=evil.example; dkim=pass header.i=@evil.example; dmarc=none', ['evil.example']],
    ['fake result before the real HELO, quotes dropped', 'amazonses.com; spf=pass client-ip=192.0.2.1; envelope-from=x; dkim=pass header.d=support.example; y@evil.example; helo=evil.example; dkim=none; dmarc=none', []],
    ['header.i with two @', 'amazonses.com; spf=none; dkim=pass header.i=@support.example@evil.example; dmarc=none', []],
    ['garbage domain', 'amazonses.com; spf=none; dkim=pass header.d=-bad-.example; dmarc=none', []],
  ])('%s', (_name, value, domains) => {
    expect(dkimPassDomains(value)).toEqual(domains);
  });
});

describe("the receipt block above a stored mail: only SES's first Authentication-Results counts", () => {
  const mail = (headers: string[]) => Buffer.from([...headers, 'From: engineer1@support.example', 'Subject: x', '', 'text'].join('\r\n'));
  const ses = (auth: string) => ['Return-Path: <e@support.example>', 'Received: from mx by inbound-smtp.eu-west-1.amazonaws.com', 'X-SES-Spam-Verdict: PASS', 'X-SES-Virus-Verdict: PASS', `Authentication-Results: ${auth}`, 'X-SES-RECEIPT: AEFBQUFB'];
  const PASS = 'amazonses.com; spf=pass; dkim=pass header.i=@support.example; dmarc=none';
  const EVIL = 'amazonses.com; spf=pass; dkim=pass header.i=@evil.example; dmarc=none';

  it.each<[string, string[], string[]]>([
    ["SES's block", ses(PASS), ['support.example']],
    ['a forged SES result after the receipt', [...ses(EVIL), `Authentication-Results: ${PASS}`], ['evil.example']],
    ['a forged SES result appended inside the block', [...ses(EVIL).slice(0, 5), `Authentication-Results: ${PASS}`, 'X-SES-RECEIPT: AEFB'], ['evil.example']],
    ["the first one is not SES's", [...ses('mx.other.example; dkim=pass header.i=@evil.example').slice(0, 5), `Authentication-Results: ${PASS}`, 'X-SES-RECEIPT: AEFB'], []],
    ['no receipt block (an .eml from elsewhere)', [`Authentication-Results: ${PASS}`], []],
    ['a receipt after the sender headers', ['Return-Path: <e@support.example>', 'From: x@evil.example', `Authentication-Results: ${PASS}`, 'X-SES-RECEIPT: AEFB'], []],
  ])('%s', (_name, headers, domains) => {
    expect(dkimDomainsFromStoredMail(mail(headers))).toEqual(domains);
  });

  it('verdictsFromStoredMail: a forged amazonses.com result after SES\'s X-SES-RECEIPT is not SES\'s (regression: read as all PASS before)', () => {
    const withoutSesAuth = ['Return-Path: <e@support.example>', 'Received: from mx by inbound-smtp.eu-west-1.amazonaws.com', 'X-SES-Spam-Verdict: PASS', 'X-SES-Virus-Verdict: PASS', 'X-SES-RECEIPT: AEFB'];
    const raw = mail([...withoutSesAuth, 'Authentication-Results: amazonses.com; spf=pass; dkim=pass header.i=@support.example; dmarc=pass']);
    expect(verdictsFromStoredMail(raw)).toEqual({ spam: 'PASS', virus: 'PASS', spf: 'NONE', dkim: 'NONE', dmarc: 'NONE' });
    expect(dkimDomainsFromStoredMail(raw)).toEqual([]);
  });

  it('localReceiptHeaders writes what the readers read back', () => {
    const verdicts = { spam: 'PASS', virus: 'PASS', spf: 'FAIL', dkim: 'PASS', dmarc: 'GRAY' } as const;
    const raw = Buffer.concat([Buffer.from(localReceiptHeaders('x1', verdicts, ['esp.example', 'support.example'])), mail([])]);
    expect(dkimDomainsFromStoredMail(raw)).toEqual(['esp.example', 'support.example']);
    expect(verdictsFromStoredMail(raw)).toEqual(verdicts);
    // the default (the local SMTP stack): all PASS including DMARC, no domains needed
    const local = Buffer.concat([Buffer.from(localReceiptHeaders('x2', { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' })), mail([])]);
    expect(verdictsFromStoredMail(local)).toMatchObject({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(authenticateSender('engineer1@support.example', verdictsFromStoredMail(local)!, dkimDomainsFromStoredMail(local)).proof).toBe('dmarc');
  });
});

describe('verdictsFromStoredMail reads results, not text', () => {
  it('a "dkim=pass" inside an SPF comment is not the DKIM result', () => {
    const block = 'X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\nAuthentication-Results: amazonses.com;\r\n spf=fail (spfCheck: said dkim=pass here) smtp.mailfrom=a@evil.example;\r\n dkim=fail header.i=@evil.example;\r\n dmarc=fail header.from=evil.example;\r\nX-SES-RECEIPT: AAAA\r\n';
    const raw = Buffer.from(`${block}From: a@evil.example\r\nSubject: s\r\n\r\nbody`);
    expect(verdictsFromStoredMail(raw)).toMatchObject({ spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' });
  });
});
