import { s } from '../dom';
import { formatDateTime, formatTick } from '../time';
import { extent, linear, niceTicks, timeTicks } from './scale';

/** `[epoch ms, value]`; a null value breaks the line (a gap in the data). */
export type Sample = [number, number | null];

export interface ChartSeries {
  samples: Sample[];
  /** CSS class of the line (colour). */
  cls: string;
}

export interface ChartOptions {
  from: number;
  to: number;
  series: ChartSeries[];
  /** Horizontal lines: alarm thresholds, speed limits. */
  thresholds?: Array<{ value: number; cls: string; label: string }>;
  /** Points drawn as dots on top: violations, unqualified readings. */
  marks?: Array<{ t: number; v: number; cls: string; title: string }>;
  /** Vertical lines: alert openings. */
  events?: Array<{ t: number; cls: string; title: string }>;
  /** Unit shown after values in tooltips. */
  unit?: string;
  width?: number;
  height?: number;
}

const M = { top: 10, right: 12, bottom: 24, left: 44 };

/**
 * A time-series line chart drawn as SVG: axes with round ticks in Asia/Shanghai, lines broken at gaps,
 * thresholds as dashed lines with their label, marked points and event lines. No chart library: the
 * dashboard needs lines, not a toolkit.
 */
export function lineChart(o: ChartOptions): SVGSVGElement {
  const width = o.width ?? 640;
  const height = o.height ?? 200;
  const values = o.series.flatMap((sr) =>
    sr.samples.map(([, v]) => v).filter((v): v is number => v !== null),
  );
  const [lo, hi] = extent(
    [...values, ...(o.marks ?? []).map((m) => m.v)],
    (o.thresholds ?? []).map((th) => th.value),
  );
  const x = linear(o.from, o.to, M.left, width - M.right);
  const y = linear(lo, hi, height - M.bottom, M.top);
  const svg = s('svg', {
    class: 'chart',
    viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: 'xMinYMin meet',
    role: 'img',
  });

  const grid = s('g', { class: 'chart-grid' });
  const yTicks = niceTicks(lo, hi, 4);
  // As many decimals as the tick step needs, so that neighbouring labels differ.
  const step = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  for (const v of yTicks) {
    const yy = y(v).toFixed(1);
    grid.append(
      s('line', { x1: M.left, x2: width - M.right, y1: yy, y2: yy }),
      s(
        'text',
        { x: M.left - 4, y: yy, 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        v.toFixed(decimals),
      ),
    );
  }
  const span = o.to - o.from;
  for (const t of timeTicks(o.from, o.to, Math.max(3, Math.floor(width / 110)))) {
    const xx = x(t).toFixed(1);
    grid.append(
      s('line', { x1: xx, x2: xx, y1: M.top, y2: height - M.bottom, class: 'v' }),
      s('text', { x: xx, y: height - 6, 'text-anchor': 'middle' }, formatTick(t, span)),
    );
  }
  svg.append(grid);

  for (const th of o.thresholds ?? []) {
    const yy = y(th.value).toFixed(1);
    svg.append(
      s('line', { class: `threshold ${th.cls}`, x1: M.left, x2: width - M.right, y1: yy, y2: yy }),
      s(
        'text',
        {
          class: `threshold-label ${th.cls}`,
          x: width - M.right - 2,
          y: Number(yy) - 3,
          'text-anchor': 'end',
        },
        th.label,
      ),
    );
  }

  for (const ev of o.events ?? []) {
    if (ev.t < o.from || ev.t > o.to) continue;
    const xx = x(ev.t).toFixed(1);
    svg.append(
      s(
        'line',
        { class: `event ${ev.cls}`, x1: xx, x2: xx, y1: M.top, y2: height - M.bottom },
        s('title', {}, ev.title),
      ),
    );
  }

  for (const sr of o.series) {
    let d = '';
    let pen = false;
    for (const [t, v] of sr.samples) {
      if (v === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    if (d) svg.append(s('path', { class: `series ${sr.cls}`, d }));
  }

  for (const m of o.marks ?? []) {
    svg.append(
      s(
        'circle',
        { class: `mark ${m.cls}`, cx: x(m.t).toFixed(1), cy: y(m.v).toFixed(1), r: 3 },
        s('title', {}, `${formatDateTime(m.t)} ${m.title}`),
      ),
    );
  }
  return svg;
}
