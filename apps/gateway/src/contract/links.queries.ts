import type { z } from 'zod';
import { withRange } from './queries';

/** Without `from`, the last 24 hours. */
const DEFAULT_SPAN_MS = 24 * 3600_000;

/** `GET /api/links` and `GET /api/links/{company}`: a period, default the last 24 h. */
export function linkQuerySchema(now: () => number = Date.now) {
  return withRange(
    {},
    (q, t) => {
      const to = q.to ?? t + 1;
      return { from: q.from ?? to - DEFAULT_SPAN_MS, to };
    },
    now,
  );
}
export type LinkQuery = z.output<ReturnType<typeof linkQuerySchema>>;
