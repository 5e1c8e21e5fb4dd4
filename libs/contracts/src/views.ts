import type { DeviceKind } from './topics';

/**
 * Shapes of the gateway's device answers (contract v1: `GET /api/devices`, a truck's track, a device's
 * series): written by the gateway, read by the dashboard. Times are ISO-8601 UTC.
 */

/** A device as the registry holds it (`libs/registry`). */
export interface Device {
  id: string;
  kind: DeviceKind;
  /** Company (truck), slope site (slope sensor) or pipeline network (gas detector). */
  owner: string;
  name?: string;
  /** Fixed devices: where they are. Trucks move. */
  lat?: number;
  lon?: number;
  /** Fixed devices: their grid in the responsibility chain. */
  grid?: string;
  /** Nominal reporting interval, seconds. */
  intervalSec: number;
  /** Trucks: plate, hazmat class and UN numbers. */
  plate?: string;
  /** Trucks: plate colour code of JT/T 697.7 (1 blue, 2 yellow, 3 black, 4 white, 5 green, 9 other). */
  plateColor?: number;
  /**
   * Trucks: the JT/T 808 terminal number (usually the SIM's), decimal digits: 12 for 2013 terminals,
   * up to 20 for 2019 ones. Leading zeros do not count (`013800000001` is the 2019 terminal
   * `00000000013800000001`).
   */
  terminal?: string;
  hazmatClass?: string;
  un?: string[];
}

/** A registry device with its presence, as `GET /api/devices` lists it. */
export interface DeviceView extends Device {
  /** Event time of its last reading; null if it never reported. */
  lastSeen: string | null;
  online: boolean;
}

/** One fix of a truck's track. */
export interface TrackPoint {
  ts: string;
  lat: number;
  lon: number;
  speed: number | null;
  heading: number | null;
  /** Quality: `ok`, or `bad` for an unqualified record (stored, shown, kept out of the rules). */
  q: 'ok' | 'bad' | null;
  /** Why it is unqualified, or flagged (`drift`: a GPS jump, kept out of the rules), when it is. */
  why?: string[];
}

export interface TrackView {
  id: string;
  owner: string;
  from: string;
  to: string;
  points: TrackPoint[];
  /** More fixes exist in the range than were returned. */
  truncated: boolean;
  /**
   * The truck's speed limit off the expressway corridors, km/h: the `truck.overspeed` rule's
   * `roadLimitKmh` for this truck as the live rule pack has it now (a corridor's own limit applies on it).
   */
  roadLimitKmh: number;
}

/** One point of a series: a reading, or the mean of a bucket starting at `ts`. */
export interface SeriesPoint {
  ts: string;
  value: number | string | boolean | null;
  /** Readings in the bucket (aggregated series only). */
  count?: number;
  q?: 'ok' | 'bad' | null;
}

export interface SeriesView {
  id: string;
  kind: DeviceKind;
  owner: string;
  field: string;
  from: string;
  to: string;
  /** The bucket width when aggregated (mean per bucket). */
  every?: string;
  points: SeriesPoint[];
  truncated: boolean;
}
