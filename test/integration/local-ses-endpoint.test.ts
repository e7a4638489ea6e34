/**
 * `npm start` sends as the Lambdas do: SesMailSender to the strict local SES v2 endpoint
 * (sesEndpoint: true), which writes every accepted mail to the outbox. The same mail as the
 * direct outbox writer, to the same people; a send SES would refuse fails here too.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { localPaths } from '../../infra/local/stack';
import { exampleConfig, startHarness, type Harness } from '../support/harness';

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

const newTicket = {
  from: 'a.smirnova@clinic-north.example',
  to: 'clinic-north@support.example',
  subject: 'Не печатается направление',
  text: 'Номер амбулаторной карты: 12345\nЛогин в системе: smirnova\n\nПри печати направления ошибка.',
};

async function firstMails(overrides: Parameters<typeof startHarness>[0]) {
  const h = await startHarness(overrides);
  harnesses.push(h);
  await h.send(newTicket);
  const mails = await h.newMail();
  return { h, mails };
}

describe('the local stack through the local SES v2 endpoint', () => {
  it('writes the same mails to the outbox as the direct writer, each through SES (its MessageId in the file name)', async () => {
    const [viaSes, direct] = await Promise.all([firstMails({ sesEndpoint: true }), firstMails({})]);
    expect(viaSes.h.stack.sesEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(direct.h.stack.sesEndpoint).toBeUndefined();
    const people = (mails: typeof viaSes.mails) => mails.map((m) => [m.subject, m.to.map((a) => a.address).sort().join(',')].join(' | ')).sort();
    expect(viaSes.mails.length).toBeGreaterThan(0);
    expect(people(viaSes.mails)).toEqual(people(direct.mails));
    expect(viaSes.mails.every((m) => /-0102[0-9a-f]+-[0-9a-f]+-000000\.eml$/.test(m.file))).toBe(true);
    expect(await readdir(localPaths(viaSes.h.stack.dataDir).failed)).toEqual([]);
  }, 120_000);

  it('refuses, as SES would, a From outside the verified identity: the mail is kept in the failed folder, not in the outbox', async () => {
    const example = exampleConfig();
    // The desk's verified identity is another domain than the tenants' addresses (the From of every mail).
    const h = await startHarness({ sesEndpoint: true, config: { ...example, deployment: { ...example.deployment!, domain: 'elsewhere.example' } } });
    harnesses.push(h);
    await h.send(newTicket);
    const mails = await h.newMail();
    expect(mails).toEqual([]);
    const failed = await readdir(localPaths(h.stack.dataDir).failed);
    expect(failed.length).toBeGreaterThan(0);
  }, 120_000);
});

