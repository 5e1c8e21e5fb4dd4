import { fixAt, fixesCsv } from './playback';

describe('track playback', () => {
  it('finds the last fix at or before a time', () => {
    const times = [100, 200, 300, 400];
    expect(fixAt(times, 50)).toBe(0);
    expect(fixAt(times, 100)).toBe(0);
    expect(fixAt(times, 299)).toBe(1);
    expect(fixAt(times, 300)).toBe(2);
    expect(fixAt(times, 9999)).toBe(3);
    expect(fixAt([], 5)).toBe(0);
  });

  it('exports the fixes as CSV with local times and a byte-order mark', () => {
    const csv = fixesCsv('T001', [
      { ts: '2026-05-01T00:00:00.000Z', lat: 22.7, lon: 114.2, speed: 52, heading: 90, q: 'ok' },
      {
        ts: '2026-05-01T00:00:10.000Z',
        lat: 22.7,
        lon: 114.2,
        speed: 250,
        heading: null,
        q: 'bad',
        why: ['speed'],
      },
    ]);
    expect(csv.startsWith('\ufefftruck,')).toBe(true);
    expect(csv.split('\r\n')).toEqual([
      '\ufefftruck,time (Asia/Shanghai),lat,lon,speed_kmh,heading,quality,why',
      'T001,2026-05-01 08:00:00,22.7,114.2,52,90,ok,',
      'T001,2026-05-01 08:00:10,22.7,114.2,250,,bad,speed',
      '',
    ]);
  });
});
