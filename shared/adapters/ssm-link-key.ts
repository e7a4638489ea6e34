/**
 * The access key that signs the attachment links of the engineers' copy: an IAM user's long-term
 * key, which ops keep in an SSM SecureString (config attachmentLinks.signingKeyParameter, JSON
 * `{"accessKeyId": "AKIA...", "secretAccessKey": "..."}`, docs/deploy.md). A presigned URL dies with
 * the credentials that signed it, so only such a key gives the 7 days the letter states; the
 * Lambda role's session credentials last hours.
 *
 * Read once per container, on the first link signed (the SSM client is made then too). A parameter
 * that is missing, unreadable for this role or not such a key gives null (the store then signs with
 * the role's credentials and states their shorter life), kept for the container and logged once,
 * naming the parameter to create; any other failure (throttling, network) is not kept and is
 * rethrown, so the delivery is retried. Neither the value nor an error that could quote it reaches a
 * log or an error.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import type { Logger } from '../log';

export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The signing key, or null when there is none to use (then links are signed by the role, for less time). */
export type LinkSigningKey = () => Promise<SigningKey | null>;

/**
 * An IAM user's key id starts AKIA; ASIA is a session's, which would die within hours like the role's.
 * Built on the first key read, not at import: a schema at module scope would keep zod in every bundle
 * importing functions/wiring.ts (the sweep, the Telegram functions: no request of theirs uses zod), and
 * evaluating zod's ~450 KB was the largest part of their cold start.
 */
const buildSigningKeySchema = () =>
  z.strictObject({
    accessKeyId: z.string().regex(/^AKIA[0-9A-Z]{12,124}$/, 'an IAM user access key id (AKIA...)'),
    secretAccessKey: z.string().min(16),
  });
let schema: ReturnType<typeof buildSigningKeySchema> | undefined;
const signingKeySchema = () => (schema ??= buildSigningKeySchema());

/** SSM's answers that mean "no usable key here" (a setup step not done), not "try again". */
const NOT_SET_UP = new Set(['ParameterNotFound', 'AccessDeniedException', 'ParameterVersionNotFound']);

/** The key in a parameter's value, or why it is not one (key paths only: never the value). */
export function parseSigningKey(value: string | undefined): { key: SigningKey } | { problem: string } {
  if (!value) return { problem: 'empty' };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // JSON.parse's message quotes the text: it is not passed on
    return { problem: 'not JSON' };
  }
  const parsed = signingKeySchema().safeParse(json);
  if (parsed.success) return { key: parsed.data };
  const paths = parsed.error.issues.map((i) => i.path.join('.') || '(the value)');
  return { problem: `expected {accessKeyId: "AKIA...", secretAccessKey}: wrong ${[...new Set(paths)].join(', ')}` };
}

/**
 * `makeClient` runs on the first link signed, not at init: notify signs a link only for a file over the
 * engineers' mail limit, so most containers never need the SSM client and its construction stays off
 * their cold start.
 */
export function ssmLinkSigningKey(makeClient: () => SSMClient, parameter: string, log: Logger): LinkSigningKey {
  let ssm: SSMClient | undefined;
  let cached: Promise<SigningKey | null> | null = null;
  const notSetUp = (reason: string): null => {
    log.warn(
      'attachment links: no signing key, links are signed with the role credentials and valid for less than 7 days; ' +
        'create the SSM SecureString parameter (docs/deploy.md, attachment links)',
      { parameter, reason },
    );
    return null;
  };
  const read = async (): Promise<SigningKey | null> => {
    let value: string | undefined;
    try {
      ssm ??= makeClient();
      const answer = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
      value = answer.Parameter?.Value;
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      if (typeof name === 'string' && NOT_SET_UP.has(name)) return notSetUp(name);
      throw error;
    }
    const parsed = parseSigningKey(value);
    return 'key' in parsed ? parsed.key : notSetUp(parsed.problem);
  };
  return () => {
    cached ??= read().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  };
}
