import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { influxConnection, redisEndpoint } from '@lg/config';
import { names } from '@lg/contracts';
import { AlertStore, transitionLogFields } from '@lg/alerts';
import {
  CauseAlerts,
  CauseCache,
  IngestWatch,
  ClosureCache,
  HazardAreaCache,
  OffsetClock,
  PartitionEvaluator,
  RulePackStore,
  RuleWorkers,
  systemClock,
} from '@lg/evaluation';
import { Metrics, Readiness } from '@lg/observability';
import { RedisConnections, redisReadiness, subscribeAlways, type LastingSubscription } from '@lg/redis';
import { Registry } from '@lg/registry';
import type { RulePack } from '@lg/rules';
import { DutyCheckStore } from '@lg/duty';
import { ScorecardDaily } from '@lg/scorecard';
import {
  channelsFrom,
  DeliveryQueue,
  DeliveryStore,
  DigestJobs,
  policyFrom,
  TransitionConsumer,
  type Channel,
  type DigestChannel,
  wireDigestJobs,
} from '@lg/notifications';
import type { NotifyChannel } from '@lg/contracts';
import { WORKER_CONFIG, type WorkerConfig } from './config';

/** Wires the worker process: partition leases → BullMQ workers → rule evaluation → alerts in Redis. */
@Injectable()
export class WorkerRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private readonly connections: RedisConnections;
  private readonly workers: RuleWorkers;
  private readonly packs: RulePackStore;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly hazardsChannel: string;
  private readonly scorecard: ScorecardDaily;
  private readonly hazards: HazardAreaCache;
  private readonly closures: ClosureCache;
  private readonly closuresChannel: string;
  private readonly causes: CauseCache | undefined;
  private readonly causeAlerts: CauseAlerts | undefined;
  private readonly ingestWatch: IngestWatch | undefined;
  /** The partitions the cause alerts were last brought in line for (undefined: not yet, or it failed). */
  private causesSynced: string | undefined;
  private hazardTimer: NodeJS.Timeout | undefined;
  private hazardRound: Promise<void> = Promise.resolve();
  private subscription: LastingSubscription | undefined;
  /** One rule-pack reload at a time (a message and the poll may ask together); the last failure said. */
  private packRound: Promise<void> = Promise.resolve();
  private packProblem: string | undefined;
  private pack: RulePack;
  private readonly channels: Map<NotifyChannel, Channel>;
  private readonly deliveries: DeliveryQueue | undefined;
  private readonly transitions: TransitionConsumer | undefined;
  private readonly digests: DigestJobs | undefined;

  constructor(
    @Inject(WORKER_CONFIG) c: WorkerConfig,
    registry: Registry,
    metrics: Metrics,
    readiness: Readiness,
  ) {
    const n = names(c.REDIS_PREFIX);
    this.channel = n.rulesChannel;
    this.hazardsChannel = n.hazardsChannel;
    this.connections = new RedisConnections(redisEndpoint(c), c.WORKER_ID);
    const redis = this.connections.open('commands');
    this.subscriber = this.connections.open('rules-changed', { blocking: true });
    this.packs = new RulePackStore(redis, n, c.RULE_PACK_FILE);
    this.pack = this.packs.resolveFileOnly();
    const clock = c.LG_TEST_CLOCK ? new OffsetClock(redis, n.clockOffset) : systemClock;
    metrics.gauge(
      'lg_worker_clock_offset_ms',
      'How far the test clock runs ahead of the wall clock, ms',
      [],
      () => clock.now() - Date.now(),
    );
    this.hazards = new HazardAreaCache(redis, n);
    this.closures = new ClosureCache(redis, n);
    this.closuresChannel = n.closuresChannel;
    const alertStore = new AlertStore(redis, n);
    const inhibition = {
      graceMs: c.INHIBIT_GRACE_SEC * 1000,
      recheckMs: c.INHIBIT_RECHECK_SEC * 1000,
    };
    if (c.INHIBIT_ENABLED) {
      this.causes = new CauseCache(redis, c.REDIS_PREFIX);
      this.causeAlerts = new CauseAlerts(redis, n, alertStore, registry, c.WORKER_ID, c.RULE_PARTITIONS);
      if (c.INHIBIT_INGEST_ENABLED)
        this.ingestWatch = new IngestWatch(
          redis,
          n,
          c.WORKER_ID,
          c.RULE_PARTITIONS,
          { aliveMs: 3000, downAfterMs: c.INHIBIT_INGEST_DOWN_AFTER_SEC * 1000 },
          clock,
        );
    }
    const evaluator = new PartitionEvaluator(
      redis,
      n,
      registry,
      alertStore,
      c.WORKER_ID,
      c.ESCALATION_DELAYS,
      clock,
      () => ({
        hazards: this.hazards.current(),
        closures: this.closures.current(),
        ...(this.causes ? { inhibition: { causes: this.causes.current(), settings: inhibition } } : {}),
      }),
      {
        keys: c.INCIDENT_GROUP_KEYS,
        windowMs: c.INCIDENT_WINDOW_SEC * 1000,
        maxSpanMs: c.INCIDENT_MAX_SPAN_SEC * 1000,
      },
    );
    metrics.gauge(
      'lg_worker_hazard_areas',
      'Active hazard areas the trucks are checked against',
      [],
      () => this.hazards.current().size,
    );
    const evaluated = metrics.counter('lg_worker_readings_evaluated_total', 'Readings run through the rules');
    const late = metrics.counter(
      'lg_worker_readings_late_total',
      'Late or duplicate readings (stored, not evaluated)',
    );
    const transitions = metrics.counter('lg_worker_alert_transitions_total', 'Alert transitions written');
    const escalations = metrics.counter(
      'lg_worker_escalations_total',
      'Alerts that climbed a step of their chain',
    );
    const gaps = metrics.counter(
      'lg_worker_reporting_gaps_total',
      "Readings that came more than 3 reporting intervals after the device's previous one (data lost upstream)",
      ['kind'],
    );
    const lag = metrics.histogram(
      'lg_worker_ingest_to_evaluation_seconds',
      'From ingest receipt to evaluation',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    );
    this.workers = new RuleWorkers(this.connections, redis, n, evaluator, () => this.pack, {
      partitions: c.RULE_PARTITIONS,
      workerId: c.WORKER_ID,
      leaseTtlMs: c.PARTITION_LEASE_MS,
      timerIntervalMs: c.TIMER_INTERVAL_MS,
      routingBehindMs: c.INHIBIT_ENABLED ? c.INHIBIT_ROUTING_BEHIND_MS : 0,
      routerDown: () => this.causes?.ingestDown() ?? false,
      onRoutingLag: (lagMs) =>
        this.logger.warn(
          lagMs > 0
            ? `routing of readings ${Math.round(lagMs / 1000)} s behind: silence deadlines and escalations wait for it`
            : 'routing caught up: silence deadlines and escalations run again',
        ),
      beforeTimers: clock instanceof OffsetClock ? () => clock.refresh() : undefined,
      onOutcome: ({ counts: o, effects }, job) => {
        // One line per alert transition (not per reading), with the IDs that lead back to its message.
        if (o.transitions > 0)
          for (const e of effects)
            if (e.t === 'alert') this.logger.log(transitionLogFields(e.alert, e.transition));
        evaluated.inc(o.evaluated);
        late.inc(o.late);
        transitions.inc(o.transitions);
        escalations.inc(o.escalations);
        for (const [kind, count] of Object.entries(o.gaps)) gaps.inc({ kind }, count);
        const last = job.records[job.records.length - 1];
        if (last) lag.observe((Date.now() - last.rx) / 1000);
      },
      onError: (err, where) =>
        this.logger.warn(`${where}: ${err instanceof Error ? err.message : String(err)}`),
    });
    const duty = new DutyCheckStore(redis, c.REDIS_PREFIX);
    this.scorecard = new ScorecardDaily({
      influx: { ...influxConnection(c), createDb: false },
      redis,
      prefix: c.REDIS_PREFIX,
      bullPrefix: n.bullPrefix,
      connection: () => this.connections.bullConnection(),
      registry,
      cron: c.SCORECARD_CRON,
      logger: new Logger('scorecard'),
      dutyChecks: (companies, from, to) => duty.tallies(companies, from, to, Date.now()),
    });
    // Notifications: fed by the live stream's transitions (no work per reading), sent from a BullMQ queue.
    this.channels = channelsFrom(c);
    if (this.channels.size > 0) {
      const store = new DeliveryStore(redis, n);
      const attempts = metrics.counter(
        'lg_notify_attempts_total',
        'Notification send attempts, by channel and outcome (sent, retry, failed, skipped: sent before)',
        ['channel', 'outcome'],
      );
      const queued = metrics.counter(
        'lg_notify_messages_total',
        'Notification messages queued (one per person)',
      );
      this.deliveries = new DeliveryQueue(redis, n, store, this.channels, {
        connection: () => this.connections.bullConnection(),
        bullPrefix: n.bullPrefix,
        attempts: c.NOTIFY_ATTEMPTS,
        backoffMs: c.NOTIFY_BACKOFF_MS,
        timeoutMs: c.NOTIFY_TIMEOUT_MS,
        throttlePerMinute: c.NOTIFY_THROTTLE_PER_MINUTE,
        onError: (err, where) => this.logger.warn(`${where}: ${describe(err)}`),
        onAttempt: (channel, outcome) => attempts.inc({ channel, outcome }),
      });
      this.transitions = new TransitionConsumer(
        this.connections.open('notify', { blocking: true }),
        redis,
        n,
        store,
        this.deliveries,
        {
          consumer: c.WORKER_ID,
          policy: policyFrom(c),
          chainOf: (id) => {
            // A cause's alert is on a company (its platform link) or a gateway: the company's chain, or
            // that of the gateway's devices (docs/rules.md, "Inhibition").
            const device = registry.device(id) ?? registry.gateway(id)?.devices[0];
            if (device) return registry.chainOf(device);
            return registry.company(id)
              ? registry.chainOf({ id, kind: 'truck', owner: id, intervalSec: 0 })
              : undefined;
          },
          groupOver: c.NOTIFY_GROUP_OVER,
          gatherMs: c.NOTIFY_GATHER_MS,
          linkBase: c.NOTIFY_LINK_BASE,
          linkSecret: c.NOTIFY_LINK_SECRET,
          onError: (err) => this.logger.warn(`notifications: ${describe(err)}`),
          onQueued: (messages) => queued.inc(messages),
        },
      );
      // Daily digests go by e-mail and webhook, through the same delivery queue and states.
      const digestChannels = c.DIGEST_CHANNELS.filter((ch): ch is DigestChannel => this.channels.has(ch));
      if (digestChannels.length > 0) {
        this.digests = wireDigestJobs(
          redis,
          n,
          registry,
          { store, deliveries: this.deliveries, channels: digestChannels },
          {
            connection: () => this.connections.bullConnection(),
            bullPrefix: n.bullPrefix,
            sendAtMinutes: c.DIGEST_AT,
            timeZone: c.DIGEST_TIMEZONE,
            kinds: c.DIGEST_SCOPES,
            holder: c.WORKER_ID,
            onSent: (scope, date, deliveries, run) =>
              this.logger.log(`digest of ${scope} for ${date} queued: ${deliveries} deliveries (${run})`),
            onError: (err, where) => this.logger.warn(`${where}: ${describe(err)}`),
          },
        );
      }
    }
    metrics.gauge(
      'lg_worker_partitions_owned',
      'Rule partitions this worker evaluates',
      [],
      () => this.workers.owned().length,
    );
    readiness.register('redis', () => redisReadiness(redis));
    readiness.register('partitions', () =>
      Promise.resolve({ ok: true, detail: `owns ${this.workers.owned().join(',') || 'none'}` }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reloadPack();
    await this.hazards.refresh();
    await this.closures.refresh();
    await this.causes?.refresh();
    // A change is announced at once; once a second the versions are polled too, in case a message was
    // lost: the rule pack is reloaded only on a message otherwise, so a lost one would keep old thresholds.
    this.hazardTimer = setInterval(() => {
      this.refreshHazards();
      void this.reloadPack();
    }, 1000);
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.hazardsChannel || channel === this.closuresChannel) this.refreshHazards();
      else void this.reloadPack();
    });
    // Subscribed again on every reconnection: ioredis can lose the channels of a replaced connection.
    this.subscription = await subscribeAlways(
      this.subscriber,
      [this.channel, this.hazardsChannel, this.closuresChannel],
      (err) => this.logger.warn(`subscribing to rule and hazard changes again: ${describe(err)}`),
    );
    await this.workers.start();
    await this.scorecard.start();
    if (this.deliveries && this.transitions) {
      await this.deliveries.start(true);
      await this.transitions.start();
      await this.digests?.start();
      this.logger.log(`notifications on: ${[...this.channels.keys()].join(', ')}`);
    }
    this.logger.log(`worker running, partitions ${this.workers.owned().join(',') || 'none yet'}`);
  }

  /** Reloads the hazard areas and the closures if their version moved; one refresh at a time. */
  private refreshHazards(): void {
    this.hazardRound = this.hazardRound
      .then(() => Promise.all([this.hazards.refresh(), this.closures.refresh(), this.syncCauses()]))
      .then(() => undefined)
      .catch((err: unknown) =>
        this.logger.warn(`hazard areas: ${err instanceof Error ? err.message : String(err)}`),
      );
  }

  /**
   * Reloads the causes if they moved, and keeps the alert of each cause this worker's partitions hold in
   * line with it (opened when it goes down, cleared when it comes back; retried each second on failure).
   */
  private async syncCauses(): Promise<void> {
    if (!this.causes || !this.causeAlerts) return;
    const owned = this.workers.owned();
    await this.ingestWatch?.decide(owned);
    const moved = await this.causes.refresh();
    // Nothing to do unless the causes moved, this worker's partitions changed, or the last pass failed.
    const ownedKey = owned.join(',');
    if (!moved && this.causesSynced === ownedKey) return;
    this.causesSynced = undefined;
    const changed = await this.causeAlerts.sync(this.causes.current(), owned);
    this.causesSynced = ownedKey;
    if (changed > 0) this.logger.log(`cause alerts changed: ${changed}`);
  }

  /**
   * Applies live rule changes if the pack's version moved; a pack that fails validation (it was validated
   * when stored) keeps the old one, is tried again each second, and is reported once per problem.
   */
  private reloadPack(): Promise<void> {
    this.packRound = this.packRound.then(async () => {
      try {
        const pack = await this.packs.changed();
        if (pack) this.pack = pack;
        this.packProblem = undefined;
      } catch (err) {
        const problem = describe(err);
        if (problem !== this.packProblem) this.logger.error(`rule pack not applied: ${problem}`);
        this.packProblem = problem;
      }
    });
    return this.packRound;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.hazardTimer);
    this.subscription?.stop();
    await this.hazardRound;
    await this.packRound;
    await this.workers.stop();
    await this.scorecard.stop();
    await this.transitions?.stop();
    await this.digests?.stop();
    await this.deliveries?.stop();
    for (const channel of this.channels.values()) await channel.close?.();
    await this.connections.closeAll();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
