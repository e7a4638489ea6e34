/** The raw-mail bucket: SES writes `inbound/<sesMessageId>`; we write attachments and failures. */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MailNotFoundError } from '../domain/errors';
import type { FileLink, MailStore } from '../use-cases/ports';

/** SigV4 query-string authentication: a presigned URL lives at most 7 days (X-Amz-Expires <= 604800). */
export const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

/**
 * A presigned URL stops working when the credentials that signed it expire, whatever X-Amz-Expires
 * says (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html): the
 * link's life is cut to theirs when the SDK knows it, so the mail never promises more than S3 keeps.
 */
export class S3MailStore implements MailStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => Date = () => new Date(),
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
    const credentials = await this.s3.config.credentials();
    let seconds = Math.min(Math.floor(options.validForSeconds), MAX_PRESIGNED_SECONDS);
    if (credentials.expiration)
      seconds = Math.min(seconds, Math.floor((credentials.expiration.getTime() - signedAt.getTime()) / 1000));
    if (seconds < 1) throw new Error('the signing credentials have expired: no link can be made');
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.filename ? { ResponseContentDisposition: attachmentDisposition(options.filename) } : {}),
    });
    const url = await getSignedUrl(this.s3, command, { expiresIn: seconds, signingDate: signedAt });
    return { url, expiresAt: new Date(signedAt.getTime() + seconds * 1000).toISOString() };
  }
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
