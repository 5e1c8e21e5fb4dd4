import { z } from 'zod';
import { DAY_MS, dayStart, EXPORT_FORMATS, EXPORT_LANGS } from '@lg/scorecard';
import { idSchema, instant, MAX_RANGE_MS, oneOf, quoted, single, withRange } from './queries';

/**
 * Query strings of the scorecard endpoints, checked like every other (400 naming the parameter; unknown
 * parameters refused). Periods are [from, to); without them, yesterday (Asia/Shanghai), the regulator's
 * daily report.
 */

/** Widest period computed on demand. */
export const MAX_SCORECARD_RANGE_MS = MAX_RANGE_MS;
export const MAX_TREND_DAYS = 90;

export interface ScorecardRange {
  from: number;
  to: number;
}

/** A scorecard period defaults to one whole day: the day `from` starts, else yesterday (local days). */
function range<T extends z.ZodRawShape>(shape: T, now: () => number) {
  return withRange(
    shape,
    (q, at) => {
      const to = q.to ?? (q.from !== undefined ? q.from + DAY_MS : dayStart(at));
      return { from: q.from ?? to - DAY_MS, to };
    },
    now,
  );
}

export function scorecardQuerySchema(now: () => number = Date.now) {
  return range({}, now);
}

export function exportQuerySchema(now: () => number = Date.now) {
  return range(
    { format: oneOf(EXPORT_FORMATS).default('csv'), lang: oneOf(EXPORT_LANGS).default('zh') },
    now,
  );
}
export type ExportQuery = z.output<ReturnType<typeof exportQuerySchema>>;

export function trendQuerySchema(now: () => number = Date.now) {
  return z
    .object({
      days: single(
        z.string().transform((v, ctx) => {
          if (!/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > MAX_TREND_DAYS) {
            ctx.addIssue({
              code: 'custom',
              message: `must be a whole number from 1 to ${MAX_TREND_DAYS}, got ${quoted(v)}`,
            });
            return z.NEVER;
          }
          return Number(v);
        }),
      ).default('30'),
      /** The trend ends with the day before the one containing `to` (default now: up to yesterday). */
      to: instant.optional(),
    })
    .strict()
    .transform((q) => ({ days: q.days, to: q.to ?? now() }));
}
export type TrendQuery = z.output<ReturnType<typeof trendQuerySchema>>;

export const companyIdSchema = idSchema;

/** Companies in the order the page shows them, at most this many. */
export const MAX_RANKING_ORDER = 64;

const companyOrder = single(
  z.string().transform((v, ctx) => {
    const ids = v.split(',');
    if (ids.length > MAX_RANKING_ORDER || ids.some((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id))) {
      ctx.addIssue({
        code: 'custom',
        message: `must be up to ${MAX_RANKING_ORDER} company IDs separated by commas, got ${quoted(v)}`,
      });
      return z.NEVER;
    }
    return ids;
  }),
);

/** `GET /api/scorecard/export`: the ranking as a file, in the order on screen (`order`, default by rank). */
export function rankingExportQuerySchema(now: () => number = Date.now) {
  return range(
    {
      format: oneOf(EXPORT_FORMATS).default('csv'),
      lang: oneOf(EXPORT_LANGS).default('zh'),
      order: companyOrder.optional(),
    },
    now,
  );
}
export type RankingExportQuery = z.output<ReturnType<typeof rankingExportQuerySchema>>;
