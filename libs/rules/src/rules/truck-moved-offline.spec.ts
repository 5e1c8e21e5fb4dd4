import { truckMovedOffline } from './truck-moved-offline';
import { RuleDriver } from './testing';

const HERE = { lat: 22.7, lon: 114.2, speed: 0 };
const NEARBY = { lat: 22.705, lon: 114.2, speed: 0 }; // 556 m north
const FAR = { lat: 22.72, lon: 114.2, speed: 30 }; // 2.2 km north

describe('truck.moved_offline', () => {
  it('fires orange when the truck comes back more than 1 km away after 5 min of silence', () => {
    const d = new RuleDriver(truckMovedOffline, 'truck');
    d.at(0, HERE);
    d.at(300, FAR);
    expect(d.seen).toEqual([[300, 'fire', 'orange']]);
    expect(d.lastFire()).toMatchObject({
      value: 2224,
      threshold: 1000,
      location: { lat: 22.72, lon: 114.2 },
    });
    expect(d.lastFire()?.message).toContain('2.2 km');
  });

  it('stays quiet for a short silence or a short move', () => {
    const d = new RuleDriver(truckMovedOffline, 'truck');
    d.at(0, HERE);
    d.at(299, FAR); // 4 min 59 s: just driving
    d.at(1000, { ...FAR, lat: 22.724 }); // 445 m after 11 min
    expect(d.seen).toEqual([]);
    const e = new RuleDriver(truckMovedOffline, 'truck');
    e.at(0, HERE);
    e.at(3600, NEARBY);
    expect(e.seen).toEqual([]);
  });

  it('counts a silence of qualified fixes: reports without a usable position do not end it', () => {
    const d = new RuleDriver(truckMovedOffline, 'truck');
    d.at(0, HERE);
    for (let s = 60; s < 600; s += 60) d.at(s, { lat: 0, lon: 0, speed: 0 }, { why: ['lat_out_of_range'] });
    d.at(600, FAR);
    expect(d.seen).toEqual([[600, 'fire', 'orange']]);
  });

  it('signals clear on the next fix so the alert waits, cleared, for acknowledgement', () => {
    const d = new RuleDriver(truckMovedOffline, 'truck');
    d.at(0, HERE);
    d.at(600, FAR);
    d.at(610, FAR);
    d.at(620, FAR);
    expect(d.seen).toEqual([
      [600, 'fire', 'orange'],
      [610, 'clear'],
    ]);
  });
});
