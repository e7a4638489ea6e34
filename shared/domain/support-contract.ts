/**
 * Clinics without an active support contract (the regulation: they get no updates; fixes and
 * improvements are paid separately, after an update to the current version). Their tickets are
 * still opened and acknowledged, marked `outsideContract`, and no SLA deadline, escalation or
 * auto-close applies to them. Whether a ticket is covered is decided once, when it opens: a contract
 * that ends later does not take the deadlines of the tickets it covered. Pure.
 */

/** `tenants[].support` of the config: active unless said otherwise, until the end of `until` (YYYY-MM-DD). */
export interface SupportContract {
  active: boolean;
  until?: string;
}

/**
 * Whether the contract covers a ticket opened on `localDate` (YYYY-MM-DD in the desk's time zone,
 * BusinessCalendar.localDate): active, and `until` not yet past. No contract given: covered.
 */
export function coveredBySupport(contract: SupportContract | undefined, localDate: string): boolean {
  if (!contract) return true;
  return contract.active && (contract.until === undefined || localDate <= contract.until);
}
