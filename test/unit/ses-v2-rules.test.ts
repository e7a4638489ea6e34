/**
 * The strict SES v2 SendEmail validator: each rule refuses what AWS documents it refuses, with
 * AWS's exception name, and a well-formed raw send passes.
 */
import { describe, expect, it } from 'vitest';
import { checkSendEmail, MAX_LINE_OCTETS, type SendEmailRequest, type SesAccount } from '../../shared/adapters/ses-v2-rules';

const account: SesAccount = { verifiedIdentities: ['support.example'], configurationSets: ['maildesk'], requiredConfigurationSet: 'maildesk' };

const rawMail = (head: string[], body = 'Hello') => Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}\r\n`, 'latin1');
const HEAD = ['From: =?UTF-8?B?0KHQtdCy0LXRgNC90LDRjyDQutC70LjQvdC40LrQsA==?= <clinic-north@support.example>', 'To: user@clinic.example', 'Subject: Test', 'MIME-Version: 1.0'];

const good = (over: Partial<SendEmailRequest> = {}): SendEmailRequest => ({
  FromEmailAddress: '=?UTF-8?B?0KHQtdCy0LXRgNC90LDRjyDQutC70LjQvdC40LrQsA==?= <clinic-north@support.example>',
  Destination: { ToAddresses: ['user@clinic.example'] },
  Content: { Raw: { Data: rawMail(HEAD) } },
  ConfigurationSetName: 'maildesk',
  ...over,
});

const ruleOf = (request: SendEmailRequest, acc = account) => {
  const r = checkSendEmail(request, acc);
  return r ? `${r.name}:${r.rule}` : null;
};

describe('checkSendEmail', () => {
  it('takes a well-formed raw send (encoded-word sender name, verified domain, configuration set)', () => {
    expect(checkSendEmail(good(), account)).toBeNull();
    expect(checkSendEmail(good({ FromEmailAddress: '"North \\"Best\\" Clinic" <clinic-north@support.example>' }), account)).toBeNull();
    expect(checkSendEmail(good({ FromEmailAddress: 'clinic-north@mail.support.example' }), account)).toBeNull(); // a subdomain of a verified domain
  });

  it.each<[string, Partial<SendEmailRequest>, string]>([
    ['a raw Cyrillic sender name', { FromEmailAddress: '"Северная клиника" <clinic-north@support.example>' }, 'BadRequestException:from-ascii'],
    ['an unbalanced quoted sender name', { FromEmailAddress: '"North Best Clinic <clinic-north@support.example>' }, 'BadRequestException:from-syntax'],
    ['a From on an unverified domain', { FromEmailAddress: 'desk@elsewhere.example' }, 'MessageRejected:from-verified'],
    ['51 recipients', { Destination: { ToAddresses: Array.from({ length: 30 }, (_, i) => `t${i}@x.example`), CcAddresses: Array.from({ length: 21 }, (_, i) => `c${i}@x.example`) } }, 'MessageRejected:recipient-count'],
    ['a recipient without a domain dot', { Destination: { ToAddresses: ['user@localhost'] } }, 'BadRequestException:recipient-syntax'],
    ['a Unicode recipient', { Destination: { ToAddresses: ['пользователь@clinic.example'] } }, 'BadRequestException:recipient-syntax'],
    ['no configuration set', { ConfigurationSetName: undefined }, 'BadRequestException:configuration-set-named'],
    ['an unknown configuration set', { ConfigurationSetName: 'other' }, 'NotFoundException:configuration-set-exists'],
    ['no content', { Content: {} }, 'BadRequestException:content-kind'],
    ['no From header', { Content: { Raw: { Data: rawMail(HEAD.slice(1)) } } }, 'MessageRejected:from-header'],
    ['two From headers', { Content: { Raw: { Data: rawMail([...HEAD, 'From: other@support.example']) } } }, 'MessageRejected:header-once'],
    ['a From header on an unverified domain', { FromEmailAddress: undefined, Content: { Raw: { Data: rawMail(['From: a@elsewhere.example', ...HEAD.slice(1)]) } } }, 'MessageRejected:from-verified'],
    ['8-bit header text', { Content: { Raw: { Data: Buffer.from(`${HEAD.join('\r\n')}\r\nSubject-Extra: Тест\r\n\r\nx`, 'utf8') } } }, 'MessageRejected:header-ascii'],
    ['a line of 999 octets', { Content: { Raw: { Data: rawMail(HEAD, 'x'.repeat(MAX_LINE_OCTETS + 1)) } } }, 'MessageRejected:line-length'],
    ['no blank line after the header', { Content: { Raw: { Data: Buffer.from(HEAD.join('\r\n')) } } }, 'MessageRejected:header-body'],
    ['no recipient anywhere', { Destination: undefined, Content: { Raw: { Data: rawMail([HEAD[0]!, 'Subject: x']) } } }, 'MessageRejected:no-recipient'],
  ])('refuses %s', (_what, over, expected) => {
    expect(ruleOf(good(over))).toBe(expected);
  });

  it('a line of exactly 998 octets passes; the limit is per line, CRLF not counted', () => {
    expect(checkSendEmail(good({ Content: { Raw: { Data: rawMail(HEAD, 'x'.repeat(MAX_LINE_OCTETS)) } } }), account)).toBeNull();
  });

  it('refuses a message above 40 MB after base64 (30 MB raw is 40 MB encoded)', () => {
    const big = Buffer.alloc(31 * 1024 * 1024, 'A\r\n');
    expect(ruleOf(good({ Content: { Raw: { Data: Buffer.concat([rawMail(HEAD, ''), big]) } } }))).toBe('MessageRejected:raw-size');
    const fits = Buffer.alloc(29 * 1024 * 1024, 'A\r\n');
    expect(checkSendEmail(good({ Content: { Raw: { Data: Buffer.concat([rawMail(HEAD, ''), fits]) } } }), account)).toBeNull();
  });

  it('an address identity covers that address only', () => {
    const byAddress: SesAccount = { verifiedIdentities: ['clinic-north@support.example'] };
    expect(checkSendEmail(good({ ConfigurationSetName: undefined }), byAddress)).toBeNull();
    expect(ruleOf(good({ ConfigurationSetName: undefined, FromEmailAddress: 'clinic-south@support.example' }), byAddress)).toBe('MessageRejected:from-verified');
  });
});
