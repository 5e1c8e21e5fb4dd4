import * as http from 'node:http';
import * as https from 'node:https';
import {
  HttpError,
  InfluxDB,
  setLogger,
  type WriteApi,
  type WriteOptions,
} from '@influxdata/influxdb-client';
import {
  InfluxQueryError,
  influxIdentifier,
  inlineParams,
  paramsJson,
  parseQueryResponse,
  type InfluxRow,
  type InfluxSeries,
  type QueryParams,
} from './influxql';
import { InfluxTransport, splitBucket, type InfluxApi } from './influx-transport';
import { LINE_PRECISION } from './line-protocol';
import { policyOfLine, RetentionLayout } from './retention';
import {
  InfluxWriteError,
  influxErrorMessage,
  parseDataRejection,
  type DataRejection,
  type RejectedLine,
  type WriteResult,
} from './write-result';

/** Connection and write settings; the first six come from `influxSchema` of `@lg/config`. */
export interface InfluxRepositoryConfig {
  /** Base URL, e.g. `http://127.0.0.1:8086` (INFLUX_URL). */
  url: string;
  /** `v1`: 1.x `/write` (Debian's 1.6.7); `v2`: `/api/v2/write` (1.8+, 2.x, 3.x) (INFLUX_API). */
  api: InfluxApi;
  /** Database, optionally `db/rp` (v1), or bucket (v2) (INFLUX_DB). */
  db: string;
  /** Organisation (v2 only) (INFLUX_ORG). */
  org: string;
  /** v2 token, or `user:password` for v1 with auth enabled; empty for none (INFLUX_TOKEN). */
  token: string;
  /** Create the database in `init()` when it is missing (v1 only) (INFLUX_CREATE_DB). */
  createDb: boolean;
  /**
   * Route every line to the platform's retention policy of its measurement (see `RETENTION_POLICIES`):
   * v1 only, and only when `db` names no RP (INFLUX_RETENTION, true unless set). Default here false: a
   * repository built without it reads and writes the database's default RP, as before.
   */
  retention?: boolean;
  /** Request bodies larger than this many bytes are gzipped. Default: never, as on loopback it only costs CPU. */
  gzipThreshold?: number;
  /** Lines per request; writes are also grouped up to this many lines. Default 5000. */
  batchSize?: number;
  /** Bytes per request at most. Default 8 MiB (1.x refuses bodies over `max-body-size`, 25 MB by default). */
  maxBatchBytes?: number;
  /**
   * How long a write waits for writes of other callers to share its request, ms. Default 0: every write is
   * sent at once, which suits a caller that awaits each write before reading more (waiting would only add
   * latency). Raise it when many concurrent callers write a few lines each. A group that reaches
   * `batchSize` lines is sent without waiting.
   */
  flushIntervalMs?: number;
  /** Retries of one request after its first failure (429, 5xx, network). Default 12. */
  maxRetries?: number;
  /** How long a write keeps retrying before it rejects with `InfluxWriteError` (`timeout`), ms. Default 60 000. */
  retryTimeoutMs?: number;
  /** Delay before the first retry, ms; it doubles (randomised) up to `maxRetryDelayMs`. Default 500. */
  minRetryDelayMs?: number;
  /** Longest delay between retries, ms. Default 10 000. */
  maxRetryDelayMs?: number;
  /** Socket idle timeout of one request, ms. Default 10 000. */
  requestTimeoutMs?: number;
  /**
   * Send query parameters as `params` for the server to bind (1.x). When false they are inlined as escaped
   * literals, for servers whose `/query` has no `params` (2.x documents none). Default: true for v1.
   */
  bindParams?: boolean;
}

/** The subset of Nest's `Logger` (or `console`) the repository logs through. */
export interface StorageLogger {
  log?(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

/** Answer of `ping()`, for `/ready`. */
export interface InfluxPing {
  ok: boolean;
  /** Round trip, ms. */
  latencyMs: number;
  /** `X-Influxdb-Version`, when the server sends it. */
  version?: string;
  error?: string;
}

/** Counters since construction, for `/metrics`. */
export interface InfluxWriteStats {
  /** Lines InfluxDB stored. */
  writtenLines: number;
  /** Lines InfluxDB refused for good (reported in `WriteResult.rejected`). */
  rejectedLines: number;
  /** Requests that failed with 429, 5xx or a network error and were retried. */
  retries: number;
  /** Batches split in two after a 413. */
  splits: number;
  /** Batches sent again after a 400 left unclear which of their lines were stored. */
  resends: number;
  /** Writes that rejected (timeout, refused, closed). */
  failedWrites: number;
}

const DEFAULTS = {
  gzipThreshold: Number.MAX_SAFE_INTEGER,
  batchSize: 5000,
  maxBatchBytes: 8 * 1024 * 1024,
  flushIntervalMs: 0,
  maxRetries: 12,
  retryTimeoutMs: 60_000,
  minRetryDelayMs: 500,
  maxRetryDelayMs: 10_000,
  requestTimeoutMs: 10_000,
};

const NO_LOG: StorageLogger = { warn: () => undefined, error: () => undefined };

interface Caller {
  offset: number;
  count: number;
  resolve(result: WriteResult): void;
  reject(error: Error): void;
}

/** Lines of one or more `write` calls that share requests and one outcome per line. */
interface Group {
  /** `db` or `db/rp`: where the lines are written. */
  bucket: string;
  lines: string[];
  callers: Caller[];
  timer?: NodeJS.Timeout;
}

/** The sending of one group: every line ends written or rejected, or the whole job fails. */
interface Job {
  group: Group;
  deadline: number;
  /** Lines whose fate is not known yet. */
  pending: number;
  /** Rejected line → reason. Identical lines share their fate. */
  rejected: Map<string, string>;
  /** The client write APIs of this job: one, plus one per split or resend. */
  apis: Set<WriteApi>;
  settled: boolean;
  /** The error of the last attempt that was retried, for the message when the retry window ends. */
  lastRetried?: string;
  done: Promise<void>;
  markDone(): void;
}

/**
 * The one class in front of InfluxDB. Writes go through the client's WriteApi (chunking by `batchSize` and
 * `maxBatchBytes`, retries with backoff), against 1.x `/write` or `/api/v2/write` by `api`; queries are
 * InfluxQL on `/query`. No Nest dependency: the apps wrap it in a provider.
 *
 * The client's WriteApi alone cannot tell a caller when its lines are stored: batches it sends on its own
 * have their promises swallowed, `flush()` rejects on the first failure while the batch keeps retrying in
 * the background, and `close()` drops what is still waiting for a retry. So every group of lines gets its
 * own WriteApi, and the `writeSuccess` / `writeFailed` hooks account for every line.
 */
export class InfluxRepository {
  private readonly settings: typeof DEFAULTS & { bindParams: boolean };
  private readonly agent: http.Agent;
  private readonly transport: InfluxTransport;
  private readonly client: InfluxDB;
  private readonly logger: StorageLogger;
  private readonly jobs = new Set<Job>();
  /** The group still open for company, per bucket. */
  private readonly open = new Map<string, Group>();
  /** How measurements map to retention policies, for writes here and for the queries of readers. */
  readonly layout: RetentionLayout;
  /** The database (v1) or bucket (v2) name, without any RP. */
  readonly database: string;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly counters: InfluxWriteStats = {
    writtenLines: 0,
    rejectedLines: 0,
    retries: 0,
    splits: 0,
    resends: 0,
    failedWrites: 0,
  };

  constructor(
    private readonly config: InfluxRepositoryConfig,
    logger?: StorageLogger,
  ) {
    this.logger = logger ?? NO_LOG;
    const { db, rp } = splitBucket(config.db);
    this.database = db;
    this.layout = new RetentionLayout(config.api === 'v1' && rp === undefined && config.retention === true);
    this.settings = {
      gzipThreshold: config.gzipThreshold ?? DEFAULTS.gzipThreshold,
      batchSize: Math.max(1, config.batchSize ?? DEFAULTS.batchSize),
      maxBatchBytes: config.maxBatchBytes ?? DEFAULTS.maxBatchBytes,
      flushIntervalMs: config.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
      maxRetries: config.maxRetries ?? DEFAULTS.maxRetries,
      retryTimeoutMs: config.retryTimeoutMs ?? DEFAULTS.retryTimeoutMs,
      minRetryDelayMs: config.minRetryDelayMs ?? DEFAULTS.minRetryDelayMs,
      maxRetryDelayMs: config.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs,
      requestTimeoutMs: config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      bindParams: config.bindParams ?? config.api === 'v1',
    };
    // Our own agent, so close() can destroy its sockets and leave no handle behind.
    this.agent = config.url.startsWith('https:')
      ? new https.Agent({ keepAlive: true })
      : new http.Agent({ keepAlive: true });
    // The client does not export its Node transport class; a client built without one creates it.
    const nodeTransport = new InfluxDB({
      url: config.url,
      timeout: this.settings.requestTimeoutMs,
      transportOptions: { agent: this.agent },
    }).transport;
    this.transport = new InfluxTransport(nodeTransport, config.api, config.token);
    this.client = new InfluxDB({ url: config.url, transport: this.transport });
    // The client logs every failed attempt to the console; each one passes through our writeFailed hook,
    // which logs it with context. The client's logger is global: the last repository built wins.
    setLogger({
      error: (message: string) => this.logger.debug?.(`influxdb-client: ${message}`),
      warn: (message: string) => this.logger.debug?.(`influxdb-client: ${message}`),
    });
  }

  /**
   * Pings InfluxDB and, with v1, makes sure the database exists, creating it when `createDb` allows.
   *
   * @throws Error when InfluxDB is unreachable or the database is missing and may not be created.
   */
  async init(): Promise<void> {
    const ping = await this.ping();
    if (!ping.ok) {
      throw new Error(`InfluxDB at ${this.config.url} is not reachable: ${ping.error ?? 'no answer'}`);
    }
    if (this.config.api !== 'v1') return;
    const { db } = splitBucket(this.config.db);
    const series = await this.run('SHOW DATABASES', undefined, undefined);
    if (series.some((s) => s.rows.some((row) => row.name === db))) return;
    if (!this.config.createDb) {
      throw new Error(`InfluxDB database "${db}" does not exist and creating it is off (INFLUX_CREATE_DB)`);
    }
    await this.run(`CREATE DATABASE ${influxIdentifier(db)}`, undefined, undefined);
    this.logger.log?.(`created InfluxDB database "${db}"`);
  }

  /**
   * Writes line-protocol lines with ms timestamps (see `readingLine`). Resolves once InfluxDB has stored
   * every line it will ever accept; the result lists the lines it refused for good (malformed, field type
   * conflict, outside retention, larger than a request may be), which must not be retried. A 413 splits the
   * batch; 429, 5xx and network errors are retried with backoff for up to `retryTimeoutMs`.
   *
   * @throws InfluxWriteError when the write did not complete: keep the lines and write them again later (a
   * rewrite of the same point lands once).
   */
  write(lines: readonly string[]): Promise<WriteResult> {
    if (this.closed) {
      return Promise.reject(new InfluxWriteError('the InfluxDB repository is closed', 'closed'));
    }
    if (lines.length === 0) return Promise.resolve({ written: 0, rejected: [] });
    if (!this.layout.managed) return this.writeTo(this.config.db, lines);
    // One request per retention policy (1.x takes one per request): a prefix test per line.
    const first = policyOfLine(lines[0]);
    let mixed = false;
    for (let i = 1; i < lines.length && !mixed; i++) mixed = policyOfLine(lines[i]) !== first;
    if (!mixed) return this.writeTo(`${this.database}/${first}`, lines);
    const parts = new Map<string, { lines: string[]; indexes: number[] }>();
    lines.forEach((line, index) => {
      const rp = policyOfLine(line);
      let part = parts.get(rp);
      if (!part) parts.set(rp, (part = { lines: [], indexes: [] }));
      part.lines.push(line);
      part.indexes.push(index);
    });
    return Promise.all(
      [...parts].map(async ([rp, part]) => ({
        part,
        result: await this.writeTo(`${this.database}/${rp}`, part.lines),
      })),
    ).then((results) => {
      const merged: WriteResult = { written: 0, rejected: [] };
      for (const { part, result } of results) {
        merged.written += result.written;
        for (const r of result.rejected) merged.rejected.push({ ...r, index: part.indexes[r.index] });
      }
      merged.rejected.sort((a, b) => a.index - b.index);
      return merged;
    });
  }

  private writeTo(bucket: string, lines: readonly string[]): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      const open = this.open.get(bucket);
      if (open && open.lines.length + lines.length > this.settings.batchSize) this.seal(open);
      const group = this.open.get(bucket) ?? { bucket, lines: [], callers: [] };
      this.open.set(bucket, group);
      group.callers.push({ offset: group.lines.length, count: lines.length, resolve, reject });
      for (const line of lines) group.lines.push(line);
      if (group.lines.length >= this.settings.batchSize || this.settings.flushIntervalMs <= 0) {
        this.seal(group);
      } else {
        group.timer ??= setTimeout(() => this.seal(group), this.settings.flushIntervalMs);
      }
    });
  }

  /** Sends the lines waiting for company now and resolves when every write so far has settled. Never throws. */
  async flush(): Promise<void> {
    for (const group of [...this.open.values()]) this.seal(group);
    await Promise.all([...this.jobs].map((job) => job.done));
  }

  /**
   * Runs InfluxQL on the configured database, with `$name` placeholders taken from `params`, and returns
   * every series of every statement; times are epoch ms.
   *
   * @throws InfluxQueryError naming InfluxDB's message when the query or a statement fails.
   */
  async query<R extends InfluxRow = InfluxRow>(
    influxql: string,
    params?: QueryParams,
  ): Promise<InfluxSeries<R>[]> {
    return this.run<R>(influxql, params, this.config.db);
  }

  /** Like `query`, flattened: one object per row with its series' GROUP BY tags merged in. */
  async queryRows<R extends InfluxRow = InfluxRow>(influxql: string, params?: QueryParams): Promise<R[]> {
    const series = await this.run<R>(influxql, params, this.config.db);
    const rows: R[] = [];
    for (const s of series) {
      const hasTags = Object.keys(s.tags).length > 0;
      for (const row of s.rows) rows.push(hasTags ? { ...s.tags, ...row } : row);
    }
    return rows;
  }

  /** `/ping` within `timeoutMs` (default 2000): for `/ready`. Never throws. */
  async ping(timeoutMs = 2000): Promise<InfluxPing> {
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number | undefined;
    let version: string | undefined;
    try {
      await this.transport.request(
        '/ping',
        '',
        { method: 'GET', signal: controller.signal },
        (headers, code) => {
          status = code;
          const v = headers['x-influxdb-version'];
          version = Array.isArray(v) ? v[0] : v;
        },
      );
      const latencyMs = performance.now() - started;
      const ok = status !== undefined && status < 300;
      return ok ? { ok, latencyMs, version } : { ok, latencyMs, version, error: `HTTP ${status}` };
    } catch (err) {
      const error = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : describe(err);
      return { ok: false, latencyMs: performance.now() - started, error };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Counters since construction. */
  stats(): Readonly<InfluxWriteStats> {
    return { ...this.counters };
  }

  /**
   * Sends what is waiting, gives writes in flight up to `graceMs` (default 5000) to settle, rejects the rest
   * with `InfluxWriteError` (`closed`, so their callers keep their lines) and closes every socket.
   */
  close(graceMs = 5000): Promise<void> {
    this.closing ??= this.shutdown(graceMs);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.closed = true;
    for (const group of [...this.open.values()]) this.seal(group);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.jobs].map((job) => job.done)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    for (const job of [...this.jobs]) {
      this.fail(
        job,
        new InfluxWriteError('the InfluxDB repository closed before the write completed', 'closed'),
      );
    }
    this.agent.destroy();
  }

  private async run<R extends InfluxRow>(
    influxql: string,
    params: QueryParams | undefined,
    database: string | undefined,
  ): Promise<InfluxSeries<R>[]> {
    const search = new URLSearchParams({ epoch: 'ms' });
    if (database !== undefined) {
      const { db, rp } = splitBucket(database);
      search.set('db', db);
      if (rp !== undefined) search.set('rp', rp);
    }
    const form = new URLSearchParams();
    const hasParams = params !== undefined && Object.keys(params).length > 0;
    if (hasParams && !this.settings.bindParams) {
      form.set('q', inlineParams(influxql, params));
    } else {
      form.set('q', influxql);
      if (hasParams) form.set('params', paramsJson(params));
    }
    let body: unknown;
    try {
      body = await this.transport.request(`/query?${search.toString()}`, form.toString(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      });
    } catch (err) {
      if (err instanceof HttpError) {
        const message = influxErrorMessage(err.body) || err.message;
        throw new InfluxQueryError(
          `InfluxDB refused the query with HTTP ${err.statusCode}: ${message}`,
          err.statusCode,
          {
            cause: err,
          },
        );
      }
      throw new InfluxQueryError(`InfluxDB query failed: ${describe(err)}`, undefined, { cause: err });
    }
    return parseQueryResponse<R>(body);
  }

  /** Closes the open group and starts sending it. */
  private seal(group: Group): void {
    clearTimeout(group.timer);
    if (this.open.get(group.bucket) === group) this.open.delete(group.bucket);
    let markDone = (): void => undefined;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    const job: Job = {
      group,
      deadline: Date.now() + this.settings.retryTimeoutMs,
      pending: group.lines.length,
      rejected: new Map(),
      apis: new Set(),
      settled: false,
      done,
      markDone,
    };
    this.jobs.add(job);
    this.dispatch(job, group.lines, this.settings.batchSize);
  }

  /** Hands lines of a job to a new client WriteApi, which sends them in batches of `batchSize`. */
  private dispatch(job: Job, lines: string[], batchSize: number): void {
    if (job.settled) return;
    const remaining = job.deadline - Date.now();
    if (remaining <= 0) {
      this.fail(job, this.timeoutError(job, 'the retry window ended before the batch could be sent again'));
      return;
    }
    const options: Partial<WriteOptions> = {
      batchSize,
      maxBatchBytes: this.settings.maxBatchBytes,
      // No timer: the lines are all given at once and flushed right away.
      flushInterval: 0,
      gzipThreshold: this.settings.gzipThreshold,
      maxRetries: this.settings.maxRetries,
      maxRetryTime: remaining,
      minRetryDelay: this.settings.minRetryDelayMs,
      maxRetryDelay: this.settings.maxRetryDelayMs,
      exponentialBase: 2,
      randomRetry: true,
      // Larger than the job, so the retry buffer never drops lines to make room.
      maxBufferLines: lines.length + 1,
      writeSuccess: (batch) => this.accept(job, batch.length),
      writeFailed: (error, batch, attempt, expires) => this.onFailed(job, error, batch, attempt, expires),
      writeRetrySkipped: () =>
        this.fail(job, this.timeoutError(job, 'the client dropped lines from its retry buffer')),
    };
    const api = this.client.getWriteApi(this.config.org, job.group.bucket, LINE_PRECISION, options);
    job.apis.add(api);
    api.writeRecords(lines);
    // Outcomes arrive through the hooks; this promise only reports the last chunk's first attempt.
    api.flush().catch(() => undefined);
  }

  /**
   * The client's `writeFailed` hook. Returning undefined lets the client retry the batch after a backoff;
   * returning a promise ends the client's handling of it. Undefined is only returned where the client's
   * own rule retries (not an HTTP error, or status >= 429, attempts left), else the batch would be lost.
   */
  private onFailed(
    job: Job,
    error: Error,
    batch: string[],
    attempt: number,
    expires: number,
  ): Promise<void> | void {
    if (job.settled) return Promise.resolve();
    const status = error instanceof HttpError ? error.statusCode : undefined;
    if (attempt <= this.settings.maxRetries && Date.now() < expires && isTransient(error, status)) {
      this.counters.retries++;
      const message = `InfluxDB write of ${batch.length} lines failed (${describe(error)}), retrying (attempt ${attempt})`;
      if (job.lastRetried !== undefined) this.logger.debug?.(message);
      else this.logger.warn(`${message}; retries continue for up to ${this.settings.retryTimeoutMs} ms`);
      job.lastRetried = describe(error);
      return undefined;
    }
    this.settleBatch(job, error, status, batch, attempt);
    return Promise.resolve();
  }

  private settleBatch(
    job: Job,
    error: Error,
    status: number | undefined,
    batch: string[],
    attempt: number,
  ): void {
    const body = error instanceof HttpError ? error.body : undefined;
    if (status === 413) {
      if (batch.length > 1) {
        this.counters.splits++;
        const half = Math.ceil(batch.length / 2);
        this.logger.debug?.(`InfluxDB refused ${batch.length} lines as too large (413): sending two halves`);
        this.dispatch(job, batch.slice(0, half), half);
        this.dispatch(job, batch.slice(half), half);
      } else {
        const bytes = Buffer.byteLength(batch[0]);
        this.reject(
          job,
          batch,
          `a line of ${bytes} bytes is larger than InfluxDB accepts in one request (413)`,
        );
      }
      return;
    }
    if (status === 400) {
      const rejection = parseDataRejection(body, batch);
      if (rejection) {
        this.settleRejection(job, batch, rejection);
        return;
      }
    }
    const influxMessage = influxErrorMessage(body) || undefined;
    if (status === undefined || isTransient(error, status)) {
      this.fail(
        job,
        this.timeoutError(
          job,
          // Past the deadline the client reports its own "Max retry time exceeded"; the cause is the last retry's.
          `${attempt} attempts, the last failed with: ${influxMessage ?? job.lastRetried ?? describe(error)}`,
          status,
          error,
        ),
      );
      return;
    }
    this.fail(
      job,
      new InfluxWriteError(
        `InfluxDB refused a write of ${job.group.lines.length} lines with HTTP ${status}: ${influxMessage ?? error.message}`,
        'refused',
        status,
        influxMessage,
        { cause: error },
      ),
    );
  }

  /**
   * A 400 about the data: the named lines are rejected; the others were stored when InfluxDB says so, are
   * rejected when it dropped as many as remain, and are otherwise sent again (a rewrite lands once), in
   * halves when some of them are bad, until every bad line stands alone.
   */
  private settleRejection(job: Job, batch: string[], rejection: DataRejection): void {
    for (const [index, reason] of rejection.named) this.reject(job, [batch[index]], reason);
    const rest = rejection.named.size === 0 ? batch : batch.filter((_, i) => !rejection.named.has(i));
    if (rest.length === 0) return;
    if (rejection.othersWritten) {
      this.accept(job, rest.length);
    } else if (rest.length === 1 && rejection.named.size === 0) {
      this.reject(job, rest, rejection.reason);
    } else if (rejection.dropped !== undefined && rejection.dropped >= rest.length) {
      this.reject(job, rest, rejection.reason);
    } else {
      this.counters.resends++;
      const someBad = rejection.named.size === 0 || rejection.dropped !== undefined;
      if (someBad && rest.length > 1) {
        const half = Math.ceil(rest.length / 2);
        this.dispatch(job, rest.slice(0, half), half);
        this.dispatch(job, rest.slice(half), half);
      } else {
        this.dispatch(job, rest, this.settings.batchSize);
      }
    }
  }

  private accept(job: Job, count: number): void {
    if (job.settled) return;
    this.counters.writtenLines += count;
    job.pending -= count;
    if (job.pending <= 0) this.finish(job);
  }

  private reject(job: Job, lines: string[], reason: string): void {
    if (job.settled) return;
    this.counters.rejectedLines += lines.length;
    for (const line of lines) job.rejected.set(line, reason);
    job.pending -= lines.length;
    if (job.pending <= 0) this.finish(job);
  }

  private finish(job: Job): void {
    this.end(job);
    const { rejected } = job;
    if (rejected.size > 0) {
      const [first] = rejected.values();
      this.logger.warn(`InfluxDB refused ${rejected.size} distinct line(s) for good, e.g.: ${first}`);
    }
    for (const caller of job.group.callers) {
      const mine: RejectedLine[] = [];
      if (rejected.size > 0) {
        for (let i = 0; i < caller.count; i++) {
          const line = job.group.lines[caller.offset + i];
          const reason = rejected.get(line);
          if (reason !== undefined) mine.push({ index: i, line, reason });
        }
      }
      caller.resolve({ written: caller.count - mine.length, rejected: mine });
    }
  }

  private fail(job: Job, error: InfluxWriteError): void {
    if (job.settled) return;
    this.end(job);
    this.counters.failedWrites++;
    this.logger.error(error.message);
    for (const caller of job.group.callers) caller.reject(error);
  }

  private end(job: Job): void {
    job.settled = true;
    // dispose(), not close(): close() would first flush, and both stop the retry timers.
    for (const api of job.apis) api.dispose();
    job.apis.clear();
    this.jobs.delete(job);
    job.markDone();
  }

  private timeoutError(job: Job, detail: string, status?: number, cause?: Error): InfluxWriteError {
    return new InfluxWriteError(
      `InfluxDB did not accept a write of ${job.group.lines.length} lines within ${this.settings.retryTimeoutMs} ms: ${detail}`,
      'timeout',
      status,
      undefined,
      { cause },
    );
  }
}

/**
 * Worth retrying: no HTTP answer (network error, timeout), 429, or 5xx, except a 5xx that says something
 * does not exist (1.x answers a write to an unknown retention policy with 500).
 */
function isTransient(error: Error, status: number | undefined): boolean {
  if (status === undefined) return true;
  if (status !== 429 && status < 500) return false;
  const body = error instanceof HttpError ? error.body : undefined;
  return !/not found/i.test(influxErrorMessage(body));
}

function describe(err: unknown): string {
  if (err instanceof HttpError)
    return `HTTP ${err.statusCode}: ${influxErrorMessage(err.body) || err.message}`;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
