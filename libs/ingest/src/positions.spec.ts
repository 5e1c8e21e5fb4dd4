import type { LogRecord } from '@lg/contracts';
import { TruckPositions } from './positions';

const fix = (device: string, ts: number, lat: number, extra: Partial<LogRecord> = {}): LogRecord =>
  ({
    t: 'r',
    kind: 'truck',
    owner: 'C01',
    device,
    ts,
    rx: ts,
    q: 'ok',
    f: { lat, lon: 114.2, speed: 40, heading: 90 },
    ...extra,
  }) as LogRecord;

describe('TruckPositions', () => {
  it('hands out the newest qualified fix of each truck once', () => {
    const p = new TruckPositions();
    p.note([fix('T001', 2000, 22.7), fix('T001', 1000, 22.6), fix('T002', 1500, 22.8)]);
    p.note([fix('T001', 3000, 22.9, { q: 'bad', why: ['lat'] })]);
    expect(p.take()).toEqual([
      {
        id: 'T001',
        owner: 'C01',
        lat: 22.7,
        lon: 114.2,
        speed: 40,
        heading: 90,
        ts: '1970-01-01T00:00:02.000Z',
      },
      {
        id: 'T002',
        owner: 'C01',
        lat: 22.8,
        lon: 114.2,
        speed: 40,
        heading: 90,
        ts: '1970-01-01T00:00:01.500Z',
      },
    ]);
    expect(p.take()).toEqual([]);
  });

  it('ignores other kinds and status records', () => {
    const p = new TruckPositions();
    p.note([
      { t: 's', kind: 'truck', owner: 'C01', device: 'T001', online: true, ts: 1, rx: 1 },
      fix('G001', 1, 22.7, { kind: 'gas' }),
    ]);
    expect(p.take()).toEqual([]);
  });
});
