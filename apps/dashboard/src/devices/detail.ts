import type { Api } from '../api';
import { LocationQuery } from '../alerts/locate';
import { lineChart, type ChartOptions, type Sample } from '../charts/line-chart';
import { ratePerDay } from '../charts/scale';
import { h, s } from '../dom';
import { label, t, type MessageKey } from '../i18n';
import { mercator } from '../map/projection';
import type { DeviceState, Store } from '../state';
import { formatAge, formatDateTime } from '../time';
import type { Alert, SeriesView, TrackPoint, TrackView } from '../types';
import { speedLimitAt } from '@lg/contracts/geo';
import { isoPeriod } from '@lg/contracts/period';
import { statusOf } from './status';

export interface GasThresholds {
  orange: number;
  red: number;
}

export interface DeviceDetailDeps {
  store: Store;
  api: Api;
  gasThresholds: (device: string) => GasThresholds;
  showAlert: (alert: Alert) => void;
}

const HOUR = 3_600_000;
const PERIODS: Array<{ key: MessageKey; ms: number }> = [
  { key: 'period.1h', ms: HOUR },
  { key: 'period.6h', ms: 6 * HOUR },
  { key: 'period.24h', ms: 24 * HOUR },
  { key: 'period.7d', ms: 7 * 24 * HOUR },
  // Answered from the hourly aggregates (README, "Retention and aggregates"): as fast as a day.
  { key: 'period.30d', ms: 30 * 24 * HOUR },
  { key: 'period.1y', ms: 365 * 24 * HOUR },
];
/** GB 50330-2013: a slope warns when it moves faster than this for three days. */
const SLOPE_RATE_MM_DAY = 2;
/** A truck track breaks where fixes are further apart than this (the scorecard's gap rule). */
const TRACK_GAP_MS = 5 * 60_000;

/**
 * One device in the drawer: its registry facts and presence, its open alerts, and its history from
 * InfluxDB through the API over a chosen period: a truck's track and speed with the overspeed fixes and
 * alert openings marked, a slope's displacement and its rate, a gas detector's LEL against its two alarm
 * thresholds.
 */
export class DeviceDetail {
  readonly el = h('div', { class: 'detail device-detail' });
  private readonly facts = h('div', { class: 'detail-facts' });
  private readonly alertsBox = h('div', { class: 'device-alerts' });
  private readonly periods = h('div', { class: 'periods', role: 'group' });
  private readonly charts = h('div', { class: 'charts' });
  private period: number;
  private loadSeq = 0;
  /** 位置查询 for operators on a truck: its JT/T 808 terminal's answer to where it is now. */
  private readonly locate: LocationQuery | undefined;

  constructor(
    readonly id: string,
    private readonly d: DeviceDetailDeps,
  ) {
    const device = d.store.devices.get(id);
    this.period = device?.kind === 'slope' ? 24 * HOUR : HOUR;
    this.el.dataset.device = id;
    if (d.store.user.role === 'operator' && device?.kind === 'truck')
      this.locate = new LocationQuery(d.api, id);
    this.el.append(
      this.facts,
      ...(this.locate ? [this.locate.el] : []),
      this.alertsBox,
      this.periods,
      this.charts,
    );
    this.render();
    void this.load();
  }

  /** Presence or alerts changed. */
  update(): void {
    this.render();
  }

  /** The language changed: charts carry text too. */
  refresh(): void {
    this.locate?.relabel();
    this.render();
    void this.load();
  }

  private device(): DeviceState | undefined {
    return this.d.store.devices.get(this.id);
  }

  private render(): void {
    const dev = this.device();
    const { store } = this.d;
    if (!dev) {
      this.facts.replaceChildren(h('p', { class: 'error' }, this.id));
      return;
    }
    const st = statusOf(dev, store.faultyDevices());
    const row = (key: MessageKey, value: string) =>
      h('div', { class: 'fact' }, h('dt', {}, t(key)), h('dd', {}, value));
    const dl = h(
      'dl',
      {},
      row('device.id', dev.id),
      ...(dev.name ? [row('device.name', dev.name)] : []),
      ...(dev.plate ? [row('device.plate', dev.plate)] : []),
      row('device.owner', `${store.name(dev.owner)} (${dev.owner})`),
      ...(dev.hazmatClass ? [row('device.hazmat', dev.hazmatClass)] : []),
      ...(dev.un?.length ? [row('device.un', dev.un.map((u) => `UN${u}`).join(', '))] : []),
    );
    const street = store.streetOfDevice(dev.id);
    if (dev.grid) dl.append(row('device.grid', store.name(dev.grid)));
    if (street) dl.append(row('device.street', store.name(street)));
    dl.append(
      row('device.interval', t('unit.sec', { n: dev.intervalSec })),
      row(
        'status.lastSeen',
        dev.lastSeen
          ? `${formatDateTime(dev.lastSeen)} (${formatAge(dev.lastSeen, Date.now())})`
          : t('status.never'),
      ),
    );
    if (dev.kind === 'truck' && dev.lat !== undefined && dev.lon !== undefined) {
      dl.append(
        row('device.position', `${dev.lat.toFixed(5)}, ${dev.lon.toFixed(5)}`),
        row('device.speed', dev.speed !== undefined ? `${Math.round(dev.speed)} km/h` : '—'),
      );
    }
    this.facts.replaceChildren(
      h(
        'header',
        { class: 'detail-head' },
        h('span', { class: `status-badge ${st}`, 'data-status': st }, t(`status.${st}`)),
        h('h2', {}, store.deviceLabel(dev.id)),
        h('span', { class: 'chips' }, h('span', { class: 'chip' }, label('kind', dev.kind))),
      ),
      dl,
    );

    const open = store.openAlertsOf(dev.id);
    this.alertsBox.replaceChildren(
      h('h3', {}, t('device.alerts')),
      open.length === 0
        ? h('p', { class: 'empty' }, t('device.noAlerts'))
        : h(
            'ul',
            { class: 'mini-alerts' },
            ...open.map((a) => {
              const b = h(
                'button',
                { type: 'button', class: `link sev-${a.severity}`, 'data-alert-id': a.id },
                `${label('sev', a.severity)} · ${label('rule', a.rule)} · ${formatDateTime(a.openedAt)}`,
              );
              b.addEventListener('click', () => this.d.showAlert(a));
              return h('li', {}, b);
            }),
          ),
    );

    this.periods.replaceChildren(
      ...PERIODS.filter((p) => dev.kind !== 'truck' || p.ms <= 24 * HOUR).map((p) => {
        const b = h(
          'button',
          { type: 'button', class: 'tool', 'aria-pressed': String(p.ms === this.period) },
          t(p.key),
        );
        b.classList.toggle('on', p.ms === this.period);
        b.addEventListener('click', () => {
          this.period = p.ms;
          this.render();
          void this.load();
        });
        return b;
      }),
    );
  }

  private chartWidth(): number {
    return Math.max(320, Math.floor(this.el.clientWidth || 520) - 8);
  }

  private async load(): Promise<void> {
    const dev = this.device();
    if (!dev) return;
    const seq = ++this.loadSeq;
    const to = Date.now();
    const from = to - this.period;
    this.charts.replaceChildren(h('p', { class: 'loading' }, t('chart.loading')));
    try {
      let content: Element[];
      switch (dev.kind) {
        case 'truck':
          content = await this.truck(dev, from, to);
          break;
        case 'slope':
          content = await this.slope(dev, from, to);
          break;
        case 'gas':
          content = await this.gas(dev, from, to);
          break;
      }
      if (seq === this.loadSeq) this.charts.replaceChildren(...content);
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.charts.replaceChildren(
        h(
          'p',
          { class: 'error' },
          t('chart.error', { error: err instanceof Error ? err.message : String(err) }),
        ),
      );
    }
  }

  /** Alert openings of this device in the period, open or already closed. */
  private async alertsIn(dev: DeviceState, from: number): Promise<Alert[]> {
    const known = [...this.d.store.alerts.values()].filter((a) => a.device === dev.id);
    try {
      const list = await this.d.api.get<Alert[]>('/api/alerts', {
        kind: dev.kind,
        owner: dev.owner,
        since: new Date(from).toISOString(),
        limit: 1000,
      });
      for (const a of list) if (a.device === dev.id && !known.some((k) => k.id === a.id)) known.push(a);
    } catch {
      // the chart is still worth showing without the markers
    }
    return known.filter((a) => Date.parse(a.openedAt) >= from);
  }

  private events(alerts: Alert[]): Array<{ t: number; cls: string; title: string }> {
    return alerts.map((a) => ({
      t: Date.parse(a.openedAt),
      cls: `sev-${a.severity}`,
      title: `${formatDateTime(a.openedAt)} ${label('rule', a.rule)} ${label('sev', a.severity)}`,
    }));
  }

  private async truck(dev: DeviceState, from: number, to: number): Promise<Element[]> {
    const [track, alerts] = await Promise.all([
      this.d.api.get<TrackView>(`/api/trucks/${encodeURIComponent(dev.id)}/track`, {
        ...isoPeriod(from, to),
      }),
      this.alertsIn(dev, from),
    ]);
    const points = track.points;
    this.seen(points.at(-1)?.ts);
    if (points.length === 0) return [h('p', { class: 'empty' }, t('chart.empty'))];
    const roads = this.d.store.map.corridors;
    const limits = points.map((p) => speedLimitAt(p.lat, p.lon, roads, track.roadLimitKmh));
    const violations = points
      .map((p, i) => ({ p, limit: limits[i] }))
      .filter(({ p, limit }) => p.speed !== null && p.speed > limit && p.q !== 'bad');
    const samples: Sample[] = [];
    let prev: number | undefined;
    for (const p of points) {
      const ts = Date.parse(p.ts);
      if (prev !== undefined && ts - prev > TRACK_GAP_MS) samples.push([ts - 1, null]);
      samples.push([ts, p.q === 'bad' ? null : p.speed]);
      prev = ts;
    }
    const limitSet = [...new Set([track.roadLimitKmh, ...roads.map((r) => r.limitKmh)])].sort(
      (a, b) => a - b,
    );
    const chart = lineChart({
      from,
      to,
      width: this.chartWidth(),
      height: 180,
      series: [{ samples, cls: 'speed' }],
      thresholds: limitSet.map((n) => ({
        value: n,
        cls: n === track.roadLimitKmh ? 'limit' : 'limit-expressway',
        label: t('chart.limit', { n }),
      })),
      marks: [
        ...violations.map(({ p, limit }) => ({
          t: Date.parse(p.ts),
          v: p.speed ?? 0,
          cls: 'violation',
          title: `${Math.round(p.speed ?? 0)} km/h > ${limit}`,
        })),
        ...points
          .filter((p) => p.q === 'bad' && p.speed !== null)
          .map((p) => ({ t: Date.parse(p.ts), v: p.speed ?? 0, cls: 'unqualified', title: 'q=bad' })),
      ],
      events: this.events(alerts),
    });
    return [
      h(
        'h3',
        {},
        t('chart.track'),
        h('small', { class: 'violations' }, ` ${t('chart.violations', { n: violations.length })}`),
      ),
      this.trackMap(points, new Set(violations.map((v) => v.p))),
      h('h3', {}, t('chart.speed')),
      chart,
      ...(track.truncated ? [h('p', { class: 'note' }, t('chart.truncated', { n: points.length }))] : []),
    ];
  }

  /** The track on a small map of its own extent, overspeed fixes in red. */
  private trackMap(points: TrackPoint[], violations: Set<TrackPoint>): HTMLElement {
    const xy = points.map((p) => mercator(p.lon, p.lat));
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of xy) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
    const pad = Math.max(x1 - x0, y1 - y0, 2) * 0.1;
    x0 -= pad;
    y0 -= pad;
    const w = Math.max(x1 - x0 + pad, 4);
    const hh = Math.max(y1 - y0 + pad, 4);
    const r = (Math.max(w, hh) / 240) * 3;
    const svg = s('svg', { class: 'track-map', viewBox: `${x0} ${y0} ${w} ${hh}`, role: 'img' });
    // The district's outline, corridors and zones under the track, in the map's projection.
    const lines = (cls: string, lonLats: Array<[number, number]>, close: boolean) => {
      const d = lonLats.map(([lo, la], i) => {
        const [x, y] = mercator(lo, la);
        return `${i ? 'L' : 'M'}${x.toFixed(2)},${y.toFixed(2)}`;
      });
      return s('path', { class: cls, d: d.join('') + (close ? 'Z' : '') });
    };
    const { map } = this.d.store;
    svg.append(
      lines('district', map.outline, true),
      ...map.corridors.map((c) => lines('corridor', c.polyline, false)),
      ...map.zones.map((z) => lines('zone', z.polygon, true)),
    );
    let d = '';
    let prev: number | undefined;
    points.forEach((p, i) => {
      const ts = Date.parse(p.ts);
      const gap = prev === undefined || ts - prev > TRACK_GAP_MS;
      d += `${gap ? 'M' : 'L'}${xy[i][0].toFixed(2)},${xy[i][1].toFixed(2)}`;
      prev = ts;
    });
    svg.append(s('path', { class: 'track', d }));
    points.forEach((p, i) => {
      if (violations.has(p)) {
        svg.append(
          s(
            'circle',
            { class: 'violation', cx: xy[i][0], cy: xy[i][1], r },
            s('title', {}, `${formatDateTime(p.ts)} ${Math.round(p.speed ?? 0)} km/h`),
          ),
        );
      }
    });
    const last = xy[xy.length - 1];
    svg.append(s('circle', { class: 'track-end', cx: last[0], cy: last[1], r: r * 1.6 }));
    return h('div', { class: 'track-box' }, svg);
  }

  /** The newest reading of a period is news for "last seen" when no live event said so yet. */
  private seen(ts: string | undefined): void {
    if (ts) this.d.store.noteSeen(this.id, ts);
  }

  private every(ms: number, intervalSec: number): string | undefined {
    // Raw readings while they fit comfortably; means per bucket over long periods.
    if (ms / (intervalSec * 1000) <= 3000) return undefined;
    // Whole hours beyond a week, so the server reads the hourly aggregates (6 h keeps a year near 1500
    // points and the slope rate's 6-hour window meaningful).
    if (ms > 90 * 24 * HOUR) return '6h';
    if (ms > 7 * 24 * HOUR) return '1h';
    return ms > 2 * 24 * HOUR ? '10m' : '2m';
  }

  private async series(dev: DeviceState, field: string, from: number, to: number): Promise<SeriesView> {
    const every = this.every(to - from, dev.intervalSec);
    return this.d.api.get<SeriesView>(`/api/devices/${encodeURIComponent(dev.id)}/series`, {
      field,
      ...isoPeriod(from, to),
      every,
    });
  }

  /** A sensor's series of `field` and its alerts' marks over the same span; notes its newest reading. */
  private async sensorSeries(
    dev: DeviceState,
    field: string,
    from: number,
    to: number,
  ): Promise<{ pts: Sample[]; events: ChartOptions['events'] }> {
    const [view, alerts] = await Promise.all([this.series(dev, field, from, to), this.alertsIn(dev, from)]);
    this.seen(lastReading(view));
    return { pts: numeric(view), events: this.events(alerts) };
  }

  private async slope(dev: DeviceState, from: number, to: number): Promise<Element[]> {
    const { pts, events } = await this.sensorSeries(dev, 'disp', from, to);
    if (pts.length === 0) return [h('p', { class: 'empty' }, t('chart.empty'))];
    const rate = ratePerDay(pts.filter((p): p is [number, number] => p[1] !== null));
    return [
      h('h3', {}, t('chart.disp')),
      lineChart({
        from,
        to,
        width: this.chartWidth(),
        height: 170,
        series: [{ samples: pts, cls: 'disp' }],
        events,
      }),
      h('h3', {}, t('chart.rate')),
      lineChart({
        from,
        to,
        width: this.chartWidth(),
        height: 150,
        series: [{ samples: rate, cls: 'rate' }],
        thresholds: [
          {
            value: SLOPE_RATE_MM_DAY,
            cls: 'sev-yellow',
            label: t('chart.rateLimit', { n: SLOPE_RATE_MM_DAY }),
          },
        ],
        events,
      }),
    ];
  }

  private async gas(dev: DeviceState, from: number, to: number): Promise<Element[]> {
    const { pts, events } = await this.sensorSeries(dev, 'lel', from, to);
    if (pts.length === 0) return [h('p', { class: 'empty' }, t('chart.empty'))];
    const th = this.d.gasThresholds(dev.id);
    return [
      h('h3', {}, t('chart.lel')),
      lineChart({
        from,
        to,
        width: this.chartWidth(),
        height: 200,
        series: [{ samples: pts, cls: 'lel' }],
        thresholds: [
          { value: th.orange, cls: 'sev-orange', label: t('chart.level1', { n: th.orange }) },
          { value: th.red, cls: 'sev-red', label: t('chart.level2', { n: th.red }) },
        ],
        marks: pts
          .filter((p): p is [number, number] => p[1] !== null && p[1] >= th.orange)
          .map(([ts, v]) => ({ t: ts, v, cls: v >= th.red ? 'sev-red' : 'sev-orange', title: `${v}% LEL` })),
        events,
      }),
    ];
  }
}

/** A series' numeric points; unqualified readings break the line rather than draw on it. */
function numeric(view: SeriesView): Sample[] {
  return view.points.map((p) => [
    Date.parse(p.ts),
    typeof p.value === 'number' && p.q !== 'bad' ? p.value : null,
  ]);
}

/** Time of a series' newest point that holds a value (empty buckets of a mean series hold none). */
function lastReading(view: SeriesView): string | undefined {
  for (let i = view.points.length - 1; i >= 0; i--)
    if (view.points[i].value !== null) return view.points[i].ts;
  return undefined;
}
