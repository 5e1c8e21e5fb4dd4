import type { Alert, Severity } from './alert';
import type { DeviceEvent, Position } from './records';
import type { Incident } from './incident';
import type { RejectionRecord } from './rejection-history';
import type { DutyCheckView } from './duty';
import type { PlatformLinkChange } from './platform-link';

/** Socket.IO namespace of the live feed. */
export const LIVE_NAMESPACE = '/live';

/** Server → client events on `/live`. */
export interface ServerToClientEvents {
  /** On connect: the open alerts this user may see. */
  alerts: (alerts: Alert[]) => void;
  /** On every transition of an alert. */
  alert: (alert: Alert) => void;
  /** At most once a second. */
  positions: (positions: Position[]) => void;
  /** An incident opened or a member joined it (the members carry its ID in `Alert.incident`). */
  incident: (incident: Incident) => void;
  /** On every online/offline change. */
  device: (event: DeviceEvent) => void;
  /** A refused message of the user's own (operators: every owner's), as it is kept. */
  rejection: (rejection: RejectionRecord) => void;
  /** A duty check of the user's company (operators: every company's) was asked or answered. */
  'duty-check': (check: DutyCheckView) => void;
  /** A company platform's link went up or down (the user's own company; operators: every company's). */
  link: (change: PlatformLinkChange) => void;
}

export interface AckRequest {
  id: string;
  note?: string;
  /** The severity the person saw: refused when the alert has been raised above it since. */
  severity?: Severity;
}

export type AckResponse = { ok: true; alert: Alert } | { ok: false; error: string };

/** Client → server events on `/live`. */
export interface ClientToServerEvents {
  'alert:ack': (request: AckRequest, reply: (response: AckResponse) => void) => void;
}

/** The handshake: `io(url + '/live', { auth: { token } })`. */
export interface LiveHandshakeAuth {
  token: string;
}
