import { z } from 'zod';
import { ID_PATTERN, REJECT_REASONS } from '@lg/contracts';
import { oneOf, quoted, single, withRange } from './queries';

/** Most refusals one request returns. */
export const MAX_REJECTION_LIMIT = 1000;
/** Without `from`, the history of the last day. */
const DEFAULT_SPAN_MS = 24 * 3600_000;

const idParam = single(z.string().regex(ID_PATTERN, 'must match [A-Za-z0-9_-]{1,64}'));

const limit = single(
  z.string().transform((v, ctx) => {
    if (!/^\d{1,9}$/.test(v) || Number(v) < 1 || Number(v) > MAX_REJECTION_LIMIT) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a whole number from 1 to ${MAX_REJECTION_LIMIT}, got ${quoted(v)}`,
      });
      return z.NEVER;
    }
    return Number(v);
  }),
);

const recent = (q: { from?: number; to?: number }, now: number) => {
  const to = q.to ?? now + 1;
  return { from: q.from ?? to - DEFAULT_SPAN_MS, to };
};

/** `GET /api/rejections`: a period (default the last 24 h), filters, and a limit (default 100). */
export function rejectionQuerySchema(now: () => number = Date.now) {
  return withRange(
    {
      owner: idParam.optional(),
      device: idParam.optional(),
      reason: oneOf(REJECT_REASONS).optional(),
      limit: limit.default('100'),
    },
    recent,
    now,
  );
}
export type RejectionQuery = z.output<ReturnType<typeof rejectionQuerySchema>>;

/** `GET /api/rejections/summary`: a period (default the last 24 h) and optionally one owner. */
export function rejectionSummaryQuerySchema(now: () => number = Date.now) {
  return withRange({ owner: idParam.optional() }, recent, now);
}
export type RejectionSummaryQuery = z.output<ReturnType<typeof rejectionSummaryQuerySchema>>;
