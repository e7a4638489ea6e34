/**
 * The receipt-rule-set activation custom resource: the exact inline source the stack deploys,
 * run against a fake @aws-sdk/client-ses and a fake CloudFormation response URL.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTIVATE_RULE_SET_SOURCE } from '../../infra/constructs/inbound-mail';

type Sent = { command: string; input: Record<string, unknown> };

function load(active: string | undefined, failWith?: Error) {
  const sent: Sent[] = [];
  class Command {
    constructor(readonly input: Record<string, unknown>) {}
  }
  class SetActiveReceiptRuleSetCommand extends Command {}
  class DescribeActiveReceiptRuleSetCommand extends Command {}
  class SESClient {
    async send(cmd: Command) {
      sent.push({ command: cmd.constructor.name, input: cmd.input });
      if (failWith) throw failWith;
      if (cmd instanceof DescribeActiveReceiptRuleSetCommand) return active ? { Metadata: { Name: active } } : {};
      return {};
    }
  }
  const fakeRequire = (id: string) => {
    if (id !== '@aws-sdk/client-ses') throw new Error(`unexpected require(${id})`);
    return { SESClient, SetActiveReceiptRuleSetCommand, DescribeActiveReceiptRuleSetCommand };
  };
  const module = { exports: {} as { handler: (event: unknown) => Promise<void> } };
  new Function('require', 'exports', 'module', ACTIVATE_RULE_SET_SOURCE)(fakeRequire, module.exports, module);

  const responses: Record<string, unknown>[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: { method: string; body: string }) => {
      expect(url).toBe('https://cloudformation-response.example/presigned');
      expect(init.method).toBe('PUT');
      responses.push(JSON.parse(init.body) as Record<string, unknown>);
      return { ok: true, status: 200 };
    }),
  );
  vi.spyOn(console, 'log').mockImplementation(() => {});
  return { handler: module.exports.handler, sent, responses };
}

const event = (RequestType: 'Create' | 'Update' | 'Delete', RuleSetName = 'Maildesk-inbound', PhysicalResourceId?: string) => ({
  RequestType,
  ResponseURL: 'https://cloudformation-response.example/presigned',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Maildesk/1',
  RequestId: 'req-1',
  LogicalResourceId: 'InboundMailActiveRuleSet',
  PhysicalResourceId,
  ResourceProperties: { ServiceToken: 'arn:fn', RuleSetName },
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('activate-rule-set custom resource', () => {
  it.each(['Create', 'Update'] as const)('%s makes the rule set active and answers SUCCESS with the set as physical id', async (type) => {
    const { handler, sent, responses } = load('someone-else');
    await handler(event(type));
    expect(sent).toEqual([{ command: 'SetActiveReceiptRuleSetCommand', input: { RuleSetName: 'Maildesk-inbound' } }]);
    expect(responses).toEqual([
      expect.objectContaining({
        Status: 'SUCCESS',
        PhysicalResourceId: 'Maildesk-inbound',
        RequestId: 'req-1',
        StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Maildesk/1',
        LogicalResourceId: 'InboundMailActiveRuleSet',
      }),
    ]);
  });

  it('Delete deactivates the rule set when it is still the active one', async () => {
    const { handler, sent, responses } = load('Maildesk-inbound');
    await handler(event('Delete', 'Maildesk-inbound', 'Maildesk-inbound'));
    expect(sent).toEqual([
      { command: 'DescribeActiveReceiptRuleSetCommand', input: {} },
      { command: 'SetActiveReceiptRuleSetCommand', input: {} }, // no name = deactivate
    ]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'Maildesk-inbound' });
  });

  it('Delete leaves another active rule set alone', async () => {
    const { handler, sent, responses } = load('other-team-rules');
    await handler(event('Delete', 'Maildesk-inbound', 'Maildesk-inbound'));
    expect(sent).toEqual([{ command: 'DescribeActiveReceiptRuleSetCommand', input: {} }]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
    expect(String(responses[0]!.Reason)).toContain('other-team-rules');
  });

  it('Delete with no active rule set does nothing', async () => {
    const { handler, sent, responses } = load(undefined);
    await handler(event('Delete', 'Maildesk-inbound', 'Maildesk-inbound'));
    expect(sent.map((s) => s.command)).toEqual(['DescribeActiveReceiptRuleSetCommand']);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
  });

  it('an SES error is answered as FAILED with the message (never left hanging)', async () => {
    const { handler, responses } = load(undefined, new Error('Rule set does not exist: Maildesk-inbound'));
    await handler(event('Create'));
    expect(responses).toEqual([
      expect.objectContaining({ Status: 'FAILED', Reason: 'Rule set does not exist: Maildesk-inbound', PhysicalResourceId: 'Maildesk-inbound' }),
    ]);
  });
});
