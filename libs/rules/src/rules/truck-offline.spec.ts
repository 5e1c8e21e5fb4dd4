import { truckOffline } from './truck-offline';
import { RuleDriver, T0 } from './testing';

const P = { lat: 22.7, lon: 114.2 };

describe('truck.offline', () => {
  it('asks for a tick 5 min after a moving fix and fires yellow when it comes', () => {
    const d = new RuleDriver(truckOffline, 'truck');
    d.at(0, { ...P, speed: 50 });
    d.at(10, { ...P, speed: 50 });
    expect(d.deadline()).toBe(T0 + 310_000);
    expect(d.tickAt(309)).toBeUndefined();
    const fired = d.tickAt(312);
    expect(fired).toMatchObject({
      type: 'fire',
      severity: 'yellow',
      value: 302,
      threshold: 300,
      location: P,
    });
    expect(d.deadline()).toBeNull(); // no second tick while offline
    expect(d.tickAt(900)).toBeUndefined();
    expect(d.seen).toEqual([[312, 'fire', 'yellow']]);
  });

  it('clears on the next fix, whatever its quality', () => {
    const d = new RuleDriver(truckOffline, 'truck');
    d.at(0, { ...P, speed: 50 });
    d.tickAt(300);
    d.at(400, { lat: 0, lon: 0, speed: 0 }, { why: ['lat_out_of_range', 'lon_out_of_range'] });
    expect(d.seen).toEqual([
      [300, 'fire', 'yellow'],
      [400, 'clear'],
    ]);
  });

  it('arms on ignition on while standing, not for a truck parked with the ignition off', () => {
    const idling = new RuleDriver(truckOffline, 'truck');
    idling.at(0, { ...P, speed: 0, ignition: true });
    expect(idling.deadline()).toBe(T0 + 300_000);
    const parked = new RuleDriver(truckOffline, 'truck');
    parked.at(0, { ...P, speed: 50 });
    parked.at(60, { ...P, speed: 0, ignition: false });
    expect(parked.deadline()).toBeNull();
    expect(parked.tickAt(3600)).toBeUndefined();
    expect(parked.seen).toEqual([]);
  });

  it('moves its deadline with every fix', () => {
    const d = new RuleDriver(truckOffline, 'truck');
    for (let s = 0; s <= 600; s += 10) {
      d.at(s, { ...P, speed: 40 });
      expect(d.tickAt(s + 5)).toBeUndefined();
    }
    expect(d.deadline()).toBe(T0 + 900_000);
  });
});
