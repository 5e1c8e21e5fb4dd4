import { meanSeriesPlan } from './history';
import {
  continuousQueries,
  continuousQueryStatements,
  durationHours,
  nextRecomputeAt,
  policyOfLine,
  retentionStatements,
  type ExistingPolicy,
  type RetentionPeriods,
} from './retention';

const PERIODS: RetentionPeriods = {
  truck: 4392,
  slope: 8760,
  gas: 8760,
  records: 26304,
  minute: 2160,
  hour: 26304,
};
const HOUR = 3_600_000;

describe('retention policies', () => {
  it('routes a line by its measurement', () => {
    expect(policyOfLine('truck,device=T1 speed=1 1')).toBe('raw_truck');
    expect(policyOfLine('slope,device=S1 disp=1 1')).toBe('raw_slope');
    expect(policyOfLine('gas,device=G1 lel=1 1')).toBe('raw_gas');
    expect(policyOfLine('alert_event,alert=A by="x" 1')).toBe('records');
    expect(policyOfLine('scorecard,company=C01 score=1 1')).toBe('records');
    expect(policyOfLine('trucks,device=T1 a=1 1')).toBe('records');
  });

  it('parses InfluxDB durations', () => {
    expect(durationHours('4392h0m0s')).toBe(4392);
    expect(durationHours('0s')).toBe(0);
    expect(durationHours('1h30m0s')).toBe(1.5);
    expect(() => durationHours('1d')).toThrow(RangeError);
  });

  it('creates what is missing, alters what changed, and leaves what matches', () => {
    const created = retentionStatements('lg', [], PERIODS);
    expect(created).toHaveLength(6);
    expect(created).toContain(
      'CREATE RETENTION POLICY "records" ON "lg" DURATION 26304h REPLICATION 1 SHARD DURATION 168h DEFAULT',
    );
    const existing: ExistingPolicy[] = [
      { name: 'autogen', durationHours: 0, shardHours: 168, isDefault: false },
      { name: 'raw_truck', durationHours: 4392, shardHours: 24, isDefault: false },
      { name: 'raw_slope', durationHours: 8760, shardHours: 168, isDefault: false },
      { name: 'raw_gas', durationHours: 8760, shardHours: 168, isDefault: false },
      { name: 'records', durationHours: 26304, shardHours: 168, isDefault: true },
      { name: 'agg_1m', durationHours: 2160, shardHours: 24, isDefault: false },
      { name: 'agg_1h', durationHours: 26304, shardHours: 168, isDefault: false },
    ];
    expect(retentionStatements('lg', existing, PERIODS)).toEqual([]);
    expect(retentionStatements('lg', existing, { ...PERIODS, gas: 1 })).toEqual([
      'ALTER RETENTION POLICY "raw_gas" ON "lg" DURATION 1h REPLICATION 1 SHARD DURATION 1h',
    ]);
    const notDefault = existing.map((p) => (p.name === 'records' ? { ...p, isDefault: false } : p));
    expect(retentionStatements('lg', notDefault, PERIODS)).toEqual([
      'ALTER RETENTION POLICY "records" ON "lg" DURATION 26304h REPLICATION 1 SHARD DURATION 168h DEFAULT',
    ]);
    expect(() => retentionStatements('lg', [], { ...PERIODS, truck: 0 })).toThrow(RangeError);
  });

  it('replaces a changed continuous query, keeps a matching one, drops a stale one of ours only', () => {
    const wanted = continuousQueries('lg');
    const existing = new Map(wanted.map((cq) => [cq.name, cq.create.replace(/"/g, '')]));
    expect(continuousQueryStatements('lg', existing, wanted)).toEqual([]);
    existing.set('lg_truck_1m', 'CREATE CONTINUOUS QUERY lg_truck_1m ON lg BEGIN SELECT 1 END');
    existing.set('lg_old', 'x');
    existing.set('someone_elses', 'y');
    const statements = continuousQueryStatements('lg', existing, wanted);
    expect(statements).toEqual([
      'DROP CONTINUOUS QUERY "lg_truck_1m" ON "lg"',
      wanted.find((cq) => cq.name === 'lg_truck_1m')?.create,
      'DROP CONTINUOUS QUERY "lg_old" ON "lg"',
    ]);
  });
});

describe('nextRecomputeAt', () => {
  it('is the next 18:30 UTC (02:30 in Shanghai)', () => {
    expect(nextRecomputeAt(Date.UTC(2026, 11, 3, 12, 0))).toBe(Date.UTC(2026, 11, 3, 18, 30));
    expect(nextRecomputeAt(Date.UTC(2026, 11, 3, 18, 30))).toBe(Date.UTC(2026, 11, 4, 18, 30));
    expect(nextRecomputeAt(Date.UTC(2026, 11, 3, 23, 0), 2)).toBe(Date.UTC(2026, 11, 4, 2, 30));
  });
});

describe('meanSeriesPlan', () => {
  const now = Date.UTC(2026, 11, 3, 12, 30);

  it('answers a 30-day chart from hourly aggregates with raw at the partial start and the unsettled end', () => {
    const from = now - 30 * 24 * HOUR;
    const plan = meanSeriesPlan(from, now, HOUR, now, true);
    expect(plan.map((p) => p.source)).toEqual(['raw', 'hour', 'raw']);
    expect(plan[0]).toEqual({ source: 'raw', from, to: Date.UTC(2026, 10, 3, 13) });
    // The hour before last is recomputed for the last time at the top of the last hour (+ margin).
    expect(plan[1].to).toBe(Date.UTC(2026, 11, 3, 11));
    expect(plan[2]).toEqual({ source: 'raw', from: Date.UTC(2026, 11, 3, 11), to: now });
  });

  it('uses minute aggregates for minute buckets, and raw when nothing is settled or fields are not aggregated', () => {
    const from = now - 6 * HOUR;
    expect(meanSeriesPlan(from, now, 120_000, now, true).map((p) => p.source)).toEqual(['minute', 'raw']);
    expect(meanSeriesPlan(from, now, 10_000, now, true)).toEqual([{ source: 'raw', from, to: now }]);
    expect(meanSeriesPlan(now - HOUR, now, HOUR, now, true)).toEqual([
      { source: 'raw', from: now - HOUR, to: now },
    ]);
    expect(meanSeriesPlan(from, now, HOUR, now, false)).toEqual([{ source: 'raw', from, to: now }]);
  });
});
