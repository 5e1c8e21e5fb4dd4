import type Redis from 'ioredis';
import { z } from 'zod';
import { issuesText } from '@lg/contracts';

/**
 * Duty-check settings (operators change them with `PUT /api/duty-checks/settings`): how many checks a
 * company is asked a day at random times within working hours (Asia/Shanghai), and how long it has to
 * answer. Domain practice: about 3 a day in 08:00–20:00, 10 minutes.
 */
export const dutySettingsSchema = z
  .object({
    /** Random checks per company per local day; 0 asks none (operators may still ask). */
    perDay: z.number().int().min(0).max(24).default(3),
    /** Time to answer, seconds (default 10 min). */
    deadlineSec: z.number().int().min(10).max(86_400).default(600),
    /** Working hours, local: checks are asked in [fromHour, toHour). */
    fromHour: z.number().int().min(0).max(23).default(8),
    toHour: z.number().int().min(1).max(24).default(20),
  })
  .strict()
  .refine((s) => s.toHour > s.fromHour, { path: ['toHour'], message: 'must be after fromHour' });
export type DutySettings = z.infer<typeof dutySettingsSchema>;

export class DutySettingsError extends Error {}

export function parseDutySettings(input: unknown): DutySettings {
  const r = dutySettingsSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  // One flat strict object: an unknown key is always at the top, so it is written without a path.
  throw new DutySettingsError(issuesText(r.error, { root: 'settings', unknownKeys: true }));
}

/** The settings in Redis (`{prefix}:duty:settings`), shared by the gateway and ingest. */
export class DutySettingsStore {
  private readonly key: string;

  constructor(
    private readonly redis: Pick<Redis, 'get' | 'set'>,
    prefix: string,
  ) {
    this.key = `${prefix}:duty:settings`;
  }

  async get(): Promise<DutySettings> {
    const json = await this.redis.get(this.key);
    if (json === null) return parseDutySettings({});
    try {
      return parseDutySettings(JSON.parse(json));
    } catch {
      return parseDutySettings({});
    }
  }

  /** Validates and stores; throws DutySettingsError naming the bad key. */
  async put(input: unknown): Promise<DutySettings> {
    const parsed = parseDutySettings(input);
    await this.redis.set(this.key, JSON.stringify(parsed));
    return parsed;
  }
}
