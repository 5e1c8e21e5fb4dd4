import { deviceFault, type DeviceFaultConfig } from './device-fault';
import { RuleDriver } from './testing';

const defaults = deviceFault.defaults as DeviceFaultConfig;

const P = { lat: 22.7, lon: 114.2, speed: 40 };

describe('device.fault', () => {
  it('fires yellow on a gas fault code and clears on the next good reading', () => {
    const d = new RuleDriver(deviceFault, 'gas');
    d.at(0, { lel: 0 });
    d.at(30, { fault: 'E07' }, { why: ['fault'] });
    d.at(60, { fault: 'E07' }, { why: ['fault'] });
    d.at(90, { lel: 0 });
    expect(d.seen).toEqual([
      [30, 'fire', 'yellow'],
      [90, 'clear'],
    ]);
    expect(d.signals[0].signal).toMatchObject({ message: expect.stringContaining('故障码 E07') as string });
  });

  it('fires on an NE43 fault current below 3.6 mA or above 21 mA, not on a live-zero loop', () => {
    const d = new RuleDriver(deviceFault, 'gas');
    d.at(0, { lel: 0, ma: 4 });
    d.at(30, { lel: 0, ma: 3.59 }, { why: ['ma_out_of_range'] });
    d.at(60, { lel: 0, ma: 3.8 });
    d.at(90, { lel: 100, ma: 21.5 }, { why: ['ma_out_of_range'] });
    expect(d.seen).toEqual([
      [30, 'fire', 'yellow'],
      [60, 'clear'],
      [90, 'fire', 'yellow'],
    ]);
    expect(d.lastFire()?.message).toContain('21.5 mA');
  });

  it('judges the loop current against the configured NE43 band', () => {
    const config: DeviceFaultConfig = { ...defaults, ne43LowMa: 3.8 };
    const d = new RuleDriver(deviceFault, 'gas', undefined, config);
    d.at(0, { lel: 0, ma: 3.7 });
    expect(d.seen).toEqual([[0, 'fire', 'yellow']]);
  });

  it('fires on a reading outside 0–100 % LEL', () => {
    const d = new RuleDriver(deviceFault, 'gas');
    d.at(0, { lel: 130 }, { why: ['lel_out_of_range'] });
    expect(d.lastFire()?.message).toContain('浓度读数不可信（130）');
  });

  it('fires on an impossible truck fix (0,0) and on a GNSS antenna cut, clearing when both are gone', () => {
    const d = new RuleDriver(deviceFault, 'truck');
    d.at(0, { lat: 0, lon: 0, speed: 0 }, { why: ['lat_out_of_range', 'lon_out_of_range'] });
    d.at(10, { ...P, alarm: 0b100000 });
    d.at(20, { ...P }); // no alarm word: the antenna is still taken to be cut
    d.at(30, { ...P, alarm: 0 });
    expect(d.seen).toEqual([
      [0, 'fire', 'yellow'],
      [30, 'clear'],
    ]);
    expect(d.signals[0].signal).toMatchObject({
      message: expect.stringContaining('纬度读数不可信') as string,
    });
    const cut = new RuleDriver(deviceFault, 'truck');
    cut.at(0, { ...P, alarm: 0x21 });
    expect(cut.lastFire()?.message).toContain('GNSS 天线断开');
  });

  it('fires on a clock running ahead, unless configured off', () => {
    const d = new RuleDriver(deviceFault, 'slope');
    d.at(0, { disp: 1 }, { why: ['future_ts'] });
    expect(d.seen).toEqual([[0, 'fire', 'yellow']]);
    const off = new RuleDriver(deviceFault, 'slope', undefined, {
      ...defaults,
      clockFault: false,
    });
    off.at(0, { disp: 1 }, { why: ['future_ts'] });
    expect(off.seen).toEqual([]);
  });

  it('stays quiet on good readings', () => {
    const d = new RuleDriver(deviceFault, 'gas');
    for (let s = 0; s < 300; s += 30) d.at(s, { lel: 12, ma: 5.9 });
    expect(d.seen).toEqual([]);
  });
});
