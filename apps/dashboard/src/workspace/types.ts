/** Shapes of the scorecard, rejection and duty-check answers of the gateway, as the workspace reads them. */
export type { RejectionRecord } from '@lg/contracts/rejection-history';
export type { DutyCheckView, DutyTallyView } from '@lg/contracts/duty';
import type {
  CompanyDetail as ScorecardDetail,
  CompanyScorecard,
  Points,
  Regional,
  TruckScorecard,
} from '@lg/contracts/scorecard';

export { SCORE_ITEMS as ITEMS, type ScoreItem as Item } from '@lg/contracts/scorecard';
export type { Points, Rates, Evidence } from '@lg/contracts/scorecard';

/** A company's row of the ranking (`rank` for operators). */
export type CompanyRow = CompanyScorecard & { rank?: number };
export type TruckRow = TruckScorecard;

export interface Ranking {
  from: string;
  to: string;
  regional: Regional;
  companies: CompanyRow[];
}

/** One company's scorecard for a period (`GET /api/scorecard/{company}`). */
export type CompanyDetail = ScorecardDetail & { from: string; to: string; rank?: number };

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
