/** The raw-mail bucket: SES writes `inbound/<sesMessageId>`; we write attachments and failures. */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MailNotFoundError } from '../domain/errors';
import type { MailStore } from '../use-cases/ports';

export class S3MailStore implements MailStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
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
}
