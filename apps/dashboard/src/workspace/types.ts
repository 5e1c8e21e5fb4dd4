/** Shapes of the scorecard, rejection and duty-check answers of the gateway, as the workspace reads them. */
export type { RejectionRecord } from '@lg/contracts/rejection-history';
export type { DutyCheckView } from '@lg/contracts/duty';

export const ITEMS = [
  'access',
  'online',
  'completeness',
  'qualification',
  'drift',
  'overspeed',
  'fatigue',
  'dutyCheck',
] as const;
export type Item = (typeof ITEMS)[number];
export type Points = Record<Item, number>;
export interface Rates {
  access: number | null;
  online: number | null;
  completeness: number | null;
  qualification: number | null;
  drift: number | null;
}

export interface CompanyRow {
  company: string;
  name: string;
  nameEn?: string;
  rank?: number;
  vehicles: { registered: number; onNetwork: number; online: number; drifted: number };
  records: { total: number; qualified: number; unqualified: number; byReason: Record<string, number> };
  mileage: { totalKm: number; completeKm: number; gaps: number };
  rates: Rates;
  overspeeds: { count: number; perVehicle: number | null; regionalAverage: number };
  fatigue: { hours: number; perVehicle: number | null; regionalAverage: number };
  dutyCheck: {
    rate: number;
    source: 'measured' | 'configured' | 'default';
    checks?: { asked: number; decided: number; inTime: number; late: number; missed: number };
  };
  points: Points;
  score: number;
}

export interface Ranking {
  from: string;
  to: string;
  regional: { overspeedsPerVehicle: number; fatigueHoursPerVehicle: number };
  companies: CompanyRow[];
}

export interface TruckRow {
  truck: string;
  plate?: string;
  onNetwork: boolean;
  online: boolean;
  records: number;
  qualified: number;
  qualification: number | null;
  unqualifiedByReason: Record<string, number>;
  mileageKm: number;
  completeKm: number;
  completeness: number | null;
  gaps: number;
  drifted: boolean;
  driftFixes: number;
  overspeeds: number;
  fatigueHours: number;
  problems: string[];
  gain: number;
}

export interface Evidence {
  neverOnline: string[];
  offline: string[];
  gaps: Array<{
    truck: string;
    from: string;
    to: string;
    distanceKm: number;
    minutes: number;
    reason: string;
  }>;
  drifts: Array<{
    truck: string;
    ts: string;
    lat: number;
    lon: number;
    impliedKmh: number | null;
    reason: string;
  }>;
  unqualified: Array<{ truck: string; ts: string; reasons: string[]; speed: number | null }>;
}

export interface CompanyDetail extends CompanyRow {
  from: string;
  to: string;
  trucks: TruckRow[];
  evidence: Evidence;
}

export interface Trend {
  company: string;
  days: number;
  points: Array<{ day: string; score: number; points: Points }>;
}

export interface RejectionSummary {
  total: number;
  byReason: Record<string, number>;
  byDevice: Array<{
    owner: string;
    device: string;
    total: number;
    byReason: Record<string, number>;
    last: { receivedAt: string; reason: string; message: string };
  }>;
}
