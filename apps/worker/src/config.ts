import { hostname } from 'node:os';
import { z } from 'zod';
import {
  env,
  httpSchema,
  influxSchema,
  loadConfig,
  modeSchema,
  redisSchema,
  variableProblem,
} from '@lg/config';
import { parseEscalationDelays } from '@lg/evaluation';
import { notifyProblems, notifySchema } from '@lg/notifications';
import { parseGroupingKeys } from '@lg/alerts';

/** Every variable the worker process reads, validated at start-up. */
export const workerConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(influxSchema)
  .merge(httpSchema(3002))
  .merge(notifySchema)
  .merge(
    z.object({
      /** Stable, unique name of this worker: its partition leases carry it. */
      WORKER_ID: env.name(`worker-${hostname()}-${process.pid}`),
      /** A dead worker's partitions are taken over after this long, ms. */
      PARTITION_LEASE_MS: env.int(5000, 1000, 60_000),
      /** The rule pack file: thresholds and per-owner/per-device overrides over the rules' defaults. */
      RULE_PACK_FILE: z.string().min(1).default('config/rules/pack.json'),
      /** Delay before an unacknowledged alert climbs one step, per severity, e.g. `red=5m,orange=15m,yellow=60m,blue=never`. */
      ESCALATION_DELAYS: env.parsed('red=5m,orange=15m,yellow=60m,blue=never', parseEscalationDelays),
      /**
       * What makes opening alerts one incident (docs/rules.md, "Incidents"): a comma list of `rule`, `owner`,
       * `kind`, `street`, or `none`. Truck alerts are always grouped per company as well.
       */
      INCIDENT_GROUP_KEYS: env.parsed('rule,owner', parseGroupingKeys),
      /** An alert joins an incident opening within this long of its latest member, seconds. */
      INCIDENT_WINDOW_SEC: env.int(600, 1, 86_400),
      /** …and within this long of its first one, seconds. */
      INCIDENT_MAX_SPAN_SEC: env.int(3600, 1, 7 * 86_400),
      /**
       * Inhibition (docs/rules.md, "Inhibition"): hold offline alerts a known cause explains (a company
       * platform's link down holds its trucks'). Off: every offline alert is raised as before.
       */
      INHIBIT_ENABLED: env.bool(true),
      /** After a cause clears, its held alerts wait this long for their devices to report, seconds. */
      INHIBIT_GRACE_SEC: env.int(120, 0, 3600),
      /** While a cause is down, a held alert looks at it again this often, seconds. */
      INHIBIT_RECHECK_SEC: env.int(30, 1, 600),
      /**
       * While readings wait in the log unrouted for longer than this, ms, no silence deadline or escalation
       * is looked at (docs/rules.md, "Inhibition"): the waiting readings may answer them. 0: off.
       */
      INHIBIT_ROUTING_BEHIND_MS: env.int(5000, 0, 3_600_000),
      /** Hold every offline alert under `platform:ingest` while no ingest instance takes readings. */
      INHIBIT_INGEST_ENABLED: env.bool(true),
      /** Ingest is down once no instance has taken readings for longer than this, seconds. */
      INHIBIT_INGEST_DOWN_AFTER_SEC: env.int(15, 5, 600),
      /** How often due timers (offline, escalation) are looked for, ms. */
      TIMER_INTERVAL_MS: env.int(1000, 50, 60_000),
      /** When the daily scorecard of yesterday is computed: a cron pattern in Asia/Shanghai (default 00:30). */
      SCORECARD_CRON: z
        .string()
        .regex(/^\S+( \S+){4,5}$/, 'a cron pattern of 5 or 6 fields, e.g. "30 0 * * *"')
        .default('30 0 * * *'),
      /** Demo/test only: the clock runs ahead by an offset kept in Redis, so tests can make minutes pass. */
      LG_TEST_CLOCK: env.bool(false),
    }),
  )
  .superRefine((c, ctx) => {
    for (const [variable, message] of notifyProblems(c, c.LG_MODE === 'production'))
      variableProblem(ctx, variable, message);
    if (c.LG_MODE === 'production' && c.LG_TEST_CLOCK)
      variableProblem(ctx, 'LG_TEST_CLOCK', 'the test clock is refused in production');
  });

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export function workerConfig(): WorkerConfig {
  return loadConfig(workerConfigSchema);
}
