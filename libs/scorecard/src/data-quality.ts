import type { TruckDataQuality } from '@lg/contracts';

export type { TruckDataQuality } from '@lg/contracts';

/** One stored truck record as data quality sees it: its event time, arrival time and quality tag. */
export interface ArrivalRecord {
  /** Event time (the reading's `ts`), epoch ms. */
  ts: number;
  /** When the platform received it (`rx`), epoch ms; null for records stored without it. */
  rx: number | null;
  /** Stored as unqualified (`q=bad`). */
  bad: boolean;
}

export interface DataQualityRules {
  /** A silence counts as a gap beyond this many registry intervals (default 3, as JT/T 1077 offline). */
  gapFactor: number;
}

export const DEFAULT_DATA_QUALITY_RULES: DataQualityRules = { gapFactor: 3 };

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/**
 * The data quality of one truck's records in [from, to), records in any order (sorted here). Pure: the
 * period's end stands for "now", so a terminal silent since its last record shows that silence as a gap.
 */
export function truckDataQuality(
  truck: string,
  expectedIntervalSec: number,
  input: readonly ArrivalRecord[],
  period: { from: number; to: number },
  rules: DataQualityRules = DEFAULT_DATA_QUALITY_RULES,
): TruckDataQuality {
  const records = [...input].sort((a, b) => a.ts - b.ts);
  const unqualified = records.filter((r) => r.bad).length;
  const intervals: number[] = [];
  for (let i = 1; i < records.length; i++) intervals.push((records[i].ts - records[i - 1].ts) / 1000);
  const expected = Math.max(1, expectedIntervalSec);
  const gapLimit = rules.gapFactor * expected;
  // The silence after the last record counts too (a terminal gone quiet); none before the first, since
  // the period may start before the truck was on the road.
  const tail = records.length > 0 ? Math.max(0, (period.to - records[records.length - 1].ts) / 1000) : 0;
  const silences = records.length > 0 ? [...intervals, tail] : [];
  const sorted = [...intervals].sort((a, b) => a - b);
  const skews = records.flatMap((r) => (r.rx === null ? [] : [r.rx - r.ts])).sort((a, b) => a - b);
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    truck,
    expectedIntervalSec,
    records: records.length,
    unqualified,
    unqualifiedShare: records.length > 0 ? unqualified / records.length : null,
    medianIntervalSec: sorted.length > 0 ? round1(quantile(sorted, 0.5)) : null,
    p90IntervalSec: sorted.length > 0 ? round1(quantile(sorted, 0.9)) : null,
    regularity:
      sorted.length > 0
        ? intervals.filter((s) => s >= expected * 0.5 && s <= expected * 1.5).length / intervals.length
        : null,
    gaps: silences.filter((s) => s > gapLimit).length,
    longestGapSec: round1(silences.reduce((m, s) => Math.max(m, s), 0)),
    medianSkewMs: skews.length > 0 ? quantile(skews, 0.5) : null,
    maxAbsSkewMs: skews.length > 0 ? Math.max(Math.abs(skews[0]), Math.abs(skews[skews.length - 1])) : null,
    lastTs: records.length > 0 ? new Date(records[records.length - 1].ts).toISOString() : null,
  };
}
