/**
 * Which region the stack goes to, said out loud: from `deployment.region` or the CDK
 * environment, never a silent default; and only a region where SES receives mail, since the
 * desk is built on a receipt rule (a region without it fails late, mid-deploy, with
 * "Unrecognized resource types").
 */
import { ConfigError } from '../shared/config';

/**
 * Regions with SES email receiving (their `inbound-smtp.<region>.amazonaws.com` endpoints), from
 * the AWS General Reference, "Amazon Simple Email Service endpoints and quotas", section
 * "Email receiving endpoints". AWS adds regions over time: for one not listed here yet,
 * `deployment.allowUnlistedRegion: true` lets synth go on (check the page first).
 */
export const SES_RECEIVING_DOC = 'https://docs.aws.amazon.com/general/latest/gr/ses.html#ses_inbound_endpoints';
export const SES_RECEIVING_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-northeast-1',
];

export type RegionSource = 'deployment.region' | 'CDK environment';

export interface ChosenRegion {
  region: string;
  source: RegionSource;
}

/**
 * The region: `deployment.region` first, else the CDK environment's (CDK_DEFAULT_REGION, which the
 * CDK CLI takes from AWS_REGION or the profile). Neither: a ConfigError, not us-east-1.
 */
export function chooseRegion(
  configRegion: string | undefined,
  environmentRegion: string | undefined,
  source = 'config',
): ChosenRegion {
  if (configRegion) return { region: configRegion, source: 'deployment.region' };
  if (environmentRegion) return { region: environmentRegion, source: 'CDK environment' };
  throw new ConfigError(
    `${source}: no AWS region. Set "deployment.region" (for example "eu-west-1") in the config, or the CDK ` +
      `environment's region ` +
      `(AWS_REGION, or a profile with a region): maildesk does not pick one for you.`,
  );
}

/** Refuses a region without SES email receiving unless the config overrides it for a region newer than the list. */
export function requireReceivingRegion(region: string, allowUnlisted: boolean, source = 'config'): void {
  if (SES_RECEIVING_REGIONS.includes(region) || allowUnlisted) return;
  throw new ConfigError(
    `${source}: region ${region} has no SES email receiving, which maildesk needs (its receipt rule).\n` +
      `  Regions with receiving: ${SES_RECEIVING_REGIONS.join(', ')}\n` +
      `  (${SES_RECEIVING_DOC}).\n` +
      `  If AWS has added ${region} since, set "deployment.allowUnlistedRegion": true.`,
  );
}
