import { z } from 'zod';
import { issuesText, SEVERITIES } from '@lg/contracts';
import type { DutyCheckRate } from '@lg/contracts';

/**
 * The configurable point rules of the scorecard (ours, not the regulator's: 交运发〔2016〕160号 names the
 * rates and the score, not how a gap or a drift is recognised). The regulator's cut-offs and weights are
 * fixed in `score.ts`. Every key has a default; an operator changes them live with
 * `PUT /api/scorecard/settings`, and the next computation uses them (results already kept stay as they were
 * computed).
 */
const trackSchema = z
  .object({
    /** A segment between two consecutive qualified fixes longer than this breaks the track, metres. Default 1000. */
    gapDistanceM: z.number().positive().max(100_000).default(1000),
    /** A segment longer than this in time breaks the track when the truck was moving, seconds. Default 300. */
    gapTimeSec: z.number().positive().max(86_400).default(300),
    /** Moving: either fix of the segment reports at least this speed, km/h. Default 5. */
    movingSpeedKmh: z.number().nonnegative().max(200).default(5),
    /** …or the segment covers at least this distance, metres. Default 100. */
    movingDistanceM: z.number().nonnegative().max(10_000).default(100),
  })
  .strict();

const driftSchema = z
  .object({
    /** A fix whose implied speed from the previous fix exceeds this drifted, km/h. Default 160. */
    maxSpeedKmh: z.number().positive().max(2000).default(160),
    /** …as does one that jumped more than `jumpM` metres in under `jumpSec` seconds. Defaults 1000 m, 10 s. */
    jumpM: z.number().positive().max(100_000).default(1000),
    jumpSec: z.number().positive().max(3600).default(10),
  })
  .strict();

const alertsSchema = z
  .object({
    /** Rule whose `opened`/`reopened` transitions count as overspeeds. */
    overspeedRule: z.string().min(1).max(64).default('truck.overspeed'),
    /** Rule whose active time counts as fatigue driving. */
    fatigueRule: z.string().min(1).max(64).default('truck.fatigue'),
    /** Fatigue time counts while the fatigue alert is active at this severity or above (blue is the early warning). */
    fatigueMinSeverity: z.enum(SEVERITIES).default('orange'),
    /** How far before a period transitions are read to know an alert's state at its start, hours. Default 24. */
    lookbackHours: z
      .number()
      .positive()
      .max(24 * 7)
      .default(24),
  })
  .strict();

const companyId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a company ID');

const dutyCheckSchema = z
  .object({
    /**
     * The platform duty-check response rate (0–1) when a company has no figure of its own. The platform has
     * no data source for duty checks yet, so the default is 1: full marks (10 points) for everyone.
     */
    default: z.number().min(0).max(1).default(1),
    /** Figures entered per company, e.g. `{"C03": 0.85}` from the regulator's spot checks. */
    companies: z.record(companyId, z.number().min(0).max(1)).default({}),
  })
  .strict();

export const scorecardSettingsSchema = z
  .object({
    track: trackSchema.default({}),
    drift: driftSchema.default({}),
    alerts: alertsSchema.default({}),
    dutyCheck: dutyCheckSchema.default({}),
    /** A truck is on the network when it sent a qualified record within this many days before the period's end. */
    accessLookbackDays: z.number().int().min(1).max(3660).default(365),
    /** Evidence records kept per kind, truck and day, and returned per kind. Default 10. */
    evidenceLimit: z.number().int().min(1).max(100).default(10),
  })
  .strict();

export type ScorecardSettings = z.output<typeof scorecardSettingsSchema>;
export type ScorecardSettingsInput = z.input<typeof scorecardSettingsSchema>;
export type TrackRules = ScorecardSettings['track'];
export type DriftRules = ScorecardSettings['drift'];

/** The defaults of every key. */
export const DEFAULT_SCORECARD_SETTINGS: ScorecardSettings = scorecardSettingsSchema.parse({});

/** Settings from partial input, defaults filled in. */
export function scorecardSettings(input: ScorecardSettingsInput = {}): ScorecardSettings {
  return scorecardSettingsSchema.parse(input);
}

/** A rejected settings document; the message names each bad key. */
export class ScorecardSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScorecardSettingsError';
  }
}

/** Validates a settings document (e.g. a request body), naming each bad key. */
export function parseScorecardSettings(input: unknown): ScorecardSettings {
  const result = scorecardSettingsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ScorecardSettingsError(issuesText(result.error, { root: 'settings', unknownKeys: true }));
}

/** Duty checks of each company asked in [from, to), as they stand (a callback: the checks live in Redis). */
export type DutyCheckTallies = (
  companies: readonly string[],
  from: number,
  to: number,
) => Promise<Map<string, { asked: number; decided: number; inTime: number; late: number; missed: number }>>;

/** The measured rate where a check was decided in the period, else the configured or default one. */
export function measuredDutyCheckRate(
  settings: ScorecardSettings,
  company: string,
  tally: { asked: number; decided: number; inTime: number; late: number; missed: number } | undefined,
): DutyCheckRate {
  if (tally && tally.decided > 0)
    return { rate: tally.inTime / tally.decided, source: 'measured', checks: { ...tally } };
  return dutyCheckRate(settings, company);
}

/** The duty-check response rate of a company as configured, and where it comes from. */
export function dutyCheckRate(
  settings: ScorecardSettings,
  company: string,
): { rate: number; source: 'configured' | 'default' } {
  const own = Object.prototype.hasOwnProperty.call(settings.dutyCheck.companies, company)
    ? settings.dutyCheck.companies[company]
    : undefined;
  return own === undefined
    ? { rate: settings.dutyCheck.default, source: 'default' }
    : { rate: own, source: 'configured' };
}

export type { DutyCheckRate };
