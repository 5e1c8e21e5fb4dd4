import { dutyCheckRate, parseScorecardSettings, ScorecardSettingsError, scorecardSettings } from './settings';

describe('scorecard settings', () => {
  it('defaults to the point rules of domain.md and full duty-check marks', () => {
    const s = scorecardSettings();
    expect(s.track).toEqual({ gapDistanceM: 1000, gapTimeSec: 300, movingSpeedKmh: 5, movingDistanceM: 100 });
    expect(s.drift).toEqual({ maxSpeedKmh: 160, jumpM: 1000, jumpSec: 10 });
    expect(s.alerts).toMatchObject({
      overspeedRule: 'truck.overspeed',
      fatigueRule: 'truck.fatigue',
      fatigueMinSeverity: 'orange',
    });
    expect(dutyCheckRate(s, 'C01')).toEqual({ rate: 1, source: 'default' });
  });

  it('takes per-company duty-check rates', () => {
    const s = scorecardSettings({ dutyCheck: { default: 0.9, companies: { C03: 0.5 } } });
    expect(dutyCheckRate(s, 'C03')).toEqual({ rate: 0.5, source: 'configured' });
    expect(dutyCheckRate(s, 'C01')).toEqual({ rate: 0.9, source: 'default' });
  });

  it('names each bad key', () => {
    expect(() => parseScorecardSettings({ track: { gapTimeSec: -1 }, drift: { speed: 3 } })).toThrow(
      ScorecardSettingsError,
    );
    expect(() => parseScorecardSettings({ track: { gapTimeSec: -1 }, drift: { speed: 3 } })).toThrow(
      /track\.gapTimeSec: Number must be greater than 0; drift: unknown key speed/,
    );
    expect(() => parseScorecardSettings({ dutyCheck: { companies: { C01: 2 } } })).toThrow(
      /dutyCheck\.companies\.C01/,
    );
  });
});
