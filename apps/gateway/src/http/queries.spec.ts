import { BadRequestException } from '@nestjs/common';
import { ZodPipe } from './zod.pipe';
import {
  ackBodySchema,
  ackRequestSchema,
  alertQuerySchema,
  loginBodySchema,
  seriesQuerySchema,
  trackQuerySchema,
} from '../contract/queries';

function message(pipe: ZodPipe<never>, value: unknown): string {
  try {
    pipe.transform(value);
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return (err as BadRequestException).message;
  }
  throw new Error('expected a 400');
}

const now = Date.parse('2026-05-01T08:00:00Z');

describe('alert list query', () => {
  const pipe = new ZodPipe(alertQuerySchema, 'query') as ZodPipe<never>;

  it('converts every parameter and defaults the limit', () => {
    expect(pipe.transform({})).toEqual({ limit: 100 });
    expect(
      pipe.transform({
        active: 'true',
        acknowledged: 'false',
        kind: 'truck',
        owner: 'C01',
        severity: 'red',
        since: '2026-05-01T08:00:00+08:00',
        limit: '5',
      }),
    ).toEqual({
      active: true,
      acknowledged: false,
      kind: 'truck',
      owner: 'C01',
      severity: 'red',
      since: Date.parse('2026-05-01T00:00:00Z'),
      limit: 5,
    });
    expect(pipe.transform({ since: String(now) })).toMatchObject({ since: now });
  });

  it('takes held and a cause ID of each form', () => {
    expect(pipe.transform({ held: 'true' })).toEqual({ held: true, limit: 100 });
    expect(pipe.transform({ held: 'false' })).toEqual({ held: false, limit: 100 });
    for (const cause of ['link:C01', 'gateway:S24-GW', 'platform:ingest'])
      expect(pipe.transform({ cause })).toEqual({ cause, limit: 100 });
    expect(pipe.transform({ cause: 'link:C01', held: 'true' })).toEqual({
      cause: 'link:C01',
      held: true,
      limit: 100,
    });
  });

  it.each([
    [{ active: 'yes' }, 'active: must be true or false, got "yes"'],
    [{ kind: 'boat' }, 'kind: must be one of truck, slope, gas, got "boat"'],
    [{ severity: 'purple' }, 'severity: must be one of blue, yellow, orange, red, got "purple"'],
    [{ owner: 'C 01' }, 'owner: must match [A-Za-z0-9_-]{1,64}'],
    [{ since: 'yesterday' }, 'since: must be epoch milliseconds or ISO-8601 with a zone, got "yesterday"'],
    [{ since: '2026-05-01T08:00:00' }, 'since: must be epoch milliseconds or ISO-8601 with a zone'],
    [
      { since: '1700000000' },
      'since: ts 1700000000 is before 2000: epoch milliseconds expected (seconds given?)',
    ],
    [
      { since: '8640000000000000' },
      'since: must be before 2262-01-01T00:00:00.000Z, the latest time the platform stores',
    ],
    [{ since: '2262-04-12T00:00:00Z' }, 'since: must be before 2262-01-01T00:00:00.000Z'],
    [{ limit: '0' }, 'limit: must be a whole number from 1 to 1000, got "0"'],
    [{ limit: '5000' }, 'limit: must be a whole number from 1 to 1000'],
    [{ limit: '1.5' }, 'limit: must be a whole number from 1 to 1000'],
    [{ kind: ['truck', 'gas'] }, 'kind: given more than once'],
    [{ servity: 'red' }, 'unknown query parameter servity'],
    [{ held: 'yes' }, 'held: must be true or false, got "yes"'],
    [
      { cause: 'C01' },
      'cause: must be link:{company ID}, gateway:{gateway ID} or platform:ingest, got "C01"',
    ],
    [{ cause: 'link:' }, 'cause: must be link:{company ID}, gateway:{gateway ID} or platform:ingest'],
    [{ cause: 'platform:router' }, 'cause: must be link:{company ID}'],
    [{ cause: 'link:C 01' }, 'cause: must be link:{company ID}'],
    [{ cause: `link:${'C'.repeat(200)}` }, 'cause: must be at most 72 characters'],
    [{ cause: ['link:C01', 'link:C02'] }, 'cause: given more than once'],
    [{ cause: 'link:C01', held: 'false' }, 'held: must not be false with cause'],
  ])('refuses %p', (query, expected) => {
    expect(message(pipe, query)).toContain(expected);
  });

  it('names every bad parameter at once', () => {
    expect(message(pipe, { active: 'x', limit: '-1' })).toMatch(/active: .*; limit: /);
  });
});

describe('track and series queries', () => {
  const track = new ZodPipe(
    trackQuerySchema(() => now),
    'query',
  ) as ZodPipe<never>;
  const series = new ZodPipe(
    seriesQuerySchema(() => now),
    'query',
  ) as ZodPipe<never>;

  it('defaults the window to the last hour (track) or day (series)', () => {
    expect(track.transform({})).toEqual({ from: now - 3_600_000, to: now });
    expect(series.transform({ field: 'lel' })).toEqual({ field: 'lel', from: now - 86_400_000, to: now });
  });

  it('takes a year of means per bucket (answered from the hourly aggregates)', () => {
    expect(
      series.transform({
        field: 'disp',
        every: '6h',
        from: '2025-05-01T00:00:00Z',
        to: '2026-05-01T00:00:00Z',
      }),
    ).toMatchObject({ from: Date.UTC(2025, 4, 1), to: Date.UTC(2026, 4, 1), every: { ms: 6 * 3_600_000 } });
  });

  it('parses every', () => {
    expect(series.transform({ field: 'lel', every: '5m' })).toMatchObject({
      every: { text: '5m', ms: 300_000 },
    });
  });

  it.each([
    [track, { from: '2026-05-01T09:00:00Z', to: '2026-05-01T08:00:00Z' }, 'from: must be before to'],
    [
      track,
      { from: '2026-01-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      'from: from..to spans more than 31 days',
    ],
    [track, { to: 'now' }, 'to: must be epoch milliseconds or ISO-8601'],
    [track, { field: 'speed' }, 'unknown query parameter field'],
    [series, {}, 'field: is required'],
    [
      series,
      { field: 'lel', from: '2026-01-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      'from: from..to spans more than 31 days: give every (e.g. 1h) for a longer chart',
    ],
    [
      series,
      { field: 'lel', every: '1h', from: '2025-01-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      'from: from..to spans more than 367 days',
    ],
    [series, { field: 'lel', every: '1x' }, 'every: must be a bucket width from 1s to 1d'],
    [series, { field: 'lel', every: '2d' }, 'every: must be a bucket width from 1s to 1d'],
    [series, { field: 'lel', every: '0s' }, 'every: must be a bucket width'],
  ])('refuses %#', (pipe, query, expected) => {
    expect(message(pipe, query)).toContain(expected);
  });
});

describe('bodies', () => {
  it('accepts an acknowledgement with or without a note of at most 500 characters', () => {
    const pipe = new ZodPipe(ackBodySchema, 'body') as ZodPipe<never>;
    expect(pipe.transform(undefined)).toEqual({});
    expect(pipe.transform({ note: '已处理' })).toEqual({ note: '已处理' });
    expect(message(pipe, { note: 'x'.repeat(501) })).toBe('note: must be at most 500 characters');
    expect(message(pipe, { note: 5 })).toBe('note: must be a string');
    expect(message(pipe, { notes: 'x' })).toBe('unknown body parameter notes');
  });

  it('validates alert:ack requests over Socket.IO', () => {
    expect(ackRequestSchema.safeParse({ id: 'truck.overspeed~T001~lp3k2a0' }).success).toBe(true);
    expect(ackRequestSchema.safeParse({ id: 'a b' }).success).toBe(false);
    expect(ackRequestSchema.safeParse({}).success).toBe(false);
  });

  it('requires user name and password to log in', () => {
    const pipe = new ZodPipe(loginBodySchema, 'body') as ZodPipe<never>;
    expect(message(pipe, {})).toBe('username: is required; password: is required');
    expect(message(pipe, { username: 'operator', password: '' })).toBe('password: is required');
  });
});
