import type { DeviceKind, LogRecord, RejectReason, ValidReading } from '@lg/contracts';
import {
  gasReadingSees,
  isDeviceKind,
  maxDeviceTopicLength,
  parseDeviceTopic,
  parseStatus,
  parseTelemetry,
  truncated,
} from '@lg/contracts';
import type { Registry } from '@lg/registry';
import type { DriftDetector } from './drift';
import type { DeviceRateLimiter, RateDecision } from './device-rate-limit';
import type { OwnerRateLimiter } from './owner-rate-limit';

export interface IntakeOptions {
  root: string;
  /** A reading later than receipt + this is stored as unqualified (`future_ts`), ms. */
  futureToleranceMs: number;
}

/** Where a refused message came from. */
export interface RefusalSource {
  kind: string;
  owner: string;
  device: string;
  topic: string;
}

/** A refused message, or one refused reading of a batch (with its index). */
export interface Refusal {
  where: RefusalSource;
  reason: RejectReason;
  message: string;
  index?: number;
}

/** What one MQTT message becomes: records for the reading log, and what was refused and why. */
export interface Intake {
  records: LogRecord[];
  refused: Refusal[];
}

export interface IntakeGuards {
  /** Marks drifted truck fixes (`why: ['drift']`). */
  drift?: DriftDetector;
  /** Refuses a device's messages beyond its rate (`rate_limited`). */
  limiter?: DeviceRateLimiter;
  /** Refuses an owner's messages beyond its rate, before parsing them (`rate_limited`). */
  owners?: OwnerRateLimiter;
}

/** Stands for a level of a topic that is not a registered owner (or a kind), wherever it is reported. */
const UNKNOWN = '_';

/**
 * A gas message of at most this many bytes is still read when its owner is over the owner's limit, for the
 * alarm it may carry: a single reading is about 60 bytes, and parsing a small message costs microseconds.
 */
export const OWNER_LIMIT_GAS_READ_BYTES = 4096;

const NOTHING: LogRecord[] = [];

/**
 * Decides, without I/O, what one MQTT message becomes: the topic is checked against the contract and the
 * registry (unknown device, device under a foreign owner), the device's rate limit applied, the payload
 * parsed and validated, the good readings of a batch kept and each bad one refused with its reason.
 * Stateful only through its guards (a truck's previous fix, a device's token bucket).
 */
export class MessageIntake {
  private readonly rejectedPrefix: string;
  /** The longest topic of the contract under the root (longer ones are refused unread). */
  readonly maxTopicLength: number;

  constructor(
    private readonly o: IntakeOptions,
    private readonly registry: Registry,
    private readonly guards: IntakeGuards = {},
  ) {
    this.rejectedPrefix = `${o.root}/_rejected/`;
    this.maxTopicLength = maxDeviceTopicLength(o.root);
  }

  take(topic: string, payload: Buffer, rx: number): Intake {
    const parsed = parseDeviceTopic(this.o.root, topic);
    if (!parsed.ok) {
      // Our own rejection notices and anything off-contract under the root are not device input.
      if (topic.startsWith(this.rejectedPrefix)) return { records: NOTHING, refused: [] };
      return {
        records: NOTHING,
        refused: [{ where: this.badTopic(topic), reason: 'bad_topic', message: parsed.message }],
      };
    }
    const { kind, owner, device: deviceId, channel } = parsed.topic;
    const device = this.registry.device(deviceId);
    // Whether the device does not exist or belongs to someone else, the answer is the same: a refusal
    // never tells one tenant which devices another has.
    if (!device || device.owner !== owner || device.kind !== kind) {
      // Bookkeeping downstream (log windows, metrics) is keyed by the owner: only registered ones are kept.
      const known = this.registry.isOwner(owner);
      return {
        records: NOTHING,
        refused: [
          {
            where: { kind, owner: known ? owner : UNKNOWN, device: deviceId, topic },
            reason: 'unknown_device',
            message: `no ${kind} ${deviceId} is registered under ${owner}`,
          },
        ],
      };
    }
    // A registered device's owner is a registered owner.
    const where = { kind, owner, device: deviceId, topic };
    const refuse = (reason: RejectReason, message: string): Intake => ({
      records: NOTHING,
      refused: [{ where, reason, message }],
    });
    const owners = this.guards.owners;
    const ownerWait = owners ? owners.take(owner, payload.length, rx) : 0;
    if (ownerWait > 0) return this.overOwnerLimit(where, channel, payload, rx, ownerWait);
    const limiter = this.guards.limiter;
    // An empty bucket refuses before parsing, so that a flooding device costs as little as possible; a gas
    // detector's message is read all the same, for the alarm it may carry (below).
    if (limiter && kind !== 'gas' && limiter.available(deviceId, rx) < 1) {
      return refuse('rate_limited', this.overLimit(deviceId, limiter.take(deviceId, 1, rx), 'this message'));
    }
    if (channel === 'status') {
      const status = parseStatus(payload);
      if (!status.ok) return refuse(status.error.reason, status.error.message);
      const decision = limiter?.take(deviceId, 1, rx);
      if (decision && !decision.ok)
        return refuse('rate_limited', this.overLimit(deviceId, decision, 'this status'));
      return {
        records: [{ t: 's', kind, owner, device: deviceId, online: status.online, ts: rx, rx }],
        refused: [],
      };
    }
    const result = parseTelemetry(kind, payload, { now: rx, futureToleranceMs: this.o.futureToleranceMs });
    // A message costs one token per reading it carried, good or bad (one for a message refused whole).
    const cost = Math.max(1, result.readings.length + result.errors.length);
    const decision = limiter?.take(deviceId, cost, rx);
    if (decision && !decision.ok) {
      const what = cost === 1 ? 'this message' : `this message of ${cost} readings`;
      // A real gas alarm is never lost to the limit: a flooding detector's highest LEL reading still passes
      // once a second, and at once when the gas rises (see passAlarm).
      const alarm = kind === 'gas' ? highestLel(result.readings) : undefined;
      if (alarm && limiter!.passAlarm(deviceId, alarm.fields.lel as number, rx)) {
        const kept = `its highest reading (${alarm.fields.lel} % LEL at ${new Date(alarm.ts).toISOString()}) is kept so that no gas alarm is lost`;
        return {
          records: [this.record(kind, owner, deviceId, alarm, rx)],
          refused: [
            { where, reason: 'rate_limited', message: this.overLimit(deviceId, decision, what, kept) },
          ],
        };
      }
      const message = this.overLimit(deviceId, decision, what);
      return refuse('rate_limited', message);
    }
    const refused: Refusal[] = result.errors.map((e) => ({
      where,
      reason: e.reason,
      message: e.message,
      ...(e.index !== undefined ? { index: e.index } : {}),
    }));
    if (result.readings.length === 0) return { records: NOTHING, refused };
    // A backlog batch may come in any order; the rules want it in event time.
    const readings =
      result.readings.length > 1 ? [...result.readings].sort((a, b) => a.ts - b.ts) : result.readings;
    const records = readings.map((r) => this.record(kind, owner, deviceId, r, rx));
    return { records, refused };
  }

  private record(kind: DeviceKind, owner: string, deviceId: string, r: ValidReading, rx: number): LogRecord {
    if (r.bad.length > 0)
      return { t: 'r', kind, owner, device: deviceId, ts: r.ts, rx, q: 'bad', why: r.bad, f: r.fields };
    // Drift depends on the truck's previous fix, which a restarted ingest no longer has: a redelivered
    // reading could get another verdict. So drift is a reason in `why` but leaves the quality tag `q`
    // (stateless, always the same for the same reading) alone, and a reading stored twice lands once.
    // The rule engine keeps drifted fixes out of threshold rules all the same.
    const drifted =
      kind === 'truck' &&
      this.guards.drift?.drifted(deviceId, r.ts, r.fields.lat as number, r.fields.lon as number);
    return drifted
      ? { t: 'r', kind, owner, device: deviceId, ts: r.ts, rx, q: 'ok', why: ['drift'], f: r.fields }
      : { t: 'r', kind, owner, device: deviceId, ts: r.ts, rx, q: 'ok', f: r.fields };
  }

  /**
   * Where a topic off the contract is reported. Nothing of it is kept beyond a bounded head: the kind and
   * owner only when they are a kind and a registered owner (so that the owner reads its notice on
   * `{root}/_rejected/{kind}/{owner}/_`), the device never, the topic itself cut to 200 characters.
   */
  private badTopic(topic: string): RefusalSource {
    const head = topic.slice(this.o.root.length + 1, this.maxTopicLength).split('/', 2);
    const kind = head[0] !== undefined && isDeviceKind(head[0]) ? head[0] : UNKNOWN;
    const owner = head[1] !== undefined && this.registry.isOwner(head[1]) ? head[1] : UNKNOWN;
    return { kind, owner, device: UNKNOWN, topic: truncated(topic) };
  }

  /**
   * The owner is over its limit: the message is refused unread. A small gas message is read all the same
   * and its highest reading kept under the device's alarm pass (see DeviceRateLimiter.passAlarm), so that
   * a network gateway flooding for one detector cannot hide another's gas alarm.
   */
  private overOwnerLimit(
    where: RefusalSource & { kind: DeviceKind },
    channel: string,
    payload: Buffer,
    rx: number,
    waitMs: number,
  ): Intake {
    const { unitsPerSec, burst } = this.guards.owners!.limit;
    const when = Number.isFinite(waitMs)
      ? `retry in ${Math.max(1, Math.ceil(waitMs / 1000))} s`
      : `a message can cost at most ${burst} units`;
    const message =
      `owner ${where.owner} is over its rate limit of ${unitsPerSec} units/s (one per message and per KiB, ` +
      `burst ${burst}): this message is refused unread; ${when}`;
    if (where.kind === 'gas' && channel === 'telemetry' && payload.length <= OWNER_LIMIT_GAS_READ_BYTES) {
      const result = parseTelemetry('gas', payload, { now: rx, futureToleranceMs: this.o.futureToleranceMs });
      const alarm = highestLel(result.readings);
      const limiter = this.guards.limiter;
      if (alarm && (!limiter || limiter.passAlarm(where.device, alarm.fields.lel as number, rx))) {
        return {
          records: [this.record('gas', where.owner, where.device, alarm, rx)],
          refused: [
            {
              where,
              reason: 'rate_limited',
              message: `${message}, but its highest reading (${alarm.fields.lel} % LEL) is kept so that no gas alarm is lost`,
            },
          ],
        };
      }
    }
    return { records: NOTHING, refused: [{ where, reason: 'rate_limited', message }] };
  }

  /** Names the limit, what was refused (and kept), and when the device may try again. */
  private overLimit(device: string, decision: RateDecision, what: string, kept?: string): string {
    const { ratePerSec, burst } = this.guards.limiter!.limit;
    const retry = decision.ok ? 0 : decision.retryAfterMs;
    const when = Number.isFinite(retry)
      ? `retry in ${Math.max(1, Math.ceil(retry / 1000))} s`
      : `a message can carry at most ${burst} readings`;
    return (
      `device ${device} is over its rate limit of ${ratePerSec} readings/s (burst ${burst}): ${what} is ` +
      `refused${kept ? `, but ${kept}` : ''}; ${when}`
    );
  }
}

/** The gas reading with the highest LEL among those that measure the gas, if any. */
function highestLel(readings: readonly ValidReading[]): ValidReading | undefined {
  let best: ValidReading | undefined;
  for (const r of readings) {
    const lel = r.fields.lel;
    if (typeof lel !== 'number' || !gasReadingSees(r.bad)) continue;
    if (!best || lel > (best.fields.lel as number)) best = r;
  }
  return best;
}
