/**
 * A strict local SSM Parameter Store endpoint for the one call maildesk makes: GetParameter (JSON
 * 1.1, `X-Amz-Target: AmazonSSM.GetParameter`,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html). A
 * SecureString is read only WithDecryption (else AWS returns the ciphertext, which is no token);
 * an unknown name is ParameterNotFound. Point a client at it with AWS_ENDPOINT_URL_SSM.
 */
import { z } from 'zod';
import {
  json,
  listenLoopback,
  signedService,
  SIGV4_DOC,
  type ListenOptions,
  type Refusal,
  type RunningStandin,
  type StandinAnswer,
  type StandinRequest,
} from './http-standin';

const GET_PARAMETER_DOC = 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html';

export interface SsmParameter {
  type: 'String' | 'SecureString';
  value: string;
}

export interface SsmStandin extends RunningStandin {
  /** names read, in order */
  reads: string[];
  refusals: Refusal[];
}

const getParameterWire = z.object({ Name: z.string().min(1), WithDecryption: z.boolean().optional() });
const JSON_11 = 'application/x-amz-json-1.1';

export async function startSsmStandin(
  options: ListenOptions & { parameters: Record<string, SsmParameter> },
): Promise<SsmStandin> {
  const reads: string[] = [];
  const refusals: Refusal[] = [];
  const refuse = (name: string, rule: string, message: string, status = 400): StandinAnswer => {
    refusals.push({ service: 'ssm', name, rule, message, doc: rule === 'sigv4' ? SIGV4_DOC : GET_PARAMETER_DOC });
    return json(status, { __type: name, message }, { 'content-type': JSON_11 });
  };
  const route = (request: StandinRequest): StandinAnswer => {
    if (request.headers['x-amz-target'] !== 'AmazonSSM.GetParameter')
      return refuse('UnknownOperationException', 'operation', 'The stand-in serves GetParameter only.');
    if (signedService(request.headers) !== 'ssm')
      return refuse(
        'MissingAuthenticationTokenException',
        'sigv4',
        'Request is missing a SigV4 signature for service ssm.',
        403,
      );
    const parsed = getParameterWire.safeParse(JSON.parse(request.body.toString('utf8') || '{}'));
    if (!parsed.success)
      return refuse('ValidationException', 'request-shape', 'The request body is not a GetParameter request.');
    const { Name, WithDecryption } = parsed.data;
    reads.push(Name);
    const parameter = options.parameters[Name];
    if (!parameter) return refuse('ParameterNotFound', 'parameter-exists', `Parameter ${Name} not found.`);
    if (parameter.type === 'SecureString' && !WithDecryption)
      return refuse(
        'ValidationException',
        'with-decryption',
        `maildesk rule: ${Name} is a SecureString; read it WithDecryption.`,
      );
    return json(
      200,
      {
        Parameter: {
          Name,
          Type: parameter.type,
          Value: parameter.value,
          Version: 1,
          ARN: `arn:aws:ssm:local:000000000000:parameter${Name}`,
        },
      },
      { 'content-type': JSON_11 },
    );
  };
  const server = await listenLoopback(route, options);
  return { ...server, reads, refusals };
}
