import { truckDataQuality, type ArrivalRecord } from './data-quality';

const T0 = Date.parse('2026-05-01T00:00:00Z');
const at = (s: number, o: Partial<ArrivalRecord> = {}): ArrivalRecord => ({
  ts: T0 + s * 1000,
  rx: T0 + s * 1000 + 200,
  bad: false,
  ...o,
});

describe('truckDataQuality', () => {
  it('sees a terminal reporting on time as regular, without gaps, with its arrival delay as skew', () => {
    const records = Array.from({ length: 31 }, (_, i) => at(i * 20));
    const q = truckDataQuality('T001', 20, records, { from: T0, to: T0 + 610_000 });
    expect(q).toMatchObject({
      records: 31,
      unqualified: 0,
      unqualifiedShare: 0,
      medianIntervalSec: 20,
      p90IntervalSec: 20,
      regularity: 1,
      gaps: 0,
      longestGapSec: 20,
      medianSkewMs: 200,
      maxAbsSkewMs: 200,
      lastTs: new Date(T0 + 600_000).toISOString(),
    });
  });

  it('counts silences over three intervals as gaps, the silence up to the end of the period too', () => {
    // 0, 20, 40, then 2 minutes of silence, 160, 180; the period ends 5 minutes after the last.
    const records = [0, 20, 40, 160, 180].map((s) => at(s));
    const q = truckDataQuality('T001', 20, records, { from: T0, to: T0 + 480_000 });
    expect(q.gaps).toBe(2);
    expect(q.longestGapSec).toBe(300);
    expect(q.regularity).toBe(3 / 4);
    expect(q.medianIntervalSec).toBe(20);
    expect(q.p90IntervalSec).toBe(120);
  });

  it('gives the share unqualified and a fast clock as negative skew, whatever the order of records', () => {
    const records = [at(40, { bad: true }), at(0, { rx: T0 - 300_000 }), at(20), at(60, { rx: null })];
    const q = truckDataQuality('T002', 20, records, { from: T0, to: T0 + 61_000 });
    expect(q.unqualified).toBe(1);
    expect(q.unqualifiedShare).toBe(0.25);
    expect(q.medianSkewMs).toBe(200);
    expect(q.maxAbsSkewMs).toBe(300_000);
    expect(q.lastTs).toBe(new Date(T0 + 60_000).toISOString());
  });

  it('says nothing it cannot know for a truck without records', () => {
    expect(truckDataQuality('T003', 30, [], { from: T0, to: T0 + 3_600_000 })).toEqual({
      truck: 'T003',
      expectedIntervalSec: 30,
      records: 0,
      unqualified: 0,
      unqualifiedShare: null,
      medianIntervalSec: null,
      p90IntervalSec: null,
      regularity: null,
      gaps: 0,
      longestGapSec: 0,
      medianSkewMs: null,
      maxAbsSkewMs: null,
      lastTs: null,
    });
  });
});
