import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { env, httpSchema, influxSchema, loadConfig, modeSchema, mqttSchema, redisSchema } from '@lg/config';
import { DEMO_JWT_SECRET, jwtSecretProblem, parseDurationSeconds } from '@lg/auth';
import { mapTilesSchema } from './http/map.config';

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

/** Every variable the gateway reads, validated at start-up. */
export const gatewayConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(influxSchema)
  .merge(httpSchema(3000))
  .merge(mapTilesSchema)
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
      LOGIN_WINDOW: duration('5m', 1, 86_400),
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
    if (c.LG_MODE !== 'production') return;
    const problem = jwtSecretProblem(c.JWT_SECRET);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
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
