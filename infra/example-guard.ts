/**
 * Ops cannot deploy the sample by accident: `cdk synth`/`deploy` refuse the shipped example config,
 * and any config whose desk domain or addresses end in `.example` (RFC 2606: a name that can never
 * receive mail), unless `--context allowExample=true` (to look at the template of the example).
 */
import { basename } from 'node:path';
import { EXAMPLE_CONFIG_FILE, type MaildeskConfig } from '../shared/config';

export const ALLOW_EXAMPLE_CONTEXT = 'allowExample';

const isExampleName = (domainOrAddress: string) => /\.example$/i.test(domainOrAddress.trim());

/** Why this config is a sample, not a desk: empty when it may be deployed. */
export function exampleConfigReasons(config: MaildeskConfig, configPath: string): string[] {
  const reasons: string[] = [];
  if (basename(configPath) === basename(EXAMPLE_CONFIG_FILE)) reasons.push(`it is the shipped example file`);
  const names = [
    ...(config.deployment ? [config.deployment.domain] : []),
    ...config.tenants.flatMap((t) => t.addresses),
    ...config.engineers.map((e) => e.address),
    ...(config.deployment?.alarmEmail ? [config.deployment.alarmEmail] : []),
  ].filter(isExampleName);
  if (names.length > 0) {
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
    reasons.push(`it names .example domains, which never receive mail: ${shown}`);
  }
  return reasons;
}

/** `--context allowExample=true` arrives as the string 'true' from the CLI, as true from cdk.json. */
export const allowsExample = (context: unknown) => context === true || context === 'true';

/** The refusal, saying how to make a real config. */
export function exampleRefusal(configPath: string, reasons: readonly string[]): string {
  return [
    `${configPath} is not a real desk: ${reasons.join('; ')}.`,
    'Make a real config: cp maildesk.config.example.json maildesk.config.json, then set deployment.domain,',
    "the tenants' addresses, the engineers and deployment.alarmEmail to your own (docs/configuration.md,",
    'docs/deploy.md); cdk picks up maildesk.config.json, or the file MAILDESK_CONFIG names.',
    `To synthesize the example anyway (to read the template, never to deploy): --context ${ALLOW_EXAMPLE_CONTEXT}=true`,
  ].join('\n');
}
