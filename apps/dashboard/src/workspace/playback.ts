import type { TrackGap } from '@lg/contracts/scorecard';
import type { Api } from '../api';
import { lineChart } from '../charts/line-chart';
import { h, s } from '../dom';
import { t } from '../i18n';
import { mercator } from '../map/projection';
import { formatDateTime } from '../time';
import type { Alert, TrackPoint, TrackView } from '../types';

export const PLAYBACK_SPANS = [1, 6, 24] as const;
export const PLAYBACK_SPEEDS = [10, 60, 300] as const;
/** A fix slower than this is part of a stop. */
const STOP_KMH = 1;
/** The chart's plot area, as `lineChart` lays it out (its margins and default width). */
const CHART = { left: 44, right: 12, width: 640 };

/** `GET /api/trucks/{id}/evidence`: the track's gaps and drifted fixes, by the scorecard's rules. */
export interface TrackEvidence {
  gaps: TrackGap[];
  drifts: Array<{
    ts: number;
    lat: number;
    lon: number;
    distanceM: number;
    impliedKmh: number | null;
    reason: string;
  }>;
}

/** The fixes of the line: drifted ones are marked apart, not drawn as travel. */
export function travelled(points: readonly TrackPoint[], evidence: TrackEvidence): TrackPoint[] {
  const drifted = new Set(evidence.drifts.map((d) => d.ts));
  return points.filter((p) => !drifted.has(Date.parse(p.ts)));
}

/** A drifted fix to mark: found by the scorecard's rules, or flagged `drift` by ingest (stored unqualified). */
export interface DriftMark {
  ts: number;
  lat: number;
  lon: number;
  /** The jump, km, and the implied speed, when the scorecard measured them. */
  km?: number;
  kmh?: number | null;
}

/** Every drifted fix of the window once, in time order: the scorecard's, then ingest's flagged ones. */
export function driftMarks(points: readonly TrackPoint[], evidence: TrackEvidence): DriftMark[] {
  const marks = new Map<number, DriftMark>();
  for (const d of evidence.drifts)
    marks.set(d.ts, { ts: d.ts, lat: d.lat, lon: d.lon, km: d.distanceM / 1000, kmh: d.impliedKmh });
  for (const p of points) {
    const ts = Date.parse(p.ts);
    if (p.why?.includes('drift') && !marks.has(ts)) marks.set(ts, { ts, lat: p.lat, lon: p.lon });
  }
  return [...marks.values()].sort((a, b) => a.ts - b.ts);
}

/** The index of the last fix at or before `ms` (fixes in time order); 0 before the first. */
export function fixAt(times: readonly number[], ms: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0 || ms <= times[0]) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The fixes as CSV (UTF-8 with a BOM, CRLF), local times. */
export function fixesCsv(truck: string, points: readonly TrackPoint[]): string {
  const rows = [['truck', 'time (Asia/Shanghai)', 'lat', 'lon', 'speed_kmh', 'heading', 'quality', 'why']];
  for (const p of points)
    rows.push([
      truck,
      formatDateTime(p.ts),
      String(p.lat),
      String(p.lon),
      String(p.speed ?? ''),
      String(p.heading ?? ''),
      p.q ?? '',
      (p.why ?? []).join(' '),
    ]);
  return '\ufeff' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
}

/**
 * Track playback (轨迹回放) of one truck: its track over the last 1, 6 or 24 h on a map of its own extent,
 * stops and alert openings marked; a time slider, play/pause and a speed; the speed chart's cursor follows
 * the truck. The fixes can be saved as CSV.
 */
export async function renderPlayback(
  root: HTMLElement,
  api: Api,
  truck: string,
  spanHours: number,
): Promise<() => void> {
  const to = Date.now();
  const from = to - spanHours * 3_600_000;
  root.replaceChildren(h('p', { class: 'ws-muted' }, t('ws.loading')));
  const none: TrackEvidence = { gaps: [], drifts: [] };
  const [track, alerts, evidence] = await Promise.all([
    api.get<TrackView>(`/api/trucks/${encodeURIComponent(truck)}/track`, { from, to }),
    api.get<Alert[]>('/api/alerts', { kind: 'truck', since: from, limit: 1000 }).catch(() => [] as Alert[]),
    // The evidence is a layer on top: without it the playback still plays.
    api
      .get<TrackEvidence>(`/api/trucks/${encodeURIComponent(truck)}/evidence`, { from, to })
      .catch(() => none),
  ]);
  const points = track.points.filter((p) => p.q !== 'bad');
  const mine = alerts.filter((a) => a.device === truck && a.location);
  const spans = h(
    'span',
    { class: 'ws-spans' },
    ...PLAYBACK_SPANS.map((n) =>
      h(
        'a',
        { class: 'tool', href: `#/playback/${truck}/${n}`, 'aria-pressed': String(n === spanHours) },
        t('ws.play.hours', { n }),
      ),
    ),
  );
  const head = h(
    'div',
    {},
    h('h2', { id: 'playback-title' }, `${t('ws.play.title')} · ${truck}`),
    h(
      'div',
      { class: 'ws-bar' },
      spans,
      h('span', { class: 'ws-muted' }, `${formatDateTime(from)} — ${formatDateTime(to)}`),
    ),
  );
  if (points.length === 0) {
    root.replaceChildren(head, h('p', { id: 'playback-empty' }, t('ws.noData')));
    return () => undefined;
  }
  const times = points.map((p) => Date.parse(p.ts));
  const xy = points.map((p) => mercator(p.lon, p.lat));
  const xs = xy.map((p) => p[0]);
  const ys = xy.map((p) => p[1]);
  const pad = 0.0005 + (Math.max(...xs) - Math.min(...xs) + Math.max(...ys) - Math.min(...ys)) * 0.08;
  const x0 = Math.min(...xs) - pad;
  const y0 = Math.min(...ys) - pad;
  const w = Math.max(...xs) + pad - x0;
  const hh = Math.max(...ys) + pad - y0;
  const r = Math.max(w, hh) / 120;
  const svg = s('svg', {
    class: 'ws-playback-map',
    id: 'playback-map',
    viewBox: `${x0} ${y0} ${w} ${hh}`,
    role: 'img',
    'aria-label': t('ws.play.title'),
  });
  // The line joins the travelled fixes; a gap that broke the track is drawn dashed over it and a
  // drifted fix as a cross where it claimed to be, so the scorecard's evidence is seen where it happened.
  const line = travelled(points, evidence).map((p) => mercator(p.lon, p.lat));
  svg.append(
    s('path', {
      class: 'track',
      d: line.map(([x, y], i) => `${i ? 'L' : 'M'}${x} ${y}`).join(' '),
      'stroke-width': r / 2,
    }),
  );
  for (const g of evidence.gaps) {
    const [gx1, gy1] = mercator(g.fromLon, g.fromLat);
    const [gx2, gy2] = mercator(g.toLon, g.toLat);
    svg.append(
      s(
        'line',
        {
          class: 'gap-mark',
          x1: gx1,
          y1: gy1,
          x2: gx2,
          y2: gy2,
          'stroke-width': r / 1.5,
          'stroke-dasharray': `${r * 2} ${r}`,
        },
        s(
          'title',
          {},
          t('ws.play.gap', {
            from: formatDateTime(g.from),
            s: Math.round(g.seconds),
            km: (g.distanceM / 1000).toFixed(2),
          }),
        ),
      ),
    );
  }
  const drifts = driftMarks(track.points, evidence);
  for (const d of drifts) {
    const [dx, dy] = mercator(d.lon, d.lat);
    svg.append(
      s(
        'path',
        {
          class: 'drift-mark',
          d: `M${dx - r} ${dy - r}L${dx + r} ${dy + r}M${dx - r} ${dy + r}L${dx + r} ${dy - r}`,
          'stroke-width': r / 2,
        },
        s(
          'title',
          {},
          d.km === undefined
            ? t('ws.play.driftFlagged', { at: formatDateTime(d.ts) })
            : t('ws.play.drift', {
                at: formatDateTime(d.ts),
                km: d.km.toFixed(2),
                kmh: d.kmh === null || d.kmh === undefined ? '∞' : Math.round(d.kmh),
              }),
        ),
      ),
    );
  }
  points.forEach((p, i) => {
    if ((p.speed ?? 0) < STOP_KMH)
      svg.append(
        s(
          'circle',
          { class: 'stop', cx: xy[i][0], cy: xy[i][1], r: r * 0.8 },
          s('title', {}, `${t('ws.play.stop')} ${formatDateTime(p.ts)}`),
        ),
      );
  });
  for (const a of mine) {
    const [ax, ay] = mercator(a.location!.lon, a.location!.lat);
    svg.append(
      s(
        'rect',
        { class: `alert-mark sev-${a.severity}`, x: ax - r, y: ay - r, width: r * 2, height: r * 2 },
        s('title', {}, `${a.rule} ${formatDateTime(a.openedAt)}`),
      ),
    );
  }
  const cursor = s('circle', {
    class: 'cursor',
    id: 'playback-cursor',
    cx: xy[0][0],
    cy: xy[0][1],
    r: r * 1.6,
  });
  svg.append(cursor);

  const chart = lineChart({
    from,
    to,
    series: [{ samples: points.map((p) => [Date.parse(p.ts), p.speed]), cls: 'speed' }],
    events: mine.map((a) => ({ t: Date.parse(a.openedAt), cls: `sev-${a.severity}`, title: a.rule })),
    unit: 'km/h',
  });
  const chartCursor = s('line', { class: 'cursor', y1: 0, y2: 200 });
  chart.append(chartCursor);

  const slider = h('input', {
    type: 'range',
    id: 'playback-slider',
    min: 0,
    max: points.length - 1,
    value: 0,
    step: 1,
  });
  const readout = h('span', { id: 'playback-time', class: 'ws-mono' });
  const play = h('button', { type: 'button', class: 'tool', id: 'playback-play' }, t('ws.play.play'));
  const speed = h(
    'select',
    { id: 'playback-speed' },
    ...PLAYBACK_SPEEDS.map((n) => h('option', { value: n }, `${n}×`)),
  );
  const save = h('button', { type: 'button', class: 'tool', id: 'playback-export' }, t('ws.export.csv'));

  let index = 0;
  let clock = times[0];
  const show = (i: number) => {
    index = i;
    cursor.setAttribute('cx', String(xy[i][0]));
    cursor.setAttribute('cy', String(xy[i][1]));
    slider.value = String(i);
    const p = points[i];
    readout.textContent = `${formatDateTime(p.ts)} · ${p.speed ?? '—'} km/h`;
    const x = CHART.left + ((times[i] - from) / (to - from)) * (CHART.width - CHART.left - CHART.right);
    chartCursor.setAttribute('x1', String(x));
    chartCursor.setAttribute('x2', String(x));
  };
  show(0);
  slider.addEventListener('input', () => {
    const i = Number(slider.value);
    clock = times[i];
    show(i);
  });
  let timer: number | undefined;
  const stop = () => {
    window.clearInterval(timer);
    timer = undefined;
    play.textContent = t('ws.play.play');
  };
  play.addEventListener('click', () => {
    if (timer !== undefined) return stop();
    if (index >= points.length - 1) clock = times[0];
    play.textContent = t('ws.play.pause');
    // Event time moves `speed` times as fast as the wall clock; the truck is at its last fix.
    timer = window.setInterval(() => {
      clock += 100 * Number(speed.value);
      const i = fixAt(times, clock);
      if (i !== index) show(i);
      if (clock >= times[times.length - 1]) stop();
    }, 100);
  });
  save.addEventListener('click', () => {
    const a = h('a', {
      href: URL.createObjectURL(
        new Blob([fixesCsv(truck, track.points)], { type: 'text/csv;charset=utf-8' }),
      ),
      download: `track-${truck}-${formatDateTime(from).slice(0, 10)}.csv`,
    });
    document.body.append(a);
    a.click();
    a.remove();
  });
  root.replaceChildren(
    head,
    h('div', { class: 'ws-bar' }, play, speed, slider, readout, save),
    h(
      'div',
      { class: 'ws-cols' },
      h('div', { class: 'ws-playback' }, svg),
      h('div', {}, h('h3', {}, t('chart.speed')), chart),
    ),
    h('p', { class: 'ws-muted' }, t('ws.play.legend', { n: points.length })),
    h(
      'p',
      { class: 'ws-muted', id: 'playback-evidence' },
      t('ws.play.evidence', { gaps: evidence.gaps.length, drifts: drifts.length }),
    ),
  );
  return stop;
}
