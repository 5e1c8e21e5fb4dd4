import type { DeviceKind, Fields, HazardIndex, ReadingRecord } from '@lg/contracts';
import { Registry, type Device, type RegistryData, type RestrictedZone } from '@lg/registry';
import type { AnyRule, RuleSignal } from '../rule';

/**
 * Test support for the rule specs: a small registry built in code, and a driver that feeds a rule
 * timestamped readings (and ticks) the way the engine does and records what it signalled.
 */

/** 2026-05-01 00:00 in Shenzhen (16:00 UTC the day before): specs count seconds from here. */
export const T0 = Date.parse('2026-05-01T00:00:00+08:00');
export const at = (hhmm: string, day = 0): number => Date.parse(`2026-05-0${1 + day}T${hhmm}:00+08:00`);

const duty = [{ name: '值班', phone: '0755-00000000' }];

export const DEVICES: Record<'truck' | 'slope' | 'gas', Device> = {
  truck: { id: 'T001', kind: 'truck', owner: 'C01', intervalSec: 10 },
  slope: { id: 'SL01', kind: 'slope', owner: 'S01', intervalSec: 60 },
  gas: { id: 'G001', kind: 'gas', owner: 'P01', intervalSec: 30 },
};

export function testRegistry(extra: Pick<RegistryData, 'zones' | 'corridors'> = {}): Registry {
  return Registry.parse({
    version: 1,
    district: { id: 'LG', name: '龙岗区', duty },
    streets: [{ id: 'ST1', name: '坂田街道', duty }],
    communities: [{ id: 'CM1', name: '雪象社区', street: 'ST1', duty }],
    grids: [{ id: 'GR1', name: '雪象网格', community: 'CM1', duty }],
    companies: [{ id: 'C01', name: '危运公司', duty }],
    slopeSites: [
      {
        id: 'S01',
        name: '雪象边坡',
        lat: 22.6291,
        lon: 114.0652,
        grid: 'GR1',
        duty,
        buildings: [
          { id: 'B1', name: '雪象村12栋' },
          { id: 'B2', name: '雪象村13栋' },
        ],
      },
      { id: 'S02', name: '无建筑边坡', lat: 22.7, lon: 114.2, grid: 'GR1', duty, buildings: [] },
    ],
    pipelineNetworks: [{ id: 'P01', name: '燃气管网', duty }],
    devices: Object.values(DEVICES),
    ...extra,
  } satisfies RegistryData);
}

export interface ReadingOptions {
  q?: 'ok' | 'bad';
  why?: string[];
  /** Receipt time, epoch ms; defaults to the event time. */
  rx?: number;
}

export function record(device: Device, ts: number, f: Fields, o: ReadingOptions = {}): ReadingRecord {
  return {
    t: 'r',
    kind: device.kind,
    owner: device.owner,
    device: device.id,
    ts,
    rx: o.rx ?? ts,
    q: o.q ?? (o.why && o.why.length > 0 ? 'bad' : 'ok'),
    ...(o.why ? { why: o.why } : {}),
    f,
  };
}

/** What a rule signalled: `[seconds since origin, 'fire', severity]` or `[seconds, 'clear']`. */
export type Seen = [number, 'fire', string] | [number, 'clear'];

/** Drives one rule for one device, recording signals with their time in seconds since `origin`. */
export class RuleDriver {
  state: unknown;
  readonly seen: Seen[] = [];
  readonly signals: Array<{ ts: number; signal: RuleSignal }> = [];
  readonly device: Device;
  /** The hazard areas the rule sees (truck.near_hazard); change it between steps as a worker would. */
  hazards: HazardIndex | undefined;
  /** Temporary closures as zones (truck.restricted_zone). */
  closures: RestrictedZone[] | undefined;

  constructor(
    private readonly rule: AnyRule,
    kind: DeviceKind,
    readonly registry: Registry = testRegistry(),
    readonly config: unknown = rule.defaults,
    readonly origin = T0,
    device?: Device,
  ) {
    this.device = device ?? DEVICES[kind];
    this.state = rule.initial();
  }

  private ctx() {
    return { device: this.device, registry: this.registry, hazards: this.hazards, closures: this.closures };
  }

  private note(ts: number, signal: RuleSignal | undefined): RuleSignal | undefined {
    if (!signal) return undefined;
    this.signals.push({ ts, signal });
    const s = (ts - this.origin) / 1000;
    this.seen.push(signal.type === 'fire' ? [s, 'fire', signal.severity] : [s, 'clear']);
    return signal;
  }

  /** Feeds a reading at `ts` (epoch ms). */
  read(ts: number, f: Fields, o: ReadingOptions = {}): RuleSignal | undefined {
    const out = this.rule.evaluate(this.state, record(this.device, ts, f, o), this.config, this.ctx());
    // State lives in Redis as JSON between readings: round-trip it on every step, as production does.
    this.state = JSON.parse(JSON.stringify(out.state)) as unknown;
    return this.note(ts, out.signal);
  }

  /** Feeds a reading `s` seconds after the origin. */
  at(s: number, f: Fields, o: ReadingOptions = {}): RuleSignal | undefined {
    return this.read(this.origin + s * 1000, f, o);
  }

  deadline(): number | null {
    return this.rule.deadline ? this.rule.deadline(this.state, this.config, this.ctx()) : null;
  }

  /** What the engine does at `now`: tick only when the rule's deadline is due. */
  tick(now: number): RuleSignal | undefined {
    const due = this.deadline();
    if (!this.rule.tick || due === null || due > now) return undefined;
    const out = this.rule.tick(this.state, now, this.config, this.ctx());
    this.state = JSON.parse(JSON.stringify(out.state)) as unknown;
    return this.note(now, out.signal);
  }

  tickAt(s: number): RuleSignal | undefined {
    return this.tick(this.origin + s * 1000);
  }

  /** The last signal of type fire, for inspecting message, actions, value. */
  lastFire(): Extract<RuleSignal, { type: 'fire' }> | undefined {
    for (let i = this.signals.length - 1; i >= 0; i--) {
      const s = this.signals[i].signal;
      if (s.type === 'fire') return s;
    }
    return undefined;
  }
}
