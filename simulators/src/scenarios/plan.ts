import {
  deviceTopic,
  gatewayCause,
  gatewayStatusTopic,
  linkCause,
  MAX_BATCH_READINGS,
  MAX_PAYLOAD_BYTES,
  platformLinkTopic,
  type FieldValue,
  type Severity,
} from '@lg/contracts';
import type { Device, Registry } from '@lg/registry';
import { bearingDeg, offsetM, type LatLon } from '../models/geo';
import { polyline, positionAt, type Polyline } from '../models/polyline';
import { gaussian, seededRandom, seedOf, type Random } from '../models/random';
import { ROAD_ROUTES } from '../models/routes';
import { expandAlertExpectations, memberAlias, resolveGroups } from './groups';
import {
  ScenarioError,
  type AlertExpectation,
  type Anchor,
  type Motion,
  type RawStep,
  type ReadingsStep,
  type Scenario,
  type ValueSpec,
} from './schema';

/**
 * Turns a scenario into the exact messages to send, pure and deterministic: event times on the anchored
 * timeline, positions along roads at the readings' speeds, values from ramps, rates and seeded noise.
 * Only `live` readings are left for the runner to stamp with the wall clock when it sends them.
 */

/** A reading to send: `ts` null for a live one, stamped when sent. */
export interface PlannedReading {
  ts: number | null;
  fields: Record<string, FieldValue>;
}

export type PlannedAction =
  | {
      type: 'readings';
      /** Alias and registry device. */
      alias: string;
      device: Device;
      identity: string;
      topic: string;
      readings: PlannedReading[];
      notes: string[];
    }
  | {
      type: 'raw';
      alias: string;
      device: Device;
      identity: string;
      topic: string;
      /** The device ID in the topic (rejections are reported under it). */
      topicDevice: string;
      payload: Buffer;
      /** Event time of the step (what "$ts" became). */
      ts: number;
      expect: 'accepted' | 'refused';
      note?: string;
    }
  | {
      type: 'wait';
      rule: string;
      alias: string;
      device: Device;
      severity?: string;
      active?: boolean;
      /** The ID the alert is on when it is not the device's own (the link the device reports through). */
      on?: string;
      timeoutMs: number;
      note?: string;
      /** A wait on a group: until each member has such an alert (`device` is the first). */
      members?: Device[];
    }
  | { type: 'ack'; rule: string; alias: string; device: Device; note?: string; timeoutMs: number }
  | { type: 'clock'; offsetMs: number; note?: string }
  | {
      type: 'ack-incident';
      group: string;
      /** The group's members: the incident is the one their alerts of the cause joined. */
      members: Device[];
      /** The grouping cause (`offline`, or a rule's name). */
      rule: string;
      note?: string;
      severity?: Severity;
      timeoutMs: number;
    }
  | {
      type: 'link';
      alias: string;
      device: Device;
      /** The owner, who says its link's state; the link's ID (company or gateway) and its cause. */
      identity: string;
      link: string;
      cause: string;
      topic: string;
      state: 'online' | 'offline';
      note?: string;
    };

/** The link a device reports through: its company platform's (trucks), else its registry gateway. */
export function linkOf(
  registry: Registry,
  root: string,
  device: Device,
): { link: string; cause: string; topic: string } {
  if (device.kind === 'truck')
    return {
      link: device.owner,
      cause: linkCause(device.owner),
      topic: platformLinkTopic(root, device.owner),
    };
  const gateway = registry.gatewayOf(device.id);
  if (gateway === undefined) throw new ScenarioError(`${device.id} is on no gateway of the registry`);
  return {
    link: gateway,
    cause: gatewayCause(gateway),
    topic: gatewayStatusTopic(root, device.owner, gateway),
  };
}

export interface Plan {
  scenario: Scenario;
  /** Alias → registry device; a group's members under `group:ID` ({@link memberAlias}). */
  devices: Record<string, Device>;
  /** Group alias → its members, in registry order. */
  groups: Record<string, Device[]>;
  /** The alert expectations, one per member where one names a group. */
  alerts: AlertExpectation[];
  /** Event time of timeline offset 0, ms. */
  base: number;
  /** Length of the timeline, ms. */
  span: number;
  actions: PlannedAction[];
}

export interface PlanOptions {
  registry: Registry;
  root: string;
  /** Wall clock at the start of the run, ms. */
  now: number;
  /** Alias → device ID, replacing the scenario's own choice (e.g. a fresh device for a re-run). */
  use?: Record<string, string>;
  seed?: number;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function hhmm(text: string): number {
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

/**
 * The event time of timeline offset 0. `now`: the timeline ends at `now`. `localWindow`: it ends at the
 * latest moment not after `now` such that all of it lies inside one occurrence of the daily window
 * (Asia/Shanghai), a minute clear of the window's edges.
 */
export function anchorBase(anchor: Anchor, span: number, now: number): number {
  if (anchor === 'now') return now - span;
  const from = hhmm(anchor.localWindow.from);
  const to = hhmm(anchor.localWindow.to);
  const lengthMin = to > from ? to - from : to + 1440 - from;
  const margin = MINUTE_MS;
  if (span > lengthMin * MINUTE_MS - 2 * margin) {
    throw new ScenarioError(
      `the timeline (${Math.round(span / MINUTE_MS)} min) does not fit the window ${anchor.localWindow.from}–${anchor.localWindow.to}`,
    );
  }
  const localMidnight = Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  for (let day = 0; day >= -3; day--) {
    const start = localMidnight + day * DAY_MS + from * MINUTE_MS + margin;
    const end = start - margin + lengthMin * MINUTE_MS - margin;
    const last = Math.min(now - 1000, end);
    if (last - span >= start) return last - span;
  }
  throw new ScenarioError('no occurrence of the anchor window in the last three days');
}

/** Offsets of a readings step's readings on the timeline, ms. */
export function stepOffsets(step: ReadingsStep): number[] {
  const every = step.every ?? 0;
  const n =
    step.count ?? (step.for !== undefined && every > 0 ? Math.max(1, Math.round(step.for / every)) : 1);
  return Array.from({ length: n }, (_, k) => step.at + k * every);
}

/** The timeline's length: the latest offset of any reading or raw message. */
export function timelineSpan(scenario: Scenario): number {
  let span = 0;
  for (const step of scenario.steps) {
    if (step.type === 'readings' && !step.live) span = Math.max(span, ...stepOffsets(step));
    if (step.type === 'raw') span = Math.max(span, step.at);
  }
  return span;
}

/** Where a truck is, for each device: true position on its path and what it reported last. */
interface MotionState {
  pathKey?: string;
  line?: Polyline;
  distance: number;
  direction: 1 | -1;
  position?: LatLon;
  heading: number;
  speedKmh: number;
  lastT?: number;
}

interface DeviceState {
  motion: MotionState;
  /** Noise-free value and offset of the last reading, per numeric field (for `rate`). */
  values: Map<string, { value: number; t: number }>;
  rng: Random;
  lastTs: number;
}

function resolveLine(
  path: Exclude<Motion, { stay: unknown } | { jump: unknown }>['path'],
  registry: Registry,
): { key: string; line: Polyline } {
  if (Array.isArray(path)) {
    return { key: JSON.stringify(path), line: polyline(path.map(([lon, lat]) => ({ lat, lon }))) };
  }
  const [kind, id] = path.split(':') as ['road' | 'corridor', string];
  if (kind === 'road') {
    const road = ROAD_ROUTES.find((r) => r.id === id);
    if (!road)
      throw new ScenarioError(`unknown road "${id}" (roads: ${ROAD_ROUTES.map((r) => r.id).join(', ')})`);
    return { key: path, line: polyline(road.points) };
  }
  const corridor = registry.corridors().find((c) => c.id === id);
  if (!corridor) throw new ScenarioError(`the registry has no corridor "${id}"`);
  return { key: path, line: polyline(corridor.polyline.map(([lon, lat]) => ({ lat, lon }))) };
}

const round = (x: number, decimals: number): number => Math.round(x * 10 ** decimals) / 10 ** decimals;

function valueOf(
  spec: ValueSpec,
  field: string,
  k: number,
  n: number,
  t: number,
  state: DeviceState,
): FieldValue | null {
  if (spec === null || typeof spec !== 'object') return spec;
  if ('seq' in spec) return spec.seq[k % spec.seq.length];
  let clean: number;
  let noise = 0;
  let decimals: number | undefined;
  if ('ramp' in spec) {
    clean = n <= 1 ? spec.ramp[0] : spec.ramp[0] + ((spec.ramp[1] - spec.ramp[0]) * k) / (n - 1);
    noise = spec.noise ?? 0;
    decimals = spec.round;
  } else if ('rate' in spec) {
    const perMs = { day: DAY_MS, hour: 3_600_000, minute: MINUTE_MS, second: 1000 }[spec.per];
    const last = state.values.get(field);
    const base =
      k === 0 && spec.from !== undefined ? { value: spec.from, t } : (last ?? { value: spec.from ?? 0, t });
    clean = base.value + (spec.rate * (t - base.t)) / perMs;
    noise = spec.noise ?? 0;
    decimals = spec.round;
  } else {
    clean = spec.around;
    noise = spec.noise;
    decimals = spec.round;
  }
  state.values.set(field, { value: clean, t });
  const value = clean + (noise > 0 ? gaussian(state.rng) * noise : 0);
  return decimals === undefined ? value : round(value, decimals);
}

/**
 * Moves the truck to offset `t` and returns the fix it reports (lat, lon, heading). `first`: the step's
 * first reading, where a path with a numeric `start` puts the truck.
 */
function move(
  motion: Motion,
  m: MotionState,
  t: number,
  speedKmh: number,
  first: boolean,
  registry: Registry,
  rng: Random,
): Record<string, FieldValue> {
  const dt = m.lastT === undefined ? 0 : Math.max(0, (t - m.lastT) / 1000);
  const avgKmh = (m.speedKmh + speedKmh) / 2;
  m.lastT = t;
  m.speedKmh = speedKmh;
  let reported: LatLon;
  if ('path' in motion) {
    const { key, line } = resolveLine(motion.path, registry);
    const fresh = m.pathKey !== key || (first && motion.start !== 'continue');
    if (fresh) {
      m.pathKey = key;
      m.line = line;
      m.direction = motion.reverse ? -1 : 1;
      m.distance =
        typeof motion.start === 'number'
          ? motion.reverse
            ? line.lengthM - motion.start
            : motion.start
          : motion.reverse
            ? line.lengthM
            : 0;
    } else {
      let d = m.distance + m.direction * (avgKmh / 3.6) * dt;
      if (motion.pingpong) {
        if (!Number.isFinite(d))
          throw new ScenarioError(`a speed of ${speedKmh} km/h takes the truck beyond any distance`);
        // Fold the distance back and forth along the path in one go (a triangle wave): bouncing end to end
        // step by step took forever for a truck that covers the path many times over between two readings.
        if (line.lengthM > 0) {
          const period = 2 * line.lengthM;
          const r = ((d % period) + period) % period;
          if (r > line.lengthM) m.direction = m.direction === 1 ? -1 : 1;
          d = r <= line.lengthM ? r : period - r;
        }
      }
      m.distance = Math.min(Math.max(d, 0), line.lengthM);
    }
    const at = positionAt(line, m.distance);
    const truth = { lat: at.lat, lon: at.lon };
    if (m.position && (m.position.lat !== truth.lat || m.position.lon !== truth.lon))
      m.heading = bearingDeg(m.position, truth);
    else if (!m.position || fresh)
      m.heading = m.direction === 1 ? at.segmentBearing : (at.segmentBearing + 180) % 360;
    m.position = truth;
    reported = offsetM(truth, gaussian(rng) * motion.noiseM, gaussian(rng) * motion.noiseM);
  } else if ('stay' in motion) {
    if (motion.stay !== 'here') {
      m.position = { lat: motion.stay[1], lon: motion.stay[0] };
      m.pathKey = undefined;
    }
    if (!m.position) throw new ScenarioError('stay "here" needs a position from an earlier step');
    reported =
      motion.jitterM > 0
        ? offsetM(m.position, gaussian(rng) * motion.jitterM, gaussian(rng) * motion.jitterM)
        : m.position;
  } else {
    reported = { lat: motion.jump[1], lon: motion.jump[0] };
  }
  return { lat: round(reported.lat, 6), lon: round(reported.lon, 6), heading: Math.round(m.heading) % 360 };
}

/** Replaces every "$ts" string in a JSON value with the event time ("$ts-2000": 2 s earlier). */
function stamp(value: unknown, ts: number): unknown {
  if (typeof value === 'string') {
    const m = /^\$ts([+-]\d+)?$/.exec(value);
    return m ? ts + Number(m[1] ?? 0) : value;
  }
  if (Array.isArray(value)) return value.map((v) => stamp(v, ts));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stamp(v, ts)]));
  }
  return value;
}

function rawPayload(step: RawStep, ts: number): Buffer {
  const p = step.payload;
  if ('text' in p) return Buffer.from(p.text, 'utf8');
  if ('bytes' in p) return Buffer.alloc(p.bytes, p.fill);
  if ('base64' in p) return Buffer.from(p.base64, 'base64');
  if ('repeat' in p) {
    return Buffer.from(
      JSON.stringify(Array.from({ length: p.count }, (_, i) => stamp(p.repeat, ts + i))),
      'utf8',
    );
  }
  return Buffer.from(JSON.stringify(stamp(p.json, ts)), 'utf8');
}

/** The payload of a readings message: one object for one reading, an array (a batch) for several. */
export function readingsPayload(
  readings: ReadonlyArray<{ ts: number; fields: Record<string, FieldValue> }>,
): string {
  const objects = readings.map((r) => ({ ts: r.ts, ...r.fields }));
  return JSON.stringify(objects.length === 1 ? objects[0] : objects);
}

export function planScenario(scenario: Scenario, o: PlanOptions): Plan {
  const devices: Record<string, Device> = {};
  for (const [alias, id] of Object.entries(scenario.devices)) {
    const chosen = o.use?.[alias] ?? id;
    const device = o.registry.device(chosen);
    if (!device)
      throw new ScenarioError(`${scenario.name}: device ${chosen} (${alias}) is not in the registry`);
    devices[alias] = device;
  }
  for (const alias of Object.keys(o.use ?? {})) {
    if (!(alias in scenario.devices)) {
      throw new ScenarioError(
        `${scenario.name}: no device alias "${alias}" (aliases: ${Object.keys(scenario.devices).join(', ')})`,
      );
    }
  }
  const groups = resolveGroups(scenario, o.registry);
  for (const [group, members] of Object.entries(groups))
    for (const d of members) devices[memberAlias(group, d.id)] = d;
  const span = timelineSpan(scenario);
  const base = anchorBase(scenario.anchor, span, o.now);
  const states = new Map<string, DeviceState>();
  const stateOf = (alias: string): DeviceState => {
    let s = states.get(alias);
    if (!s) {
      s = {
        motion: { distance: 0, direction: 1, heading: 0, speedKmh: 0 },
        values: new Map(),
        rng: seededRandom(seedOf(o.seed ?? 1, scenario.name, alias)),
        lastTs: 0,
      };
      states.set(alias, s);
    }
    return s;
  };
  const topicOf = (d: Device): string =>
    deviceTopic(o.root, { kind: d.kind, owner: d.owner, device: d.id, channel: 'telemetry' });

  const actions: PlannedAction[] = [];
  type ReadingsAction = Extract<PlannedAction, { type: 'readings' }>;
  /** The batch being gathered: one device's, or one per member of a group (`key`: the step's alias). */
  let pending: { key: string; batches: ReadingsAction[] } | undefined;
  const flush = (): void => {
    if (!pending) return;
    for (const b of pending.batches) {
      checkBatch(scenario.name, b);
      actions.push(b);
    }
    pending = undefined;
  };

  /** Adds a readings step's readings for one device (a group member: the k-th, `startShiftM` further on). */
  const addReadings = (batch: ReadingsAction, step: ReadingsStep, startShiftM: number): void => {
    const device = batch.device;
    if (step.note) batch.notes.push(step.note);
    const state = stateOf(batch.alias);
    const offsets = stepOffsets(step);
    const motion =
      step.motion && 'path' in step.motion && typeof step.motion.start === 'number' && startShiftM > 0
        ? { ...step.motion, start: step.motion.start + startShiftM }
        : step.motion;
    offsets.forEach((t, k) => {
      const fields: Record<string, FieldValue> = {};
      for (const [name, spec] of Object.entries(step.fields)) {
        const v = valueOf(spec, name, k, offsets.length, t, state);
        if (v !== null) fields[name] = v;
      }
      if (motion) {
        if (device.kind !== 'truck')
          throw new ScenarioError(`${scenario.name}: motion is for trucks, ${device.id} is a ${device.kind}`);
        const speed = typeof fields.speed === 'number' ? fields.speed : 0;
        const when = step.live ? (state.motion.lastT ?? t) : t;
        Object.assign(fields, move(motion, state.motion, when, speed, k === 0, o.registry, state.rng));
      }
      const ts = step.live ? null : base + t;
      if (ts !== null) {
        if (ts <= state.lastTs) {
          throw new ScenarioError(
            `${scenario.name}: readings of ${step.device} go back in time at offset ${t} ms`,
          );
        }
        state.lastTs = ts;
      }
      batch.readings.push({ ts, fields });
    });
  };
  const batchOf = (alias: string, device: Device): ReadingsAction => ({
    type: 'readings',
    alias,
    device,
    identity: device.id,
    topic: topicOf(device),
    readings: [],
    notes: [],
  });

  for (const step of scenario.steps) {
    if (step.type === 'clock') {
      flush();
      actions.push({ type: 'clock', offsetMs: step.offset, ...(step.note ? { note: step.note } : {}) });
      continue;
    }
    // A group's alias stands for its first member where one device is needed (a wait names them all).
    const device = devices[step.device] ?? groups[step.device]?.[0];
    switch (step.type) {
      case 'readings': {
        const members = groups[step.device];
        if (!pending || pending.key !== step.device) {
          flush();
          pending = {
            key: step.device,
            batches: members
              ? members.map((d) => batchOf(memberAlias(step.device, d.id), d))
              : [batchOf(step.device, device)],
          };
        }
        const spacing = scenario.groups[step.device]?.spacingM ?? 0;
        pending.batches.forEach((b, k) => addReadings(b, step, k * spacing));
        break;
      }
      case 'raw': {
        flush();
        const ts = base + step.at;
        const identity = step.as === 'device' ? device.id : step.as === 'owner' ? device.owner : step.as;
        const t = step.topic ?? {};
        const topicDevice = t.device ?? device.id;
        actions.push({
          type: 'raw',
          alias: step.device,
          device,
          identity,
          topic: deviceTopic(o.root, {
            kind: t.kind ?? device.kind,
            owner: t.owner ?? device.owner,
            device: topicDevice,
            channel: t.channel ?? 'telemetry',
          }),
          topicDevice,
          payload: rawPayload(step, ts),
          ts,
          expect: step.puback,
          ...(step.note ? { note: step.note } : {}),
        });
        break;
      }
      case 'wait':
        flush();
        actions.push({
          type: 'wait',
          rule: step.rule,
          alias: step.device,
          device,
          ...(step.severity ? { severity: step.severity } : {}),
          ...(step.active !== undefined ? { active: step.active } : {}),
          ...(step.link ? { on: linkOf(o.registry, o.root, device).link } : {}),
          timeoutMs: step.timeout,
          ...(step.note ? { note: step.note } : {}),
          ...(groups[step.device] ? { members: groups[step.device] } : {}),
        });
        break;
      case 'ack-incident':
        flush();
        actions.push({
          type: 'ack-incident',
          group: step.device,
          members: groups[step.device] ?? [],
          rule: step.rule,
          ...(step.note !== undefined ? { note: step.note } : {}),
          ...(step.severity ? { severity: step.severity } : {}),
          timeoutMs: step.timeout,
        });
        break;
      case 'link':
        flush();
        actions.push({
          type: 'link',
          alias: step.device,
          device,
          identity: device.owner,
          ...linkOf(o.registry, o.root, device),
          state: step.state,
          ...(step.note ? { note: step.note } : {}),
        });
        break;
      case 'ack':
        flush();
        actions.push({
          type: 'ack',
          rule: step.rule,
          alias: step.device,
          device,
          ...(step.note ? { note: step.note } : {}),
          timeoutMs: step.timeout,
        });
        break;
    }
  }
  flush();
  const alerts = expandAlertExpectations(scenario.expect.alerts, groups);
  return { scenario, devices, groups, alerts, base, span, actions };
}

/** A batch must be one message the contract accepts: at most 1000 readings and 256 KiB. */
function checkBatch(name: string, action: Extract<PlannedAction, { type: 'readings' }>): void {
  if (action.readings.length > MAX_BATCH_READINGS) {
    throw new ScenarioError(
      `${name}: ${action.alias} sends ${action.readings.length} readings in one batch, more than ${MAX_BATCH_READINGS}`,
    );
  }
  const size = Buffer.byteLength(
    readingsPayload(action.readings.map((r) => ({ ts: r.ts ?? 0, fields: r.fields }))),
  );
  if (size > MAX_PAYLOAD_BYTES - 1024) {
    throw new ScenarioError(
      `${name}: ${action.alias}'s batch is ${size} bytes, too close to the ${MAX_PAYLOAD_BYTES} byte limit`,
    );
  }
}
