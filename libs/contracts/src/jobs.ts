import { z } from 'zod';
import { DEVICE_KINDS } from './topics';

/**
 * A rule job carries every record the router took for one partition in one pass, in log order. Job
 * payloads are validated before use: a malformed one fails without retry.
 *
 * These schemas are the readable specification of a job and the source of its types. The worker checks
 * each job with `checkRuleJob` (rule-job-check.ts), a hand-written equivalent that copies nothing; a
 * property test holds the two to the same verdicts and messages. Change both together.
 *
 * Field values are checked with one type test rather than a union, which costs zod an issue object per
 * failed branch on every field.
 */
export const FIELD_VALUE_MESSAGE = 'must be a number, a string or a boolean';

const fieldValue = z.custom<number | string | boolean>(
  (v) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean',
  FIELD_VALUE_MESSAGE,
);

export const readingRecordSchema = z.object({
  t: z.literal('r'),
  kind: z.enum(DEVICE_KINDS),
  owner: z.string(),
  device: z.string(),
  ts: z.number(),
  rx: z.number(),
  q: z.enum(['ok', 'bad']),
  why: z.array(z.string()).optional(),
  f: z.record(fieldValue),
});

export const statusRecordSchema = z.object({
  t: z.literal('s'),
  kind: z.enum(DEVICE_KINDS),
  owner: z.string(),
  device: z.string(),
  online: z.boolean(),
  ts: z.number(),
  rx: z.number(),
});

export const ruleJobSchema = z.object({
  partition: z.number().int().nonnegative(),
  /** The last reading-log entry ID included, for tracing ('' for a timer job). */
  upTo: z.string(),
  records: z.array(z.discriminatedUnion('t', [readingRecordSchema, statusRecordSchema])),
  /**
   * Timer jobs carry no records but the clock time (ms) at which they were queued: due rule deadlines
   * (offline) and escalations of the partition are processed then, in line with its readings.
   */
  tick: z.number().optional(),
});

export type RuleJob = z.infer<typeof ruleJobSchema>;

/**
 * A rule job as queued. The router hands on a partition's records as the JSON text it read from the reading
 * log (`recordsJson`), so that it neither parses nor serialises them; a job with `records` instead (a timer
 * job, one queued by an earlier version) is a RuleJob as it is. `readRuleJob` turns either into a RuleJob.
 */
export type RuleJobWire = Omit<RuleJob, 'records'> & { records?: RuleJob['records']; recordsJson?: string };

export const RULE_JOB_NAME = 'evaluate';
