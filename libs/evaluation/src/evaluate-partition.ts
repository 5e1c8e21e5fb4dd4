import type {
  Alert,
  Incident,
  AlertTransition,
  TransitionTrace,
  DeviceEvent,
  DeviceKind,
  HazardArea,
  HazardIndex,
  LogRecord,
  ReadingRecord,
} from '@lg/contracts';
import {
  applySignal,
  inhibitingCauseOf,
  closeQuietly,
  escalate,
  heldDecision,
  hold,
  holds,
  INHIBITABLE_RULES,
  release,
  type CauseIndex,
  type InhibitionSettings,
  type LifecycleResult,
  escalationDue,
  escalationHeldUntil,
  initialEscalation,
  type EscalationDelays,
} from '@lg/alerts';
import type { Device, Registry, RestrictedZone } from '@lg/registry';
import {
  emptyDeviceState,
  evaluateReading,
  HAZARD_RULES,
  hazardAreaOf,
  truckNearHazard,
  type TruckNearHazardConfig,
  nextDeadline,
  tickDevice,
  type DeviceRuleState,
  type RuleContext,
  type RuleEmission,
  type RulePack,
} from '@lg/rules';
import type { Clock } from './clock';
import { updatePresence, type Presence } from './presence';

/** What one evaluation counted. */
export interface EvaluationOutcome {
  evaluated: number;
  late: number;
  unknown: number;
  transitions: number;
  deviceEvents: number;
  ticks: number;
  escalations: number;
  /**
   * Readings that came more than `GAP_FACTOR` reporting intervals after the device's previous one, by
   * kind: a loss upstream (a device, its platform or a broker that dropped data) shows here, not silently.
   */
  gaps: Partial<Record<DeviceKind, number>>;
}

/** A reading this many of its device's reporting intervals after the previous one marks a gap. */
export const GAP_FACTOR = 3;

/** What a partition's stored state holds for one piece of work, as loaded before it. */
export interface PartitionSnapshot {
  /** Rule state of each device of the work (a device never evaluated may be missing: it starts empty). */
  state: ReadonlyMap<string, DeviceRuleState>;
  /** Where each device of the work was last seen (missing: never). */
  presence: ReadonlyMap<string, Presence>;
  /** The alerts the devices' states point to, and those due to escalate. */
  alerts: ReadonlyMap<string, Alert>;
}

/**
 * One piece of a partition's work: a batch of records (readings and status messages, in log order), or a
 * timer tick at clock time `now` for the devices whose silence deadline is due and the alerts due to climb.
 */
export type PartitionInput = (
  | { records: readonly LogRecord[] }
  | { now: number; devices: readonly string[]; escalating: readonly string[] }
) & {
  /**
   * The rule job this work came in (`job`, `upTo` of {@link TransitionTrace}): each transition carries it,
   * with the receipt and device time of the reading that caused it, as its `trace`. Absent: no trace.
   */
  source?: Pick<TransitionTrace, 'job' | 'upTo'>;
};

/** What the evaluation reads besides the snapshot: the registry and the escalation delays. */
export interface EvaluationWorld {
  registry: Registry;
  delays: EscalationDelays;
  /** The active hazard areas as last loaded (truck.near_hazard reads them); none when missing. */
  hazards?: HazardIndex;
  /** Temporary closures as restricted zones (truck.restricted_zone); none when missing. */
  closures?: readonly RestrictedZone[];
  /** The causes as last loaded and how inhibition behaves (docs/rules.md, "Inhibition"); none: off. */
  inhibition?: { causes: CauseIndex; settings: InhibitionSettings };
}

/**
 * One write of an evaluation, in the order it happened: an alert transition (which also goes on the live
 * stream), a device's online/offline change (live stream), an alert's next escalation time (clock ms; null:
 * off the schedule), a device no longer registered whose silence deadline is dropped, or the hazard area
 * of a slope or gas alert that opened, changed or cleared.
 */
export type PartitionEffect =
  | { t: 'alert'; alert: Alert; transition: AlertTransition; isNew: boolean }
  | { t: 'device'; device: DeviceEvent }
  | { t: 'escalation'; id: string; due: number | null }
  | { t: 'incident'; incident: Incident }
  | { t: 'forget'; device: string }
  /** The hazard area an alert defines now (null: none any more; see `hazardAreaOf`). */
  | { t: 'hazard'; id: string; area: HazardArea | null };

export interface PartitionOutcome {
  counts: EvaluationOutcome;
  effects: PartitionEffect[];
  /** Rule state of every device the work touched, in the order it was touched. */
  states: Map<string, DeviceRuleState>;
  /** The next silence deadline of each of them (clock ms; null: none). */
  deadlines: Map<string, number | null>;
  /** Presence of every device the work touched. */
  presence: Map<string, Presence>;
}

/**
 * The evaluation core, without I/O: a partition's snapshot and one piece of work in, everything to write
 * out. Records run through the rules (presence first, late readings counted and skipped), ticks give the
 * silence rules their due call and climb the alerts nobody took; the alert lifecycle turns signals into
 * transitions, and each alert's escalation is scheduled from `clock`. The snapshot is not changed.
 */
export function evaluatePartition(
  snapshot: PartitionSnapshot,
  input: PartitionInput,
  pack: RulePack,
  clock: Clock,
  world: EvaluationWorld,
): PartitionOutcome {
  const step = new Step(snapshot, pack, world, 'records' in input ? clock.now() : input.now, input.source);
  if ('records' in input) step.records(input.records);
  else step.tick(input.devices, input.escalating);
  return step.finish();
}

/**
 * One evaluation: what it changed is kept apart from the snapshot (read through for the rest), so that the
 * snapshot stays as it was and nothing is copied.
 */
class Step {
  private readonly state = new Map<string, DeviceRuleState>();
  private readonly presence = new Map<string, Presence>();
  private readonly alerts = new Map<string, Alert>();
  private readonly effects: PartitionEffect[] = [];
  private readonly counts: EvaluationOutcome = {
    evaluated: 0,
    late: 0,
    unknown: 0,
    transitions: 0,
    deviceEvents: 0,
    ticks: 0,
    escalations: 0,
    gaps: {},
  };

  constructor(
    private readonly snapshot: PartitionSnapshot,
    private readonly pack: RulePack,
    private readonly world: EvaluationWorld,
    /** Clock time of the work: a tick's time, or when a batch of records is evaluated. */
    private readonly now: number,
    private readonly source: PartitionInput['source'],
  ) {}

  private ctx(device: Device): RuleContext {
    const { registry, hazards, closures } = this.world;
    return { device, registry, hazards, closures };
  }

  private stateOf(id: string): DeviceRuleState {
    return this.state.get(id) ?? this.snapshot.state.get(id) ?? emptyDeviceState();
  }

  private presenceOf(id: string): Presence | undefined {
    return this.presence.get(id) ?? this.snapshot.presence.get(id);
  }

  private alert(id: string): Alert | undefined {
    return this.alerts.get(id) ?? this.snapshot.alerts.get(id);
  }

  records(records: readonly LogRecord[]): void {
    const { registry } = this.world;
    for (const record of records) {
      const device = registry.device(record.device);
      if (!device) {
        this.counts.unknown++;
        continue;
      }
      this.seen(record);
      if (record.t !== 'r') continue;
      const before = this.stateOf(record.device);
      const result = evaluateReading(before, record, this.ctx(device), this.pack);
      if (result.late) {
        this.counts.late++;
        continue;
      }
      this.counts.evaluated++;
      // The time the reading was evaluated at (its arrival, for a stamp in the future).
      const at = result.state.lastTs;
      if (before.lastTs > 0 && at - before.lastTs > GAP_FACTOR * device.intervalSec * 1000)
        this.counts.gaps[device.kind] = (this.counts.gaps[device.kind] ?? 0) + 1;
      this.state.set(record.device, result.state);
      this.apply(device, result.state, result.emissions, record);
    }
  }

  tick(devices: readonly string[], escalating: readonly string[]): void {
    const { registry } = this.world;
    for (const id of devices) {
      const device = registry.device(id);
      if (!device) {
        this.effects.push({ t: 'forget', device: id });
        continue;
      }
      const result = tickDevice(this.stateOf(id), this.now, this.ctx(device), this.pack);
      this.counts.ticks++;
      this.state.set(id, result.state);
      this.apply(device, result.state, result.emissions);
      if (result.emissions.some((e) => e.rule === 'device.offline' && e.signal.type === 'fire')) {
        this.markOffline(device);
      }
    }
    for (const id of escalating) this.climb(id);
  }

  finish(): PartitionOutcome {
    const { registry } = this.world;
    const deadlines = new Map<string, number | null>();
    for (const [id, state] of this.state) {
      const device = registry.device(id);
      deadlines.set(id, device ? nextDeadline(state, this.ctx(device), this.pack) : null);
    }
    return {
      counts: this.counts,
      effects: this.effects,
      states: this.state,
      deadlines,
      presence: this.presence,
    };
  }

  /** Applies the rules' signals to the device's alerts through the lifecycle. */
  private apply(
    device: Device,
    state: DeviceRuleState,
    emissions: RuleEmission[],
    record?: ReadingRecord,
  ): void {
    const chain = emissions.length > 0 ? this.world.registry.chainOf(device) : [];
    for (const emission of emissions) {
      const currentId = state.alerts[emission.rule];
      const current = currentId ? this.alert(currentId) : undefined;
      const subject = { rule: emission.rule, kind: device.kind, owner: device.owner, device: device.id };
      const signal =
        emission.signal.type === 'fire' && !emission.signal.location
          ? { ...emission.signal, ...locate(device, record) }
          : emission.signal;
      // A transition never goes back in time: a tick opens at clock time, and a reading's event time may
      // be a little behind it.
      const at = current ? Math.max(emission.ts, Date.parse(current.updatedAt)) : emission.ts;
      const raw = applySignal(current, subject, signal, at, (since) => initialEscalation(chain, since));
      if (!raw) continue;
      const change = this.inhibit(device, raw);
      const isNew = change.alert.id !== currentId;
      // The state is this evaluation's own (the rules returned a new one): never the snapshot's.
      state.alerts = { ...state.alerts, [emission.rule]: change.alert.id };
      this.transition(change.alert, this.traced(change.transition, record), isNew);
      if (HAZARD_RULES.has(change.alert.rule)) this.hazard(change.alert);
      if (change.alert.inhibitedBy !== undefined) this.scheduleHeld(change.alert);
      else if (change.transition.type !== 'cleared' || !change.alert.acknowledged)
        this.schedule(change.alert);
    }
  }

  /**
   * Inhibition, decided only when an offline alert opens or a held one clears (never per reading): an
   * opening its device's cause explains is held under it; a held alert that clears closes quietly.
   */
  private inhibit(device: Device, change: LifecycleResult): LifecycleResult {
    const inhibition = this.world.inhibition;
    if (change.alert.inhibitedBy !== undefined)
      return change.transition.type === 'cleared' ? closeQuietly(change) : change;
    if (!inhibition || change.transition.type !== 'opened' || !INHIBITABLE_RULES.has(change.alert.rule))
      return change;
    const cause = inhibitingCauseOf(device, this.world.registry.gatewayOf(device.id));
    if (cause === undefined || !holds(inhibition.causes.get(cause), this.now, inhibition.settings))
      return change;
    return hold(change, cause);
  }

  /**
   * A held alert does not climb: its timer instead looks at the cause again (see {@link heldDecision}); a
   * closed one leaves the schedule.
   */
  private scheduleHeld(alert: Alert): void {
    if (!alert.active) {
      this.effects.push({ t: 'escalation', id: alert.id, due: null });
      return;
    }
    const inhibition = this.world.inhibition;
    const decision = inhibition
      ? heldDecision(inhibition.causes.get(alert.inhibitedBy!), this.now, inhibition.settings)
      : { t: 'release' as const };
    this.effects.push({
      t: 'escalation',
      id: alert.id,
      due: decision.t === 'hold' ? decision.until : this.now,
    });
  }

  /** A transition with its trace: the job, and the reading that caused it if one did (O(1), per transition). */
  private traced(transition: AlertTransition, record?: ReadingRecord): AlertTransition {
    if (!this.source) return transition;
    const trace: TransitionTrace = { job: this.source.job, upTo: this.source.upTo };
    if (record) {
      trace.rx = record.rx;
      trace.ts = record.ts;
    }
    return { ...transition, trace };
  }

  private transition(alert: Alert, transition: AlertTransition, isNew: boolean): void {
    this.alerts.set(alert.id, alert);
    this.effects.push({ t: 'alert', alert, transition, isNew });
    this.counts.transitions++;
  }

  /**
   * A slope or gas alert changed (opened, raised, lowered, cleared): the area it defines now, or none. Only
   * rule-driven changes get here, so escalations and acknowledgements do not rewrite the set.
   */
  private hazard(alert: Alert): void {
    const near = this.pack.rules.get(truckNearHazard.name);
    const radii = (near?.config ?? truckNearHazard.defaults) as TruckNearHazardConfig;
    const area = near?.enabled === false ? null : hazardAreaOf(alert, this.world.registry, radii);
    this.effects.push({ t: 'hazard', id: alert.id, area });
  }

  private schedule(alert: Alert): void {
    this.effects.push({
      t: 'escalation',
      id: alert.id,
      due: escalationDue(alert, this.world.delays, this.now),
    });
  }

  /** An alert due to climb its chain: one step up, or off the schedule when it no longer climbs. */
  private climb(id: string): void {
    const alert = this.alert(id);
    if (alert?.inhibitedBy !== undefined) {
      this.releaseHeld(alert);
      return;
    }
    // A shelved alert does not climb while shelved: its climb waits for the shelf's end (O(1), per timer).
    const held = alert ? escalationHeldUntil(alert, this.now) : null;
    if (held !== null) {
      this.effects.push({ t: 'escalation', id, due: held });
      return;
    }
    const device = alert ? this.world.registry.device(alert.device) : undefined;
    const change = alert && device ? escalate(alert, this.world.registry.chainOf(device), this.now) : null;
    if (!change) {
      this.effects.push({ t: 'escalation', id, due: null });
      return;
    }
    this.transition(change.alert, this.traced(change.transition), false);
    this.schedule(change.alert);
    this.counts.escalations++;
  }

  /** A held alert's timer: held until a later look while its cause explains it, else released (raised). */
  private releaseHeld(alert: Alert): void {
    const inhibition = this.world.inhibition;
    const decision = inhibition
      ? heldDecision(inhibition.causes.get(alert.inhibitedBy!), this.now, inhibition.settings)
      : { t: 'release' as const };
    if (decision.t === 'hold' && alert.active) {
      this.effects.push({ t: 'escalation', id: alert.id, due: decision.until });
      return;
    }
    if (!alert.active) {
      this.effects.push({ t: 'escalation', id: alert.id, due: null });
      return;
    }
    const change = release(alert, this.now);
    this.transition(change.alert, this.traced(change.transition), false);
    this.schedule(change.alert);
  }

  private seen(record: LogRecord): void {
    const p = updatePresence(this.presenceOf(record.device), record);
    this.presence.set(record.device, p.presence);
    if (p.event) this.deviceEvent(p.event);
  }

  private markOffline(device: Device): void {
    const before = this.presenceOf(device.id);
    if (before && !before.online) return;
    this.presence.set(device.id, {
      lastSeen: before?.lastSeen ?? 0,
      rx: before?.rx ?? 0,
      online: false,
      changedAt: this.now,
    });
    this.deviceEvent({
      id: device.id,
      kind: device.kind,
      owner: device.owner,
      online: false,
      ts: new Date(this.now).toISOString(),
    });
  }

  private deviceEvent(device: DeviceEvent): void {
    this.effects.push({ t: 'device', device });
    this.counts.deviceEvents++;
  }
}

function locate(device: Device, record?: ReadingRecord): { location?: Alert['location'] } {
  // Only a qualified fix locates an alert: an SOS sent with a 0,0 fix is placed where the truck was last seen.
  if (record && record.q === 'ok' && typeof record.f.lat === 'number' && typeof record.f.lon === 'number') {
    return { location: { lat: record.f.lat, lon: record.f.lon } };
  }
  if (device.lat !== undefined && device.lon !== undefined)
    return { location: { lat: device.lat, lon: device.lon } };
  return {};
}
