/**
 * Issue 18: an SDK client keeps its connection to a stand-in alive, as it does to AWS. The stand-ins' HTTP server
 * answered `Keep-Alive: timeout=1`, and Node's agent frees a socket one second before the server's hint runs out:
 * at once, so every SendEmail of the local stack opened a new TCP connection (a connect per mail, in the stack's CPU).
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startSesStandin } from '../../shared/adapters/standins/ses-v2-standin';

describe('the stand-ins keep connections alive', () => {
  it('three SendEmail calls in a row go over one connection, and close() still ends at once', async () => {
    // given
    const ses = await startSesStandin({ account: { verifiedIdentities: ['support.example'] } });
    const agent = new Agent({ keepAlive: true });
    let connections = 0;
    const connect = agent.createConnection.bind(agent);
    agent.createConnection = (...args: Parameters<typeof connect>) => {
      connections += 1;
      return connect(...args);
    };
    const client = new SESv2Client({ endpoint: ses.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1, requestHandler: { httpAgent: agent } });
    const raw = Buffer.from('From: clinic-north@support.example\r\nTo: d@clinic.example\r\nSubject: MG-1\r\n\r\nHello\r\n');
    // when
    for (let n = 0; n < 3; n++) await client.send(new SendEmailCommand({ FromEmailAddress: 'clinic-north@support.example', Destination: { ToAddresses: ['d@clinic.example'] }, Content: { Raw: { Data: raw } } }));
    // then
    expect(ses.accepted).toHaveLength(3);
    expect(connections).toBe(1);
    const started = Date.now();
    await ses.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    client.destroy();
  });
});
