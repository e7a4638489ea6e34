/**
 * 9 The SDK's floor: node CPU of one DynamoDB call through the AWS SDK v3 (the client the store uses) against the
 * same request sent by bare node:http with a keep-alive agent and a SigV4 signature made with node:crypto, both
 * against DynamoDB Local on 127.0.0.1. The two alternate in rounds (GetItem and PutItem of a ticket-sized item,
 * half each) after a warm-up of each, so JIT and the machine's neighbours touch both alike; the median over the
 * rounds of process.cpuUsage() (user + system) per call is reported. What it shows: below the calls a mail needs
 * times the SDK's cost per call, no change to our code can bring the stack's CPU per mail.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../shared/adapters/clients';
import { startDynamoDbLocal } from '../shared/adapters/dynamodb-local';
import { ensureTicketTable } from '../shared/adapters/ticket-table';
import { median, round } from './pipeline';

export interface SdkFloorResult {
  callsPerRound: number;
  rounds: number;
  /** median node CPU per call, ms */
  sdkMsPerCall: number;
  bareHttpMsPerCall: number;
  /** sdk / bare */
  ratio: number;
}

const TABLE = 'sdk-floor';
const TARGET = 'DynamoDB_20120810';
const ticketSized = (key: string) => ({
  pk: { S: key },
  sk: { S: 'TICKET' },
  subject: { S: 'Не печатается направление на анализы' },
  body: { S: 'Текст письма. '.repeat(100) },
  status: { S: 'new' },
  version: { N: '3' },
  participants: { L: [{ S: 'registry@clinic.example' }, { S: 'doctor@clinic.example' }] },
  deadlines: { M: { respondBy: { S: '2026-12-03T12:00:00.000Z' }, dueAt: { S: '2026-12-04T12:00:00.000Z' } } },
});

/** SigV4 as a lean client would make it: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html */
function signedHeaders(host: string, target: string, body: string): Record<string, string> {
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s).digest();
  const headers =
    `content-type:application/x-amz-json-1.0\nhost:${host}\n` + `x-amz-date:${amzDate}\nx-amz-target:${target}\n`;
  const names = 'content-type;host;x-amz-date;x-amz-target';
  const canonical = `POST\n/\n\n${headers}\n${names}\n${hash(body)}`;
  const scope = `${day}/local/dynamodb/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hash(canonical)}`;
  const key = hmac(hmac(hmac(hmac('AWS4local', day), 'local'), 'dynamodb'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-date': amzDate,
    'x-amz-target': target,
    authorization: `AWS4-HMAC-SHA256 Credential=local/${scope}, SignedHeaders=${names}, Signature=${signature}`,
  };
}

export async function measureSdkFloor(o: { callsPerRound: number; rounds: number }): Promise<SdkFloorResult> {
  const db = await startDynamoDbLocal();
  const client = localDynamoClient(db.endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const url = new URL(db.endpoint);
  try {
    await ensureTicketTable(client, TABLE);
    const sdkCall = async (i: number) => {
      const key = `T#${i % 64}`;
      if (i % 2)
        await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: key }, sk: { S: 'TICKET' } } }));
      else await client.send(new PutItemCommand({ TableName: TABLE, Item: ticketSized(key) }));
    };
    const bareCall = (i: number) =>
      new Promise<void>((done, fail) => {
        const key = `T#${i % 64}`;
        const [operation, input] =
          i % 2
            ? ['GetItem', { TableName: TABLE, Key: { pk: { S: key }, sk: { S: 'TICKET' } } }]
            : ['PutItem', { TableName: TABLE, Item: ticketSized(key) }];
        const body = JSON.stringify(input);
        const headers = signedHeaders(url.host, `${TARGET}.${operation}`, body);
        const req = request(
          { host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers },
          (res: import('node:http').IncomingMessage) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { __type?: string };
              if (res.statusCode !== 200) fail(new Error(`${operation}: ${res.statusCode} ${answer.__type}`));
              else done();
            });
          },
        );
        req.on('error', fail);
        req.end(body);
      });
    const cpuPerCall = async (call: (i: number) => Promise<void>) => {
      const before = process.cpuUsage();
      for (let i = 0; i < o.callsPerRound; i++) await call(i);
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000 / o.callsPerRound;
    };
    await cpuPerCall(sdkCall);
    await cpuPerCall(bareCall);
    const sdk: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      sdk.push(await cpuPerCall(sdkCall));
      bare.push(await cpuPerCall(bareCall));
    }
    const sdkMs = median(sdk);
    const bareMs = median(bare);
    return {
      callsPerRound: o.callsPerRound,
      rounds: o.rounds,
      sdkMsPerCall: round(sdkMs, 3),
      bareHttpMsPerCall: round(bareMs, 3),
      ratio: round(sdkMs / bareMs, 2),
    };
  } finally {
    client.destroy();
    agent.destroy();
    await db.stop();
  }
}
