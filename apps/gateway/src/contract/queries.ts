import { z } from 'zod';
import {
  DEVICE_KINDS,
  ID_PATTERN,
  MAX_CAUSE_ID_LENGTH,
  parseCause,
  parseTimestamp,
  SEVERITIES,
} from '@lg/contracts';
import { parseDurationSeconds } from '@lg/auth';
import { MAX_QUERY_TIME_MS } from '@lg/storage';

/**
 * Query strings and bodies of the REST API. Every parameter is checked; a bad one is refused with 400 and a
 * message naming it and saying why. Unknown parameters are refused too, so that a typo (`servity=red`)
 * does not silently return everything.
 */

/** Most alerts one request returns. */
export const MAX_ALERT_LIMIT = 1000;
/** Most points a track or series returns. */
export const MAX_POINTS = 10_000;
/** Widest time range of a track or series. */
export const MAX_RANGE_MS = 31 * 86_400_000;
/** Widest range of a series with `every` (a year's chart, answered from the hourly aggregates). */
export const MAX_SERIES_RANGE_MS = 367 * 86_400_000;
export const MAX_NOTE_LENGTH = 500;

/** Express gives an array for a repeated parameter: refuse it instead of picking one. */
export const single = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v, ctx) => {
    if (Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: 'given more than once' });
      return z.NEVER;
    }
    return v;
  }, schema);

/** A name or value cut to 40 characters, so that a message never echoes a huge input. */
const cut = (text: string) => (text.length > 40 ? text.slice(0, 40) + '…' : text);

/** A value as a message quotes it. */
export const quoted = (v: unknown) => JSON.stringify(typeof v === 'string' ? cut(v) : v);

export const bool = single(
  z.string().transform((v, ctx) => {
    if (v === 'true') return true;
    if (v === 'false') return false;
    ctx.addIssue({ code: 'custom', message: `must be true or false, got ${quoted(v)}` });
    return z.NEVER;
  }),
);

export const oneOf = <U extends string, T extends Readonly<[U, ...U[]]>>(values: T) =>
  single(
    z.enum(values, {
      errorMap: (_issue, ctx) => ({
        message: `must be one of ${values.join(', ')}, got ${quoted(ctx.data)}`,
      }),
    }),
  );

/** A device, company or owner ID (ID_PATTERN): a path parameter or a body field. */
export const idSchema = z.string().regex(ID_PATTERN, 'must match [A-Za-z0-9_-]{1,64}');
/** An ID as a query parameter. */
export const idParam = single(idSchema);

const LATEST = new Date(MAX_QUERY_TIME_MS).toISOString();

/** A time too late for InfluxDB to store (it would fail the query, not answer it). */
function tooLate(ts: number, ctx: z.RefinementCtx): boolean {
  if (!(ts >= MAX_QUERY_TIME_MS)) return false;
  ctx.addIssue({ code: 'custom', message: `must be before ${LATEST}, the latest time the platform stores` });
  return true;
}

/** Epoch milliseconds (digits) or ISO-8601 with a zone → epoch ms, from 2000 until MAX_QUERY_TIME_MS. */
export const instant = single(
  z.string().transform((v, ctx) => {
    if (/^\d{1,16}$/.test(v)) {
      if (tooLate(Number(v), ctx)) return z.NEVER;
      const parsed = parseTimestamp(Number(v));
      if (parsed.ok) return parsed.ts;
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    const parsed = parseTimestamp(v);
    if (parsed.ok) return parsed.ts;
    // A well-formed time that is too late gets that said, not "must be ISO-8601".
    if (tooLate(Date.parse(v), ctx)) return z.NEVER;
    ctx.addIssue({
      code: 'custom',
      message: `must be epoch milliseconds or ISO-8601 with a zone, got ${quoted(v)}`,
    });
    return z.NEVER;
  }),
);

export const intIn = (min: number, max: number) =>
  single(
    z.string().transform((v, ctx) => {
      if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a whole number from ${min} to ${max}, got ${quoted(v)}`,
        });
        return z.NEVER;
      }
      return Number(v);
    }),
  );

/** A cause ID (`link:{company}`, `gateway:{gatewayId}`, `platform:ingest`), as `parseCause` reads it. */
export const causeParam = single(
  z.string().superRefine((v, ctx) => {
    if (v.length > MAX_CAUSE_ID_LENGTH)
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_CAUSE_ID_LENGTH} characters` });
    else if (parseCause(v) === undefined)
      ctx.addIssue({
        code: 'custom',
        message: `must be link:{company ID}, gateway:{gateway ID} or platform:ingest, got ${quoted(v)}`,
      });
  }),
);

export const alertQuerySchema = z
  .object({
    active: bool.optional(),
    acknowledged: bool.optional(),
    kind: oneOf(DEVICE_KINDS).optional(),
    owner: idParam.optional(),
    severity: oneOf(SEVERITIES).optional(),
    /** Held under a cause (`inhibitedBy` set, never raised to people) or not (docs/rules.md, "Inhibition"). */
    held: bool
      .optional()
      .describe(
        'true: the alerts held under a cause (with inhibitedBy), never raised to people; false: the others',
      ),
    /** Held under this cause: implies held. */
    cause: causeParam
      .optional()
      .describe(
        'The alerts held under this cause: link:{company ID}, gateway:{gateway ID} or platform:ingest',
      ),
    /** Opened at or after. */
    since: instant.optional(),
    limit: intIn(1, MAX_ALERT_LIMIT).default('100'),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.cause !== undefined && q.held === false)
      ctx.addIssue({
        code: 'custom',
        path: ['held'],
        message: 'must not be false with cause, which lists the alerts held under it',
      });
  });
export type AlertQuery = z.infer<typeof alertQuerySchema>;

/** Alert IDs are `rule~device~base36 time`. */
export const alertIdSchema = z.string().regex(/^[A-Za-z0-9_.~:-]{1,200}$/, 'is not an alert ID');
export const deviceIdSchema = idSchema;

export const ackBodySchema = z
  .object({
    note: z
      .string({ invalid_type_error: 'must be a string' })
      .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`)
      .optional(),
    /** The severity the person saw: refused (409) when the alert has risen above it since. */
    severity: oneOf(SEVERITIES).optional(),
  })
  .strict();
export type AckBody = z.infer<typeof ackBodySchema>;

/** `alert:ack` over Socket.IO: the body plus the alert ID. */
export const ackRequestSchema = ackBodySchema.extend({ id: alertIdSchema }).strict();

export const loginBodySchema = z
  .object({
    username: z.string({ required_error: 'is required' }).min(1, 'is required').max(64, 'is too long'),
    password: z.string({ required_error: 'is required' }).min(1, 'is required').max(256, 'is too long'),
  })
  .strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

export interface TimeRange {
  from: number;
  to: number;
}

/**
 * `from`/`to` as epoch ms, with defaults when one or both are missing, `from` < `to`, and at most
 * MAX_RANGE_MS apart: the one time-window check of every query that takes a period.
 */
export function withRange<T extends z.ZodRawShape>(
  shape: T,
  defaults: (given: { from?: number; to?: number }, now: number) => { from: number; to: number },
  now: () => number,
  maxRangeMs = MAX_RANGE_MS,
) {
  return z
    .object({ from: instant.optional(), to: instant.optional(), ...shape })
    .strict()
    .transform((q, ctx) => {
      const { from, to } = defaults({ from: q.from, to: q.to }, now());
      // A default a day after `from` may pass the latest time even when `from` did not.
      if (to >= MAX_QUERY_TIME_MS) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: `must be before ${LATEST}` });
        return z.NEVER;
      }
      if (from >= to) {
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
        return z.NEVER;
      }
      if (to - from > maxRangeMs) {
        const days = Math.round(maxRangeMs / 86_400_000);
        ctx.addIssue({ code: 'custom', path: ['from'], message: `from..to spans more than ${days} days` });
        return z.NEVER;
      }
      return { ...q, from, to };
    });
}

/** Defaults for a recent window: up to now, `spanMs` long. */
function lastSpan(spanMs: number) {
  return (q: { from?: number; to?: number }, now: number) => {
    const to = q.to ?? now;
    return { from: q.from ?? to - spanMs, to };
  };
}

export function trackQuerySchema(now: () => number = Date.now) {
  return withRange({}, lastSpan(3_600_000), now);
}
export type TrackQuery = z.output<ReturnType<typeof trackQuerySchema>>;

/** `every`: bucket width such as `1m`, from one second to one day. */
const every = single(
  z.string().transform((v, ctx) => {
    const seconds = /^\d+[smhd]$/.test(v) ? parseDurationSeconds(v) : null;
    if (seconds === null || seconds < 1 || seconds > 86_400) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a bucket width from 1s to 1d such as 30s, 1m, 1h, got ${quoted(v)}`,
      });
      return z.NEVER;
    }
    return { text: v, ms: seconds * 1000 };
  }),
);

export function seriesQuerySchema(now: () => number = Date.now) {
  return withRange(
    {
      field: single(z.string({ required_error: 'is required' }).min(1, 'is required')),
      every: every.optional(),
    },
    lastSpan(86_400_000),
    now,
    MAX_SERIES_RANGE_MS,
  ).superRefine((q, ctx) => {
    // Raw readings are for periods of up to a month; longer charts are means per bucket.
    if (q.every === undefined && q.to - q.from > MAX_RANGE_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'from..to spans more than 31 days: give every (e.g. 1h) for a longer chart',
      });
    }
  });
}
export type SeriesQuery = z.output<ReturnType<typeof seriesQuerySchema>>;

/** A name the client chose, cut short: a message names the parameter, it does not echo a huge one back. */
/** Zod issues → one line naming each parameter and what is wrong with it. */
export function describeIssues(error: z.ZodError, what: string): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.slice(0, 5).map(cut).join(', ');
        const more = issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : '';
        return `unknown ${what} parameter${issue.keys.length > 1 ? 's' : ''} ${keys}${more}`;
      }
      const name = cut(issue.path.join('.')) || what;
      if (issue.code === 'invalid_type' && issue.received === 'undefined') return `${name}: is required`;
      return `${name}: ${issue.message}`;
    })
    .join('; ');
}
