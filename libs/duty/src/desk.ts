import { randomBytes } from 'node:crypto';
import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { queueWiring, ScheduledQueue, type QueueOwnerOptions } from '@lg/redis';
import { z } from 'zod';
import {
  DUTY_CHECK_ID_PATTERN,
  MAX_DUTY_ANSWER_BYTES,
  driverMessageTopic,
  dutyQuestionTopic,
  dutyResultTopic,
  issueText,
  parseDutyAnswerTopic,
  type DriverMessage,
  type DutyAnswerResult,
} from '@lg/contracts';
import {
  answerProblem,
  codeFrom,
  localDayStart,
  planDay,
  questionOf,
  questionText,
  statusOf,
  viewOf,
  type DutyAnswerRecord,
} from './checks';
import type { DutySettingsStore } from './settings';
import type { DutyCheckStore } from './store';

/** BullMQ queue of the duty checks (its own hash tag). */
export const DUTY_QUEUE = '{duty}';
/** Plans each local day's random checks at 00:00 Asia/Shanghai. */
export const DUTY_SCHEDULER = 'duty-plan';
export const DUTY_TIMEZONE = 'Asia/Shanghai';

/** An `ask` job: the gateway adds one when an operator asks; the day's plan adds the random ones. */
export const askJobSchema = z
  .object({
    id: z.string().regex(DUTY_CHECK_ID_PATTERN),
    company: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    askedBy: z.string().min(1).max(64),
    deadlineSec: z.number().int().min(5).max(86_400).optional(),
  })
  .strict();
export type AskJob = z.infer<typeof askJobSchema>;

/** A `driver` job: a message to a truck's driver, published to its company's platform. */
export const driverJobSchema = z
  .object({
    id: z.string().regex(/^dm-[a-z0-9]{1,40}$/),
    company: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    device: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    plate: z.string().max(32).optional(),
    alert: z.string().max(200).optional(),
    rule: z.string().max(64).optional(),
    text: z.string().min(1).max(400),
    by: z.string().min(1).max(64),
    sentAt: z.string().max(40),
  })
  .strict() satisfies z.ZodType<DriverMessage>;

/** Queues a message to a driver (the gateway's side); ingest publishes it over its broker connection. */
export async function queueDriverMessage(queue: Queue, message: DriverMessage): Promise<void> {
  await queue.add('driver', driverJobSchema.parse(message), {
    jobId: message.id,
    removeOnComplete: 1000,
    removeOnFail: 1000,
  });
}

/** A new driver-message ID. */
export function newDriverMessageId(): string {
  return `dm-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** A new check ID. */
export function newDutyCheckId(): string {
  return `dc-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** Adds an operator's check to the queue (the gateway's side). */
export async function queueDutyCheck(queue: Queue, job: AskJob): Promise<void> {
  await queue.add('ask', askJobSchema.parse(job), {
    jobId: job.id,
    removeOnComplete: 1000,
    removeOnFail: 1000,
  });
}

/** Records an answer from either side; the outcome for the answering company. */
export async function takeAnswer(
  store: DutyCheckStore,
  company: string,
  id: string,
  body: { code: string; by: string },
  via: DutyAnswerRecord['via'],
  now: number,
): Promise<DutyAnswerResult & { view?: ReturnType<typeof viewOf>; first?: boolean }> {
  const found = await store.get(id);
  if (!found || found.check.company !== company)
    return { id, ok: false, message: `no duty check ${id} for ${company}` };
  if (found.answer) {
    const status = statusOf(found.check, found.answer, now);
    return { id, ok: false, status, message: `duty check ${id} was already answered by ${found.answer.by}` };
  }
  const problem = answerProblem(found.check, { code: body.code, at: now });
  if (problem) return { id, ok: false, message: problem };
  const kept = await store.answer(id, { at: now, by: body.by, via });
  const view = viewOf(found.check, kept.answer, now);
  if (!kept.first)
    return { id, ok: false, status: view.status, message: `duty check ${id} was already answered` };
  return {
    id,
    ok: true,
    status: view.status,
    message: view.status === 'in_time' ? 'answered in time' : 'answered after the deadline',
    view,
    first: true,
  };
}

const answerBodySchema = z
  .object({
    code: z.string({ required_error: 'is required' }).min(1).max(16),
    by: z.string({ required_error: 'is required: who answers' }).min(1).max(64),
  })
  .strict();

export interface DutyDeskOptions extends QueueOwnerOptions {
  root: string;
  companies: readonly string[];
  /** Plan random checks every day (default true); false asks only what operators ask. */
  schedule?: boolean;
  /** Publishes on the broker, QoS 1. */
  publish: (topic: string, body: string) => void;
  now?: () => number;
  random?: () => number;
}

/**
 * The platform's side of the duty checks, in ingest (which holds the broker connection): plans each
 * day's random checks, asks them (and the operators') over MQTT, and takes the answers the companies'
 * platforms send. The plan's jobs have IDs of their day, company and number, so that several ingest
 * processes, or a restart, plan each day once.
 */
export class DutyDesk {
  // Also publishes the command centre's messages to drivers (`driver` jobs): the same broker connection
  // and the same path from the gateway to the companies' platforms.
  private jobs: ScheduledQueue | undefined;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly store: DutyCheckStore,
    private readonly settings: DutySettingsStore,
    private readonly o: DutyDeskOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
  }

  async start(): Promise<void> {
    const schedule = this.o.schedule ?? true;
    this.jobs = await ScheduledQueue.open(
      DUTY_QUEUE,
      'duty',
      queueWiring(this.o),
      DUTY_SCHEDULER,
      schedule
        ? {
            pattern: '0 0 * * *',
            tz: DUTY_TIMEZONE,
            job: { name: 'plan', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
          }
        : null,
    );
    if (schedule) {
      // Today too, when started during the day (once per day whoever starts first).
      const today = localDayStart(this.now());
      await this.jobs.queue.add('plan', { day: today }, { jobId: `plan-${today}`, removeOnComplete: 100 });
    }
    this.jobs.work((job: Job) => this.process(job), { concurrency: 4 });
  }

  async stop(): Promise<void> {
    await this.jobs?.close();
  }

  /** Is this an answer topic (or anything else under `_duty`)? Such messages are not telemetry. */
  handles(topic: string): boolean {
    return topic.startsWith(`${this.o.root}/_duty/`);
  }

  /** An answer from a company's platform; the outcome goes back on its result topic. */
  async onAnswer(topic: string, payload: Buffer): Promise<void> {
    const where = parseDutyAnswerTopic(this.o.root, topic);
    // The broker lets a company publish only under its own branch; anything else there is ignored.
    if (!where || !this.o.companies.includes(where.company)) return;
    const reply = (r: DutyAnswerResult) =>
      this.o.publish(dutyResultTopic(this.o.root, where.company), JSON.stringify(r));
    if (payload.length > MAX_DUTY_ANSWER_BYTES) {
      reply({ id: where.id, ok: false, message: `an answer is at most ${MAX_DUTY_ANSWER_BYTES} bytes` });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      reply({
        id: where.id,
        ok: false,
        message: 'the answer is not JSON: send {"code": "...", "by": "..."}',
      });
      return;
    }
    const parsed = answerBodySchema.safeParse(body);
    if (!parsed.success) {
      reply({ id: where.id, ok: false, message: issueText(parsed.error.issues[0], { root: 'answer' }) });
      return;
    }
    const result = await takeAnswer(this.store, where.company, where.id, parsed.data, 'mqtt', this.now());
    const { view, first: _first, ...outcome } = result;
    reply(outcome);
    if (view) await this.store.announce(view);
  }

  private async process(job: Job): Promise<void> {
    if (job.name === 'plan') return this.plan(job);
    if (job.name === 'ask') {
      const parsed = askJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`malformed duty job ${job.id}: ${parsed.error.message}`);
      return this.ask(parsed.data);
    }
    if (job.name === 'driver') {
      const parsed = driverJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`malformed driver message ${job.id}: ${parsed.error.message}`);
      if (!this.o.companies.includes(parsed.data.company))
        throw new UnrecoverableError(`unknown company ${parsed.data.company}`);
      this.o.publish(driverMessageTopic(this.o.root, parsed.data.company), JSON.stringify(parsed.data));
      return;
    }
    throw new UnrecoverableError(`unknown duty job ${job.name}`);
  }

  private async plan(job: Job): Promise<void> {
    const data = job.data as { day?: unknown };
    const now = this.now();
    const day =
      typeof data.day === 'number' ? data.day : localDayStart(job.opts.prevMillis ?? job.timestamp ?? now);
    const s = await this.settings.get();
    const plan = planDay(
      day,
      this.o.companies,
      { perDay: s.perDay, fromHour: s.fromHour, toHour: s.toHour },
      this.random,
    );
    for (const p of plan) {
      if (p.at < now) continue;
      const id = `dc-${day.toString(36)}${p.company.toLowerCase().replace(/[^a-z0-9]/g, '')}${p.n}`;
      await this.jobs!.queue.add('ask', { id, company: p.company, askedBy: 'schedule' } satisfies AskJob, {
        jobId: `ask-${id}`,
        delay: p.at - now,
        removeOnComplete: 1000,
        removeOnFail: 1000,
      });
    }
  }

  private async ask(job: AskJob): Promise<void> {
    if (!this.o.companies.includes(job.company))
      throw new UnrecoverableError(`unknown company ${job.company}`);
    let found = await this.store.get(job.id);
    if (!found) {
      const s = await this.settings.get();
      const now = this.now();
      const code = codeFrom(this.random());
      const check = {
        id: job.id,
        company: job.company,
        question: questionText(code),
        code,
        askedAt: now,
        deadline: now + (job.deadlineSec ?? s.deadlineSec) * 1000,
        askedBy: job.askedBy,
      };
      await this.store.create(check);
      found = { check };
    }
    const { check } = found;
    this.o.publish(dutyQuestionTopic(this.o.root, check.company), JSON.stringify(questionOf(check)));
    await this.store.announce(viewOf(check, found.answer, this.now()));
  }
}
