/**
 * SES v2 for the tests, strict: every SendEmail request passes shared/adapters/ses-v2-rules.ts
 * first and fails the way AWS fails (the SDK's own exception classes, AWS's status codes) when
 * SES would refuse it. Replaces a permissive aws-sdk-client-mock, which accepted anything (a raw
 * Cyrillic sender name included, which SES refuses).
 */
import {
  BadRequestException,
  MessageRejected,
  NotFoundException,
  SendEmailCommand,
  type SESv2Client,
  type SendEmailCommandInput,
  type SendEmailCommandOutput,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { checkSendEmail, type SesAccount, type SesRejection } from '../../shared/adapters/ses-v2-rules';
import type { MaildeskConfig } from '../../shared/config';

export type SendEmailResponder = (
  input: SendEmailCommandInput,
) => Promise<Partial<SendEmailCommandOutput>> | Partial<SendEmailCommandOutput>;

/** The configuration set the tests' stacks name (SES_CONFIGURATION_SET). */
export const TEST_CONFIGURATION_SET = 'maildesk-test';

/** The account a deployed config has: the desk domain verified (the stack's identity), its configuration set. */
export function accountFor(config: MaildeskConfig, configurationSet = TEST_CONFIGURATION_SET): SesAccount {
  const domains = config.deployment
    ? [config.deployment.domain]
    : [...new Set(config.tenants.flatMap((t) => t.addresses.map((a) => a.slice(a.lastIndexOf('@') + 1))))];
  return {
    verifiedIdentities: domains,
    configurationSets: [configurationSet],
    requiredConfigurationSet: configurationSet,
  };
}

/** The SDK exception SES answers with. */
export function sesError(rejection: SesRejection): Error {
  const options = { message: rejection.message, $metadata: { httpStatusCode: rejection.httpStatusCode } };
  switch (rejection.name) {
    case 'BadRequestException':
      return new BadRequestException(options);
    case 'NotFoundException':
      return new NotFoundException(options);
    case 'MessageRejected':
      return new MessageRejected(options);
  }
}

export interface StrictSes {
  /** every refusal, in order (a test asserts this is empty when all sends must pass) */
  rejections: SesRejection[];
  /** wraps a responder: validate, then answer (or throw the AWS error) */
  respond: (inner: SendEmailResponder) => (input: SendEmailCommandInput) => Promise<Partial<SendEmailCommandOutput>>;
}

export function strictSes(account: SesAccount): StrictSes {
  const rejections: SesRejection[] = [];
  return {
    rejections,
    respond: (inner) => async (input) => {
      const rejection = checkSendEmail(input, account);
      if (rejection) {
        rejections.push(rejection);
        throw sesError(rejection);
      }
      return inner(input);
    },
  };
}

/** Installs the strict stand-in on a client: SendEmail validated, then answered by `inner`. */
export function strictSesMock(client: SESv2Client, account: SesAccount, inner: SendEmailResponder): StrictSes {
  const ses = strictSes(account);
  mockClient(client).on(SendEmailCommand).callsFake(ses.respond(inner));
  return ses;
}
