import { locationView, type Location } from './location';

/**
 * A position report as the contract's truck reading (docs/contract.md), which then takes the same
 * validation as MQTT telemetry: the alarm word is the contract's `alarm` as it is (the rules read its
 * bits), ACC is `ignition`, satellites (item 0x31) `sats`, and the status word's positioned bit is `fix`:
 * a fix without it is stored unqualified (`no_fix`) and never drawn, while its alarm bits still count.
 */
export interface TruckPayload {
  ts: string;
  lat: number;
  lon: number;
  speed: number;
  heading: number;
  alt: number;
  alarm: number;
  ignition: boolean;
  fix: boolean;
  sats?: number;
}

export function truckPayload(
  loc: Location,
): { ok: true; payload: TruckPayload } | { ok: false; message: string } {
  const v = locationView(loc);
  if (v.time === null)
    return { ok: false, message: `the report's time ${loc.time} (BCD YYMMDDhhmmss) is not a date` };
  const sats = v.extras['0x31'];
  return {
    ok: true,
    payload: {
      ts: v.time,
      lat: v.lat,
      lon: v.lon,
      speed: v.speed,
      heading: v.heading,
      alt: v.altitude,
      alarm: v.alarm,
      ignition: v.acc,
      fix: v.positioned,
      ...(typeof sats === 'number' ? { sats } : {}),
    },
  };
}
