import type { TrackPoint } from '../types';
import { driftMarks, fixAt, fixesCsv, travelled, type TrackEvidence } from './playback';

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

describe('the evidence on the playback map', () => {
  const at = (s: number) => new Date(Date.parse('2026-05-01T00:00:00Z') + s * 1000).toISOString();
  const point = (s: number, extra: Partial<TrackPoint> = {}): TrackPoint => ({
    ts: at(s),
    lat: 22.7,
    lon: 114.2,
    speed: 40,
    heading: 0,
    q: 'ok',
    ...extra,
  });

  it('marks each drifted fix once, the scorecard’s measure first, and leaves them out of the line', () => {
    const points = [
      point(0),
      point(30, { lat: 22.75 }),
      point(60),
      point(90, { q: 'bad', why: ['drift'], lat: 23 }),
    ];
    const evidence: TrackEvidence = {
      gaps: [],
      drifts: [
        {
          ts: Date.parse(at(30)),
          lat: 22.75,
          lon: 114.2,
          distanceM: 5560,
          impliedKmh: 667.2,
          reason: 'speed',
        },
      ],
    };
    expect(driftMarks(points, evidence)).toEqual([
      { ts: Date.parse(at(30)), lat: 22.75, lon: 114.2, km: 5.56, kmh: 667.2 },
      { ts: Date.parse(at(90)), lat: 23, lon: 114.2 },
    ]);
    expect(travelled(points.slice(0, 3), evidence).map((p) => p.ts)).toEqual([at(0), at(60)]);
  });
});
