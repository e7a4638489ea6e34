/**
 * The words of the SES v2 SendEmail rules (ses-v2-rules.ts): the request they read, the account they check it
 * against, the refusal they answer with (AWS's error shape) and SES's documented limits.
 */

/** The part of a SendEmailCommandInput the rules read (structural: the SDK type and a JSON request both fit). */
export interface SendEmailRequest {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: readonly string[]; CcAddresses?: readonly string[]; BccAddresses?: readonly string[] };
  ReplyToAddresses?: readonly string[];
  Content?: { Raw?: { Data?: Uint8Array | string }; Simple?: unknown; Template?: unknown };
  ConfigurationSetName?: string;
}

/** What the account holds: the stand-in is told, as SES knows it. */
export interface SesAccount {
  /** verified identities: domains (`support.example`) and addresses (`ops@support.example`) */
  verifiedIdentities: readonly string[];
  /** configuration sets that exist; undefined: any name is accepted */
  configurationSets?: readonly string[];
  /**
   * The stack's rule, not AWS's: every mail goes through this configuration set (its event
   * destination feeds bounces and complaints to the bus). A send without it is refused.
   */
  requiredConfigurationSet?: string;
}

export type SesErrorName = 'BadRequestException' | 'MessageRejected' | 'NotFoundException';

export interface SesRejection {
  /** the SDK exception name AWS answers with */
  name: SesErrorName;
  httpStatusCode: 400 | 404;
  message: string;
  /** short rule id, for assertions */
  rule: string;
  /** the AWS documentation the rule comes from */
  doc: string;
}

export const SES_DOCS = {
  sendEmail: 'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html',
  destination: 'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Destination.html',
  rawMessage: 'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_RawMessage.html',
  sendRaw: 'https://docs.aws.amazon.com/ses/latest/dg/send-email-raw.html',
  quotas: 'https://docs.aws.amazon.com/ses/latest/dg/quotas.html',
  headerFields: 'https://docs.aws.amazon.com/ses/latest/dg/header-fields.html',
  identities: 'https://docs.aws.amazon.com/ses/latest/dg/verify-addresses-and-domains.html',
  configurationSets: 'https://docs.aws.amazon.com/ses/latest/dg/using-configuration-sets-in-email.html',
} as const;

/** quotas: at most 50 recipients (To + Cc + Bcc) per message. */
export const MAX_RECIPIENTS = 50;
/** quotas: SES v2 takes at most 40 MB per message, measured after base64 encoding. */
export const MAX_MESSAGE_BASE64_BYTES = 40 * 1024 * 1024;
/** RawMessage: a line may not exceed 1,000 characters including its CRLF (RFC 5321), so 998 before it. */
export const MAX_LINE_OCTETS = 998;

export const reject = (name: SesErrorName, rule: string, doc: string, message: string): SesRejection => ({
  name,
  httpStatusCode: name === 'NotFoundException' ? 404 : 400,
  message,
  rule,
  doc,
});
