import type Redis from 'ioredis';
import {
  causeAlertsKey,
  causesKey,
  causesVersionKey,
  INGEST_CAUSE,
  partitionOf,
  type CauseState,
  type Escalation,
  type Names,
} from '@lg/contracts';
import {
  causeAlertChange,
  causeSubject,
  initialEscalation,
  INGEST_DOWN_RULE,
  type AlertStore,
  type AlertSubject,
  type CauseIndex,
} from '@lg/alerts';
import { FencedBatch, VersionedHash } from '@lg/redis';
import type { Registry } from '@lg/registry';

/**
 * The worker's copy of the causes (docs/rules.md, "Inhibition"): ingest keeps each cause's state in one
 * Redis hash with a version counter; `refresh` reads only the counter and reloads the hash when it moved,
 * like the hazard areas. Evaluation reads the local map, and only when an offline alert opens or a held
 * alert's timer comes: nothing per reading.
 */
export class CauseCache {
  private causes: CauseIndex = new Map();
  private readonly source: VersionedHash;

  constructor(redis: Redis, prefix: string) {
    this.source = new VersionedHash(redis, causesKey(prefix), causesVersionKey(prefix));
  }

  current(): CauseIndex {
    return this.causes;
  }

  /** Is the platform cause "ingest not taking readings" down (docs/rules.md, "Inhibition")? */
  ingestDown(): boolean {
    return this.causes.get(INGEST_CAUSE)?.state === 'down';
  }

  /** Reloads the causes if their version moved; true when it did. */
  async refresh(): Promise<boolean> {
    const causes = await this.source.reload(
      (raw) => new Map(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as CauseState])),
    );
    if (causes === undefined) return false;
    this.causes = causes;
    return true;
  }
}

/**
 * Keeps one alert per cause (`platform.link_down`): opened when the cause goes down, cleared when it comes
 * back. Each cause belongs to the rule partition its ID hashes to, and only that partition's owner writes
 * its alert, fenced by the partition's lease like every evaluation, so two workers never open two.
 */
export class CauseAlerts {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly alerts: AlertStore,
    private readonly registry: Registry,
    /** The lease token of this worker. */
    private readonly owner: string,
    private readonly partitions: number,
  ) {}

  /**
   * Where a cause's alert starts: ingest down at the district (the command centre's duty: no company or
   * grid can act on it); a company's link at the company; a gateway where its devices' alerts
   * start (their grid). Undefined for an owner or gateway the registry does not know.
   */
  private escalationOf({
    rule,
    kind,
    owner,
    device,
  }: AlertSubject): ((since: string) => Escalation) | undefined {
    if (rule === INGEST_DOWN_RULE) {
      const district = this.registry.district();
      return (since) => ({ level: 'district', unit: district.id, since, notify: district.duty });
    }
    if (kind === 'truck') {
      const unit = this.registry.company(owner);
      return unit && ((since) => ({ level: 'company', unit: unit.id, since, notify: unit.duty }));
    }
    const first = this.registry.gateway(device)?.devices[0];
    const chain = first ? this.registry.chainOf(first) : [];
    return chain.length > 0 ? (since) => initialEscalation(chain, since) : undefined;
  }

  /** Brings the alerts of the causes whose partition this worker owns in line with the causes' states. */
  async sync(causes: CauseIndex, owned: readonly number[]): Promise<number> {
    if (causes.size === 0 || owned.length === 0) return 0;
    const mine = new Set(owned);
    const key = causeAlertsKey(this.n.prefix);
    let changed = 0;
    for (const [cause, state] of causes) {
      const p = partitionOf(cause, this.partitions);
      if (!mine.has(p)) continue;
      const subject = causeSubject(
        cause,
        (gateway) => {
          const g = this.registry.gateway(gateway);
          return g && g.devices.length > 0 ? { owner: g.owner, kind: g.devices[0].kind } : undefined;
        },
        this.registry.district().id,
      );
      const escalation = subject && this.escalationOf(subject);
      if (!subject || !escalation) continue;
      const id = await this.redis.hget(key, cause);
      const current = id ? await this.alerts.get(id) : undefined;
      const change = causeAlertChange(current, cause, subject, state, escalation);
      if (!change) continue;
      const batch = new FencedBatch(this.n.partitionLease(p), this.owner);
      this.alerts.stage(batch, change.alert, change.transition, change.alert.id !== current?.id);
      batch.add('HSET', key, cause, change.alert.id);
      await batch.exec(this.redis);
      changed++;
    }
    return changed;
  }
}
