import { z } from 'zod';
import { quoted, single, withRange } from './queries';

/** Without `from`, the last 6 hours. */
const DEFAULT_SPAN_MS = 6 * 3_600_000;
/** At most a day: every record of every truck of the company is read. */
export const MAX_QUALITY_SPAN_MS = 24 * 3_600_000;

const gapFactor = single(
  z.string().transform((v, ctx) => {
    const n = Number(v);
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(v) || n < 1.5 || n > 100) {
      ctx.addIssue({ code: 'custom', message: `must be a number from 1.5 to 100, got ${quoted(v)}` });
      return z.NEVER;
    }
    return n;
  }),
);

/** `GET /api/quality/{companyId}`: a period of at most 24 h (default the last 6 h) and the gap factor. */
export function dataQualityQuerySchema(now: () => number = Date.now) {
  return withRange(
    { gapFactor: gapFactor.default('3') },
    (q, at) => {
      const to = q.to ?? at;
      return { from: q.from ?? to - DEFAULT_SPAN_MS, to };
    },
    now,
  ).superRefine((q, ctx) => {
    if (q.to - q.from > MAX_QUALITY_SPAN_MS)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'from..to spans more than 24 hours' });
  });
}
export type DataQualityQuery = z.output<ReturnType<typeof dataQualityQuerySchema>>;
