import type { DeviceKind } from './topics';
import type { Fields } from './readings';
import type { Alert, AlertTransition } from './alert';

/**
 * Entries of the durable reading log (a Redis stream). Ingest acknowledges an MQTT message to the broker
 * only after its records are in this log; InfluxDB storage and rule evaluation both consume from it.
 */
export interface ReadingRecord {
  t: 'r';
  kind: DeviceKind;
  owner: string;
  device: string;
  /** Event time, epoch ms. */
  ts: number;
  /** Time ingest received it, epoch ms. */
  rx: number;
  /** Quality: `ok`, or `bad` with reasons in `why`. */
  q: 'ok' | 'bad';
  why?: string[];
  f: Fields;
}

export interface StatusRecord {
  t: 's';
  kind: DeviceKind;
  owner: string;
  device: string;
  online: boolean;
  ts: number;
  rx: number;
}

export type LogRecord = ReadingRecord | StatusRecord;

/** Entries of the live event stream read by every gateway. */
export type LiveRecord =
  { t: 'alert'; alert: Alert; transition: AlertTransition } | { t: 'device'; device: DeviceEvent };

export interface DeviceEvent {
  id: string;
  kind: DeviceKind;
  owner: string;
  online: boolean;
  /** ISO-8601 UTC. */
  ts: string;
}

/** A truck position as pushed on `positions`. */
export interface Position {
  id: string;
  owner: string;
  lat: number;
  lon: number;
  speed: number;
  heading: number | null;
  /** ISO-8601 UTC. */
  ts: string;
}
