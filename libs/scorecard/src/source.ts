import { SEVERITIES, type Severity } from '@lg/contracts';
import type { InfluxRow, QueryParams, RetentionLayout } from '@lg/storage';
import type { AlertEventRow } from './alert-tallies';
import type { Fix } from './track';
import type { UnqualifiedRecord } from './truck-slice';

/** The query side of `InfluxRepository` the scorecard needs. */
export interface InfluxReader {
  queryRows<R extends InfluxRow = InfluxRow>(influxql: string, params?: QueryParams): Promise<R[]>;
  /** Where readings live: the scorecard reads raw truck records (their retention policy named). */
  readonly layout: Pick<RetentionLayout, 'source'>;
}

/** Rows per series and request; a truck reporting every 10 s makes 8640 a day. */
export const PAGE_ROWS = 10_000;

/** One company's truck records in a piece of time, by truck. */
export interface CompanyRecords {
  qualified: Map<string, Fix[]>;
  unqualified: Map<string, UnqualifiedRecord[]>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The scorecard's reads of InfluxDB (InfluxQL, bound parameters). Every query is scoped by `owner`, the
 * company, so no computation for one company can pick up another's records, whatever the registry says.
 */
export class ScorecardSource {
  constructor(private readonly influx: InfluxReader) {}

  /** The company's truck records in [from, to), qualified fixes and unqualified records, by truck. */
  async records(owner: string, from: number, to: number): Promise<CompanyRecords> {
    const qualified = new Map<string, Fix[]>();
    for (const [device, rows] of await this.pages(owner, 'ok', '"lat", "lon", "speed"', from, to)) {
      const fixes: Fix[] = [];
      for (const r of rows) {
        const lat = num(r.lat);
        const lon = num(r.lon);
        if (typeof r.time !== 'number' || lat === null || lon === null) continue;
        fixes.push({ ts: r.time, lat, lon, speed: num(r.speed) ?? 0 });
      }
      qualified.set(device, fixes);
    }
    const unqualified = new Map<string, UnqualifiedRecord[]>();
    for (const [device, rows] of await this.pages(owner, 'bad', '"lat", "lon", "speed", "why"', from, to)) {
      unqualified.set(
        device,
        rows
          .filter((r) => typeof r.time === 'number')
          .map((r) => ({
            ts: r.time as number,
            reasons: typeof r.why === 'string' && r.why !== '' ? r.why.split(',') : [],
            lat: num(r.lat),
            lon: num(r.lon),
            speed: num(r.speed),
          })),
      );
    }
    return { qualified, unqualified };
  }

  /** Trucks of the company with a qualified record in [since, to): the trucks on the network. */
  async onNetwork(owner: string, since: number, to: number): Promise<Set<string>> {
    const rows = await this.influx.queryRows<{ device: string; time: number; first: number }>(
      `SELECT first("lat") AS "first" FROM ${this.influx.layout.source('truck')} WHERE "owner" = $owner AND "q" = 'ok' AND time >= $from AND time < $to GROUP BY "device"`,
      { owner, from: new Date(since), to: new Date(to) },
    );
    return new Set(rows.filter((r) => typeof r.device === 'string').map((r) => r.device));
  }

  /** Transitions of the company's alerts of these rules in [from, to), oldest first. */
  async alertEvents(
    owner: string,
    rules: readonly string[],
    from: number,
    to: number,
  ): Promise<AlertEventRow[]> {
    if (rules.length === 0) return [];
    const params: Record<string, string | Date> = { owner, from: new Date(from), to: new Date(to) };
    const ruleTerms = rules.map((rule, i) => {
      params[`rule${i}`] = rule;
      return `"rule" = $rule${i}`;
    });
    const out: AlertEventRow[] = [];
    let after = from - 1;
    for (;;) {
      params.from = new Date(after + 1);
      const rows = await this.influx.queryRows(
        `SELECT "active", "alert", "device", "rule", "severity", "type" FROM "alert_event" WHERE "owner" = $owner AND (${ruleTerms.join(' OR ')}) AND time >= $from AND time < $to ORDER BY time ASC LIMIT ${PAGE_ROWS}`,
        params,
      );
      for (const r of rows) {
        if (
          typeof r.time === 'number' &&
          typeof r.alert === 'string' &&
          typeof r.device === 'string' &&
          typeof r.rule === 'string' &&
          typeof r.type === 'string' &&
          typeof r.active === 'boolean' &&
          isSeverity(r.severity)
        ) {
          out.push({
            time: r.time,
            alert: r.alert,
            device: r.device,
            rule: r.rule,
            type: r.type,
            severity: r.severity,
            active: r.active,
          });
        }
      }
      if (rows.length < PAGE_ROWS) return out;
      // Transitions sharing the last page's final millisecond would be cut: read from it again.
      const last = rows[rows.length - 1].time as number;
      const firstAtLast = out.findIndex((e) => e.time === last);
      out.splice(firstAtLast);
      if (last - 1 <= after)
        throw new Error(`more than ${PAGE_ROWS} alert transitions of ${owner} at one millisecond`);
      after = last - 1;
    }
  }

  /**
   * Rows of one quality of the company's trucks in [from, to), by truck, oldest first. One request for the
   * company (LIMIT applies per series), then the trucks that filled a page are read on page by page.
   */
  private async pages(
    owner: string,
    q: 'ok' | 'bad',
    columns: string,
    from: number,
    to: number,
  ): Promise<Map<string, InfluxRow[]>> {
    const query = (device: boolean) =>
      `SELECT ${columns} FROM ${this.influx.layout.source('truck')} WHERE "owner" = $owner AND "q" = '${q}'${device ? ' AND "device" = $device' : ''} AND time >= $from AND time < $to GROUP BY "device" ORDER BY time ASC LIMIT ${PAGE_ROWS}`;
    const byDevice = new Map<string, InfluxRow[]>();
    const rows = await this.influx.queryRows(query(false), { owner, from: new Date(from), to: new Date(to) });
    for (const r of rows) {
      if (typeof r.device !== 'string') continue;
      const list = byDevice.get(r.device);
      if (list) list.push(r);
      else byDevice.set(r.device, [r]);
    }
    for (const [device, list] of byDevice) {
      let page = list.length;
      while (page >= PAGE_ROWS) {
        // One series has one row per timestamp, so the next page starts just after the last time read.
        const after = list[list.length - 1].time as number;
        const more = await this.influx.queryRows(query(true), {
          owner,
          device,
          from: new Date(after + 1),
          to: new Date(to),
        });
        list.push(...more);
        page = more.length;
      }
    }
    return byDevice;
  }
}

function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}
