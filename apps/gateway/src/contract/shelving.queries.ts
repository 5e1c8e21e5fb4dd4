import { z } from './openapi-zod';
import { SEVERITIES } from '@lg/contracts';
import { MAX_SHELF_MINUTES, MIN_SHELF_MINUTES } from '@lg/alerts';
import { alertSchema } from './responses';
import { MAX_NOTE_LENGTH, oneOf } from './queries';

/** Most shelved alerts one listing returns. */
export const MAX_SHELVED_LISTED = 500;

/**
 * `POST /api/alerts/{id}/shelve` and `POST /api/devices/{id}/shelve`: for how long and why (both required),
 * and the highest severity the operator saw (an alert raised above it since is refused).
 */
export const shelveSchema = z
  .object({
    reason: z
      .string({ required_error: 'is required: say why', invalid_type_error: 'must be a string' })
      .trim()
      .min(1, 'is required: say why this is shelved')
      .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`),
    minutes: z
      .number({ required_error: 'is required', invalid_type_error: 'must be a number of minutes' })
      .int('must be whole minutes')
      .min(MIN_SHELF_MINUTES, `must be at least ${MIN_SHELF_MINUTES}`)
      .max(MAX_SHELF_MINUTES, `must be at most ${MAX_SHELF_MINUTES} (24 h)`),
    severity: oneOf(SEVERITIES).optional(),
  })
  .strict();
export type ShelveBody = z.infer<typeof shelveSchema>;

export const shelfRequestIdSchema = z.string().uuid('is not a shelf request ID');

export const shelfRequestSchema = z
  .object({
    id: z.string().uuid(),
    alerts: z.array(z.object({ id: z.string(), severity: z.enum(SEVERITIES) })),
    device: z.string().optional(),
    by: z.string(),
    reason: z.string(),
    minutes: z.number(),
    at: z.string().openapi({ format: 'date-time' }),
    expiresAt: z.string().openapi({ format: 'date-time', description: 'Lapses unconfirmed after this' }),
  })
  .openapi('ShelfRequest');

/** Shelved now, or waiting for a second operator (a red alert, or a device with one). */
export const shelveResultSchema = z
  .object({
    shelved: z.array(alertSchema),
    request: shelfRequestSchema.optional().openapi({
      description:
        'Present when a second, different operator must confirm (POST /api/shelves/requests/{id}/confirm)',
    }),
  })
  .openapi('ShelveResult');

export const shelvesSchema = z
  .object({ alerts: z.array(alertSchema), requests: z.array(shelfRequestSchema) })
  .openapi('Shelves');
