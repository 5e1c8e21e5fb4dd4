import { DEFAULT_RESTART_POLICY, restartDelay } from './supervisor';

describe('restart delay', () => {
  it('doubles from one second with each death in a row, up to thirty', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => restartDelay(n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect(restartDelay(0)).toBe(DEFAULT_RESTART_POLICY.initialDelayMs);
  });
});
