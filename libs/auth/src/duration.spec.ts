import { parseDurationSeconds } from './duration';

describe('parseDurationSeconds', () => {
  it.each([
    ['12h', 43_200],
    ['30m', 1800],
    ['90s', 90],
    ['7d', 604_800],
    ['3600', 3600],
  ])('%s → %d s', (text, seconds) => expect(parseDurationSeconds(text)).toBe(seconds));

  it.each(['', '1.5h', '-1h', '12 hours', 'h'])('refuses %p', (text) =>
    expect(parseDurationSeconds(text)).toBeNull(),
  );
});
