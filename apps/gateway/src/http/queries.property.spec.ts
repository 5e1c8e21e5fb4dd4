import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import type { z } from 'zod';
import { DEVICE_KINDS, parseCause, SEVERITIES } from '@lg/contracts';
import {
  ackBodySchema,
  ackRequestSchema,
  alertIdSchema,
  alertQuerySchema,
  deviceIdSchema,
  describeIssues,
  loginBodySchema,
  MAX_ALERT_LIMIT,
  MAX_RANGE_MS,
  seriesQuerySchema,
  trackQuerySchema,
} from '../contract/queries';
import {
  companyIdSchema,
  exportQuerySchema,
  scorecardQuerySchema,
  trendQuerySchema,
} from '../contract/scorecard.queries';
import { ParamPipe, ZodPipe } from './zod.pipe';

/**
 * Properties of the REST API's input checks, which see whatever a client sends: every query string, body
 * and path parameter is either converted to what the handler expects or refused with a 400 whose message
 * names the parameter — never another exception (a 500), and never a message that echoes a huge input.
 */

const NOW = Date.parse('2026-05-01T08:00:00Z');
const MIN_TS = Date.parse('2000-01-01T00:00:00Z');

/** The outcome of a pipe: its value, or the message of the 400. Anything else fails the property. */
function run(
  pipe: { transform(v: unknown): unknown },
  input: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: pipe.transform(input) };
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    const message = (err as BadRequestException).message;
    expect(typeof message).toBe('string');
    expect(message.length).toBeGreaterThan(0);
    // A clear message, not the input echoed back: bounded whatever was sent.
    expect(message.length).toBeLessThan(1000);
    return { ok: false, message };
  }
}

/** A long string (a few KB, as a URL allows), cheap to generate. */
function long(c: string): fc.Arbitrary<string> {
  return fc.integer({ min: 2000, max: 8000 }).map((n) => c.repeat(n));
}

/** What Express makes of a query string: strings, arrays for repeated keys, nested objects (qs). */
const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', 'true', 'NaN', 'Infinity', '-1', '1e308', '0x10', ' 5', '99999999999999999999'),
  fc.array(fc.string({ maxLength: 5 }), { minLength: 2, maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  long('v'),
);
/** Times as clients write them: epoch ms, epoch seconds, ISO with and without a zone, 2100, nonsense. */
const timeText = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800_000 }).map(String),
  fc.integer({ min: MIN_TS, max: NOW + 86_400_000 }).map((ms) => new Date(ms).toISOString()),
  fc.integer({ min: MIN_TS, max: NOW }).map((ms) => new Date(ms).toISOString().slice(0, 19)),
  fc.constantFrom('2100-01-01T00:00:00Z', '2026-05-01T08:00:00+08:00', 'yesterday', '9'.repeat(16)),
);
const query = (keys: readonly string[], values: fc.Arbitrary<unknown> = queryValue) =>
  fc.dictionary(
    fc.oneof(
      fc.constantFrom(...keys),
      fc.string({ maxLength: 8 }),
      fc.string({ minLength: 3000, maxLength: 4000 }),
    ),
    values,
    {
      maxKeys: 5,
    },
  );
const anything = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 8 }),
  fc.integer({ min: 1, max: 3000 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown),
);

describe('REST input checks: properties', () => {
  /** The pipe of a query whose defaults depend on the time, at NOW. */
  const queryAtNow = <S extends z.ZodTypeAny>(schema: (now: () => number) => S) =>
    new ZodPipe(
      schema(() => NOW),
      'query',
    );
  const pipes = {
    alerts: new ZodPipe(alertQuerySchema, 'query'),
    track: queryAtNow(trackQuerySchema),
    series: queryAtNow(seriesQuerySchema),
    scorecard: queryAtNow(scorecardQuerySchema),
    export: queryAtNow(exportQuerySchema),
    trend: queryAtNow(trendQuerySchema),
    login: new ZodPipe(loginBodySchema, 'body'),
    ack: new ZodPipe(ackBodySchema, 'body'),
    alertId: new ParamPipe(alertIdSchema, 'id'),
    deviceId: new ParamPipe(deviceIdSchema, 'id'),
    companyId: new ParamPipe(companyIdSchema, 'companyId'),
  };

  it('answers anything with a value or a 400, for every query, body and path parameter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(pipes) as Array<keyof typeof pipes>)),
        fc.oneof(anything, query(['from', 'to', 'limit'])),
        (name, input) => {
          run(pipes[name], input);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the alert list only values it can use', () => {
    const keys = ['active', 'acknowledged', 'kind', 'owner', 'severity', 'held', 'cause', 'since', 'limit'];
    const values = fc.oneof(
      queryValue,
      timeText,
      fc.constantFrom(...DEVICE_KINDS, ...SEVERITIES, 'C01', '1', '1000', '1001', '0', 'true', 'false'),
      fc.constantFrom('link:C01', 'gateway:S24-GW', 'platform:ingest', 'link:', 'platform:x'),
    );
    fc.assert(
      fc.property(query(keys, values), (q) => {
        const out = run(pipes.alerts, q);
        if (!out.ok) {
          expect(out.message).toMatch(/^(unknown query parameter|[a-z]+: )/);
          return;
        }
        const v = out.value as Record<string, unknown>;
        expect(
          Number.isInteger(v.limit) && (v.limit as number) >= 1 && (v.limit as number) <= MAX_ALERT_LIMIT,
        ).toBe(true);
        if (v.since !== undefined)
          expect(Number.isFinite(v.since) && (v.since as number) >= MIN_TS).toBe(true);
        if (v.kind !== undefined) expect(DEVICE_KINDS).toContain(v.kind);
        if (v.severity !== undefined) expect(SEVERITIES).toContain(v.severity);
        for (const b of ['active', 'acknowledged', 'held'])
          if (v[b] !== undefined) expect(typeof v[b]).toBe('boolean');
        // A cause kept is one the platform writes, and never with held=false.
        if (v.cause !== undefined) {
          expect(parseCause(v.cause as string)).toBeDefined();
          expect(v.held).not.toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives every period query a window it can run: from before to, at most 31 days, in epoch ms', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('track' as const, 'series' as const, 'scorecard' as const, 'export' as const),
        fc.option(timeText, { nil: undefined }),
        fc.option(timeText, { nil: undefined }),
        (name, from, to) => {
          const pipe = pipes[name];
          const q: Record<string, string> = name === 'series' ? { field: 'lel' } : {};
          if (from !== undefined) q.from = from;
          if (to !== undefined) q.to = to;
          const out = run(pipe, q);
          if (!out.ok) {
            expect(out.message).toMatch(/^(from|to): /);
            return;
          }
          const { from: f, to: t } = out.value as { from: number; to: number };
          expect(Number.isFinite(f) && Number.isFinite(t)).toBe(true);
          expect(f).toBeLessThan(t);
          expect(t - f).toBeLessThanOrEqual(MAX_RANGE_MS);
          expect(f).toBeGreaterThanOrEqual(MIN_TS - MAX_RANGE_MS);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses epoch seconds for a time, saying so', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MIN_TS / 1000 + 2_000_000_000 }).filter((s) => s < MIN_TS),
        (seconds) => {
          expect(run(pipes.alerts, { since: String(seconds) })).toEqual({
            ok: false,
            message: `since: ts ${seconds} is before 2000: epoch milliseconds expected (seconds given?)`,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('takes login and acknowledgement bodies only as the strings they must be', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anything,
          fc.record(
            {
              username: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()),
              password: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null)),
            },
            { requiredKeys: [] },
          ),
        ),
        (body) => {
          const login = run(pipes.login, body);
          if (login.ok) {
            const { username, password } = login.value as { username: string; password: string };
            expect(username.length >= 1 && username.length <= 64).toBe(true);
            expect(password.length >= 1 && password.length <= 256).toBe(true);
          }
          const ack = ackRequestSchema.safeParse(body);
          if (!ack.success) expect(describeIssues(ack.error, 'alert:ack').length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
