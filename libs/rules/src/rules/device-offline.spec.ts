import type { Device } from '@lg/registry';
import { deviceOffline, type DeviceOfflineConfig } from './device-offline';
import { DEVICES, RuleDriver, T0, testRegistry } from './testing';

const defaults = deviceOffline.defaults as DeviceOfflineConfig;

describe('device.offline', () => {
  it("fires yellow after 3 × the device's reporting interval and clears on the next message", () => {
    const gas: Device = { ...DEVICES.gas, lat: 22.71, lon: 114.21 };
    const d = new RuleDriver(deviceOffline, 'gas', testRegistry(), defaults, T0, gas);
    d.at(0, { lel: 0 });
    d.at(30, { lel: 0 });
    expect(d.deadline()).toBe(T0 + 120_000); // 30 s + 3 × 30 s
    expect(d.tickAt(119)).toBeUndefined();
    expect(d.tickAt(120)).toMatchObject({
      type: 'fire',
      severity: 'yellow',
      value: 90,
      threshold: 90,
      location: { lat: 22.71, lon: 114.21 },
    });
    expect(d.deadline()).toBeNull();
    d.at(400, { fault: 'E01' }, { why: ['fault'] });
    expect(d.seen).toEqual([
      [120, 'fire', 'yellow'],
      [400, 'clear'],
    ]);
    expect(d.deadline()).toBe(T0 + 490_000);
  });

  it('takes the factor and a floor from the configuration (owner or device overrides)', () => {
    const d = new RuleDriver(deviceOffline, 'slope', testRegistry(), { ...defaults, factor: 5 });
    d.at(0, { disp: 0 });
    expect(d.deadline()).toBe(T0 + 300_000); // 5 × 60 s
    const floor = new RuleDriver(deviceOffline, 'truck', testRegistry(), { ...defaults, minSilenceSec: 120 });
    floor.at(0, { lat: 22.7, lon: 114.2, speed: 40 });
    expect(floor.deadline()).toBe(T0 + 120_000); // not 3 × 10 s
  });

  it("gives a parked truck's sleeping terminal the parked allowance", () => {
    const d = new RuleDriver(deviceOffline, 'truck');
    d.at(0, { lat: 22.7, lon: 114.2, speed: 40 });
    expect(d.deadline()).toBe(T0 + 30_000);
    d.at(10, { lat: 22.7, lon: 114.2, speed: 0, ignition: false });
    expect(d.deadline()).toBe(T0 + 3_610_000);
    expect(d.tickAt(3610)).toMatchObject({ severity: 'yellow', location: { lat: 22.7, lon: 114.2 } });
    const never = new RuleDriver(deviceOffline, 'truck', testRegistry(), {
      ...defaults,
      parkedSilenceSec: null,
    });
    never.at(0, { lat: 22.7, lon: 114.2, speed: 0, ignition: false });
    expect(never.deadline()).toBeNull();
  });

  it('counts silence from receipt when the device clock runs behind', () => {
    const d = new RuleDriver(deviceOffline, 'gas');
    d.at(0, { lel: 0 }, { rx: T0 + 120_000 });
    expect(d.deadline()).toBe(T0 + 210_000);
  });

  it('has no deadline before the first message', () => {
    expect(new RuleDriver(deviceOffline, 'gas').deadline()).toBeNull();
  });
});
