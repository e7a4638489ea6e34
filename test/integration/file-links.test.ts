/**
 * Links to a customer's file for the engineers' copy (MailStore.link): S3 presigned GET URLs,
 * computed locally (no call to AWS: the mocked client records none) with fixed credentials and a
 * fixed clock, then fetched from the strict S3 stand-in, which serves them until they expire; and
 * the folder store's plain path, read back from disk.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FolderMailStore } from '../../shared/adapters/folder-mail-store';
import { attachmentDisposition, S3MailStore } from '../../shared/adapters/s3-mail-store';
import { startS3Standin, type S3Standin } from '../../shared/adapters/standins/s3-standin';

const region = 'eu-west-1';
const signedAt = new Date('2026-12-03T10:15:00.000Z');
const SEVEN_DAYS = 7 * 24 * 3600;
const key = 'attachments/ses-1/1-скриншот ошибки.png';
const png = readFileSync('test/fixtures/mail/screenshot.png');

describe('S3MailStore.link: a presigned GET, computed locally', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

  it('is valid 7 days: X-Amz-Expires 604800 from the signing time, signed for s3 in the region, the file name as the download', async () => {
    // given a client that would answer nothing (every call recorded)
    const s3 = new S3Client({ region, credentials });
    const mock = mockClient(s3);
    const store = new S3MailStore(s3, 'raw-mail', () => signedAt);
    // when
    const link = await store.link(key, { validForSeconds: SEVEN_DAYS, filename: 'скриншот ошибки.png' });
    // then
    const url = new URL(link.url);
    expect(url.origin).toBe('https://raw-mail.s3.eu-west-1.amazonaws.com');
    expect(decodeURIComponent(url.pathname)).toBe(`/${key}`);
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261203/eu-west-1/s3/aws4_request');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261203T101500Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('response-content-disposition')).toBe(attachmentDisposition('скриншот ошибки.png'));
    expect(link.expiresAt).toBe('2026-12-10T10:15:00.000Z');
    expect(mock.calls()).toHaveLength(0); // presigning is local: no request left the process
    mock.restore();
    s3.destroy();
  });

  it('the same inputs sign the same URL; another key signs another (the signature covers the key)', async () => {
    const s3 = new S3Client({ region, credentials });
    const store = new S3MailStore(s3, 'raw-mail', () => signedAt);
    const a = await store.link(key, { validForSeconds: SEVEN_DAYS });
    const b = await store.link(key, { validForSeconds: SEVEN_DAYS });
    const c = await store.link(`${key}x`, { validForSeconds: SEVEN_DAYS });
    expect(a.url).toBe(b.url);
    expect(new URL(c.url).searchParams.get('X-Amz-Signature')).not.toBe(new URL(a.url).searchParams.get('X-Amz-Signature'));
    s3.destroy();
  });

  it('temporary credentials that expire in 6 hours: the link says 6 hours, not 7 days (S3 would refuse it after)', async () => {
    const expiration = new Date(signedAt.getTime() + 6 * 3600 * 1000);
    const s3 = new S3Client({ region, credentials: { ...credentials, sessionToken: 'session-token', expiration } });
    const store = new S3MailStore(s3, 'raw-mail', () => signedAt);
    const link = await store.link(key, { validForSeconds: SEVEN_DAYS });
    const url = new URL(link.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(6 * 3600));
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session-token');
    expect(link.expiresAt).toBe(expiration.toISOString());
    s3.destroy();
  });

  it('credentials already expired: no link (a dead link would be a lie)', async () => {
    const s3 = new S3Client({ region, credentials: { ...credentials, expiration: new Date(signedAt.getTime() - 1000) } });
    const store = new S3MailStore(s3, 'raw-mail', () => signedAt);
    await expect(store.link(key, { validForSeconds: SEVEN_DAYS })).rejects.toThrow(/expired/);
    s3.destroy();
  });

  it('never more than 7 days, whatever is asked (SigV4 query authentication allows no more)', async () => {
    const s3 = new S3Client({ region, credentials });
    const link = await new S3MailStore(s3, 'raw-mail', () => signedAt).link(key, { validForSeconds: 30 * 24 * 3600 });
    expect(new URL(link.url).searchParams.get('X-Amz-Expires')).toBe('604800');
    s3.destroy();
  });
});

describe('S3MailStore.link against the S3 stand-in: the link fetches the file until it expires', () => {
  const clock = { now: signedAt };
  let standin: S3Standin;
  let s3: S3Client;

  beforeAll(async () => {
    standin = await startS3Standin({ buckets: ['raw-mail'], now: () => clock.now });
    s3 = new S3Client({ endpoint: standin.endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    s3?.destroy();
    await standin?.close();
  });
  beforeEach(() => {
    standin.refusals.length = 0;
  });

  it('within 7 days: the bytes and the original file name; a second after: 403 "Request has expired"', async () => {
    // given the file as the inbound function stored it
    const store = new S3MailStore(s3, 'raw-mail', () => signedAt);
    await store.put(key, png, 'image/png');
    const link = await store.link(key, { validForSeconds: SEVEN_DAYS, filename: 'скриншот ошибки.png' });
    // when an engineer opens it on the last second
    clock.now = new Date(Date.parse(link.expiresAt!));
    const ok = await fetch(link.url);
    // then
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(png)).toBe(true);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect(ok.headers.get('content-disposition')).toContain("filename*=UTF-8''%D1%81%D0%BA%D1%80%D0%B8%D0%BD%D1%88%D0%BE%D1%82");
    // and a second later
    clock.now = new Date(Date.parse(link.expiresAt!) + 1000);
    const late = await fetch(link.url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired');
    expect(standin.refusals.map((r) => r.rule)).toEqual(['presigned-expired']);
  });

  it('a URL without its signature, or signed for another service, is refused', async () => {
    const store = new S3MailStore(s3, 'raw-mail', () => signedAt);
    clock.now = signedAt;
    const url = new URL((await store.link(key, { validForSeconds: 60 })).url);
    const foreign = new URL(url);
    foreign.searchParams.set('X-Amz-Credential', 'test/20261203/eu-west-1/sqs/aws4_request');
    expect((await fetch(foreign)).status).toBe(403);
    expect(standin.refusals.map((r) => r.rule)).toEqual(['sigv4']);
    const plain = new URL(url.origin + url.pathname);
    expect((await fetch(plain)).status).toBe(403); // neither a signed header nor a signed query
  });

  it('the client still reads the object with header-signed GetObject (the presigned path changes nothing else)', async () => {
    const body = await s3.send(new GetObjectCommand({ Bucket: 'raw-mail', Key: key }));
    expect(Buffer.from(await body.Body!.transformToByteArray()).equals(png)).toBe(true);
  });
});

describe('FolderMailStore.link: the local stack gives the file\'s own path', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'maildesk-links-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('an absolute path under the data folder that holds the bytes, and no expiry', async () => {
    const store = new FolderMailStore(root);
    await store.put(key, png);
    const link = await store.link(key);
    expect(isAbsolute(link.url)).toBe(true);
    expect(link.url.startsWith(root)).toBe(true);
    expect(readFileSync(link.url).equals(png)).toBe(true);
    expect(link.expiresAt).toBeNull();
  });

  it('a key that would leave the folder gets no link', async () => {
    await expect(new FolderMailStore(root).link('../outside.png')).rejects.toThrow(/escapes the store/);
  });
});
