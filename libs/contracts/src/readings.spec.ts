import { parseTelemetry, parseTimestamp, validateReading } from './readings';
import { parseDeviceTopic } from './topics';

const now = Date.parse('2026-05-01T08:00:00Z');
const opts = { now, futureToleranceMs: 60_000 };
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('telemetry validation', () => {
  it('accepts a truck reading and keeps only known fields', () => {
    const r = validateReading(
      'truck',
      { ts: now, lat: 22.7, lon: 114.2, speed: 50, heading: 90, extra: 'x' },
      opts,
    );
    expect(r).toEqual({
      ok: true,
      reading: { ts: now, fields: { lat: 22.7, lon: 114.2, speed: 50, heading: 90 }, bad: [] },
    });
  });

  it('names the missing or mistyped field', () => {
    expect(validateReading('truck', { ts: now, lat: 22.7, lon: 114.2 }, opts)).toEqual({
      ok: false,
      message: 'speed is required for a truck reading',
    });
    expect(validateReading('gas', { ts: now, lel: '60' }, opts)).toMatchObject({
      ok: false,
      message: 'lel must be a finite number, got "60"',
    });
    expect(
      validateReading('truck', { ts: now, lat: 22.7, lon: 114.2, speed: 1, alarm: 1.5 }, opts),
    ).toMatchObject({ ok: false });
  });

  it('stores a truck reading without a position fix as unqualified (no_fix)', () => {
    const r = validateReading(
      'truck',
      { ts: now, lat: 22.7, lon: 114.2, speed: 0, fix: false, alarm: 1 },
      opts,
    );
    expect(r.ok && r.reading.bad).toEqual(['no_fix']);
    const fixed = validateReading('truck', { ts: now, lat: 22.7, lon: 114.2, speed: 0, fix: true }, opts);
    expect(fixed.ok && fixed.reading.bad).toEqual([]);
    expect(
      validateReading('truck', { ts: now, lat: 22.7, lon: 114.2, speed: 0, fix: 'no' }, opts),
    ).toMatchObject({
      ok: false,
      message: 'fix must be true or false, got "no"',
    });
  });

  it('stores implausible values as unqualified, with the reason', () => {
    const r = validateReading('truck', { ts: now + 3_600_000, lat: 0, lon: 0, speed: 200 }, opts);
    expect(r.ok && r.reading.bad).toEqual([
      'lat_out_of_range',
      'lon_out_of_range',
      'speed_out_of_range',
      'future_ts',
    ]);
  });

  it('treats a gas fault, an impossible LEL and an NE43 loop current as unqualified', () => {
    expect(validateReading('gas', { ts: now, fault: 'E12' }, opts)).toMatchObject({
      ok: true,
      reading: { bad: ['fault'] },
    });
    expect(validateReading('gas', { ts: now, lel: 130 }, opts)).toMatchObject({
      ok: true,
      reading: { bad: ['lel_out_of_range'] },
    });
    expect(validateReading('gas', { ts: now, lel: 5, ma: 3.2 }, opts)).toMatchObject({
      ok: true,
      reading: { bad: ['ma_out_of_range'] },
    });
    expect(validateReading('gas', { ts: now }, opts)).toMatchObject({
      ok: false,
      message: 'lel is required for a gas reading without fault',
    });
  });

  it('reads epoch milliseconds and ISO strings with a zone, and refuses seconds', () => {
    expect(parseTimestamp('2026-05-01T16:00:00+08:00')).toEqual({ ok: true, ts: now });
    expect(parseTimestamp('2026-05-01T08:00:00')).toMatchObject({ ok: false });
    expect(parseTimestamp(1_777_622_400)).toMatchObject({
      ok: false,
      message: expect.stringContaining('seconds'),
    });
  });

  it('keeps the good readings of a batch and refuses the bad one with its index', () => {
    const parsed = parseTelemetry(
      'gas',
      buf([
        { ts: now, lel: 1 },
        { ts: now, lel: null },
        { ts: now + 1, lel: 2 },
      ]),
      opts,
    );
    expect(parsed.readings.map((r) => r.fields.lel)).toEqual([1, 2]);
    expect(parsed.errors).toEqual([
      { reason: 'schema', index: 1, message: 'reading 1: lel is required for a gas reading without fault' },
    ]);
  });

  it('refuses whole payloads for size, encoding, JSON and batch size', () => {
    expect(parseTelemetry('gas', Buffer.alloc(256 * 1024 + 1, 32), opts).errors[0].reason).toBe('too_large');
    expect(parseTelemetry('gas', Buffer.from([0x7b, 0xff, 0x7d]), opts).errors[0].reason).toBe(
      'invalid_json',
    );
    expect(parseTelemetry('gas', buf('{"ts":'), opts).errors[0].reason).toBe('invalid_json');
    expect(
      parseTelemetry('gas', buf(Array.from({ length: 1001 }, () => ({ ts: now, lel: 1 }))), opts).errors[0]
        .reason,
    ).toBe('batch_too_large');
    expect(parseTelemetry('gas', buf([]), opts).errors[0]).toEqual({
      reason: 'schema',
      message: 'batch is empty',
    });
  });
});

describe('topics', () => {
  it('splits a device topic and refuses anything else', () => {
    expect(parseDeviceTopic('lg/v1', 'lg/v1/truck/C01/T001/telemetry')).toEqual({
      ok: true,
      topic: { kind: 'truck', owner: 'C01', device: 'T001', channel: 'telemetry' },
    });
    expect(parseDeviceTopic('lg/v1', 'lg/v1/boat/C01/T001/telemetry').ok).toBe(false);
    expect(parseDeviceTopic('lg/v1', 'lg/v1/truck/C01/T 1/telemetry').ok).toBe(false);
    expect(parseDeviceTopic('lg/v1', 'lg/v1/truck/C01/T001/telemetry/x').ok).toBe(false);
  });
});
