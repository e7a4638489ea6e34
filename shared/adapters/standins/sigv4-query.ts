/**
 * Query-string SigV4 (a presigned URL) checked as S3 checks it, for stand-ins given the keys they
 * know: the key id must exist, a session's token must come with it and must not have expired (a
 * URL dies with the credentials that signed it), and the signature must be the one the secret
 * gives for this request. https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * Written from the specification, not with the SDK's signer, so it checks the SDK's URLs.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A key the stand-in knows, as IAM would: an IAM user's key, or a session's (with its token and end). */
export interface StandinKey {
  secretAccessKey: string;
  sessionToken?: string;
  expiresAt?: Date;
}

export interface PresignedRequest {
  method: string;
  /** the path as sent, still percent-encoded */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** Why S3 would refuse the signature: its error code, HTTP status and message; null when it holds. */
export type SignatureRefusal = { code: string; status: number; message: string } | null;

/** RFC 3986 unreserved characters stay, everything else is %XX (SigV4's UriEncode). */
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

export function checkPresignedSignature(
  request: PresignedRequest,
  keys: Readonly<Record<string, StandinKey>>,
  now: Date,
): SignatureRefusal {
  const query = request.query;
  const [keyId = '', date = '', region = '', service = ''] = (query.get('X-Amz-Credential') ?? '').split('/');
  const key = keys[keyId];
  if (!key)
    return {
      code: 'InvalidAccessKeyId',
      status: 403,
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    };
  if (key.sessionToken !== undefined && query.get('X-Amz-Security-Token') !== key.sessionToken)
    return { code: 'InvalidToken', status: 400, message: 'The provided token is malformed or otherwise invalid.' };
  if (key.expiresAt && now.getTime() > key.expiresAt.getTime())
    return { code: 'ExpiredToken', status: 400, message: 'The provided token has expired.' };
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    request.method,
    request.path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', query.get('X-Amz-Date') ?? '', scope, sha256(canonicalRequest)].join('\n');
  const signingKey = [date, region, service, 'aws4_request'].reduce<Buffer | string>(
    (k, part) => hmac(k, part),
    `AWS4${key.secretAccessKey}`,
  );
  const expected = Buffer.from(hmac(signingKey, toSign).toString('hex'));
  const given = Buffer.from(query.get('X-Amz-Signature') ?? '');
  if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  return {
    code: 'SignatureDoesNotMatch',
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided.',
  };
}
