import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { env, httpSchema, influxSchema, loadConfig, modeSchema, mqttSchema, redisSchema } from '@lg/config';
import { DEMO_JWT_SECRET, jwtSecretProblem, loginLimitsProblem, parseDurationSeconds } from '@lg/auth';
import { mapTilesSchema } from './http/map.config';
import {
  digestDaySchema,
  linkSecretProblem,
  notifyLinkSchema,
  receiptSecretProblem,
  smsReceiptSchema,
} from '@lg/notifications';

/**
 * The dashboard's folder: `dist/dashboard` of the repository (built from `apps/dashboard` by `npm run
 * build`), found from this file whether it runs from the build (`dist/apps/gateway/src`) or from the
 * sources (`apps/gateway/src`).
 */
export function defaultPublicDir(): string {
  const candidates = [
    join(__dirname, '..', '..', '..', 'dashboard'),
    join(__dirname, '..', '..', '..', 'dist', 'dashboard'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? resolve(candidates[0]);
}

const emptyAsUnset = (v: unknown) => (v === '' ? undefined : v);

const duration = (def: string, minSec: number, maxSec: number) =>
  z
    .string()
    .default(def)
    .transform((text, ctx) => {
      const seconds = parseDurationSeconds(text);
      if (seconds === null) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration such as 90s, 30m, 12h or 7d` });
        return z.NEVER;
      }
      if (seconds < minSec || seconds > maxSec) {
        ctx.addIssue({
          code: 'custom',
          message: `must be between ${minSec} s and ${maxSec} s, got ${seconds} s`,
        });
        return z.NEVER;
      }
      return seconds;
    });

/** An origin is scheme://host[:port], nothing after it. */
function originProblem(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.origin !== origin.replace(/\/$/, ''))
      return `"${origin}" is not an origin (scheme://host[:port])`;
    return null;
  } catch {
    return `"${origin}" is not an origin (scheme://host[:port])`;
  }
}

/** Express's names for address ranges, accepted in TRUST_PROXY besides addresses and CIDR ranges. */
const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Why an entry of TRUST_PROXY is not an address, a CIDR range or one of Express's range names, or null. */
export function trustedProxyProblem(entry: string): string | null {
  if (TRUST_PROXY_NAMES.has(entry)) return null;
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined)
    return `"${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`;
  if (bits === undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `"${entry}": the prefix length must be 0..${max}`;
  return null;
}

/** Every variable the gateway reads, validated at start-up. */
export const gatewayConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(influxSchema)
  .merge(httpSchema(3000))
  .merge(mapTilesSchema)
  .merge(notifyLinkSchema)
  .merge(digestDaySchema)
  .merge(smsReceiptSchema)
  .merge(
    z.object({
      /** HS256 signing secret of the JWTs. Production: at least 32 characters and not the demo default. */
      JWT_SECRET: z.string().min(1).default(DEMO_JWT_SECRET),
      /** Lifetime of a login, e.g. `12h` (seconds after parsing). */
      JWT_TTL: duration('12h', 60, 30 * 86_400),
      /**
       * JSON array of `{username, role, company?, passwordHash}`. Required in production; in demo mode it
       * replaces the demo users when set.
       */
      USERS_FILE: z.preprocess(emptyAsUnset, z.string().min(1).optional()),
      /**
       * Origins (comma-separated) allowed to call the API and the live feed from a browser besides the
       * dashboard itself, which is served from the gateway's own origin. Default: none.
       */
      CORS_ORIGINS: env.list('').superRefine((origins, ctx) => {
        for (const o of origins) {
          const problem = originProblem(o);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }
      }),
      /** The rule pack file the workers use (GET/PUT /api/rules layer live changes over it). */
      RULE_PACK_FILE: z.string().min(1).default('config/rules/pack.json'),
      /** The dashboard's static files. */
      GATEWAY_PUBLIC_DIR: z.preprocess(emptyAsUnset, z.string().min(1).default(defaultPublicDir())),
      /** Failed logins allowed per user name and address within LOGIN_WINDOW before 429. */
      LOGIN_MAX_FAILURES: env.int(10, 1, 10_000),
      /** Failed logins allowed per address, whatever the user name, within LOGIN_WINDOW. */
      LOGIN_MAX_FAILURES_PER_ADDRESS: env.int(50, 1, 100_000),
      /**
       * Failed logins allowed per user name from every address within LOGIN_WINDOW; addresses the user
       * logged in from in the last 30 days stay exempt. Must exceed LOGIN_MAX_FAILURES.
       */
      LOGIN_MAX_FAILURES_PER_USER: env.int(100, 2, 1_000_000),
      LOGIN_WINDOW: duration('5m', 1, 86_400),
      /** Password checks (scrypt, ~32 MiB and ~100 ms each) run at once; the rest wait. */
      LOGIN_MAX_HASHING: env.int(2, 1, 64),
      /** Logins waiting for a password check at most; beyond, 503 with Retry-After. */
      LOGIN_MAX_WAITING: env.int(32, 0, 10_000),
      /**
       * The reverse proxies trusted to say who the client is (X-Forwarded-For), comma-separated: addresses,
       * CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`. A request from anyone else is taken from its
       * own address and its X-Forwarded-For is ignored. Default: none.
       */
      TRUST_PROXY: env.list('').superRefine((entries, ctx) => {
        for (const e of entries) {
          const problem = trustedProxyProblem(e);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }
      }),
      /**
       * How long Redis keeps a closed alert (inactive and acknowledged) after it closed, seconds after
       * parsing (`30d`); its history stays in InfluxDB. From one minute to ten years.
       */
      ALERT_RETENTION: duration('30d', 60, 3650 * 86_400),
      /** Scorecard computations (every company from InfluxDB) running at once; the others wait. */
      SCORECARD_MAX_COMPUTING: env.int(2, 1, 32),
      /** Scorecard requests waiting for a computation at most; beyond, 503 with Retry-After. */
      SCORECARD_MAX_WAITING: env.int(16, 0, 1000),
      /**
       * Lease of the one gateway that hands the live stream to Socket.IO, ms: how soon another gateway takes
       * over when it dies (one that stops hands over at once).
       */
      LIVE_LEASE_MS: env.int(5000, 1000, 60_000),
      /** "Try a message" (`POST /api/messages/check`) judges topics under this root, as ingest does… */
      MQTT_TOPIC_ROOT: mqttSchema.shape.MQTT_TOPIC_ROOT,
      /** …with ingest's tolerance of readings in the future, ms (set both apps alike). */
      FUTURE_TOLERANCE_MS: env.int(60_000, 0),
    }),
  )
  .superRefine((c, ctx) => {
    const limits = loginLimitsProblem({
      perUserAddress: c.LOGIN_MAX_FAILURES,
      perAddress: c.LOGIN_MAX_FAILURES_PER_ADDRESS,
      perUser: c.LOGIN_MAX_FAILURES_PER_USER,
      windowMs: c.LOGIN_WINDOW * 1000,
    });
    if (limits)
      ctx.addIssue({
        code: 'custom',
        path: [
          limits.includes('per-address') ? 'LOGIN_MAX_FAILURES_PER_ADDRESS' : 'LOGIN_MAX_FAILURES_PER_USER',
        ],
        message: `${limits} (LOGIN_MAX_FAILURES ${c.LOGIN_MAX_FAILURES}, LOGIN_MAX_FAILURES_PER_ADDRESS ${c.LOGIN_MAX_FAILURES_PER_ADDRESS}, LOGIN_MAX_FAILURES_PER_USER ${c.LOGIN_MAX_FAILURES_PER_USER})`,
      });
    if (c.LG_MODE !== 'production') return;
    const secrets = [
      ['NOTIFY_LINK_SECRET', linkSecretProblem(c.NOTIFY_LINK_SECRET)],
      ['SMS_RECEIPT_SECRET', receiptSecretProblem(c.SMS_RECEIPT_SECRET)],
      ['JWT_SECRET', jwtSecretProblem(c.JWT_SECRET)],
    ] as const;
    for (const [name, problem] of secrets)
      if (problem)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `production refuses this secret: it ${problem}`,
        });
    if (!c.USERS_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['USERS_FILE'],
        message:
          'production needs a users file (demo users are refused); see apps/gateway/README.md for the format',
      });
    }
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Reads the process environment unless another one is given (tests). */
export function gatewayConfig(environment?: Record<string, string | undefined>): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}
