import type Redis from 'ioredis';
import type { Names, RuleJob } from '@lg/contracts';
import type { AlertStore, EscalationDelays } from '@lg/alerts';
import type { Registry } from '@lg/registry';
import type { RulePack } from '@lg/rules';
import type { Clock } from './clock';
import { evaluatePartition, type EvaluationWorld, type PartitionOutcome } from './evaluate-partition';
import { PartitionStore } from './partition-store';

/**
 * Evaluates one partition's work: a batch of records (readings and status messages, in log order) or a
 * timer tick (silence-driven rules and escalations that are due). The store loads the snapshot the work
 * needs, {@link evaluatePartition} decides, and the store commits the outcome in one fenced script.
 */
export class PartitionEvaluator {
  private readonly store: PartitionStore;
  private readonly world: EvaluationWorld;

  constructor(
    redis: Redis,
    n: Names,
    registry: Registry,
    alerts: AlertStore,
    owner: string,
    delays: EscalationDelays,
    private readonly clock: Clock,
    /** The active hazard areas and the temporary closures, as last loaded (none when not given). */
    private readonly overlays?: () => Pick<EvaluationWorld, 'hazards' | 'closures'>,
  ) {
    this.store = new PartitionStore(redis, n, alerts, owner);
    this.world = { registry, delays };
  }

  private worldNow(): EvaluationWorld {
    return this.overlays ? { ...this.world, ...this.overlays() } : this.world;
  }

  /**
   * @param jobRef the job as the transitions' trace names it (`<rule queue>:<BullMQ job ID>`); absent: the
   *   transitions carry no trace.
   */
  async evaluate(job: RuleJob, pack: RulePack, jobRef?: string): Promise<PartitionOutcome> {
    const source = jobRef === undefined ? undefined : { job: jobRef, upTo: job.upTo };
    if (job.tick !== undefined) {
      const now = this.clock.now();
      const { devices, escalating } = await this.store.dueWork(job.partition, now);
      const snapshot = await this.store.load(job.partition, devices, escalating);
      const input = { now, devices, escalating, source };
      const outcome = evaluatePartition(snapshot, input, pack, this.clock, this.worldNow());
      await this.store.write(job.partition, outcome);
      return outcome;
    }
    const ids = [...new Set(job.records.map((r) => r.device))];
    const snapshot = await this.store.load(job.partition, ids);
    const outcome = evaluatePartition(
      snapshot,
      { records: job.records, source },
      pack,
      this.clock,
      this.worldNow(),
    );
    await this.store.write(job.partition, outcome);
    return outcome;
  }

  /** Is any timer of the partition due? Cheap: one sorted-set range per kind, whatever the device count. */
  due(partition: number): Promise<boolean> {
    return this.store.due(partition, this.clock.now());
  }
}
