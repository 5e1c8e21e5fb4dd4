import { truckSos } from './truck-sos';
import { RuleDriver } from './testing';

const P = { lat: 22.7, lon: 114.2, speed: 40 };

describe('truck.sos', () => {
  it('fires red on alarm bit 0 and clears when the bit is cleared', () => {
    const d = new RuleDriver(truckSos, 'truck');
    d.at(0, { ...P, alarm: 0 });
    d.at(10, { ...P, alarm: 0b1 });
    d.at(20, { ...P, alarm: 0b1 });
    d.at(30, { ...P }); // no alarm word: no news
    d.at(40, { ...P, alarm: 0 });
    expect(d.seen).toEqual([
      [10, 'fire', 'red'],
      [40, 'clear'],
    ]);
    expect(d.signals[0].signal).toMatchObject({ value: '0x00000001', location: { lat: 22.7, lon: 114.2 } });
  });

  it('reads bit 0 alone, also in a word with the high bits set', () => {
    const d = new RuleDriver(truckSos, 'truck');
    d.at(0, { ...P, alarm: 0xfffffffe }); // every bit but SOS
    expect(d.seen).toEqual([]);
    d.at(10, { ...P, alarm: 0xffffffff });
    expect(d.seen).toEqual([[10, 'fire', 'red']]);
  });

  it('never drops an SOS that comes with an implausible position', () => {
    const d = new RuleDriver(truckSos, 'truck');
    d.at(0, { lat: 0, lon: 0, speed: 0, alarm: 1 }, { why: ['lat_out_of_range', 'lon_out_of_range'] });
    expect(d.seen).toEqual([[0, 'fire', 'red']]);
    expect(d.lastFire()?.location).toBeUndefined();
  });
});
