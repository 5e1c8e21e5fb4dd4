import { z } from './openapi-zod';
import { bool, intIn, oneOf, MAX_NOTE_LENGTH } from './queries';
import { SEVERITIES } from '@lg/contracts';

/** At most this many incidents per listing. */
export const MAX_INCIDENT_LIMIT = 200;

/** `GET /api/incidents`. */
export const incidentQuerySchema = z
  .object({
    /** Only incidents with an open member (default true). */
    open: bool.default('true'),
    /** Only incidents of at least this many members (default 2: one alert alone is not an incident to handle). */
    minSize: intIn(1, 100_000).default('2'),
    limit: intIn(1, MAX_INCIDENT_LIMIT).default('50'),
  })
  .strict();
export type IncidentQuery = z.infer<typeof incidentQuerySchema>;

/** Incident IDs are `i~` + the grouping key's values + a base-36 time. */
export const incidentIdSchema = z.string().regex(/^i~[A-Za-z0-9_.~:-]{1,300}$/, 'is not an incident ID');

/** `POST /api/incidents/{id}/ack`: one note for every member; the highest severity the person saw. */
export const incidentAckSchema = z
  .object({
    note: z
      .string({ invalid_type_error: 'must be a string' })
      .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`)
      .optional(),
    severity: oneOf(SEVERITIES).optional(),
  })
  .strict();
export type IncidentAckBody = z.infer<typeof incidentAckSchema>;
