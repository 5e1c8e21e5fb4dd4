import type { Alert, Severity, Shelf } from '@lg/contracts';
import { isOpen, isShelved, severityRank } from '@lg/contracts';

/** Shortest and longest shelving, minutes: long enough to matter, never longer than a day's shifts. */
export const MIN_SHELF_MINUTES = 5;
export const MAX_SHELF_MINUTES = 24 * 60;
/** How long a request to shelve a red alert waits for a second operator, ms. */
export const SHELF_REQUEST_TTL_MS = 15 * 60_000;

/** A request to shelve a red alert (or a device with an active red alert), waiting for a second operator. */
export interface ShelfRequest {
  id: string;
  /** The alerts to shelve, each with the severity the requesting operator saw. */
  alerts: { id: string; severity: Severity }[];
  /** Set when the whole device was asked for. */
  device?: string;
  by: string;
  reason: string;
  minutes: number;
  /** ISO-8601 UTC: when it was asked, and when it lapses unconfirmed. */
  at: string;
  expiresAt: string;
}

export type ShelfDecision =
  { ok: true; needsConfirmation: boolean } | { ok: false; error: string; status: 400 | 409 };

/**
 * May these alerts (one alert, or a device's open alerts) be shelved for `minutes`? Only open ones, for a
 * bounded time; a red one only with a second operator's confirmation (`needsConfirmation`).
 */
export function mayShelve(alerts: readonly Alert[], minutes: number): ShelfDecision {
  if (!Number.isInteger(minutes) || minutes < MIN_SHELF_MINUTES || minutes > MAX_SHELF_MINUTES)
    return {
      ok: false,
      status: 400,
      error: `minutes must be a whole number from ${MIN_SHELF_MINUTES} to ${MAX_SHELF_MINUTES}`,
    };
  if (alerts.length === 0) return { ok: false, status: 409, error: 'nothing open to shelve' };
  const closed = alerts.find((a) => !isOpen(a));
  if (closed) return { ok: false, status: 409, error: `alert ${closed.id} is closed: nothing to shelve` };
  return { ok: true, needsConfirmation: alerts.some((a) => a.severity === 'red') };
}

/** The shelf an operator puts on an alert now, for `minutes`. */
export function shelfOf(
  alert: Pick<Alert, 'severity'>,
  by: string,
  reason: string,
  minutes: number,
  nowMs: number,
  extra: { confirmedBy?: string; device?: boolean } = {},
): Shelf {
  return {
    by,
    ...(extra.confirmedBy !== undefined ? { confirmedBy: extra.confirmedBy } : {}),
    reason,
    at: new Date(nowMs).toISOString(),
    until: new Date(nowMs + minutes * 60_000).toISOString(),
    severity: alert.severity,
    ...(extra.device ? { device: true } : {}),
  };
}

/** May `by` confirm this request now? Never the operator who asked, never once it lapsed. */
export function mayConfirm(request: ShelfRequest, by: string, nowMs: number): string | null {
  if (request.by === by) return 'a second, different operator must confirm the shelving of a red alert';
  if (Date.parse(request.expiresAt) <= nowMs) return 'this request lapsed unconfirmed; ask again';
  return null;
}

/** Safety first: a condition that rises above the severity it was shelved at is seen again. */
export function riseUnshelves(shelf: Shelf, severity: Severity): boolean {
  return severityRank(severity) > severityRank(shelf.severity);
}

/**
 * How often a held climb looks again, ms: an operator may unshelve an alert early (the worker is not told),
 * and it must then climb again within this.
 */
export const SHELF_RECHECK_MS = 60_000;

/**
 * While shelved an alert does not climb its chain: when the climb is due during the shelf, it is held until
 * the shelf ends, looking again at least every {@link SHELF_RECHECK_MS} (then it climbs if still nobody took
 * it and it is no longer shelved). Null when not shelved now.
 */
export function escalationHeldUntil(alert: Pick<Alert, 'shelf'>, nowMs: number): number | null {
  return isShelved(alert, nowMs) ? Math.min(Date.parse(alert.shelf!.until), nowMs + SHELF_RECHECK_MS) : null;
}
