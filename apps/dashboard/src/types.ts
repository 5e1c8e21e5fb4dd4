/**
 * Shapes of the gateway's REST answers the dashboard reads (contract v1 and `GET /api/map`). Alerts, live
 * events, positions and the device views come from the contracts lib itself.
 */
import type { DeviceKind } from '@lg/contracts/topics';

export type { Alert, AlertTransition, Severity, EscalationLevel } from '@lg/contracts/alert';
export type { DeviceEvent, Position } from '@lg/contracts/records';
export type { NotificationDelivery } from '@lg/contracts/notifications';
export type { ServerToClientEvents, ClientToServerEvents, AckResponse } from '@lg/contracts/events';
export type { Building, LonLat, MapView, Named, TileCrs } from '@lg/contracts/map';
export type { DeviceView, SeriesPoint, SeriesView, TrackPoint, TrackView } from '@lg/contracts/views';
export type { Incident, IncidentAckResult, IncidentView } from '@lg/contracts/incident';
export type { DeviceKind };

export type Principal =
  { username: string; role: 'operator' } | { username: string; role: 'company'; company: string };

export interface LoginResult {
  token: string;
  /** ISO-8601 UTC. */
  expiresAt: string;
  user: Principal;
}

/** One rule of `GET /api/rules` (operators only), as far as the dashboard reads it. */
export interface RuleView {
  rule: string;
  config: unknown;
  devices?: Record<string, unknown>;
}
