/**
 * The raw-mail bucket: SES writes every received message to `inbound/<sesMessageId>`, the
 * inbound function writes `attachments/<inboundId>/...` and `failed/...`. Private, TLS only,
 * SSE-S3 (SES's S3 action writes to SSE-S3 buckets without any key policy), versioned, expiring
 * after `rawMailRetentionDays`, with server access logs in a separate log bucket.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export const MAIL_PREFIXES = { inbound: 'inbound/', attachments: 'attachments/', failed: 'failed/' } as const;

export interface RawMailBucketProps {
  retentionDays: number;
  /** How long replaced or deleted object versions are kept before they are removed for good. */
  noncurrentVersionDays?: number;
}

export class RawMailBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: RawMailBucketProps) {
    super(scope, id);
    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Mail and its audit trail outlive the stack; deleting them is a deliberate manual step.
      removalPolicy: RemovalPolicy.RETAIN,
    } satisfies s3.BucketProps;

    // Server access logs need SSE-S3 on the target bucket; kept as long as the mail they describe.
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.retentionDays) }],
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...common,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'raw-mail/',
      lifecycleRules: [
        {
          id: 'expire-mail',
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
  }
}
