import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['500ms', 500],
    ['1.5m', 90_000],
    ['30', 30_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('names what it could not read', () => {
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration');
  });
});
