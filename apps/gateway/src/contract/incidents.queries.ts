import { z } from './openapi-zod';
import { ackBodySchema, bool, intIn, type AckBody } from './queries';

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

/**
 * `POST /api/incidents/{id}/ack`: an alert's acknowledgement body (one note for every member; the highest
 * severity the person saw).
 */
export const incidentAckSchema = ackBodySchema;
export type IncidentAckBody = AckBody;
