import { DeviceRateLimiter } from './device-rate-limit';
import { DriftDetector } from './drift';
import { intakeGuards } from './intake-guards';
import { OwnerRateLimiter } from './owner-rate-limit';

const base = { DRIFT_MAX_KMH: 160, DRIFT_JUMP_M: 1000, DRIFT_JUMP_SEC: 10 };

describe('intakeGuards', () => {
  it('builds drift detection and both limits from the settings', () => {
    const g = intakeGuards({
      ...base,
      INGEST_DEVICE_RATE: 100,
      INGEST_DEVICE_BURST: 20_000,
      INGEST_OWNER_RATE: 10_000,
      INGEST_OWNER_BURST: 600_000,
    });
    expect(g.drift).toBeInstanceOf(DriftDetector);
    expect(g.limiter).toBeInstanceOf(DeviceRateLimiter);
    expect(g.limiter!.limit).toEqual({ ratePerSec: 100, burst: 20_000 });
    expect(g.owners).toBeInstanceOf(OwnerRateLimiter);
    expect(g.owners!.limit).toEqual({ unitsPerSec: 10_000, burst: 600_000 });
  });

  it('turns a limit off at rate 0, and has no owner limit where the process has no owners', () => {
    const off = intakeGuards({
      ...base,
      INGEST_DEVICE_RATE: 0,
      INGEST_DEVICE_BURST: 20_000,
      INGEST_OWNER_RATE: 0,
    });
    expect(off.limiter).toBeUndefined();
    expect(off.owners).toBeUndefined();
    const terminals = intakeGuards({ ...base, INGEST_DEVICE_RATE: 100, INGEST_DEVICE_BURST: 20_000 });
    expect(terminals.limiter).toBeInstanceOf(DeviceRateLimiter);
    expect(terminals.owners).toBeUndefined();
  });
});
