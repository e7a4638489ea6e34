/**
 * A minimal strict S3 endpoint for the objects maildesk touches: GetObject, PutObject (and HEAD),
 * path-style (`/<bucket>/<key>`: the SDK uses path style for an IP-address endpoint), objects in
 * memory. Errors in S3's XML shape (`<Error><Code>`), so the SDK throws NoSuchKey / NoSuchBucket.
 * A presigned GET (query-string SigV4: a link in an engineers' mail) is served until it expires;
 * given `keys`, its signature is checked too (./sigv4-query.ts), so a link signed with an unknown or
 * wrong key, or with a session that has ended, is refused as S3 refuses it.
 * Point a client at it with `endpoint`, or AWS_ENDPOINT_URL_S3.
 */
import { createHash } from 'node:crypto';
import {
  listenLoopback,
  signedService,
  SIGV4_DOC,
  type ListenOptions,
  type Refusal,
  type RunningStandin,
  type StandinAnswer,
  type StandinRequest,
} from './http-standin';
import { checkPresignedSignature, type StandinKey } from './sigv4-query';

export const S3_DOCS = {
  getObject: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html',
  putObject: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html',
  keys: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html',
  errors: 'https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html',
  presigned: 'https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html',
} as const;

/** object-keys: a key is at most 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

export interface StoredObject {
  body: Buffer;
  contentType: string | undefined;
}

export interface S3Standin extends RunningStandin {
  /** `bucket/key` -> object */
  objects: Map<string, StoredObject>;
  refusals: Refusal[];
  /** puts an object directly (as SES's S3 action would), bypassing HTTP */
  put(bucket: string, key: string, body: Buffer, contentType?: string): void;
}

export interface S3StandinOptions extends ListenOptions {
  buckets: readonly string[];
  /** the stand-in's clock, for presigned URLs' expiry (default: the system clock) */
  now?: () => Date;
  /** access key id -> key: presigned signatures are verified against these (default: not verified) */
  keys?: Readonly<Record<string, StandinKey>>;
}

/** sigv4-query-string-auth: X-Amz-Expires is 1 to 604,800 seconds (7 days). */
export const MAX_PRESIGNED_EXPIRES = 604_800;

/** X-Amz-Date `20261203T101500Z` as a Date. */
const amzDate = (text: string) =>
  new Date(text.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** aws-chunked (the SDK's streaming checksum upload): `<hex size>[;ext]\r\n<data>\r\n` ... `0\r\n<trailers>`. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export async function startS3Standin(options: S3StandinOptions): Promise<S3Standin> {
  const objects = new Map<string, StoredObject>();
  const refusals: Refusal[] = [];
  const refuse = (code: string, status: number, rule: string, doc: string, message: string): StandinAnswer => {
    refusals.push({ service: 's3', name: code, rule, message, doc });
    return {
      status,
      headers: { 'content-type': 'application/xml' },
      body:
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`,
    };
  };

  const now = options.now ?? (() => new Date());
  /** A presigned GET: signed for s3 in the query, not expired; null when the request is not presigned. */
  const presignedRefusal = (request: StandinRequest): StandinAnswer | null => {
    const query = request.query;
    const signature = options.keys ? request : null;
    const scope = /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(query.get('X-Amz-Credential') ?? '');
    if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || scope?.[1] !== 's3' || !query.get('X-Amz-Signature'))
      return refuse('AccessDenied', 403, 'sigv4', S3_DOCS.presigned, 'Query-string authentication is incomplete.');
    const expires = Number(query.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_EXPIRES)
      return refuse(
        'AuthorizationQueryParametersError',
        400,
        'presigned-expires',
        S3_DOCS.presigned,
        'X-Amz-Expires must be less than a week (in seconds) that is 604800.',
      );
    if (signature) {
      const refused = checkPresignedSignature(signature, options.keys!, now());
      if (refused)
        return refuse(refused.code, refused.status, 'presigned-signature', S3_DOCS.presigned, refused.message);
    }
    const signed = amzDate(query.get('X-Amz-Date') ?? '');
    if (Number.isNaN(signed.getTime()) || now().getTime() > signed.getTime() + expires * 1000)
      return refuse('AccessDenied', 403, 'presigned-expired', S3_DOCS.presigned, 'Request has expired');
    return null;
  };

  const route = (request: StandinRequest): StandinAnswer => {
    const presigned = request.method === 'GET' && request.query.has('X-Amz-Signature');
    if (presigned) {
      const refusal = presignedRefusal(request);
      if (refusal) return refusal;
    } else if (signedService(request.headers) !== 's3')
      return refuse('AccessDenied', 403, 'sigv4', SIGV4_DOC, 'Request is not signed for service s3.');
    const [, bucket = '', ...rest] = request.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (!options.buckets.includes(bucket))
      return refuse(
        'NoSuchBucket',
        404,
        'bucket-exists',
        S3_DOCS.errors,
        `The specified bucket does not exist: ${bucket}`,
      );
    if (!key)
      return refuse(
        'NotImplemented',
        501,
        'operation',
        S3_DOCS.errors,
        'The stand-in serves object GET, HEAD and PUT only.',
      );
    if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
      return refuse('KeyTooLongError', 400, 'key-length', S3_DOCS.keys, 'Your key is too long.');
    const id = `${bucket}/${key}`;
    if (request.method === 'PUT') {
      const chunked = String(request.headers['content-encoding'] ?? '').includes('aws-chunked');
      const body = chunked ? decodeAwsChunked(request.body) : request.body;
      objects.set(id, { body, contentType: request.headers['content-type'] });
      return { status: 200, headers: { etag: `"${createHash('md5').update(body).digest('hex')}"` } };
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      const object = objects.get(id);
      if (!object)
        return refuse('NoSuchKey', 404, 'key-exists', S3_DOCS.getObject, 'The specified key does not exist.');
      const disposition = request.query.get('response-content-disposition');
      const headers = {
        'content-type': object.contentType ?? 'binary/octet-stream',
        etag: `"${createHash('md5').update(object.body).digest('hex')}"`,
        ...(disposition ? { 'content-disposition': disposition } : {}),
      };
      return request.method === 'GET'
        ? { status: 200, headers, body: object.body }
        : { status: 200, headers: { ...headers } };
    }
    return refuse(
      'MethodNotAllowed',
      405,
      'operation',
      S3_DOCS.errors,
      `The stand-in does not serve ${request.method}.`,
    );
  };

  const server = await listenLoopback(route, options);
  return {
    ...server,
    objects,
    refusals,
    put: (bucket, key, body, contentType) => void objects.set(`${bucket}/${key}`, { body, contentType }),
  };
}
