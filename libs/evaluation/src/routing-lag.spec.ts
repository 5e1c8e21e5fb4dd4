import { routingLagMs } from './routing-lag';

describe('routing lag', () => {
  const now = 1_780_000_000_000;

  it('is the age of the oldest entry the router has not taken, 0 when it took everything', () => {
    expect(routingLagMs(`${now - 7000}-3`, now)).toBe(7000);
    expect(routingLagMs(undefined, now)).toBe(0);
  });

  it('never goes below 0 (an entry stamped by a Redis clock a little ahead) and ignores a malformed ID', () => {
    expect(routingLagMs(`${now + 50}-0`, now)).toBe(0);
    expect(routingLagMs('not-an-id', now)).toBe(0);
  });
});
