import { readFileSync } from 'node:fs';
import { Registry, RegistryError } from './registry';
import type { RegistryData } from './types';

const minimal = (): RegistryData =>
  JSON.parse(readFileSync('config/registry/minimal.json', 'utf8')) as RegistryData;

describe('registry gateways', () => {
  it('puts every fixed device on its owner’s default gateway when none is listed, trucks on none', () => {
    const r = new Registry(minimal());
    expect(r.gatewayOf('SL-S01-1')).toBe('S01-GW');
    expect(r.gatewayOf('G001')).toBe('P01-GW');
    expect(r.gatewayOf('T001')).toBeUndefined();
    expect(r.gateway('P01-GW')?.owner).toBe('P01');
    expect(r.gateway('P01-GW')?.devices.map((d) => d.id)).toEqual(
      r
        .allDevices()
        .filter((d) => d.owner === 'P01')
        .map((d) => d.id),
    );
    expect(r.gatewaysOf('S01')).toEqual(['S01-GW']);
    expect(r.gatewaysOf('C01')).toEqual([]);
  });

  it('takes the gateways a site lists, the rest of its devices on the default', () => {
    const data = minimal();
    data.slopeSites.find((s) => s.id === 'S01')!.gateways = [{ id: 'S01-N', devices: ['SL-S01-2'] }];
    const r = new Registry(data);
    expect(r.gatewayOf('SL-S01-2')).toBe('S01-N');
    expect(r.gatewayOf('SL-S01-1')).toBe('S01-GW');
    expect(r.gatewaysOf('S01').sort()).toEqual(['S01-GW', 'S01-N']);
  });

  it('refuses a device on two gateways, and one gateway under two owners', () => {
    const twice = minimal();
    twice.slopeSites.find((s) => s.id === 'S01')!.gateways = [
      { id: 'A', devices: ['SL-S01-1'] },
      { id: 'B', devices: ['SL-S01-1'] },
    ];
    expect(() => new Registry(twice)).toThrow(/SL-S01-1 is on two gateways: A, B/);
    const shared = minimal();
    shared.slopeSites.find((s) => s.id === 'S01')!.gateways = [{ id: 'X', devices: ['SL-S01-1'] }];
    shared.pipelineNetworks.find((p) => p.id === 'P01')!.gateways = [{ id: 'X', devices: ['G001'] }];
    expect(() => new Registry(shared)).toThrow(RegistryError);
  });
});
