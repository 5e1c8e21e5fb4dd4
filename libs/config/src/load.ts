import { z } from 'zod';
import { issueText } from '@lg/contracts';

/**
 * Validated configuration. Each app declares one zod schema of the variables it reads; `loadConfig`
 * checks the environment against it once at start-up and stops the process with a message naming every
 * bad or missing variable. Nothing else in the code base reads `process.env`.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => '  - ' + p).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => issueText(issue, { root: '(root)' })));
  }
  return result.data as z.infer<S>;
}

/** Reports a problem of one variable from a schema's `superRefine`: `loadConfig` names it in its message. */
export function variableProblem(ctx: z.RefinementCtx, variable: string, message: string): void {
  ctx.addIssue({ code: 'custom', path: [variable], message });
}

/** Environment strings → typed values. */
export const env = {
  port: (def: number) => z.coerce.number().int().min(0).max(65535).default(def),
  int: (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce.number().int().min(min).max(max).default(def),
  number: (def: number) => z.coerce.number().finite().default(def),
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(def ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  string: (def: string) => z.string().min(1).default(def),
  url: (def: string) => z.string().url().default(def),
  /** A process's or group's stable name (client IDs, consumer names, lease holders derive from it). */
  name: (def: string) =>
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,48}$/)
      .default(def),
  /** A string `parse` turns into a value; the message of what it throws is the variable's problem. */
  parsed: <T>(def: string, parse: (text: string) => T) =>
    z
      .string()
      .default(def)
      .transform((text, ctx) => {
        try {
          return parse(text);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
  list: (def: string) =>
    z
      .string()
      .default(def)
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
};

export const RUN_MODES = ['demo', 'production'] as const;
export type RunMode = (typeof RUN_MODES)[number];
