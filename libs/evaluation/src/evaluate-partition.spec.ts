import { acknowledge, DEFAULT_ESCALATION_DELAYS, type InhibitionSettings } from '@lg/alerts';
import {
  HazardIndex,
  type Alert,
  type CauseState,
  type Fields,
  type LogRecord,
  type ReadingRecord,
} from '@lg/contracts';
import { Registry } from '@lg/registry';
import { resolvePack, type DeviceRuleState } from '@lg/rules';
import {
  evaluatePartition,
  type EvaluationWorld,
  type PartitionEffect,
  type PartitionInput,
  type PartitionOutcome,
  type PartitionSnapshot,
} from './evaluate-partition';
import type { Presence } from './presence';

/**
 * The worker's whole step without Redis: a snapshot of a partition and timestamped records or ticks in,
 * every write out, in the style of the rules' specs. Each case feeds what the store would have loaded and
 * reads the outcome the store would commit.
 */
const registry = Registry.load('config/registry/minimal.json');
const pack = resolvePack();
const world = { registry, delays: DEFAULT_ESCALATION_DELAYS };
const T = Date.parse('2026-05-01T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const clockAt = (ms: number) => ({ now: () => ms });

function reading(
  device: string,
  ts: number,
  f: Fields,
  o: { rx?: number; why?: string[] } = {},
): ReadingRecord {
  const d = registry.device(device)!;
  return {
    t: 'r',
    kind: d.kind,
    owner: d.owner,
    device,
    ts,
    rx: o.rx ?? ts + 50,
    q: o.why ? 'bad' : 'ok',
    ...(o.why ? { why: o.why } : {}),
    f,
  };
}

const empty: PartitionSnapshot = { state: new Map(), presence: new Map(), alerts: new Map() };

/** Runs the step and carries its writes into the next snapshot, as the store would. */
class Partition {
  snapshot: PartitionSnapshot = empty;
  last!: PartitionOutcome;

  constructor(private readonly w: EvaluationWorld = world) {}

  run(input: PartitionInput, now: number): PartitionOutcome {
    const outcome = evaluatePartition(this.snapshot, input, pack, clockAt(now), this.w);
    const state = new Map(this.snapshot.state);
    for (const [id, s] of outcome.states) state.set(id, s);
    const presence = new Map([...this.snapshot.presence, ...outcome.presence]);
    const alerts = new Map(this.snapshot.alerts);
    for (const e of outcome.effects) if (e.t === 'alert') alerts.set(e.alert.id, e.alert);
    this.snapshot = { state, presence, alerts };
    this.last = outcome;
    return outcome;
  }

  records(now: number, ...records: LogRecord[]): PartitionOutcome {
    return this.run({ records }, now);
  }

  alert(rule: string, device: string): Alert {
    const id = this.snapshot.state.get(device)!.alerts[rule];
    return this.snapshot.alerts.get(id)!;
  }

  /** The snapshot as an operator acknowledged the alert (what the store reads back from the hash). */
  acknowledge(rule: string, device: string, atMs: number): void {
    const acked = acknowledge(this.alert(rule, device), 'operator', undefined, atMs)!.alert;
    this.snapshot = { ...this.snapshot, alerts: new Map([...this.snapshot.alerts, [acked.id, acked]]) };
  }
}

/** The effects in a readable form: `[kind, what…]`. */
function brief(effects: PartitionEffect[]): unknown[] {
  return effects.map((e) => {
    switch (e.t) {
      case 'alert':
        return ['alert', e.transition.type, e.alert.rule, e.alert.severity, e.isNew];
      case 'device':
        return ['device', e.device.id, e.device.online];
      case 'escalation':
        return ['escalation', e.due === null ? null : (e.due - T) / 1000];
      case 'forget':
        return ['forget', e.device];
      case 'hazard':
        return ['hazard', e.area ? `${e.area.kind} ${e.area.radiusM} m` : null];
      case 'incident':
        return ['incident', e.incident.id];
    }
  });
}

describe('evaluatePartition: one step of the worker, without I/O', () => {
  it('opens a red gas alert from a reading: device online, the alert at the grid, its escalation due in 5 min', () => {
    const p = new Partition();
    const out = p.records(T + 100, reading('G001', T, { lel: 60 }));
    expect(out.counts).toMatchObject({ evaluated: 1, late: 0, transitions: 1, deviceEvents: 1 });
    expect(brief(out.effects)).toEqual([
      ['device', 'G001', true],
      ['alert', 'opened', 'gas.lel', 'red', true],
      ['hazard', 'gas 300 m'],
      ['escalation', 300.1],
    ]);
    const opened = p.alert('gas.lel', 'G001');
    expect(opened).toMatchObject({
      severity: 'red',
      openedAt: iso(T),
      escalation: { level: 'grid', unit: 'GR-BJ11' },
      location: { lat: 22.6043, lon: 114.1201 },
    });
    // State and presence to write back; the next silence deadline is 3 × 30 s after the reading's receipt.
    expect(out.deadlines.get('G001')).toBe(T + 50 + 90_000);
    expect(out.presence.get('G001')).toEqual({ lastSeen: T, rx: T + 50, online: true, changedAt: T });
  });

  it('counts late readings and unknown devices, and writes nothing for them', () => {
    const p = new Partition();
    p.records(T, reading('G001', T, { lel: 1 }));
    const out = p.records(T + 1000, reading('G001', T - 5000, { lel: 80 }), {
      ...reading('G001', T, { lel: 1 }),
      device: 'G999',
    });
    expect(out.counts).toMatchObject({ evaluated: 0, late: 1, unknown: 1, transitions: 0 });
    expect(out.effects).toEqual([]);
    expect([...out.states.keys()]).toEqual([]);
  });

  it('marks a gap of more than 3 reporting intervals, by kind', () => {
    const p = new Partition();
    p.records(T, reading('G001', T, { lel: 1 }));
    const out = p.records(
      T + 200_000,
      reading('G001', T + 30_000, { lel: 1 }),
      reading('G001', T + 200_000, { lel: 1 }),
    );
    expect(out.counts.gaps).toEqual({ gas: 1 });
  });

  it('clears an acknowledgement on a raise and schedules the escalation again; a lowering keeps it off', () => {
    const p = new Partition();
    p.records(T, reading('G001', T, { lel: 30 }));
    p.acknowledge('gas.lel', 'G001', T + 1000);
    const raised = p.records(T + 2000, reading('G001', T + 2000, { lel: 80 }));
    expect(brief(raised.effects)).toEqual([
      ['alert', 'raised', 'gas.lel', 'red', false],
      ['hazard', 'gas 300 m'],
      ['escalation', 302],
    ]);
    const [change] = raised.effects as Array<Extract<PartitionEffect, { t: 'alert' }>>;
    expect(change.transition.clearedAck).toEqual({ by: 'operator', at: iso(T + 1000) });
    expect(change.alert.acknowledged).toBe(false);

    p.acknowledge('gas.lel', 'G001', T + 3000);
    const lowered = p.records(
      T + 60_000,
      ...[4, 10, 20, 30, 40].map((s) => reading('G001', T + s * 1000, { lel: 30 })),
    );
    expect(brief(lowered.effects)).toEqual([
      ['alert', 'lowered', 'gas.lel', 'orange', false],
      ['hazard', 'gas 100 m'],
      ['escalation', null],
    ]);
  });

  it('turns a red gas alert into a hazard area a truck alerts in, and clears the truck at a tick once it ends', () => {
    const gas = new Partition();
    const opened = gas.records(T, reading('G001', T, { lel: 60 }));
    const area = opened.effects.flatMap((e) => (e.t === 'hazard' && e.area ? [e.area] : []))[0];
    expect(area).toMatchObject({ kind: 'gas', severity: 'red', radiusM: 300, device: 'G001' });
    expect(area.points).toEqual([{ lat: 22.6043, lon: 114.1201, label: expect.any(String) as string }]);

    const trucks = new Partition();
    const withArea = { ...world, hazards: new HazardIndex([area]) };
    const fix = { lat: 22.6053, lon: 114.1201, speed: 0, heading: 0 };
    let out = evaluatePartition(
      trucks.snapshot,
      { records: [reading('T001', T, fix)] },
      pack,
      clockAt(T),
      withArea,
    );
    const near = out.effects.find((e) => e.t === 'alert' && e.alert.rule === 'truck.near_hazard');
    expect(near && near.t === 'alert' && near.alert).toMatchObject({
      severity: 'red',
      owner: 'C01',
      value: area.name,
    });
    expect(out.deadlines.get('T001')).toBe(T + 5000);

    // The gas alert clears: the area is withdrawn, and the silent truck's alert clears at its next tick.
    const cleared = gas.records(
      T + 60_000,
      ...[10, 20, 30, 40, 50].map((s) => reading('G001', T + s * 1000, { lel: 1 })),
    );
    expect(brief(cleared.effects)).toContainEqual(['hazard', null]);
    trucks.snapshot = {
      ...trucks.snapshot,
      state: new Map(out.states),
      alerts: new Map(out.effects.flatMap((e) => (e.t === 'alert' ? [[e.alert.id, e.alert] as const] : []))),
    };
    out = evaluatePartition(
      trucks.snapshot,
      { now: T + 6000, devices: ['T001'], escalating: [] },
      pack,
      clockAt(T + 6000),
      { ...world, hazards: HazardIndex.EMPTY },
    );
    expect(brief(out.effects)).toContainEqual(['alert', 'cleared', 'truck.near_hazard', 'red', false]);
  });

  it('ticks a silent detector offline at clock time: the alert, the device event and its presence', () => {
    const p = new Partition();
    p.records(T, reading('G001', T, { lel: 1 }));
    const due = p.last.deadlines.get('G001')!;
    const now = due + 500;
    const out = p.run({ now, devices: ['G001'], escalating: [] }, now);
    expect(out.counts).toMatchObject({ ticks: 1, transitions: 1, deviceEvents: 1 });
    expect(brief(out.effects)).toEqual([
      ['alert', 'opened', 'device.offline', 'yellow', true],
      ['escalation', (now - T) / 1000 + 3600],
      ['device', 'G001', false],
    ]);
    expect(out.presence.get('G001')).toEqual({ lastSeen: T, rx: T + 50, online: false, changedAt: now });
    // Offline once: no deadline until it speaks again.
    expect(out.deadlines.get('G001')).toBeNull();
  });

  it('climbs an alert nobody took one step at a time, and takes it off the schedule at the top or once taken', () => {
    const p = new Partition();
    p.records(T, reading('G001', T, { lel: 60 }));
    const id = p.alert('gas.lel', 'G001').id;
    const levels: string[] = [];
    let now = T;
    for (let i = 0; i < 4; i++) {
      now += 300_000;
      const out = p.run({ now, devices: [], escalating: [id] }, now);
      levels.push(p.alert('gas.lel', 'G001').escalation.level);
      if (i === 3) expect(brief(out.effects)).toEqual([['escalation', null]]);
      else expect(out.counts.escalations).toBe(1);
    }
    expect(levels).toEqual(['community', 'street', 'district', 'district']);
    const climbed = p.alert('gas.lel', 'G001');
    expect(climbed.escalation).toMatchObject({ level: 'district', since: iso(T + 900_000) });

    const q = new Partition();
    q.records(T, reading('G002', T, { lel: 60 }));
    q.acknowledge('gas.lel', 'G002', T + 1000);
    const taken = q.run({ now: T + 300_000, devices: [], escalating: [q.alert('gas.lel', 'G002').id] }, T);
    expect(brief(taken.effects)).toEqual([['escalation', null]]);
    // An alert the store no longer has leaves the schedule too.
    expect(brief(q.run({ now: T, devices: [], escalating: ['gone'] }, T).effects)).toEqual([
      ['escalation', null],
    ]);
  });

  it("holds a truck's offline alerts while its company's link is down, closes them quietly when it reports, releases the silent ones after the grace", () => {
    const settings: InhibitionSettings = { graceMs: 120_000, recheckMs: 30_000 };
    const causes = new Map<string, CauseState>([['link:C01', { state: 'down', since: T + 5000 }]]);
    const p = new Partition({ ...world, inhibition: { causes, settings } });
    p.records(
      T,
      reading('T001', T, { lat: 22.7, lon: 114.2, speed: 40 }),
      reading('T002', T, { lat: 22.7, lon: 114.2, speed: 40 }),
    );
    // Both trucks go silent with the link: their offline alerts open held, climbing nothing, only looking again.
    const now = T + 301_000;
    const out = p.run({ now, devices: ['T001', 'T002'], escalating: [] }, now);
    const opened = out.effects.filter((e) => e.t === 'alert');
    expect(opened.length).toBeGreaterThan(0);
    for (const e of opened) {
      expect(e.alert.inhibitedBy).toBe('link:C01');
      expect(e.transition).toMatchObject({ type: 'opened', inhibitedBy: 'link:C01' });
    }
    expect(out.effects.filter((e) => e.t === 'escalation').map((e) => e.t === 'escalation' && e.due)).toEqual(
      opened.map(() => now + 30_000),
    );
    const held = p.alert('truck.offline', 'T002');
    // Still down at the next look: held again.
    expect(
      brief(p.run({ now: now + 30_000, devices: [], escalating: [held.id] }, now + 30_000).effects),
    ).toEqual([['escalation', (now + 60_000 - T) / 1000]]);

    // The link comes back; T001 reports within the grace: its held alerts close by themselves.
    const back = now + 40_000;
    causes.set('link:C01', { state: 'up', since: back });
    p.records(back + 1000, reading('T001', back + 1000, { lat: 22.7, lon: 114.2, speed: 40 }));
    const t001 = p.alert('truck.offline', 'T001');
    expect(t001).toMatchObject({
      active: false,
      acknowledged: true,
      ackedBy: 'system',
      inhibitedBy: 'link:C01',
    });
    expect(p.last.effects).toContainEqual({ t: 'escalation', id: t001.id, due: null });

    // T002 stays silent: within the grace it waits for the grace's end, after it it is raised normally.
    const early = p.run({ now: back + 10_000, devices: [], escalating: [held.id] }, back + 10_000);
    expect(brief(early.effects)).toEqual([['escalation', (back + 120_000 - T) / 1000]]);
    const late = back + 120_000;
    const released = p.run({ now: late, devices: [], escalating: [held.id] }, late);
    expect(brief(released.effects)).toEqual([
      ['alert', 'released', 'truck.offline', 'yellow', false],
      ['escalation', (late - T) / 1000 + 3600],
    ]);
    const raised = p.alert('truck.offline', 'T002');
    expect(raised.inhibitedBy).toBeUndefined();
    expect(raised).toMatchObject({ active: true, acknowledged: false, escalation: { since: iso(late) } });
  });

  it("holds a detector's offline alert while the gateway that carries it is offline", () => {
    const settings: InhibitionSettings = { graceMs: 120_000, recheckMs: 30_000 };
    expect(registry.gatewayOf('G001')).toBe('P01-GW');
    const causes = new Map<string, CauseState>([['gateway:P01-GW', { state: 'down', since: T }]]);
    const p = new Partition({ ...world, inhibition: { causes, settings } });
    p.records(T, reading('G001', T, { lel: 1 }));
    const now = p.last.deadlines.get('G001')! + 500;
    p.run({ now, devices: ['G001'], escalating: [] }, now);
    expect(p.alert('device.offline', 'G001')).toMatchObject({ active: true, inhibitedBy: 'gateway:P01-GW' });
  });

  it('raises offline alerts as before when no cause explains them (another company, or inhibition off)', () => {
    const settings: InhibitionSettings = { graceMs: 120_000, recheckMs: 30_000 };
    const causes = new Map<string, CauseState>([['link:C02', { state: 'down', since: T }]]);
    const p = new Partition({ ...world, inhibition: { causes, settings } });
    p.records(T, reading('T001', T, { lat: 22.7, lon: 114.2, speed: 40 }));
    const now = T + 301_000;
    const out = p.run({ now, devices: ['T001'], escalating: [] }, now);
    for (const e of out.effects) if (e.t === 'alert') expect(e.alert.inhibitedBy).toBeUndefined();
    expect(p.alert('truck.offline', 'T001').inhibitedBy).toBeUndefined();
  });

  it('drops the deadline of a device no longer registered', () => {
    const out = new Partition().run({ now: T, devices: ['G999'], escalating: [] }, T);
    expect(brief(out.effects)).toEqual([['forget', 'G999']]);
  });

  it('takes an SOS stamped 5 min ahead at its arrival, and never moves the clock or lastSeen into the future', () => {
    const p = new Partition();
    const out = p.records(
      T + 100,
      reading(
        'T001',
        T + 300_000,
        { lat: 22.7, lon: 114.2, speed: 0, alarm: 1 },
        { rx: T, why: ['future_ts'] },
      ),
    );
    const opened = out.effects.flatMap((e) => (e.t === 'alert' ? [[e.alert.rule, e.alert.openedAt]] : []));
    expect(opened).toEqual(
      expect.arrayContaining([
        ['truck.sos', iso(T)],
        ['device.fault', iso(T)],
      ]),
    );
    expect(out.states.get('T001')?.lastTs).toBe(T);
    expect(out.presence.get('T001')?.lastSeen).toBe(T);
  });

  it("traces each transition to its job, and a reading's to the reading's receipt and device time", () => {
    const p = new Partition();
    const source = { job: '{rules-1}:42', upTo: '1777622400100-0' };
    const out = p.run({ records: [reading('G001', T, { lel: 60 }, { rx: T + 80 })], source }, T + 100);
    const opened = out.effects.flatMap((e) => (e.t === 'alert' ? [e.transition] : []));
    expect(opened.map((t) => [t.type, t.trace])).toEqual([['opened', { ...source, rx: T + 80, ts: T }]]);
    // A climb is a timer job's: the job, no reading.
    const tick = { job: '{rules-1}:43', upTo: '' };
    const id = p.alert('gas.lel', 'G001').id;
    const climbed = p.run({ now: T + 300_000, devices: [], escalating: [id], source: tick }, T + 300_000);
    expect(climbed.effects.flatMap((e) => (e.t === 'alert' ? [e.transition.trace] : []))).toEqual([tick]);
    // Without a source (as before): no trace.
    const q = new Partition();
    const plain = q.records(T, reading('G002', T, { lel: 60 }));
    expect(plain.effects.some((e) => e.t === 'alert' && e.transition.trace !== undefined)).toBe(false);
  });

  it('leaves the snapshot as it was', () => {
    const state: DeviceRuleState = { lastTs: T, rules: {}, alerts: {} };
    const presence: Presence = { lastSeen: T, rx: T, online: true, changedAt: T };
    const snapshot: PartitionSnapshot = {
      state: new Map([['G001', state]]),
      presence: new Map([['G001', presence]]),
      alerts: new Map(),
    };
    const before = JSON.stringify([...snapshot.state, ...snapshot.presence]);
    evaluatePartition(
      snapshot,
      { records: [reading('G001', T + 1000, { lel: 60 })] },
      pack,
      clockAt(T),
      world,
    );
    expect(JSON.stringify([...snapshot.state, ...snapshot.presence])).toBe(before);
    expect(snapshot.alerts.size).toBe(0);
  });
});
