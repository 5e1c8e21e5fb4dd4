import {
  dutyCheckRate,
  measuredDutyCheckRate,
  parseScorecardSettings,
  ScorecardSettingsError,
  scorecardSettings,
} from './settings';

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

describe('measuredDutyCheckRate', () => {
  const s = scorecardSettings({ dutyCheck: { default: 1, companies: { C03: 0.5 } } });

  it('measures where a check was decided in the period', () => {
    const tally = { asked: 5, decided: 4, inTime: 3, late: 1, missed: 0 };
    expect(measuredDutyCheckRate(s, 'C03', tally)).toEqual({ rate: 0.75, source: 'measured', checks: tally });
  });

  it('falls back to the configured or default rate where none was', () => {
    expect(measuredDutyCheckRate(s, 'C03', { asked: 1, decided: 0, inTime: 0, late: 0, missed: 0 })).toEqual({
      rate: 0.5,
      source: 'configured',
    });
    expect(measuredDutyCheckRate(s, 'C01', undefined)).toEqual({ rate: 1, source: 'default' });
  });
});
