import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { influxConnection } from '@lg/config';
import type { AlertTransition, DeviceKind, SeriesPoint, TrackPoint } from '@lg/contracts';
import { Readiness } from '@lg/observability';
import {
  ALERT_EVENT_MEASUREMENT,
  alertTransitionFromRow,
  influxIdentifier,
  InfluxHistory,
  InfluxRepository,
  type InfluxRow,
} from '@lg/storage';
import type { ArrivalRecord } from '@lg/scorecard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export interface Window {
  from: number;
  to: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const num = (v: unknown) => (typeof v === 'number' ? v : null);
const quality = (v: unknown) => (v === 'ok' || v === 'bad' ? v : null);

/**
 * The gateway's InfluxDB (read side): tracks, series and alert transitions, in InfluxQL with bound
 * parameters. Measurements `truck`/`slope`/`gas` tagged `device`, `owner`, `q`; `alert_event` tagged `alert`.
 */
@Injectable()
export class ReadingsStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('influx');
  private readonly influx: InfluxRepository;
  private readonly history: InfluxHistory;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, readiness: Readiness) {
    this.influx = new InfluxRepository(influxConnection(config), this.logger);
    this.history = new InfluxHistory(this.influx);
    readiness.register('influxdb', async () => {
      const ping = await this.influx.ping();
      return ping.ok
        ? { ok: true, detail: ping.version ? `InfluxDB ${ping.version}` : undefined }
        : { ok: false, detail: ping.error };
    });
  }

  /** Makes sure the database exists, without holding up start-up: `/ready` reports InfluxDB meanwhile. */
  onApplicationBootstrap(): void {
    this.influx.init().catch((err: unknown) => {
      this.logger.warn(`InfluxDB is not ready yet: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.influx.close(1000);
  }

  async alertHistory(alertId: string): Promise<AlertTransition[]> {
    const rows = await this.rows(
      `SELECT * FROM ${influxIdentifier(ALERT_EVENT_MEASUREMENT)} WHERE "alert" = $alert ORDER BY time ASC LIMIT 10000`,
      { alert: alertId },
    );
    return rows
      .map((row) => alertTransitionFromRow(row))
      .filter((t): t is AlertTransition => t !== undefined);
  }

  /** Fixes of a truck in [from, to), oldest first, at most `limit`. */
  async track(device: string, w: Window, limit: number): Promise<TrackPoint[]> {
    const rows = await this.rows(
      `SELECT "lat", "lon", "speed", "heading", "q", "why" FROM ${this.influx.layout.source('truck')} WHERE "device" = $device AND time >= $from AND time < $to ORDER BY time ASC LIMIT ${limit}`,
      { device, from: new Date(w.from), to: new Date(w.to) },
    );
    const points: TrackPoint[] = [];
    for (const r of rows) {
      const lat = num(r.lat);
      const lon = num(r.lon);
      if (typeof r.time !== 'number' || lat === null || lon === null) continue;
      const why = typeof r.why === 'string' && r.why !== '' ? r.why.split(',') : undefined;
      // A terminal without a position (JT/T 808 status bit 1 clear) is stored, but where it says it is
      // is no place: a track never draws it.
      if (why?.includes('no_fix')) continue;
      points.push({
        ts: iso(r.time),
        lat,
        lon,
        speed: num(r.speed),
        heading: num(r.heading),
        q: quality(r.q),
        ...(why ? { why } : {}),
      });
    }
    return points;
  }

  /**
   * A company's truck records in [from, to) as data quality needs them (event time, arrival `rx`,
   * quality), by truck, at most `perTruck` each (InfluxDB's LIMIT applies per series).
   */
  async arrivals(owner: string, w: Window, perTruck: number): Promise<Map<string, ArrivalRecord[]>> {
    const rows = await this.rows(
      `SELECT "rx", "q" FROM ${this.influx.layout.source('truck')} WHERE "owner" = $owner AND time >= $from AND time < $to GROUP BY "device" ORDER BY time ASC LIMIT ${perTruck}`,
      { owner, from: new Date(w.from), to: new Date(w.to) },
    );
    const byTruck = new Map<string, ArrivalRecord[]>();
    for (const r of rows) {
      if (typeof r.time !== 'number' || typeof r.device !== 'string') continue;
      let list = byTruck.get(r.device);
      if (!list) byTruck.set(r.device, (list = []));
      list.push({ ts: r.time, rx: num(r.rx), bad: r.q === 'bad' });
    }
    return byTruck;
  }

  /** The readings of one field in [from, to), oldest first, at most `limit`. */
  async rawSeries(
    kind: DeviceKind,
    device: string,
    field: string,
    w: Window,
    limit: number,
  ): Promise<SeriesPoint[]> {
    const f = influxIdentifier(field);
    const rows = await this.rows(
      `SELECT ${f} AS "value", "q" FROM ${this.influx.layout.source(kind)} WHERE "device" = $device AND time >= $from AND time < $to ORDER BY time ASC LIMIT ${limit}`,
      { device, from: new Date(w.from), to: new Date(w.to) },
    );
    return rows
      .filter((r) => typeof r.time === 'number' && r.value !== null && r.value !== undefined)
      .map((r) => ({ ts: iso(r.time as number), value: r.value, q: quality(r.q) }));
  }

  /**
   * The mean of a numeric field per bucket of `everyMs`, empty buckets left out: from the 1-hour or
   * 1-minute aggregates where they hold the period, from raw readings elsewhere (see `InfluxHistory`).
   */
  async meanSeries(
    kind: DeviceKind,
    device: string,
    field: string,
    w: Window,
    everyMs: number,
  ): Promise<SeriesPoint[]> {
    const series = await this.history.meanSeries(kind, device, field, w.from, w.to, everyMs);
    return series.points.map((p) => ({ ts: iso(p.ts), value: p.value, count: p.count }));
  }

  private rows(influxql: string, params: Record<string, string | Date>): Promise<InfluxRow[]> {
    return this.influx.queryRows(influxql, params);
  }
}
