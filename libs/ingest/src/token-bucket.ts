/**
 * Refuses token-bucket limits that would refuse everything or never refill. Checked once, when a limiter
 * is built, never per reading; `rateName` is the limit's rate field, as the error names it.
 */
export function checkBucketLimits(rateName: string, rate: number, burst: number): void {
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new RangeError(`${rateName} must be a positive number, got ${rate}`);
  if (!(burst >= 1) || !Number.isFinite(burst))
    throw new RangeError(`burst must be at least 1, got ${burst}`);
}
