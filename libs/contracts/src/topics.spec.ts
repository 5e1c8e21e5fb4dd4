import { ownerSubscriptions } from './topics';

describe('owner subscriptions', () => {
  const owners = Array.from({ length: 50 }, (_, i) => `O${i}`);

  it('gives every owner to exactly one connection of one instance', () => {
    const all = [0, 1, 2].flatMap((instance) => ownerSubscriptions('lg/v1', owners, 3, instance, 4).flat());
    expect(all).toHaveLength(owners.length);
    expect(new Set(all)).toEqual(new Set(owners.map((o) => `lg/v1/+/${o}/+/+`)));
  });

  it('spreads owners over the connections', () => {
    const perConnection = ownerSubscriptions('lg/v1', owners, 1, 0, 8).map((f) => f.length);
    expect(perConnection).toHaveLength(8);
    expect(Math.min(...perConnection)).toBeGreaterThan(0);
  });
});
