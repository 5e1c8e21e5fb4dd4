import type { DeviceKind } from './topics';
import type { Fields } from './readings';
import type { Alert, AlertTransition } from './alert';
import type { Incident } from './incident';
import { isObject } from './json-object';

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

/**
 * Whether a reading is stamped beyond the future tolerance (`future_ts`): the terminal's clock runs ahead.
 * Such a reading is stored at its own stamp (unqualified) but goes by its arrival time everywhere a clock
 * matters: rules, presence, the device's event clock.
 */
export function isAhead(record: ReadingRecord): boolean {
  return record.why !== undefined && record.why.includes('future_ts');
}

/**
 * The time the platform places a reading at: its event time, or its arrival time when its stamp is in the
 * future ({@link isAhead}), so that a wrong clock never moves a device's time forward.
 */
export function placedAt(record: ReadingRecord): number {
  return isAhead(record) ? record.rx : record.ts;
}

/** Entries of the live event stream read by every gateway. */
export type LiveRecord =
  | { t: 'alert'; alert: Alert; transition: AlertTransition }
  | { t: 'device'; device: DeviceEvent }
  | { t: 'incident'; incident: Incident };

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

/**
 * Whether an item of a positions batch is a position (the fields the map needs): written by hand, since the
 * gateway checks every truck fix it is sent.
 */
export function isPosition(v: unknown): v is Position {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.owner === 'string' &&
    typeof v.lat === 'number' &&
    typeof v.lon === 'number' &&
    typeof v.ts === 'string' &&
    !Number.isNaN(Date.parse(v.ts))
  );
}
