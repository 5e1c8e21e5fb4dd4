import { validateReading } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { buildReading, parseFieldOverrides, parseTsFlag } from './one-shot';
import { selectDevices } from './select';

const registry = Registry.load('config/registry/longgang.json');
const g001 = registry.device('G001')!;
const t001 = registry.device('T001')!;
const NOW = Date.UTC(2026, 4, 1, 0, 0, 0);

describe('one-shot readings', () => {
  it('types field flags by the contract and refuses fields of another kind', () => {
    expect(parseFieldOverrides(t001, { speed: '95', ignition: 'false', alarm: '1', driver: 'D7' })).toEqual({
      speed: 95,
      ignition: false,
      alarm: 1,
      driver: 'D7',
    });
    expect(() => parseFieldOverrides(t001, { lel: '60' })).toThrow('--lel is not a field of a truck reading');
    expect(() => parseFieldOverrides(g001, { lel: 'lots' })).toThrow('--lel must be a number, got "lots"');
    expect(() => parseFieldOverrides(t001, { ignition: 'yes' })).toThrow('--ignition must be true or false');
  });

  it('keeps the loop current consistent with an overridden gas reading', () => {
    const r = buildReading(g001, { lel: 60 }, NOW);
    expect(r).toMatchObject({ ts: NOW, lel: 60, ma: 13.6, gas: 'CH4' });
    expect(buildReading(g001, { lel: 60, ma: 2 }, NOW).ma).toBe(2);
    expect(validateReading('gas', r, { now: NOW, futureToleranceMs: 0 })).toMatchObject({ ok: true });
  });

  it('passes --ts through as epoch ms or as the ISO string given', () => {
    expect(parseTsFlag('1777593600000')).toBe(1777593600000);
    expect(parseTsFlag('2026-05-01T08:00:00+08:00')).toBe('2026-05-01T08:00:00+08:00');
    const r = buildReading(t001, {}, NOW, '2026-05-01T08:00:00+08:00');
    expect(validateReading('truck', r, { now: NOW, futureToleranceMs: 0 })).toMatchObject({
      ok: true,
      reading: { ts: NOW, bad: [] },
    });
  });
});

describe('device selection', () => {
  it('takes IDs and kinds, in registry order', () => {
    const trucks = registry.allDevices().filter((d) => d.kind === 'truck');
    expect(selectDevices(registry, 'G001,truck').map((d) => d.id)).toEqual([
      ...trucks.map((d) => d.id),
      'G001',
    ]);
    expect(selectDevices(registry, 'G001,T002,T001').map((d) => d.id)).toEqual(['T001', 'T002', 'G001']);
    expect(selectDevices(registry).length).toBe(registry.allDevices().length);
    expect(() => selectDevices(registry, 'gas,X9')).toThrow('unknown device or kind: X9');
  });
});
