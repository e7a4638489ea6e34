/**
 * Issue 18: the SES v2 stand-in of `npm start` runs for days, so it keeps only the last mails it accepted in
 * memory (the browser's list); older ones stay in its folder and are still served raw from there.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEP_LAST_MAILS, startSesStandin, type SesStandin } from '../../shared/adapters/standins/ses-v2-standin';

let ses: SesStandin;
let client: SESv2Client;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'maildesk-ses-memory-'));
  ses = await startSesStandin({ account: { verifiedIdentities: ['support.example'] }, folder });
  client = new SESv2Client({ endpoint: ses.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
});

afterAll(async () => {
  client?.destroy();
  await ses?.close();
  rmSync(folder, { recursive: true, force: true });
});

const raw = (n: number) => Buffer.from(['From: clinic-north@support.example', `To: doctor${n}@clinic.example`, `Subject: MG-${n}`, `Message-ID: <m${n}@support.example>`, '', `Mail ${n}`, ''].join('\r\n'));

async function send(n: number): Promise<string> {
  const out = await client.send(new SendEmailCommand({ FromEmailAddress: 'clinic-north@support.example', Destination: { ToAddresses: [`doctor${n}@clinic.example`] }, Content: { Raw: { Data: raw(n) } } }));
  return out.MessageId!;
}

describe('the SES v2 stand-in keeps the last mails in memory, not all of them', () => {
  it(`after ${KEEP_LAST_MAILS} + 1 sends it holds ${KEEP_LAST_MAILS}, the oldest dropped; every mail is in the folder and served raw`, async () => {
    // given / when
    expect(KEEP_LAST_MAILS).toBe(100);
    const ids: string[] = [];
    for (let n = 1; n <= KEEP_LAST_MAILS + 1; n++) ids.push(await send(n));
    // then
    expect(ses.accepted.length).toBe(KEEP_LAST_MAILS);
    expect(ses.accepted.map((m) => m.messageId)).toEqual(ids.slice(1));
    expect(ses.sent()).toBe(KEEP_LAST_MAILS + 1);
    expect(readdirSync(folder).filter((f) => f.endsWith('.eml'))).toHaveLength(KEEP_LAST_MAILS + 1);
    const page = await (await fetch(`${ses.endpoint}/`)).text();
    expect(page).toContain(`${KEEP_LAST_MAILS + 1} mail(s) sent`);
    expect(page).not.toContain(ids[0]);
    expect(page).toContain(ids[1]);
    // the dropped one is read back from the folder, byte for byte
    const first = await fetch(`${ses.endpoint}/mail/${ids[0]}.eml`);
    expect(first.status).toBe(200);
    expect(Buffer.from(await first.arrayBuffer()).equals(raw(1))).toBe(true);
  }, 60_000);

  it('keepLast sets the bound', async () => {
    const small = await startSesStandin({ account: { verifiedIdentities: ['support.example'] }, keepLast: 2 });
    const smallClient = new SESv2Client({ endpoint: small.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      for (let n = 1; n <= 3; n++) await smallClient.send(new SendEmailCommand({ FromEmailAddress: 'clinic-north@support.example', Destination: { ToAddresses: ['d@clinic.example'] }, Content: { Raw: { Data: raw(n) } } }));
      expect(small.accepted.map((m) => m.raw.toString())).toEqual([raw(2).toString(), raw(3).toString()]);
      // no folder: a dropped mail is gone from the view
      expect(small.sent()).toBe(3);
    } finally {
      smallClient.destroy();
      await small.close();
    }
  });
});
