/**
 * The identity that signs the engineers' download links (presigned GETs of customers' files).
 * A presigned URL dies with the credentials that signed it
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html), and
 * notify's role has session credentials that last hours; an IAM user's access key lasts until it
 * is deleted, so links it signs work the 7 days the letter states. The user may do one thing: read
 * objects under attachments/. No access key is created here (its secret would land in the
 * CloudFormation template and state): ops create one and store it in the SSM SecureString the
 * config names (docs/deploy.md); notify may read exactly that parameter.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ssmParameterArn } from './function-policies';
import { MAIL_PREFIXES } from './raw-mail-bucket';

export interface AttachmentLinkSignerProps {
  bucket: s3.IBucket;
  /** config attachmentLinks.signingKeyParameter */
  signingKeyParameter: string;
  /** notify's role: reads the key to sign with */
  reader: iam.IRole;
}

export class AttachmentLinkSigner extends Construct {
  readonly user: iam.User;

  constructor(scope: Construct, id: string, props: AttachmentLinkSignerProps) {
    super(scope, id);
    this.user = new iam.User(this, 'User', { userName: `${Stack.of(this).stackName}-attachment-links` });
    this.user.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAttachments',
        actions: ['s3:GetObject'],
        resources: [props.bucket.arnForObjects(`${MAIL_PREFIXES.attachments}*`)],
      }),
    );
    // A SecureString under the AWS managed key aws/ssm needs no kms:Decrypt in IAM (its key policy
    // lets SSM decrypt for the account's principals allowed to read the parameter), as for the bot token.
    props.reader.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLinkSigningKey',
        actions: ['ssm:GetParameter'],
        resources: [ssmParameterArn(this, props.signingKeyParameter)],
      }),
    );
  }
}
