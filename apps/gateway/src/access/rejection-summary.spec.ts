import type { RejectionRecord } from '@lg/contracts';
import { compareIds, summariseRejections } from './rejection-summary';

const rec = (
  id: string,
  device: string,
  reason: RejectionRecord['reason'],
  owner = 'C01',
): RejectionRecord => ({
  id,
  owner,
  device,
  kind: 'truck',
  reason,
  message: `${reason} of ${device} at ${id}`,
  topic: `lg/v1/truck/${owner}/${device}/telemetry`,
  receivedAt: new Date(Number(id.split('-')[0])).toISOString(),
  excerpt: '{}',
  bytes: 2,
});

describe('summariseRejections', () => {
  it('counts per reason, per owner and per device, most refused first, with each device’s newest', () => {
    const s = summariseRejections(
      [
        rec('1000-0', 'T012', 'schema'),
        rec('3000-0', 'T012', 'schema'),
        rec('2000-1', 'T012', 'invalid_json'),
        rec('2000-0', 'T001', 'rate_limited'),
        rec('5000-0', 'G001', 'schema', 'P01'),
      ],
      0,
      10_000,
    );
    expect(s.total).toBe(5);
    expect(s.byReason).toEqual({ schema: 3, invalid_json: 1, rate_limited: 1 });
    expect(s.byOwner).toEqual({ C01: 4, P01: 1 });
    expect(s.byDevice.map((d) => [d.device, d.total])).toEqual([
      ['T012', 3],
      ['T001', 1],
      ['G001', 1],
    ]);
    expect(s.byDevice[0].byReason).toEqual({ schema: 2, invalid_json: 1 });
    expect(s.byDevice[0].last.message).toBe('schema of T012 at 3000-0');
    expect(s.moreDevices).toBe(false);
  });

  it('lists at most maxDevices and says there are more', () => {
    const s = summariseRejections(
      Array.from({ length: 5 }, (_, i) => rec(`${i}-0`, `T00${i}`, 'schema')),
      0,
      1,
      3,
    );
    expect(s.byDevice).toHaveLength(3);
    expect(s.moreDevices).toBe(true);
  });

  it('orders stream IDs by time, then sequence', () => {
    expect(compareIds('1000-2', '1000-10')).toBeLessThan(0);
    expect(compareIds('999-9', '1000-0')).toBeLessThan(0);
    expect(compareIds('1000-0', '1000-0')).toBe(0);
  });
});
