import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, configFromEnvironment, parseConfig } from '../../shared/config';
import { routeTenant } from '../../shared/mail/inbound/route-tenant';

const example = JSON.parse(readFileSync('maildesk.config.example.json', 'utf8'));

describe('config', () => {
  it('accepts the shipped example and fills defaults', () => {
    const cfg = parseConfig(example);
    expect(cfg.ticketPrefix).toBe('MG');
    expect(cfg.tenants).toHaveLength(2);
    expect(cfg.tenants[0]!.language).toBe('ru');
    expect(cfg.sla.autoCloseWorkingDays).toBe(10);
  });

  it.each([
    [{ ticketPrefix: 'mg' }, 'ticketPrefix'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ businessHours: { days: [1], start: '18:00', end: '10:00' } }, 'businessHours'],
    [{ engineers: [] }, 'engineers'],
    [{ tenants: [{ id: 'x', name: 'X', addresses: ['not-an-address'] }] }, 'tenants[0].addresses[0]'],
    [{ holidays: ['2026-13-01x'] }, 'holidays[0]'],
    [{ unknownKey: 1 }, 'unknownKey'],
  ])('names the bad key in %j', (patch, key) => {
    expect(() => parseConfig({ ...example, ...patch })).toThrowError(ConfigError);
    expect(() => parseConfig({ ...example, ...patch })).toThrowError(key);
  });

  it('rejects an address that belongs to two tenants', () => {
    const twice = structuredClone(example);
    twice.tenants[1].addresses.push(twice.tenants[0].addresses[0]);
    expect(() => parseConfig(twice)).toThrowError(/already belongs to tenant "clinic-north"/);
  });

  it('routes recipients to their tenant case-insensitively', () => {
    const cfg = parseConfig(example);
    expect(routeTenant(cfg, ['someone@else.example', 'HELP@clinic-south.example'], { deliveredTo: [], to: [], cc: [] })?.id).toBe('clinic-south');
    expect(routeTenant(cfg, ['nobody@nowhere.example'], { deliveredTo: [], to: [], cc: [] })).toBeUndefined();
  });

  it('a function runs with the config the build validated and embedded, as it was embedded', () => {
    const validated = parseConfig(example);
    // what infra/constructs/functions.ts embeds: zod's output, through JSON
    const embedded = JSON.stringify(validated);
    const saved = process.env.MAILDESK_CONFIG_JSON;
    process.env.MAILDESK_CONFIG_JSON = embedded;
    try {
      expect(configFromEnvironment()).toEqual(validated);
    } finally {
      if (saved === undefined) delete process.env.MAILDESK_CONFIG_JSON;
      else process.env.MAILDESK_CONFIG_JSON = saved;
    }
    // zod's output survives JSON and is itself a valid config that parses to the same value
    expect(parseConfig(JSON.parse(embedded))).toEqual(validated);
  });
});
