import type Redis from 'ioredis';
import type { Alert, Escalation, LiveRecord, Names, ReadingRecord, RuleJob } from '@lg/contracts';
import { AlertStore, applySignal, LIVE_STREAM_MAXLEN } from '@lg/alerts';
import { FencedBatch } from '@lg/redis';
import type { Device, Registry } from '@lg/registry';
import { emptyDeviceState, evaluateReading, type DeviceRuleState, type RulePack } from '@lg/rules';
import { updatePresence, type Presence } from './presence';

export interface EvaluationOutcome {
  evaluated: number;
  late: number;
  unknown: number;
  transitions: number;
  deviceEvents: number;
}

/**
 * Evaluates one partition's batch of records: loads the devices' rule state, presence and open alerts,
 * runs the rules in record order, applies the alert lifecycle, and commits everything in one fenced
 * script so that a worker that lost the partition's lease cannot write.
 */
export class PartitionEvaluator {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly registry: Registry,
    private readonly alerts: AlertStore,
    private readonly owner: string,
  ) {}

  async evaluate(job: RuleJob, pack: RulePack): Promise<EvaluationOutcome> {
    const outcome: EvaluationOutcome = { evaluated: 0, late: 0, unknown: 0, transitions: 0, deviceEvents: 0 };
    const ids = [...new Set(job.records.map((r) => r.device))];
    if (ids.length === 0) return outcome;
    const stateKey = this.n.partitionState(job.partition);
    const [states, presences] = await Promise.all([
      this.redis.hmget(stateKey, ...ids),
      this.redis.hmget(this.n.presence, ...ids),
    ]);
    const state = new Map<string, DeviceRuleState>();
    const presence = new Map<string, Presence>();
    ids.forEach((id, i) => {
      state.set(id, states[i] ? (JSON.parse(states[i]) as DeviceRuleState) : emptyDeviceState());
      if (presences[i]) presence.set(id, JSON.parse(presences[i]) as Presence);
    });
    const alertIds = [...state.values()].flatMap((s) => Object.values(s.alerts));
    const alerts = await this.alerts.getMany(alertIds);

    const batch = new FencedBatch(this.n.partitionLease(job.partition), this.owner);
    const touchedState = new Set<string>();
    const touchedPresence = new Set<string>();
    for (const record of job.records) {
      const device = this.registry.device(record.device);
      if (!device) {
        outcome.unknown++;
        continue;
      }
      const p = updatePresence(presence.get(record.device), record);
      presence.set(record.device, p.presence);
      touchedPresence.add(record.device);
      if (p.event) {
        const live: LiveRecord = { t: 'device', device: p.event };
        batch.add(
          'XADD',
          this.n.live,
          'MAXLEN',
          '~',
          String(LIVE_STREAM_MAXLEN),
          '*',
          'j',
          JSON.stringify(live),
        );
        outcome.deviceEvents++;
      }
      if (record.t !== 'r') continue;
      const before = state.get(record.device)!;
      const result = evaluateReading(before, record, { device, registry: this.registry }, pack);
      if (result.late) {
        outcome.late++;
        continue;
      }
      outcome.evaluated++;
      const next = result.state;
      for (const emission of result.emissions) {
        const currentId = next.alerts[emission.rule];
        const current = currentId ? alerts.get(currentId) : undefined;
        const subject = {
          rule: emission.rule,
          kind: record.kind,
          owner: record.owner,
          device: record.device,
        };
        const signal =
          emission.signal.type === 'fire' && !emission.signal.location
            ? { ...emission.signal, ...locate(device, record) }
            : emission.signal;
        const change = applySignal(current, subject, signal, emission.ts, (since) =>
          this.escalation(device, since),
        );
        if (!change) continue;
        const isNew = change.alert.id !== currentId;
        alerts.set(change.alert.id, change.alert);
        next.alerts = { ...next.alerts, [emission.rule]: change.alert.id };
        this.alerts.stage(batch, change.alert, change.transition, isNew);
        outcome.transitions++;
      }
      state.set(record.device, next);
      touchedState.add(record.device);
    }
    for (const id of touchedState) batch.add('HSET', stateKey, id, JSON.stringify(state.get(id)));
    for (const id of touchedPresence)
      batch.add('HSET', this.n.presence, id, JSON.stringify(presence.get(id)));
    await batch.exec(this.redis);
    return outcome;
  }

  private escalation(device: Device, since: string): Escalation {
    const first = this.registry.chainOf(device)[0];
    return { level: first.level, unit: first.unit.id, since, notify: first.unit.duty };
  }
}

function locate(device: Device, record: ReadingRecord): { location?: Alert['location'] } {
  if (typeof record.f.lat === 'number' && typeof record.f.lon === 'number') {
    return { location: { lat: record.f.lat, lon: record.f.lon } };
  }
  if (device.lat !== undefined && device.lon !== undefined)
    return { location: { lat: device.lat, lon: device.lon } };
  return {};
}
