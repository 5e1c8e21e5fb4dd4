import { z } from './openapi-zod';
import { intIn } from './queries';

/** `GET /api/alarm-load`. */
export const alarmLoadQuerySchema = z
  .object({
    /** The last this many hours, up to now. */
    hours: intIn(1, 168).default('24'),
    /** Operators on duty sharing the load. */
    operators: intIn(1, 50).default('1'),
  })
  .strict();
export type AlarmLoadQuery = z.infer<typeof alarmLoadQuerySchema>;
