import { canSee, roomOf, roomsFor, type Principal } from './principal';

const operator: Principal = { username: 'operator', role: 'operator' };
const c01: Principal = { username: 'c01', role: 'company', company: 'C01' };

describe('tenant rules', () => {
  it('lets operators see everything and a company only its own trucks', () => {
    expect(canSee(operator, { kind: 'gas', owner: 'P01' })).toBe(true);
    expect(canSee(c01, { kind: 'truck', owner: 'C01' })).toBe(true);
    expect(canSee(c01, { kind: 'truck', owner: 'C02' })).toBe(false);
    expect(canSee(c01, { kind: 'slope', owner: 'C01' })).toBe(false);
    expect(canSee(c01, { kind: 'gas', owner: 'P01' })).toBe(false);
  });

  it('routes events to the operator room and the owning company room for trucks only', () => {
    expect(roomOf(operator)).toBe('operator');
    expect(roomOf(c01)).toBe('company:C01');
    expect(roomsFor({ kind: 'truck', owner: 'C02' })).toEqual(['operator', 'company:C02']);
    expect(roomsFor({ kind: 'slope', owner: 'S01' })).toEqual(['operator']);
  });
});
