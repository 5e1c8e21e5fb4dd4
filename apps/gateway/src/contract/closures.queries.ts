import { CLOSURE_LIMITS, SEVERITIES } from '@lg/contracts';
import { z } from './openapi-zod';
import { alertIdSchema } from './queries';

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);
/** Epoch ms, or ISO-8601 with a zone. */
const time = z.union([
  z.number().int().min(946_684_800_000).max(9_999_999_999_999),
  z
    .string()
    .max(40)
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/, 'must be ISO-8601 with a zone'),
]);

/** `POST /api/closures`: exactly one of polygon, circle or alert, and the window. */
export const closureBodySchema = z
  .object({
    reason: z.string().trim().min(1, 'is required').max(CLOSURE_LIMITS.maxReason),
    polygon: z
      .array(z.tuple([lon, lat]))
      .min(3, 'needs at least 3 corners')
      .max(CLOSURE_LIMITS.maxPoints)
      .optional(),
    circle: z
      .object({ lat, lon, radiusM: z.number().positive().max(CLOSURE_LIMITS.maxRadiusM) })
      .strict()
      .optional(),
    alert: z
      .object({ id: alertIdSchema, radiusM: z.number().positive().max(CLOSURE_LIMITS.maxRadiusM) })
      .strict()
      .optional(),
    from: time.optional(),
    to: time,
    severity: z.enum(SEVERITIES).default('red'),
  })
  .strict()
  .refine((b) => [b.polygon, b.circle, b.alert].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of polygon, circle or alert',
  });
export type ClosureBody = z.output<typeof closureBodySchema>;

export const closureIdSchema = z.string().regex(/^CL-[a-z0-9-]{1,40}$/, 'is not a closure ID');
