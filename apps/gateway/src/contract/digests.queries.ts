import { z } from './openapi-zod';
import { single } from './queries';

/** Days back a digest may be asked for: alerts closed longer ago have left Redis (ALERT_RETENTION, 30 days). */
export const MAX_DIGEST_DAYS_BACK = 30;

/** A digest's scope: a company ID (`C01`) or a street ID (`ST-BJ`). */
export const digestScopeSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a company or street ID, e.g. C01 or ST-BJ');

/** `GET /api/digests/{scope}` and `POST /api/digests/{scope}/send`: the local day (default yesterday). */
export const digestQuerySchema = z
  .object({
    date: single(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')).optional(),
  })
  .strict();
export type DigestQuery = z.infer<typeof digestQuerySchema>;
