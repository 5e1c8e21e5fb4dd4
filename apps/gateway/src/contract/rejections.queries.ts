import { z } from 'zod';
import { REJECT_REASONS } from '@lg/contracts';
import { idParam, intIn, oneOf, withRange } from './queries';

/** Most refusals one request returns. */
export const MAX_REJECTION_LIMIT = 1000;
/** Without `from`, the history of the last day. */
const DEFAULT_SPAN_MS = 24 * 3600_000;

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
      limit: intIn(1, MAX_REJECTION_LIMIT).default('100'),
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
