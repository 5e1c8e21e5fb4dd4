import { randomBytes } from 'node:crypto';
import { deviceTopic } from '@lg/contracts';
import type { Device } from '@lg/registry';
import { DeviceClient } from '../device-client';
import { simulateDevices, type Reading, type SimulatedDevice } from '../devices';
import { fixOf } from '../jt808/fleet';
import { Jt808Terminal } from '../jt808/terminal';
import type { Route } from '../models/routes';

/**
 * Load mode: many simulated devices over few connections (one per owner identity — a company's platform
 * publishes for all its trucks, a pipeline gateway for all its detectors; the platform's broker allows one
 * session per identity, its username being its client ID), at a fixed total rate of
 * readings, QoS 1, every reading uniquely identified by (device, ts): each device's event times are
 * strictly increasing. It counts what it sent and what the broker acknowledged, and can hand back the
 * acknowledged (device, ts) pairs so that a test can compare them with what was stored.
 */
export interface LoadOptions {
  url: string;
  root: string;
  /** Devices to simulate; `streams` beyond their number cycle over them (sharing their timelines). */
  devices: readonly Device[];
  /** Simulated devices (streams), default the number of devices. */
  streams?: number;
  /** Readings per second, all devices together. */
  rate: number;
  durationMs: number;
  qos?: 0 | 1;
  /** Password of an owner identity. */
  passwordOf: (username: string) => string;
  /** Messages awaiting their PUBACK per connection before it waits (default 64). */
  window?: number;
  /** Readings per message (a batch array when above 1; default 1). */
  batch?: number;
  seed?: number;
  routes?: readonly Route[];
  /** Keep the acknowledged (device, ts) pairs (memory: ~16 bytes a reading). */
  record?: boolean;
  /** How long to wait for outstanding acknowledgements after the last send, ms (default 30 s). */
  drainTimeoutMs?: number;
  onProgress?: (p: LoadProgress) => void;
  progressEveryMs?: number;
  /** Stops sending early (Ctrl-C); what was sent is still drained and counted. */
  signal?: AbortSignal;
  /**
   * Over JT/T 808 instead of MQTT: every device (a truck with a registry terminal number) is a terminal on
   * a TCP connection of its own to this gateway, registering and authenticating first; a reading is a
   * 0x0200 report (a batch a 0x0704), acknowledged when the gateway answers 0x8001 success, which it does
   * once the reading is durable. Event times are whole seconds (BCD), so each device's timeline starts far
   * enough back to stay behind the clock at the rate asked.
   */
  jt808?: { host: string; port: number };
}

/** Reports of one 0x0704 batch at most: one package of 1023 bytes holds ~30 fixes with satellites. */
export const JT808_MAX_BATCH = 25;

export interface LoadProgress {
  elapsedMs: number;
  sent: number;
  acked: number;
  inFlight: number;
  /** Readings due but not yet sent (the connections' windows are full). */
  queued: number;
  /** Acknowledged readings per second over the last progress interval. */
  rate: number;
}

export interface LoadSummary {
  devices: number;
  streams: number;
  connections: number;
  qos: 0 | 1;
  batch: number;
  targetRate: number;
  /** Time spent sending, ms. */
  durationMs: number;
  /** Time spent waiting for the last acknowledgements, ms. */
  drainMs: number;
  /** Readings published. */
  sent: number;
  /** Readings whose message the broker acknowledged as accepted (QoS 1; at QoS 0, written). */
  acked: number;
  /** Of those, acknowledged with 0x10 "no matching subscribers": nobody (no ingest) took them. */
  noSubscribers: number;
  /** Readings refused by the broker (PUBACK ≥ 0x80). */
  refused: number;
  /** Readings whose publish failed (connection lost before the acknowledgement). */
  failed: number;
  /** Readings still unacknowledged when the drain timed out. */
  unacknowledged: number;
  /** Readings that were due but never sent because the windows stayed full (the target was not met). */
  behind: number;
  /** Acknowledged readings per second of sending time. */
  achievedRate: number;
  /** Publish → PUBACK, ms (QoS 1). */
  ackLatencyMs: { p50: number; p95: number; p99: number; max: number } | null;
  startedAt: string;
  endedAt: string;
}

export interface LoadResult {
  summary: LoadSummary;
  /** Acknowledged event times per device (with `record`). */
  acked: Map<string, number[]>;
}

/** One connection: an owner's MQTT session, or a terminal's TCP connection. */
interface Link {
  /** `reasonCode` as an MQTT PUBACK's: below 0x80 accepted (0x10 no subscribers), else refused. */
  send(m: Message, done: (err: Error | undefined, reasonCode: number) => void): void;
  close(): Promise<void>;
}

interface Connection {
  link: Link;
  inFlight: number;
  queue: Message[];
  /** `send` is running for this connection (a publish can fail synchronously: no recursion then). */
  sending: boolean;
}

/** A device's model and clock, shared by the streams on it. */
interface Target {
  device: Device;
  model: SimulatedDevice;
  topic: string;
  /** The last event time issued: each device's are strictly increasing, so (device, ts) identifies a reading. */
  lastTs: number;
  /** Acknowledged event times (with `record`). */
  acked?: number[];
}

/** A message due, waiting for room in its connection's window. */
interface Message {
  target: Target;
  /** One reading, or a batch. */
  body: Reading | Reading[];
  /** Event time of its reading, or of each reading of a batch. */
  ts: number | number[];
  readings: number;
}

function mqttLink(client: DeviceClient, qos: 0 | 1): Link {
  return {
    send: (m, done) => client.send(m.target.topic, JSON.stringify(m.body), qos, false, done),
    close: () => client.close(undefined, 5000),
  };
}

function jt808Link(terminal: Jt808Terminal): Link {
  return {
    send: (m, done) => {
      const answer = Array.isArray(m.body)
        ? terminal.batch(m.body.map(fixOf))
        : terminal.report(fixOf(m.body));
      // 0x8001 result 0 is success; any other result counts as refused (0x80 + the result).
      answer.then(
        (result) => done(undefined, result === 0 ? 0 : 0x80 + result),
        (err: Error) => done(err, 0),
      );
    },
    close: () => terminal.close(),
  };
}

interface Stream {
  target: Target;
  connection: Connection;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  if (o.devices.length === 0) throw new Error('load needs at least one device');
  if (!(o.rate > 0)) throw new Error('load needs a positive rate');
  const qos = o.qos ?? 1;
  const batch = Math.max(1, Math.floor(o.batch ?? 1));
  const window = Math.max(1, o.window ?? 64);
  const streamCount = o.streams ?? o.devices.length;
  const used = o.devices.slice(0, Math.min(streamCount, o.devices.length));

  // One behaviour model and one clock per device ID, whatever the number of streams on it.
  const targets = new Map<string, Target>();
  for (const model of simulateDevices(used, o.seed ?? 1, o.routes)) {
    const d = model.device;
    targets.set(d.id, {
      device: d,
      model,
      topic: deviceTopic(o.root, { kind: d.kind, owner: d.owner, device: d.id, channel: 'telemetry' }),
      lastTs: 0,
    });
  }

  const jt808 = o.jt808;
  if (jt808) {
    const unfit = used.find((d) => d.kind !== 'truck' || !d.terminal);
    if (unfit) throw new Error(`${unfit.id} is not a truck with a JT/T 808 terminal number in the registry`);
    if (batch > JT808_MAX_BATCH)
      throw new Error(`over JT/T 808 a batch holds at most ${JT808_MAX_BATCH} fixes`);
  }
  // MQTT: one session per owner identity; JT/T 808: one connection per terminal.
  const keyOf = (d: Device): string => (jt808 ? d.id : d.owner);
  const connections = new Map<string, Connection>();
  const all: Connection[] = [];
  try {
    for (const d of used) {
      const key = keyOf(d);
      if (connections.has(key)) continue;
      let link: Link;
      if (jt808) {
        const terminal = await Jt808Terminal.connect(jt808.host, jt808.port, {
          terminal: d.terminal!,
          plate: d.plate ?? '',
          plateColor: d.plateColor ?? 0,
        });
        link = jt808Link(terminal);
        all.push({ link, inFlight: 0, queue: [], sending: false });
        await terminal.logIn().catch((err: Error) => {
          throw new Error(`${d.id}: ${err.message}`, { cause: err });
        });
      } else {
        const client = await DeviceClient.connect({
          url: o.url,
          clientId: `load-${key}-${randomBytes(3).toString('hex')}`,
          username: key,
          password: o.passwordOf(key),
          reconnectPeriodMs: 1000,
          steadyPings: true,
        });
        link = mqttLink(client, qos);
        all.push({ link, inFlight: 0, queue: [], sending: false });
      }
      connections.set(key, all[all.length - 1]);
    }
  } catch (err) {
    await Promise.all(all.map((c) => c.link.close()));
    throw err;
  }
  const streams: Stream[] = Array.from({ length: streamCount }, (_, i) => {
    const device = used[i % used.length];
    return { target: targets.get(device.id)!, connection: connections.get(keyOf(device))! };
  });
  // JT/T 808 times are whole seconds, one report per second of each device's timeline at most: at more
  // than one per device per second the timelines start as far back as the run will advance them.
  const perDevice = o.rate / used.length;
  const jt808Backdate = jt808 ? Math.ceil((o.durationMs / 1000) * Math.max(0, perDevice - 1)) * 1000 : 0;

  const acked = new Map<string, number[]>();
  const counters = { sent: 0, acked: 0, noSubscribers: 0, refused: 0, failed: 0, behind: 0 };
  const latencies: number[] = [];
  let queued = 0;
  let inFlight = 0;
  /** Wakes the drain once nothing is queued or in flight. */
  let drained: (() => void) | undefined;

  const settle = (m: Message, sentAt: number, err: Error | undefined, reasonCode: number): void => {
    const n = m.readings;
    if (err) {
      counters.failed += n;
    } else if (reasonCode >= 0x80) {
      counters.refused += n;
    } else {
      counters.acked += n;
      if (reasonCode === 0x10) counters.noSubscribers += n;
      if (qos === 1 && latencies.length < 2_000_000) latencies.push(performance.now() - sentAt);
      if (o.record) {
        const t = m.target;
        if (!t.acked) acked.set(t.device.id, (t.acked = []));
        if (typeof m.ts === 'number') t.acked.push(m.ts);
        else for (const ts of m.ts) t.acked.push(ts);
      }
    }
  };

  const send = (c: Connection): void => {
    if (c.sending) return;
    c.sending = true;
    while (c.inFlight < window && c.queue.length > 0) {
      const m = c.queue.shift()!;
      queued -= m.readings;
      c.inFlight++;
      inFlight++;
      counters.sent += m.readings;
      const sentAt = performance.now();
      c.link.send(m, (err, reasonCode) => {
        c.inFlight--;
        inFlight--;
        settle(m, sentAt, err, reasonCode);
        send(c);
        if (inFlight === 0 && queued === 0) drained?.();
      });
    }
    c.sending = false;
  };

  const nextTs = (t: Target): number =>
    (t.lastTs = jt808
      ? Math.max(Math.floor((Date.now() - jt808Backdate) / 1000) * 1000, t.lastTs + 1000)
      : Math.max(Date.now(), t.lastTs + 1));

  const issue = (s: Stream): void => {
    const t = s.target;
    let m: Message;
    if (batch === 1) {
      const ts = nextTs(t);
      m = { target: t, body: t.model.read(ts), ts, readings: 1 };
    } else {
      const times: number[] = [];
      const readings: Reading[] = [];
      for (let k = 0; k < batch; k++) {
        const ts = nextTs(t);
        times.push(ts);
        readings.push(t.model.read(ts));
      }
      m = { target: t, body: readings, ts: times, readings: batch };
    }
    s.connection.queue.push(m);
    queued += batch;
  };

  const started = Date.now();
  const startedPerf = performance.now();
  let issued = 0;
  let next = 0;
  let lastProgress = { at: startedPerf, acked: 0 };
  const progressEvery = o.progressEveryMs ?? 500;
  let progressAt = startedPerf + progressEvery;
  // Readings allowed to wait for a window before the generator holds back: one second's worth.
  const maxQueued = Math.max(batch * all.length, o.rate);

  await new Promise<void>((resolve) => {
    const step = (): void => {
      const now = performance.now();
      const elapsed = now - startedPerf;
      const finished = elapsed >= o.durationMs || o.signal?.aborted === true;
      const target = finished
        ? Math.floor((o.rate * Math.min(elapsed, o.durationMs)) / 1000)
        : Math.floor((o.rate * elapsed) / 1000);
      while (issued + batch <= target) {
        if (queued >= maxQueued) {
          // Every window is full and a second's worth waits: this rate is beyond what gets acknowledged.
          counters.behind += target - issued;
          issued = target;
          break;
        }
        const s = streams[next];
        next = (next + 1) % streams.length;
        issue(s);
        issued += batch;
      }
      for (const c of all) send(c);
      if (o.onProgress && now >= progressAt) {
        const dt = (now - lastProgress.at) / 1000;
        o.onProgress({
          elapsedMs: elapsed,
          sent: counters.sent,
          acked: counters.acked,
          inFlight,
          queued,
          rate: dt > 0 ? (counters.acked - lastProgress.acked) / dt : 0,
        });
        lastProgress = { at: now, acked: counters.acked };
        progressAt = now + progressEvery;
      }
      if (finished) {
        resolve();
        return;
      }
      // Timers run at millisecond resolution; a few ms per round keeps batches of sends efficient.
      setTimeout(step, 2);
    };
    step();
  });
  const sendingMs = Math.min(performance.now() - startedPerf, o.durationMs);

  // Drain: what is queued goes out as windows free up; then wait for the last acknowledgements.
  const drainStart = performance.now();
  const drainDeadline = drainStart + (o.drainTimeoutMs ?? 30_000);
  for (const c of all) send(c);
  while ((inFlight > 0 || queued > 0) && performance.now() < drainDeadline) {
    if (o.onProgress && performance.now() >= progressAt) {
      o.onProgress({
        elapsedMs: performance.now() - startedPerf,
        sent: counters.sent,
        acked: counters.acked,
        inFlight,
        queued,
        rate: 0,
      });
      progressAt = performance.now() + progressEvery;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      drained = resolve;
      timer = setTimeout(resolve, 50);
    });
    clearTimeout(timer);
    drained = undefined;
  }
  const unacknowledged = inFlight + queued;
  const drainMs = performance.now() - drainStart;
  await Promise.all(all.map((c) => c.link.close()));

  const sorted = Float64Array.from(latencies).sort();
  const summary: LoadSummary = {
    devices: used.length,
    streams: streamCount,
    connections: all.length,
    qos,
    batch,
    targetRate: o.rate,
    durationMs: Math.round(sendingMs),
    drainMs: Math.round(drainMs),
    sent: counters.sent,
    acked: counters.acked,
    noSubscribers: counters.noSubscribers,
    refused: counters.refused,
    failed: counters.failed,
    unacknowledged,
    behind: counters.behind,
    achievedRate: sendingMs > 0 ? Math.round((counters.acked / sendingMs) * 1000 * 10) / 10 : 0,
    ackLatencyMs:
      sorted.length > 0
        ? {
            p50: round2(percentile(sorted, 0.5)),
            p95: round2(percentile(sorted, 0.95)),
            p99: round2(percentile(sorted, 0.99)),
            max: round2(sorted[sorted.length - 1]),
          }
        : null,
    startedAt: new Date(started).toISOString(),
    endedAt: new Date().toISOString(),
  };
  return { summary, acked };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
