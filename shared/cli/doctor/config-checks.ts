/** Checks of the config alone: the region receives mail, the alarm and engineer addresses are reachable. */
import { SES_RECEIVING_DOC, SES_RECEIVING_REGIONS } from '../../../infra/ses-regions';
import type { MaildeskConfig } from '../../config';
import { domainOf, fail, ok, warn, type Finding } from './findings';

export function regionFinding(
  region: string | undefined,
  source: string,
  allowUnlisted: boolean,
  needed: boolean,
): Finding {
  if (!region) {
    const fix = 'set "deployment.region" (e.g. "eu-west-1") in the config';
    return needed
      ? fail('region', 'no region in the config nor AWS_REGION', fix)
      : warn('region', 'no region (not needed locally)', fix);
  }
  if (SES_RECEIVING_REGIONS.includes(region)) return ok('region', `${region} (from ${source}) receives mail`);
  const detail = `${region} (from ${source}) is not on the list of regions with SES email receiving`;
  if (allowUnlisted)
    return warn(
      'region',
      `${detail}; allowUnlistedRegion is set`,
      `make sure ${region} is listed on ${SES_RECEIVING_DOC}`,
    );
  return fail('region', detail, `choose one of ${SES_RECEIVING_REGIONS.join(', ')} (${SES_RECEIVING_DOC})`);
}

/**
 * Mail to the desk domain goes to SES receiving, whose only rule takes the tenant addresses: an
 * alarm or engineer address there is bounced, so the alarm subscription can never be confirmed
 * and engineers never see a ticket.
 */
export function addressFindings(config: MaildeskConfig, deskDomain: string): Finding[] {
  const tenantAddresses = new Set(config.tenants.flatMap((t) => t.addresses.map((a) => a.toLowerCase())));
  const unreachable = (address: string) =>
    domainOf(address) === deskDomain.toLowerCase() && !tenantAddresses.has(address.toLowerCase());
  const fix =
    `use an address on another domain (a mailbox a person reads): ${deskDomain}'s MX points at SES, whose receipt ` +
    `rule takes only the tenant addresses`;
  const findings: Finding[] = [];
  const alarm = config.deployment?.alarmEmail;
  if (!alarm)
    findings.push(
      warn(
        'alarm address',
        'no deployment.alarmEmail: alarms and SLA breaches reach nobody by mail',
        'set "deployment.alarmEmail" to a mailbox a person reads, outside the desk domain',
      ),
    );
  else if (unreachable(alarm))
    findings.push(
      fail(
        'alarm address',
        `${alarm} is on the desk domain: the subscription mail bounces, so it can never be confirmed`,
        fix,
      ),
    );
  else findings.push(ok('alarm address', `${alarm} is outside the desk domain`));
  const engineers = config.engineers.filter((e) => unreachable(e.address));
  if (engineers.length) {
    findings.push(
      fail(
        'engineer addresses',
        `${engineers.map((e) => `${e.login} <${e.address}>`).join(', ')} on the desk domain: their copies of ` +
          `tickets bounce`,
        fix,
      ),
    );
  } else {
    findings.push(ok('engineer addresses', `all ${config.engineers.length} outside the desk domain`));
  }
  return findings;
}
