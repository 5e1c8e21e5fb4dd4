import type { ReadingRecord } from '@lg/contracts';
import { updatePresence } from './presence';

const T = Date.parse('2026-05-01T08:00:00Z');
const reading = (ts: number, rx: number, why?: string[]): ReadingRecord => ({
  t: 'r',
  kind: 'truck',
  owner: 'C01',
  device: 'T001',
  ts,
  rx,
  q: why ? 'bad' : 'ok',
  ...(why ? { why } : {}),
  f: { lat: 22.7, lon: 114.2, speed: 0, alarm: 1 },
});

describe('presence', () => {
  it('sees a reading at its event time', () => {
    const { presence, event } = updatePresence(undefined, reading(T - 2000, T));
    expect(presence).toEqual({ lastSeen: T - 2000, rx: T, online: true, changedAt: T - 2000 });
    expect(event).toMatchObject({ id: 'T001', online: true, ts: new Date(T - 2000).toISOString() });
  });

  it('sees a reading stamped in the future at its arrival, never in the future', () => {
    const { presence, event } = updatePresence(undefined, reading(T + 5 * 60_000, T, ['future_ts']));
    expect(presence).toEqual({ lastSeen: T, rx: T, online: true, changedAt: T });
    expect(event?.ts).toBe(new Date(T).toISOString());
    // And a correct reading after it moves the device on as usual.
    const next = updatePresence(presence, reading(T + 10_000, T + 10_050));
    expect(next.presence.lastSeen).toBe(T + 10_000);
    expect(next.event).toBeUndefined();
  });
});
