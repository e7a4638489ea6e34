/**
 * 7-day attachment links that last 7 days on AWS (issue 17 follow-up). A presigned URL dies with the
 * credentials that signed it; notify's role has session credentials (hours). So notify signs with the
 * attachment-links IAM user's access key, read from the SSM stand-in (SecureString JSON), and the
 * S3 stand-in, given the keys IAM would know, checks the signature and the session's end as S3 does.
 * Without the parameter: signed by the role, for the hour the letter then states, one warning.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaDesk, s3MailSignedLinks } from '../../functions/wiring';
import { S3MailStore, SESSION_LINK_SECONDS } from '../../shared/adapters/s3-mail-store';
import { parseSigningKey, ssmLinkSigningKey } from '../../shared/adapters/ssm-link-key';
import { startS3Standin, type S3Standin } from '../../shared/adapters/standins/s3-standin';
import { startSsmStandin, type SsmParameter, type SsmStandin } from '../../shared/adapters/standins/ssm-standin';
import { parseConfig } from '../../shared/config';
import { memoryLogger } from '../../shared/log';
import { fileLines } from '../../shared/mail/outbound/attachment-list';
import { FILE_LINK_SECONDS } from '../../shared/use-cases/engineer-files';

const region = 'eu-west-1';
const BUCKET = 'raw-mail';
const PARAMETER = '/maildesk/attachment-link-key';
const signedAt = new Date('2026-12-03T10:15:00.000Z');
const key = 'attachments/ses-1/1-скриншот ошибки.png';
const png = readFileSync('test/fixtures/mail/screenshot.png');
const HOUR = 3600 * 1000;

// the attachment-links user's long-term key (what ops store), and notify's role session (what Lambda gives)
const userKey = { accessKeyId: 'AKIAATTACHMENTLINKS1', secretAccessKey: 'user-secret/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const role = {
  accessKeyId: 'ASIANOTIFYROLESESS01',
  secretAccessKey: 'role-secret/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'notify-role-session-token',
};
const roleEndsAt = new Date(signedAt.getTime() + 6 * HOUR);
const config = parseConfig(JSON.parse(readFileSync('maildesk.config.example.json', 'utf8')));

const clock = { now: signedAt };
let s3Standin: S3Standin;
let ssmStandin: SsmStandin | null = null;
const parameters: Record<string, SsmParameter> = {};
const clients: Array<{ destroy(): void }> = [];

async function startSsm(port = 0) {
  ssmStandin = await startSsmStandin({ parameters, port });
  return ssmStandin;
}

function ssmClient(): SSMClient {
  const c = new SSMClient({ endpoint: ssmStandin!.endpoint, region, credentials: role, maxAttempts: 1 });
  clients.push(c);
  return c;
}

/** notify's S3 client: the role's session, as Lambda passes it (no expiry known to the SDK). */
function roleS3(): S3Client {
  const c = new S3Client({ endpoint: s3Standin.endpoint, region, credentials: role, maxAttempts: 1 });
  clients.push(c);
  return c;
}

const param = (url: string, name: string) => new URL(url).searchParams.get(name);

beforeAll(async () => {
  s3Standin = await startS3Standin({
    buckets: [BUCKET],
    now: () => clock.now,
    // what IAM knows: the user's key, and the role's session until it ends
    keys: {
      [userKey.accessKeyId]: { secretAccessKey: userKey.secretAccessKey },
      [role.accessKeyId]: { secretAccessKey: role.secretAccessKey, sessionToken: role.sessionToken, expiresAt: roleEndsAt },
    },
  });
  s3Standin.put(BUCKET, key, png, 'image/png');
});
afterAll(async () => {
  await s3Standin?.close();
});
beforeEach(async () => {
  clock.now = signedAt;
  s3Standin.refusals.length = 0;
  for (const name of Object.keys(parameters)) delete parameters[name];
  await startSsm();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await ssmStandin?.close();
  ssmStandin = null;
});

describe('the signing key from SSM: links that live 7 days', () => {
  it('signed with the user key: X-Amz-Expires 604800, no session token; the file on the last second, after the role session ended', async () => {
    // given the parameter as ops store it
    parameters[PARAMETER] = { type: 'SecureString', value: JSON.stringify(userKey) };
    const log = memoryLogger();
    const store = new S3MailStore(roleS3(), BUCKET, () => signedAt, ssmLinkSigningKey(ssmClient, PARAMETER, log));
    // when two links are made
    const link = await store.link(key, { validForSeconds: FILE_LINK_SECONDS, filename: 'скриншот ошибки.png' });
    const second = await store.link(`${key}.2`, { validForSeconds: FILE_LINK_SECONDS });
    // then both are the user's, for 7 days, and the parameter was read once (decrypted)
    expect(param(link.url, 'X-Amz-Credential')).toBe(`${userKey.accessKeyId}/20261203/${region}/s3/aws4_request`);
    expect(param(link.url, 'X-Amz-Expires')).toBe('604800');
    expect(param(link.url, 'X-Amz-Security-Token')).toBeNull();
    expect(link.expiresAt).toBe('2026-12-10T10:15:00.000Z');
    expect(param(second.url, 'X-Amz-Credential')).toMatch(/^AKIAATTACHMENTLINKS1\//);
    expect(ssmStandin!.reads).toEqual([PARAMETER]);
    expect(ssmStandin!.refusals).toEqual([]);
    expect(log.entries).toEqual([]);
    // and S3 serves it on its last second, long after the role's session ended
    clock.now = new Date(Date.parse(link.expiresAt!));
    const ok = await fetch(link.url);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(png)).toBe(true);
    clock.now = new Date(Date.parse(link.expiresAt!) + 1000);
    expect((await fetch(link.url)).status).toBe(403);
    expect(s3Standin.refusals.map((r) => r.rule)).toEqual(['presigned-expired']);
  });

  it('the stand-in checks the signature: another secret, or an edited URL, is SignatureDoesNotMatch', async () => {
    parameters[PARAMETER] = { type: 'SecureString', value: JSON.stringify({ ...userKey, secretAccessKey: 'not-the-users-secret-0000' }) };
    const store = new S3MailStore(roleS3(), BUCKET, () => signedAt, ssmLinkSigningKey(ssmClient, PARAMETER, memoryLogger()));
    const forged = await store.link(key, { validForSeconds: FILE_LINK_SECONDS });
    expect((await fetch(forged.url)).status).toBe(403);
    parameters[PARAMETER] = { type: 'SecureString', value: JSON.stringify(userKey) };
    const good = await new S3MailStore(roleS3(), BUCKET, () => signedAt, ssmLinkSigningKey(ssmClient, PARAMETER, memoryLogger())).link(key, {
      validForSeconds: FILE_LINK_SECONDS,
    });
    const edited = new URL(good.url);
    edited.searchParams.set('X-Amz-Expires', '604799');
    expect((await fetch(edited)).status).toBe(403);
    expect((await fetch(good.url)).status).toBe(200);
    expect(s3Standin.refusals.map((r) => r.name)).toEqual(['SignatureDoesNotMatch', 'SignatureDoesNotMatch']);
  });

  it('through the Lambda wiring (s3MailSignedLinks, endpoints and the role session from the environment)', async () => {
    parameters[PARAMETER] = { type: 'SecureString', value: JSON.stringify(userKey) };
    const dir = mkdtempSync(join(tmpdir(), 'link-key-'));
    const saved = { ...process.env };
    try {
      writeFileSync(join(dir, 'config.json'), readFileSync('maildesk.config.example.json'));
      Object.assign(process.env, {
        MAILDESK_CONFIG: join(dir, 'config.json'),
        MAIL_BUCKET: BUCKET,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: role.accessKeyId,
        AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
        AWS_SESSION_TOKEN: role.sessionToken,
        AWS_ENDPOINT_URL_S3: s3Standin.endpoint,
        AWS_ENDPOINT_URL_SSM: ssmStandin!.endpoint,
      });
      const { desk } = lambdaDesk('maildesk-notify', { mail: s3MailSignedLinks });
      const link = await desk.deliverDeps.mail!.link(key, { validForSeconds: FILE_LINK_SECONDS });
      expect(param(link.url, 'X-Amz-Credential')).toMatch(/^AKIAATTACHMENTLINKS1\//);
      expect(param(link.url, 'X-Amz-Expires')).toBe('604800');
      clock.now = new Date(Date.parse(param(link.url, 'X-Amz-Date')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')) + 6 * 24 * HOUR);
      expect((await fetch(link.url)).status).toBe(200);
      expect(ssmStandin!.reads).toEqual([config.attachmentLinks.signingKeyParameter]);
    } finally {
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('no usable key: the role signs, and the letter states the hour it really lasts', () => {
  it('parameter missing: 1 hour (the session expiry is unknown), served within it, one warning naming the parameter', async () => {
    const log = memoryLogger();
    const store = new S3MailStore(roleS3(), BUCKET, () => signedAt, ssmLinkSigningKey(ssmClient, PARAMETER, log));
    const link = await store.link(key, { validForSeconds: FILE_LINK_SECONDS });
    await store.link(key, { validForSeconds: FILE_LINK_SECONDS });
    // then signed by the role's session, for an hour, and said so
    expect(param(link.url, 'X-Amz-Credential')).toMatch(/^ASIANOTIFYROLESESS01\//);
    expect(param(link.url, 'X-Amz-Security-Token')).toBe(role.sessionToken);
    expect(param(link.url, 'X-Amz-Expires')).toBe(String(SESSION_LINK_SECONDS));
    expect(link.expiresAt).toBe(new Date(signedAt.getTime() + HOUR).toISOString());
    const letter = fileLines([{ filename: 'скриншот ошибки.png', size: png.length, delivery: { kind: 'link', ...link } }], config, 'ru');
    expect(letter.join('\n')).toContain('ссылка для скачивания, действует до 03.12.2026 14:15 (Europe/Moscow):');
    // read once, warned once, with the name ops must create
    expect(ssmStandin!.reads).toEqual([PARAMETER]);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ level: 'warn', fields: { parameter: PARAMETER, reason: 'ParameterNotFound' } });
    expect(log.entries[0]!.message).toMatch(/create the SSM SecureString parameter/);
    // S3 serves it within the hour, refuses it after (the stand-in knows the session's key)
    clock.now = new Date(signedAt.getTime() + HOUR);
    expect((await fetch(link.url)).status).toBe(200);
    clock.now = new Date(signedAt.getTime() + HOUR + 1000);
    expect((await fetch(link.url)).status).toBe(403);
  });

  it('a 7-day URL signed by a session is refused once the session ends (ExpiredToken): why 7 days need the user key', async () => {
    // what the SDK signs when asked, and what the store did before it cut session links to an hour
    const s3 = roleS3();
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), {
      expiresIn: FILE_LINK_SECONDS,
      signingDate: signedAt,
    });
    expect(param(url, 'X-Amz-Expires')).toBe('604800');
    clock.now = new Date(roleEndsAt.getTime() - 1000);
    expect((await fetch(url)).status).toBe(200);
    clock.now = new Date(roleEndsAt.getTime() + 1000); // 6 hours in, far inside X-Amz-Expires
    expect((await fetch(url)).status).toBe(400);
    expect(s3Standin.refusals.map((r) => r.name)).toEqual(['ExpiredToken']);
  });

  it.each([
    ['not JSON', 'AKIAATTACHMENTLINKS1:user-secret/K7MDENG+bPxRfiCYEXAMPLEKEY', 'not JSON'],
    ['a session key (ASIA)', JSON.stringify({ ...userKey, accessKeyId: 'ASIAATTACHMENTLINKS1' }), 'wrong accessKeyId'],
    ['no secret', JSON.stringify({ accessKeyId: userKey.accessKeyId }), 'wrong secretAccessKey'],
    ['the create-access-key output as it is', JSON.stringify({ AccessKey: { AccessKeyId: userKey.accessKeyId, SecretAccessKey: userKey.secretAccessKey } }), 'wrong'],
  ])('%s: the role signs for an hour; the warning says what is wrong, never the value', async (_, value, reason) => {
    parameters[PARAMETER] = { type: 'SecureString', value };
    const log = memoryLogger();
    const store = new S3MailStore(roleS3(), BUCKET, () => signedAt, ssmLinkSigningKey(ssmClient, PARAMETER, log));
    const link = await store.link(key, { validForSeconds: FILE_LINK_SECONDS });
    expect(param(link.url, 'X-Amz-Expires')).toBe(String(SESSION_LINK_SECONDS));
    expect(log.entries).toHaveLength(1);
    expect(String(log.entries[0]!.fields.reason)).toContain(reason);
    const logged = JSON.stringify(log.entries);
    expect(logged).not.toContain(userKey.secretAccessKey);
    expect(logged).not.toContain('K7MDENG');
    expect(parseSigningKey(value)).not.toHaveProperty('key');
  });

  it('SSM unreachable: the failure is rethrown (the delivery is retried) and not kept: the next link reads again', async () => {
    parameters[PARAMETER] = { type: 'SecureString', value: JSON.stringify(userKey) };
    const port = ssmStandin!.port;
    const ssm = ssmClient();
    await ssmStandin!.close();
    const log = memoryLogger();
    const store = new S3MailStore(roleS3(), BUCKET, () => signedAt, ssmLinkSigningKey(() => ssm, PARAMETER, log));
    await expect(store.link(key, { validForSeconds: FILE_LINK_SECONDS })).rejects.toThrow();
    await startSsm(port);
    const link = await store.link(key, { validForSeconds: FILE_LINK_SECONDS });
    expect(param(link.url, 'X-Amz-Expires')).toBe('604800');
    expect(log.entries).toEqual([]);
  });
});
