import type Redis from 'ioredis';
import type { Names, RuleJob } from '@lg/contracts';
import { IncidentStore, type AlertStore, type EscalationDelays, type GroupingConfig } from '@lg/alerts';
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
  private readonly incidents: IncidentStore;

  constructor(
    redis: Redis,
    n: Names,
    registry: Registry,
    alerts: AlertStore,
    owner: string,
    delays: EscalationDelays,
    private readonly clock: Clock,
    /** The active hazard areas, the temporary closures and the causes, as last loaded (none when not given). */
    private readonly overlays?: () => Pick<EvaluationWorld, 'hazards' | 'closures' | 'inhibition'>,
    /** How opening alerts are grouped into incidents (no keys: not at all). */
    private readonly grouping?: GroupingConfig,
  ) {
    this.store = new PartitionStore(redis, n, alerts, owner);
    this.world = { registry, delays };
    this.incidents = new IncidentStore(redis, n, alerts);
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
      await this.group(outcome);
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
    await this.group(outcome);
    await this.store.write(job.partition, outcome);
    return outcome;
  }

  /**
   * Places every alert the work opened into its incident, before the work is committed: the alert, its
   * `opened` transition and any later transition of it in the same work carry the incident ID, and the
   * incident's change goes on the live stream right after the opening. Only alert openings cost anything
   * here (one compare-and-set each); a piece of work that opened nothing is one pass over its effects.
   */
  private async group(outcome: PartitionOutcome): Promise<void> {
    if (!this.grouping || this.grouping.keys.length === 0) return;
    if (!outcome.effects.some((e) => e.t === 'alert' && e.transition.type === 'opened')) return;
    const placed = new Map<string, string>();
    const effects: PartitionOutcome['effects'] = [];
    for (const e of outcome.effects) {
      if (e.t !== 'alert') {
        effects.push(e);
        continue;
      }
      let incidentId = placed.get(e.alert.id);
      let announce = null;
      // A held alert is listed under its cause, not in an incident (docs/rules.md, "Inhibition").
      if (incidentId === undefined && e.transition.type === 'opened' && e.alert.inhibitedBy === undefined) {
        const device = this.world.registry.device(e.alert.device);
        const street =
          device && device.kind !== 'truck'
            ? this.world.registry.chainOf(device).find((step) => step.level === 'street')?.unit.id
            : undefined;
        announce = await this.incidents.assign({ alert: e.alert, street }, this.grouping);
        incidentId = announce?.id;
        if (incidentId !== undefined) placed.set(e.alert.id, incidentId);
      }
      effects.push(
        incidentId === undefined
          ? e
          : {
              ...e,
              alert: { ...e.alert, incident: incidentId },
              transition: { ...e.transition, incident: incidentId },
            },
      );
      if (announce) effects.push({ t: 'incident', incident: announce });
    }
    outcome.effects = effects;
  }

  /** Is any timer of the partition due? Cheap: one sorted-set range per kind, whatever the device count. */
  due(partition: number): Promise<boolean> {
    return this.store.due(partition, this.clock.now());
  }
}
