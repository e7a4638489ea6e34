/**
 * The receipt-rule-set activation custom resource: the exact inline source the stack deploys,
 * run with the real @aws-sdk/client-ses whose calls a strict double answers at the SDK boundary
 * (test/infra/fixtures/strict-ses-receipt.ts: one active set per account and region, unknown
 * names refused like SES), and a fake CloudFormation response URL.
 *
 * Only one rule set can be active in an account and region: activating ours would silently switch
 * off another domain's mail. So the handler refuses to replace a set that is not ours unless
 * `deployment.replaceActiveRuleSet` is true, remembers the set it replaced in its physical id
 * (the only thing CloudFormation hands back on delete) and restores it on delete or rollback.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTIVATE_RULE_SET_SOURCE } from '../../infra/constructs/inbound-mail';
import { strictReceiptAccount, type ReceiptAccount, type SesSdk } from './fixtures/strict-ses-receipt';

// The module exactly as the inline CommonJS source loads it, so the mock is on the same class.
const sdk = createRequire(import.meta.url)('@aws-sdk/client-ses') as SesSdk;

const OURS = 'Maildesk-inbound';
const FOREIGN = 'other-team-rules';
type Response = { Status: string; Reason?: string; PhysicalResourceId: string; Data?: Record<string, string>; [k: string]: unknown };
type RequestType = 'Create' | 'Update' | 'Delete';

let account: ReceiptAccount | undefined;

/** The handler, freshly evaluated, with its CloudFormation answers collected. */
function load() {
  const module = { exports: {} as { handler: (event: unknown) => Promise<void> } };
  const requireSdk = (id: string) => {
    if (id !== '@aws-sdk/client-ses') throw new Error(`unexpected require(${id})`);
    return sdk;
  };
  new Function('require', 'exports', 'module', ACTIVATE_RULE_SET_SOURCE)(requireSdk, module.exports, module);
  const responses: Response[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: { method: string; body: string }) => {
      expect(url).toBe('https://cloudformation-response.example/presigned');
      expect(init.method).toBe('PUT');
      responses.push(JSON.parse(init.body) as Response);
      return { ok: true, status: 200 };
    }),
  );
  vi.spyOn(console, 'log').mockImplementation(() => {});
  return { handler: module.exports.handler, responses };
}

function given(ruleSets: string[], active?: string) {
  account = strictReceiptAccount(sdk, ruleSets, active);
  return { account, ...load() };
}

/** CloudFormation passes custom resource properties as strings ("true", not true). */
const event = (RequestType: RequestType, opts: { physicalId?: string; replace?: boolean; ruleSet?: string } = {}) => ({
  RequestType,
  ResponseURL: 'https://cloudformation-response.example/presigned',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Maildesk/1',
  RequestId: 'req-1',
  LogicalResourceId: 'InboundMailActiveRuleSet',
  ...(opts.physicalId === undefined ? {} : { PhysicalResourceId: opts.physicalId }),
  ResourceProperties: { ServiceToken: 'arn:fn', RuleSetName: opts.ruleSet ?? OURS, ReplaceActiveRuleSet: String(opts.replace ?? false) },
});

afterEach(() => {
  account?.restore();
  account = undefined;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('activate-rule-set custom resource: create', () => {
  it('no set active: activates ours and answers SUCCESS with the set as physical id', async () => {
    const { account, handler, responses } = given([OURS]);
    await handler(event('Create'));
    expect(account.active).toBe(OURS);
    expect(responses).toEqual([
      expect.objectContaining({
        Status: 'SUCCESS',
        PhysicalResourceId: OURS,
        RequestId: 'req-1',
        StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Maildesk/1',
        LogicalResourceId: 'InboundMailActiveRuleSet',
      }),
    ]);
  });

  it('another set active, replacing not allowed: FAILED naming that set and the setting, and its mail keeps flowing', async () => {
    const { account, handler, responses } = given([OURS, FOREIGN], FOREIGN);
    await handler(event('Create'));
    expect(account.active).toBe(FOREIGN);
    expect(account.activations).toEqual([]);
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: OURS });
    expect(responses[0]!.Reason).toContain(FOREIGN);
    expect(responses[0]!.Reason).toContain('deployment.replaceActiveRuleSet');
  });

  it('another set active, replacing allowed: activates ours and remembers the replaced set in the physical id and data', async () => {
    const { account, handler, responses } = given([OURS, FOREIGN], FOREIGN);
    await handler(event('Create', { replace: true }));
    expect(account.active).toBe(OURS);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', Data: { RuleSetName: OURS, ReplacedRuleSet: FOREIGN } });
    expect(responses[0]!.PhysicalResourceId).toContain(FOREIGN);
    expect(responses[0]!.Reason).toContain(FOREIGN);
  });

  it('ours already active: nothing to change', async () => {
    const { account, handler, responses } = given([OURS], OURS);
    await handler(event('Create'));
    expect(account.activations).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OURS });
  });

  it('our set does not exist: SES refuses (RuleSetDoesNotExist) and the answer is FAILED, never left hanging', async () => {
    const { account, handler, responses } = given([]);
    await handler(event('Create'));
    expect(account.active).toBeUndefined();
    expect(responses).toEqual([expect.objectContaining({ Status: 'FAILED', PhysicalResourceId: OURS, Reason: expect.stringContaining('Rule set does not exist') })]);
  });
});

describe('activate-rule-set custom resource: delete and rollback', () => {
  it('restores the set it replaced (stack delete or rollback of the create)', async () => {
    const { account, handler, responses } = given([OURS, FOREIGN], FOREIGN);
    await handler(event('Create', { replace: true }));
    const physicalId = responses[0]!.PhysicalResourceId;
    await handler(event('Delete', { physicalId, replace: true }));
    expect(account.active).toBe(FOREIGN);
    expect(account.activations).toEqual([OURS, FOREIGN]);
    expect(responses[1]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(responses[1]!.Reason).toContain(`restored ${FOREIGN}`);
    // CloudFormation deletes our rule set next: SES allows it now that it is not active.
    await new sdk.SESClient({}).send(new sdk.DeleteReceiptRuleSetCommand({ RuleSetName: OURS }));
    expect(account.ruleSets.has(OURS)).toBe(false);
  });

  it('the replaced set was deleted since: ours is deactivated instead (so CloudFormation can delete it), SUCCESS', async () => {
    const { account, handler, responses } = given([OURS, FOREIGN], FOREIGN);
    await handler(event('Create', { replace: true }));
    account.ruleSets.delete(FOREIGN);
    await handler(event('Delete', { physicalId: responses[0]!.PhysicalResourceId, replace: true }));
    expect(account.active).toBeUndefined();
    expect(responses[1]).toMatchObject({ Status: 'SUCCESS' });
    expect(responses[1]!.Reason).toContain(FOREIGN);
  });

  it('nothing was replaced: deactivates ours when it is still the active one', async () => {
    const { account, handler, responses } = given([OURS], OURS);
    await handler(event('Delete', { physicalId: OURS }));
    expect(account.active).toBeUndefined();
    expect(account.activations).toEqual([undefined]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OURS });
  });

  it('another set was activated since: left alone, even if ours had replaced a third one', async () => {
    const { account, handler, responses } = given([OURS, FOREIGN, 'newer-rules'], 'newer-rules');
    await handler(event('Delete', { physicalId: `${OURS};replaced=${FOREIGN}` }));
    expect(account.active).toBe('newer-rules');
    expect(account.activations).toEqual([]);
    expect(responses[0]!.Reason).toContain('newer-rules');
  });

  it('rollback of a refused create changes nothing: the other set stays active', async () => {
    const { account, handler, responses } = given([OURS, FOREIGN], FOREIGN);
    await handler(event('Create'));
    await handler(event('Delete', { physicalId: responses[0]!.PhysicalResourceId }));
    expect(account.active).toBe(FOREIGN);
    expect(account.activations).toEqual([]);
    expect(responses.map((r) => r.Status)).toEqual(['FAILED', 'SUCCESS']);
  });

  it('a physical id from before this change (the bare set name) still deletes', async () => {
    const { account, handler } = given([OURS], OURS);
    await handler(event('Delete', { physicalId: OURS }));
    expect(account.active).toBeUndefined();
  });
});

describe('activate-rule-set custom resource: update', () => {
  it('ours active: no SES write, and the physical id (with what it replaced) is kept', async () => {
    const physicalId = `${OURS};replaced=${FOREIGN}`;
    const { account, handler, responses } = given([OURS, FOREIGN], OURS);
    await handler(event('Update', { physicalId, replace: false }));
    expect(account.activations).toEqual([]);
    // A changed physical id would make CloudFormation delete the "old" resource: our delete would switch mail.
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId, Data: { ReplacedRuleSet: FOREIGN } });
  });

  it('another set activated since and replacing not allowed: FAILED, that set stays active', async () => {
    const { account, handler, responses } = given([OURS, 'newer-rules'], 'newer-rules');
    await handler(event('Update', { physicalId: OURS }));
    expect(account.active).toBe('newer-rules');
    expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: OURS });
    expect(responses[0]!.Reason).toContain('newer-rules');
  });

  it('nothing active (someone deactivated it): ours is activated again, physical id kept', async () => {
    const { account, handler, responses } = given([OURS]);
    await handler(event('Update', { physicalId: OURS }));
    expect(account.active).toBe(OURS);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OURS });
  });
});
