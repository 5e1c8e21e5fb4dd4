import type { EscalationLevel, Severity } from './alert';

/** Whose digest: a transport company (its trucks) or a street (the fixed assets in its grids). */
export interface DigestScope {
  kind: 'company' | 'street';
  id: string;
  name: string;
}

/** One alert as a digest names it. */
export interface DigestAlert {
  id: string;
  rule: string;
  severity: Severity;
  device: string;
  message: string;
  openedAt: string;
  /** Firings while open (reopenings included). */
  count: number;
  active: boolean;
  acknowledged: boolean;
  /** The level of its chain it reached. */
  level: EscalationLevel;
  /** Seconds from opening to the first acknowledgement (the company's taking counts), if taken. */
  ackSec: number | null;
  /** Hours it has been open, for open items (as of when the digest was built). */
  ageHours?: number;
}

export interface DigestHandling {
  opened: number;
  acknowledged: number;
  unacknowledged: number;
  /** Median time to acknowledge, s; null when none was taken. */
  medianSec: number | null;
  /** The slowest acknowledgement of the day's alerts. */
  slowest: { id: string; device: string; rule: string; sec: number } | null;
}

/**
 * A daily digest (docs/notifications.md, "Daily digest"): the alerts a scope opened on one local day, how
 * fast they were taken and how far they climbed, and what is still open when it is built.
 */
export interface Digest {
  scope: DigestScope;
  /** The local day, `YYYY-MM-DD`, in `timeZone`. */
  date: string;
  timeZone: string;
  /** The day's bounds, ISO-8601 UTC: [from, to). */
  from: string;
  to: string;
  builtAt: string;
  alerts: {
    /** Alerts opened in the day. */
    total: number;
    /** Firings: openings and reopenings of those alerts. */
    firings: number;
    bySeverity: Record<Severity, number>;
    byRule: Array<{ rule: string; total: number; bySeverity: Record<Severity, number> }>;
    /** The worst of them: most severe, then most firings, then earliest; at most 5. */
    worst: DigestAlert[];
  };
  handling: {
    bySeverity: Record<Severity, DigestHandling>;
    /** Alerts of the day that climbed past the first step of their chain. */
    escalated: number;
    /** Alerts of the day by the level they reached. */
    reached: Record<EscalationLevel, number>;
  };
  open: {
    /** Open now: active, or cleared and not yet acknowledged. */
    total: number;
    unacknowledged: number;
    /** Active for more than a day. */
    standing: number;
    /** Most severe first, then oldest; at most 20. */
    items: DigestAlert[];
  };
  /** More alerts than the digest reads (20,000): the figures count the newest only. */
  truncated: boolean;
}
