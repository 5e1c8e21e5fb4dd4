import { z } from './openapi-zod';
import { DEVICE_KINDS } from '@lg/contracts';
import { alertIdSchema, idSchema, MAX_NOTE_LENGTH } from './queries';

/** Most alerts one bulk acknowledgement takes (the rest wait for the next one: `more` says so). */
export const MAX_BULK_ACK = 2000;

/**
 * `POST /api/alerts/ack-cleared`: cleared, unacknowledged alerts taken with one note, chosen either by
 * their IDs (what the person had on screen) or by a filter. A red alert is never taken in bulk.
 */
export const bulkAckSchema = z
  .object({
    note: z
      .string({ invalid_type_error: 'must be a string' })
      .min(1, 'is required: say why these alerts are taken together')
      .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`),
    ids: z.array(alertIdSchema).min(1).max(MAX_BULK_ACK, `at most ${MAX_BULK_ACK} alerts at once`).optional(),
    kind: z.enum(DEVICE_KINDS).optional(),
    owner: idSchema.optional(),
    rule: z
      .string()
      .regex(/^[a-z_]+\.[a-z_]+$/, 'is not a rule name')
      .optional(),
    severity: z
      .enum(['blue', 'yellow', 'orange'], {
        message: 'must be blue, yellow or orange (red is taken one by one)',
      })
      .optional(),
  })
  .strict()
  .refine((b) => b.ids === undefined || (b.kind ?? b.owner ?? b.rule ?? b.severity) === undefined, {
    message: 'give either ids or a filter (kind, owner, rule, severity), not both',
  });
export type BulkAckBody = z.infer<typeof bulkAckSchema>;
