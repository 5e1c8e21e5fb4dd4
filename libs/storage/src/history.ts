import type { DeviceKind } from '@lg/contracts';
import type { InfluxRepository } from './influx-repository';
import { influxIdentifier } from './influxql';
import { AGGREGATES, aggregateSettledBefore, aggregatedFields, type AggregateTier } from './retention';

/** Where a piece of a chart is computed from. */
export type SeriesSource = 'raw' | AggregateTier;

/** A time range of a chart and its source; pieces of a plan are contiguous and in order. */
export interface SeriesPiece {
  source: SeriesSource;
  from: number;
  to: number;
}

/**
 * How a mean-per-bucket chart over [from, to) with buckets of `everyMs` is computed: from the coarsest
 * aggregate whose width divides `everyMs`, for the buckets that aggregate holds in final form; raw readings
 * for the partial bucket at the start (when `from` is not on a bucket edge) and for the recent buckets the
 * continuous queries have not settled yet. A piece boundary is always a bucket edge, so no chart bucket
 * is split between two sources.
 */
export function meanSeriesPlan(
  from: number,
  to: number,
  everyMs: number,
  nowMs: number,
  aggregatable: boolean,
): SeriesPiece[] {
  if (aggregatable) {
    for (const tier of ['hour', 'minute'] as const) {
      if (everyMs % AGGREGATES[tier].widthMs !== 0) continue;
      const head = Math.ceil(from / everyMs) * everyMs;
      const cut = Math.floor(Math.min(to, aggregateSettledBefore(tier, nowMs)) / everyMs) * everyMs;
      if (cut <= head) continue;
      const pieces: SeriesPiece[] = [];
      if (head > from) pieces.push({ source: 'raw', from, to: head });
      pieces.push({ source: tier, from: head, to: cut });
      if (to > cut) pieces.push({ source: 'raw', from: cut, to });
      return pieces;
    }
  }
  return [{ source: 'raw', from, to }];
}

/** A bucket of a mean series: its start, the mean of the field's values in it, how many there were. */
export interface MeanPoint {
  ts: number;
  value: number | null;
  count: number;
}

/** A mean series and the coarsest source it was computed from. */
export interface MeanSeries {
  points: MeanPoint[];
  source: SeriesSource;
}

/**
 * History charts of readings: means per bucket answered from the aggregates where they hold the period
 * (a 30-day or a 1-year chart reads hundreds of points, not millions), from raw readings elsewhere. The
 * two give the same numbers: an aggregate keeps sums and counts, not means.
 */
export class InfluxHistory {
  constructor(private readonly influx: InfluxRepository) {}

  /** The mean of a numeric field per bucket of `everyMs` in [from, to), empty buckets left out. */
  async meanSeries(
    kind: DeviceKind,
    device: string,
    field: string,
    from: number,
    to: number,
    everyMs: number,
    nowMs = Date.now(),
  ): Promise<MeanSeries> {
    const aggregatable = this.influx.layout.managed && aggregatedFields(kind).includes(field);
    const plan = meanSeriesPlan(from, to, everyMs, nowMs, aggregatable);
    const answers = await Promise.all(plan.map((piece) => this.piece(kind, device, field, piece, everyMs)));
    const tier = plan.find((p) => p.source !== 'raw')?.source ?? 'raw';
    return { points: answers.flat(), source: tier };
  }

  private async piece(
    kind: DeviceKind,
    device: string,
    field: string,
    piece: SeriesPiece,
    everyMs: number,
  ): Promise<MeanPoint[]> {
    const q = influxIdentifier;
    let select: string;
    let source: string | undefined;
    if (piece.source === 'raw') {
      select = `mean(${q(field)}) AS "value", count(${q(field)}) AS "count"`;
      source = this.influx.layout.source(kind);
    } else {
      select = `sum(${q(field + '_sum')}) / sum(${q(field + '_count')}) AS "value", sum(${q(field + '_count')}) AS "count"`;
      source = this.influx.layout.aggregateSource(kind, piece.source);
    }
    if (source === undefined) return [];
    const rows = await this.influx.queryRows(
      `SELECT ${select} FROM ${source} WHERE "device" = $device AND time >= $from AND time < $to GROUP BY time(${Math.round(everyMs / 1000)}s) fill(none)`,
      { device, from: new Date(piece.from), to: new Date(piece.to) },
    );
    const points: MeanPoint[] = [];
    for (const r of rows) {
      if (typeof r.time !== 'number') continue;
      const count = typeof r.count === 'number' ? r.count : 0;
      // A bucket of an aggregate can hold readings without this field (count 0): raw leaves it out.
      if (piece.source !== 'raw' && count === 0) continue;
      points.push({ ts: r.time, value: typeof r.value === 'number' ? r.value : null, count });
    }
    return points;
  }
}
