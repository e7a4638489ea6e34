/** The raw-mail bucket: SES writes `inbound/<sesMessageId>`; we write attachments and failures. */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MailNotFoundError } from '../domain/errors';
import type { FileLink, MailStore } from '../use-cases/ports';
import type { LinkSigningKey, SigningKey } from './ssm-link-key';

/** SigV4 query-string authentication: a presigned URL lives at most 7 days (X-Amz-Expires <= 604800). */
export const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

/**
 * What a link signed with session credentials of unknown expiry is said to last. Lambda passes its
 * role's session in environment variables without the expiry, so its remaining life is unknown: the
 * letter states a short hour rather than 7 days the link would not keep (the fallback until the
 * signing key is in SSM, docs/deploy.md).
 */
export const SESSION_LINK_SECONDS = 3600;

/**
 * A presigned URL stops working when the credentials that signed it expire, whatever X-Amz-Expires
 * says (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html). Links
 * are signed with the long-term key `signingKey` gives (7 days); without one, with the client's own
 * credentials, the link's life cut to theirs: their expiry when the SDK knows it, an hour for a
 * session of unknown expiry, so the mail never promises more than S3 keeps.
 */
export class S3MailStore implements MailStore {
  private keyClient: { accessKeyId: string; client: Promise<S3Client> } | null = null;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => Date = () => new Date(),
    private readonly signingKey?: LinkSigningKey,
  ) {}

  async get(key: string): Promise<Buffer> {
    try {
      const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!result.Body) throw new MailNotFoundError(key);
      return Buffer.from(await result.Body.transformToByteArray());
    } catch (cause) {
      if (cause instanceof NoSuchKey) throw new MailNotFoundError(key, { cause });
      throw cause;
    }
  }

  async put(key: string, body: Buffer, contentType = 'application/octet-stream'): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /** Local computation (SigV4 over the request): no call to S3, so no check that the object exists. */
  async link(key: string, options: { validForSeconds: number; filename?: string }): Promise<FileLink> {
    const signedAt = this.now();
    const signingKey = this.signingKey ? await this.signingKey() : null;
    const signer = signingKey ? await this.clientFor(signingKey) : this.s3;
    const seconds = Math.min(
      Math.floor(options.validForSeconds),
      MAX_PRESIGNED_SECONDS,
      credentialSeconds(await signer.config.credentials(), signedAt),
    );
    if (seconds < 1) throw new Error('the signing credentials have expired: no link can be made');
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.filename ? { ResponseContentDisposition: attachmentDisposition(options.filename) } : {}),
    });
    const url = await getSignedUrl(signer, command, { expiresIn: seconds, signingDate: signedAt });
    return { url, expiresAt: new Date(signedAt.getTime() + seconds * 1000).toISOString() };
  }

  /** A client like the store's (region, endpoint) that signs with the key; one per key id. */
  private clientFor(key: SigningKey): Promise<S3Client> {
    if (this.keyClient?.accessKeyId !== key.accessKeyId) {
      const config = this.s3.config;
      const client = config.region().then(
        (region) =>
          new S3Client({
            region,
            credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
            forcePathStyle: config.forcePathStyle,
            ...(config.isCustomEndpoint && config.endpoint ? { endpoint: config.endpoint } : {}),
          }),
      );
      this.keyClient = { accessKeyId: key.accessKeyId, client };
    }
    return this.keyClient.client;
  }
}

type Credentials = Awaited<ReturnType<S3Client['config']['credentials']>>;

/** How long credentials still sign: to their expiry, an hour for a session of unknown expiry, else no limit. */
function credentialSeconds(credentials: Credentials, at: Date): number {
  if (credentials.expiration) return Math.floor((credentials.expiration.getTime() - at.getTime()) / 1000);
  return credentials.sessionToken ? SESSION_LINK_SECONDS : Number.POSITIVE_INFINITY;
}

/** RFC 6266: an ASCII fallback name and the UTF-8 one (RFC 5987), so any file name downloads as itself. */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
