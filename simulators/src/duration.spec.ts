import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['500ms', 500],
    ['1.5m', 90_000],
    ['30', 30_000],
    ['4h10m', 15_000_000],
    ['1d 6h', 108_000_000],
    ['2m30s', 150_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('names what it could not read', () => {
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration');
    expect(() => parseDuration('4h and then')).toThrow('is not a duration');
    expect(() => parseDuration('')).toThrow('is not a duration');
  });

  it('formats back', () => {
    expect(formatDuration(15_000_000)).toBe('4h10m');
    expect(formatDuration(35_000)).toBe('35s');
    expect(formatDuration(250)).toBe('250ms');
  });
});
