import { demoReliability, dutyBehaviour, parseReliability } from './duty-responder';
import { seededRandom } from './models/random';

describe('duty responder', () => {
  it('answers in time as often as its reliability says, else late or never, half each', () => {
    const random = seededRandom(7);
    const tally = { in_time: 0, late: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) {
      const b = dutyBehaviour(0.8, 600_000, random);
      tally[b.answer]++;
      if (b.answer === 'in_time') expect(b.afterMs).toBeLessThanOrEqual(480_000);
      if (b.answer === 'late') expect(b.afterMs).toBeGreaterThan(600_000);
    }
    expect(tally.in_time / 10_000).toBeCloseTo(0.8, 1);
    expect(tally.late / 10_000).toBeCloseTo(0.1, 1);
    expect(tally.never / 10_000).toBeCloseTo(0.1, 1);
  });

  it('gives the demo companies different reliabilities from 0.5 to 1, the same for the same seed', () => {
    const rates = ['C01', 'C02', 'C03', 'C04', 'C05', 'C06'].map((c) => demoReliability(c, 1));
    expect(new Set(rates).size).toBeGreaterThan(3);
    expect(rates.every((r) => r >= 0.5 && r <= 1)).toBe(true);
    expect(demoReliability('C01', 1)).toBe(rates[0]);
  });

  it('parses one rate for all, or per company', () => {
    expect(parseReliability('0.9')('C01', 1)).toBe(0.9);
    const table = parseReliability('C01=1,C02=0.25');
    expect(table('C01', 1)).toBe(1);
    expect(table('C02', 1)).toBe(0.25);
    expect(table('C03', 1)).toBe(demoReliability('C03', 1));
    expect(() => parseReliability('C01=2')).toThrow(/COMPANY=RATE/);
  });
});
