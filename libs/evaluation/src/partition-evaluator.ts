import type Redis from 'ioredis';
import type {
  Alert,
  AlertTransition,
  DeviceEvent,
  DeviceKind,
  LiveRecord,
  LogRecord,
  Names,
  ReadingRecord,
  RuleJob,
} from '@lg/contracts';
import { isOpen } from '@lg/contracts';
import { AlertStore, applySignal, LIVE_STREAM_MAXLEN } from '@lg/alerts';
import { FencedBatch } from '@lg/redis';
import type { Device, Registry } from '@lg/registry';
import {
  emptyDeviceState,
  evaluateReading,
  nextDeadline,
  tickDevice,
  type DeviceRuleState,
  type RuleEmission,
  type RulePack,
} from '@lg/rules';
import type { Clock } from './clock';
import { initialEscalation, nextEscalation, type EscalationDelays } from './escalation';
import { updatePresence, type Presence } from './presence';

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

/** Timer work taken per tick job; the rest waits for the next one. */
const TICK_BATCH = 1000;

/** Everything one job reads and writes, committed at the end in one fenced script. */
class Workspace {
  readonly batch: FencedBatch;
  readonly touchedState = new Set<string>();
  readonly touchedPresence = new Set<string>();
  readonly outcome: EvaluationOutcome = {
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
    readonly partition: number,
    readonly state: Map<string, DeviceRuleState>,
    readonly presence: Map<string, Presence>,
    readonly alerts: Map<string, Alert>,
    lease: string,
    owner: string,
  ) {
    this.batch = new FencedBatch(lease, owner);
  }
}

/**
 * Evaluates one partition's work: a batch of records (readings and status messages, in log order) or a
 * timer tick (silence-driven rules and escalations that are due). Loads the devices' rule state, presence
 * and open alerts, runs the rules, applies the alert lifecycle, and commits everything in one fenced
 * script so that a worker that lost the partition's lease cannot write.
 */
export class PartitionEvaluator {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly registry: Registry,
    private readonly alerts: AlertStore,
    private readonly owner: string,
    private readonly delays: EscalationDelays,
    private readonly clock: Clock,
  ) {}

  async evaluate(job: RuleJob, pack: RulePack): Promise<EvaluationOutcome> {
    return job.tick !== undefined
      ? this.tick(job.partition, pack)
      : this.records(job.partition, job.records, pack);
  }

  /** Is any timer of the partition due? Cheap: one sorted-set range per kind, whatever the device count. */
  async due(partition: number): Promise<boolean> {
    const now = String(this.clock.now());
    const [deadlines, escalations] = await Promise.all([
      this.redis.zrangebyscore(this.n.partitionDeadlines(partition), '-inf', now, 'LIMIT', 0, 1),
      this.redis.zrangebyscore(this.n.partitionEscalations(partition), '-inf', now, 'LIMIT', 0, 1),
    ]);
    return deadlines.length > 0 || escalations.length > 0;
  }

  private async load(partition: number, ids: string[], extraAlerts: string[] = []): Promise<Workspace> {
    const [states, presences] =
      ids.length > 0
        ? await Promise.all([
            this.redis.hmget(this.n.partitionState(partition), ...ids),
            this.redis.hmget(this.n.presence, ...ids),
          ])
        : [[], []];
    const state = new Map<string, DeviceRuleState>();
    const presence = new Map<string, Presence>();
    ids.forEach((id, i) => {
      state.set(id, states[i] ? (JSON.parse(states[i]) as DeviceRuleState) : emptyDeviceState());
      if (presences[i]) presence.set(id, JSON.parse(presences[i]) as Presence);
    });
    const alertIds = [
      ...new Set([...[...state.values()].flatMap((s) => Object.values(s.alerts)), ...extraAlerts]),
    ];
    const alerts = await this.alerts.getMany(alertIds);
    return new Workspace(partition, state, presence, alerts, this.n.partitionLease(partition), this.owner);
  }

  private async records(partition: number, records: LogRecord[], pack: RulePack): Promise<EvaluationOutcome> {
    const ids = [...new Set(records.map((r) => r.device))];
    if (ids.length === 0) return new Workspace(partition, new Map(), new Map(), new Map(), '', '').outcome;
    const w = await this.load(partition, ids);
    for (const record of records) {
      const device = this.registry.device(record.device);
      if (!device) {
        w.outcome.unknown++;
        continue;
      }
      this.presenceOf(w, record);
      if (record.t !== 'r') continue;
      const before = w.state.get(record.device)!;
      const result = evaluateReading(before, record, { device, registry: this.registry }, pack);
      if (result.late) {
        w.outcome.late++;
        continue;
      }
      w.outcome.evaluated++;
      // The time the reading was evaluated at (its arrival, for a stamp in the future).
      const at = result.state.lastTs;
      if (before.lastTs > 0 && at - before.lastTs > GAP_FACTOR * device.intervalSec * 1000)
        w.outcome.gaps[device.kind] = (w.outcome.gaps[device.kind] ?? 0) + 1;
      w.state.set(record.device, result.state);
      w.touchedState.add(record.device);
      this.apply(w, device, result.emissions, record);
    }
    this.finish(w, pack);
    await w.batch.exec(this.redis);
    return w.outcome;
  }

  private async tick(partition: number, pack: RulePack): Promise<EvaluationOutcome> {
    const now = this.clock.now();
    const [devices, escalating] = await Promise.all([
      this.redis.zrangebyscore(
        this.n.partitionDeadlines(partition),
        '-inf',
        String(now),
        'LIMIT',
        0,
        TICK_BATCH,
      ),
      this.redis.zrangebyscore(
        this.n.partitionEscalations(partition),
        '-inf',
        String(now),
        'LIMIT',
        0,
        TICK_BATCH,
      ),
    ]);
    const w = await this.load(partition, devices, escalating);
    for (const id of devices) {
      const device = this.registry.device(id);
      if (!device) {
        w.batch.add('ZREM', this.n.partitionDeadlines(partition), id);
        continue;
      }
      const result = tickDevice(w.state.get(id)!, now, { device, registry: this.registry }, pack);
      w.outcome.ticks++;
      w.state.set(id, result.state);
      w.touchedState.add(id);
      this.apply(w, device, result.emissions);
      if (result.emissions.some((e) => e.rule === 'device.offline' && e.signal.type === 'fire')) {
        this.markOffline(w, device, now);
      }
    }
    for (const id of escalating) this.escalate(w, id, now);
    this.finish(w, pack);
    await w.batch.exec(this.redis);
    return w.outcome;
  }

  /** Applies the rules' signals to the device's alerts through the lifecycle. */
  private apply(w: Workspace, device: Device, emissions: RuleEmission[], record?: ReadingRecord): void {
    const state = w.state.get(device.id)!;
    for (const emission of emissions) {
      const currentId = state.alerts[emission.rule];
      const current = currentId ? w.alerts.get(currentId) : undefined;
      const subject = { rule: emission.rule, kind: device.kind, owner: device.owner, device: device.id };
      const signal =
        emission.signal.type === 'fire' && !emission.signal.location
          ? { ...emission.signal, ...locate(device, record) }
          : emission.signal;
      // A transition never goes back in time: a tick opens at clock time, and a reading's event time may
      // be a little behind it.
      const at = current ? Math.max(emission.ts, Date.parse(current.updatedAt)) : emission.ts;
      const change = applySignal(current, subject, signal, at, (since) =>
        initialEscalation(this.registry, device, since),
      );
      if (!change) continue;
      const isNew = change.alert.id !== currentId;
      state.alerts = { ...state.alerts, [emission.rule]: change.alert.id };
      this.commitAlert(w, change.alert, change.transition, isNew);
      if (change.transition.type !== 'cleared' || !change.alert.acknowledged)
        this.scheduleEscalation(w, change.alert);
    }
  }

  private commitAlert(w: Workspace, alert: Alert, transition: AlertTransition, isNew: boolean): void {
    w.alerts.set(alert.id, alert);
    this.alerts.stage(w.batch, alert, transition, isNew);
    w.outcome.transitions++;
  }

  /**
   * An alert nobody took climbs its chain after its severity's delay (clock time) — also once its
   * condition cleared: an SOS or a truck that moved while offline still needs a person to take it.
   */
  private scheduleEscalation(w: Workspace, alert: Alert): void {
    const delay = this.delays[alert.severity];
    const key = this.n.partitionEscalations(w.partition);
    if (delay === null || alert.acknowledged) w.batch.add('ZREM', key, alert.id);
    else w.batch.add('ZADD', key, String(this.clock.now() + delay), alert.id);
  }

  private escalate(w: Workspace, id: string, now: number): void {
    const key = this.n.partitionEscalations(w.partition);
    const alert = w.alerts.get(id);
    const device = alert ? this.registry.device(alert.device) : undefined;
    if (!alert || !device || alert.acknowledged || !isOpen(alert)) {
      w.batch.add('ZREM', key, id);
      return;
    }
    const next = nextEscalation(this.registry, device, alert, new Date(now).toISOString());
    if (!next) {
      w.batch.add('ZREM', key, id);
      return;
    }
    const escalated: Alert = { ...alert, escalation: next, updatedAt: next.since };
    const transition: AlertTransition = {
      alertId: id,
      type: 'escalated',
      at: next.since,
      by: 'system',
      severity: alert.severity,
      active: alert.active,
      acknowledged: false,
      value: alert.value,
    };
    this.commitAlert(w, escalated, transition, false);
    this.scheduleEscalation(w, escalated);
    w.outcome.escalations++;
  }

  private presenceOf(w: Workspace, record: LogRecord): void {
    const p = updatePresence(w.presence.get(record.device), record);
    w.presence.set(record.device, p.presence);
    w.touchedPresence.add(record.device);
    if (p.event) this.deviceEvent(w, p.event);
  }

  private markOffline(w: Workspace, device: Device, now: number): void {
    const before = w.presence.get(device.id);
    if (before && !before.online) return;
    const presence: Presence = {
      lastSeen: before?.lastSeen ?? 0,
      rx: before?.rx ?? 0,
      online: false,
      changedAt: now,
    };
    w.presence.set(device.id, presence);
    w.touchedPresence.add(device.id);
    this.deviceEvent(w, {
      id: device.id,
      kind: device.kind,
      owner: device.owner,
      online: false,
      ts: new Date(now).toISOString(),
    });
  }

  private deviceEvent(w: Workspace, device: DeviceEvent): void {
    const live: LiveRecord = { t: 'device', device };
    w.batch.add(
      'XADD',
      this.n.live,
      'MAXLEN',
      '~',
      String(LIVE_STREAM_MAXLEN),
      '*',
      'j',
      JSON.stringify(live),
    );
    w.outcome.deviceEvents++;
  }

  /** Writes back rule state, presence and each device's next timer. */
  private finish(w: Workspace, pack: RulePack): void {
    const deadlines = this.n.partitionDeadlines(w.partition);
    for (const id of w.touchedState) {
      const state = w.state.get(id)!;
      w.batch.add('HSET', this.n.partitionState(w.partition), id, JSON.stringify(state));
      const device = this.registry.device(id);
      const due = device ? nextDeadline(state, { device, registry: this.registry }, pack) : null;
      if (due === null) w.batch.add('ZREM', deadlines, id);
      else w.batch.add('ZADD', deadlines, String(due), id);
    }
    for (const id of w.touchedPresence)
      w.batch.add('HSET', this.n.presence, id, JSON.stringify(w.presence.get(id)));
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
