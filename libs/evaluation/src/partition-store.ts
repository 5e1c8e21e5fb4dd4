import type Redis from 'ioredis';
import type { Names } from '@lg/contracts';
import type { AlertStore } from '@lg/alerts';
import { FencedBatch, liveAppendArgs } from '@lg/redis';
import type { DeviceRuleState } from '@lg/rules';
import type { PartitionOutcome, PartitionSnapshot } from './evaluate-partition';
import type { Presence } from './presence';

/** Timer work taken per tick job; the rest waits for the next one. */
export const TICK_BATCH = 1000;

/**
 * A rule partition's stored state in Redis: each device's rule state (a hash per partition), presence,
 * the open alerts, the silence deadlines and the escalation schedule (a sorted set each per partition).
 * Loads what one piece of work needs and writes what it produced as one fenced batch, so that a worker
 * that lost the partition's lease cannot write.
 */
export class PartitionStore {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly alerts: AlertStore,
    /** The lease token of this worker. */
    private readonly owner: string,
  ) {}

  /** Is any timer of the partition due at `now`? One sorted-set range per kind, whatever the device count. */
  async due(partition: number, now: number): Promise<boolean> {
    const [deadlines, escalations] = await Promise.all([
      this.redis.zrangebyscore(this.n.partitionDeadlines(partition), '-inf', String(now), 'LIMIT', 0, 1),
      this.redis.zrangebyscore(this.n.partitionEscalations(partition), '-inf', String(now), 'LIMIT', 0, 1),
    ]);
    return deadlines.length > 0 || escalations.length > 0;
  }

  /** The devices whose silence deadline and the alerts whose escalation is due at `now` (a batch of each). */
  async dueWork(partition: number, now: number): Promise<{ devices: string[]; escalating: string[] }> {
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
    return { devices, escalating };
  }

  /** The rule state and presence of these devices, their open alerts and the `extraAlerts`. */
  async load(
    partition: number,
    ids: readonly string[],
    extraAlerts: readonly string[] = [],
  ): Promise<PartitionSnapshot> {
    const [states, presences] =
      ids.length > 0
        ? await Promise.all([
            this.redis.hmget(this.n.partitionState(partition), ...ids),
            this.redis.hmget(this.n.presence, ...ids),
          ])
        : [[], []];
    const state = new Map<string, DeviceRuleState>();
    const presence = new Map<string, Presence>();
    const alertIds = new Set<string>();
    ids.forEach((id, i) => {
      const s = states[i];
      if (s) {
        const parsed = JSON.parse(s) as DeviceRuleState;
        state.set(id, parsed);
        for (const a of Object.values(parsed.alerts)) alertIds.add(a);
      }
      const p = presences[i];
      if (p) presence.set(id, JSON.parse(p) as Presence);
    });
    for (const a of extraAlerts) alertIds.add(a);
    const alerts = await this.alerts.getMany([...alertIds]);
    return { state, presence, alerts };
  }

  /** Writes an evaluation's outcome in one fenced script: effects in their order, then state and presence. */
  async write(partition: number, outcome: PartitionOutcome): Promise<void> {
    const batch = new FencedBatch(this.n.partitionLease(partition), this.owner);
    const deadlines = this.n.partitionDeadlines(partition);
    const escalations = this.n.partitionEscalations(partition);
    for (const e of outcome.effects) {
      switch (e.t) {
        case 'alert':
          this.alerts.stage(batch, e.alert, e.transition, e.isNew);
          break;
        case 'device':
        case 'incident':
          // A device's change and an incident's go on the live stream as they are: they are live records.
          batch.add('XADD', ...liveAppendArgs(this.n.live, e));
          break;
        case 'escalation':
          if (e.due === null) batch.add('ZREM', escalations, e.id);
          else batch.add('ZADD', escalations, String(e.due), e.id);
          break;
        case 'forget':
          batch.add('ZREM', deadlines, e.device);
          break;
        case 'hazard':
          if (e.area) batch.add('HSET', this.n.hazards, e.id, JSON.stringify(e.area));
          else batch.add('HDEL', this.n.hazards, e.id);
          batch.add('INCR', this.n.hazardsVersion);
          batch.add('PUBLISH', this.n.hazardsChannel, e.id);
          break;
      }
    }
    for (const [id, state] of outcome.states) {
      batch.add('HSET', this.n.partitionState(partition), id, JSON.stringify(state));
      const deadline = outcome.deadlines.get(id) ?? null;
      if (deadline === null) batch.add('ZREM', deadlines, id);
      else batch.add('ZADD', deadlines, String(deadline), id);
    }
    for (const [id, presence] of outcome.presence)
      batch.add('HSET', this.n.presence, id, JSON.stringify(presence));
    await batch.exec(this.redis);
  }
}
