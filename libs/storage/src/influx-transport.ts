import {
  HttpError,
  RequestTimedOutError,
  type CommunicationObserver,
  type ResponseStartedFn,
  type SendOptions,
  type Transport,
} from '@influxdata/influxdb-client';

/** Which write API the server speaks: `v1` = 1.x `/write` (Debian's 1.6.7), `v2` = `/api/v2/write`. */
export type InfluxApi = 'v1' | 'v2';

const V2_WRITE = '/api/v2/write';

/**
 * The 1.x `/write` path for the client's `POST /api/v2/write?org=&bucket=&precision=[&consistency=]`, or
 * undefined for any other path. The bucket may be `db/rp`; the org has no 1.x meaning and is dropped.
 */
export function v1WritePath(path: string): string | undefined {
  const q = path.indexOf('?');
  const base = q < 0 ? path : path.slice(0, q);
  if (base !== V2_WRITE) return undefined;
  const v2 = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
  const { db, rp } = splitBucket(v2.get('bucket') ?? '');
  const v1 = new URLSearchParams({ db });
  if (rp !== undefined) v1.set('rp', rp);
  const precision = v2.get('precision');
  if (precision !== null) v1.set('precision', precision);
  const consistency = v2.get('consistency');
  if (consistency !== null) v1.set('consistency', consistency);
  return `/write?${v1.toString()}`;
}

/** `db/rp` → database and retention policy; a name without `/` is a database on its default policy. */
export function splitBucket(bucket: string): { db: string; rp?: string } {
  const slash = bucket.indexOf('/');
  if (slash < 0) return { db: bucket };
  const rp = bucket.slice(slash + 1);
  return rp === '' ? { db: bucket.slice(0, slash) } : { db: bucket.slice(0, slash), rp };
}

/**
 * The `Authorization` header for a token: v2 `Token <token>`; v1 `user:password` as HTTP Basic (1.x
 * accepts Basic on every endpoint, and it keeps the password out of URLs and logs). Empty: none.
 *
 * @throws Error when a v1 token is not `user:password`.
 */
export function authorizationHeader(api: InfluxApi, token: string): string | undefined {
  if (token === '') return undefined;
  if (api === 'v2') return `Token ${token}`;
  if (!token.includes(':')) {
    throw new Error('INFLUX_TOKEN for INFLUX_API=v1 must be "user:password" (or empty when auth is off)');
  }
  return `Basic ${Buffer.from(token, 'utf8').toString('base64')}`;
}

/**
 * The transport the client's WriteApi and our queries go through. It delegates to the client's own Node
 * HTTP transport (built without a token) and adds two things: with `v1`, it maps the client's
 * `/api/v2/write` onto 1.x `/write`, so one write path (batching, retries) serves 1.x and 2.x/3.x alike;
 * and it adds the Authorization header for either API.
 *
 * It also aborts a request whose socket timed out: the client reports the timeout but leaves the request
 * open, so a stalled server would otherwise collect one hung socket per retry. And it corrects
 * `Retry-After`, which the client reads as milliseconds although HTTP gives seconds.
 */
export class InfluxTransport implements Transport {
  private readonly authorization: string | undefined;

  constructor(
    private readonly inner: Transport,
    private readonly api: InfluxApi,
    token: string,
  ) {
    this.authorization = authorizationHeader(api, token);
  }

  get chunkCombiner(): Transport['chunkCombiner'] {
    return this.inner.chunkCombiner;
  }

  /** The path actually requested for `path`. */
  mapPath(path: string): string {
    return this.api === 'v1' ? (v1WritePath(path) ?? path) : path;
  }

  send(
    path: string,
    body: string,
    options: SendOptions,
    callbacks?: Partial<CommunicationObserver<Uint8Array>>,
  ): void {
    if (options.signal !== undefined) {
      this.inner.send(this.mapPath(path), body, this.withAuth(options), callbacks);
      return;
    }
    const controller = new AbortController();
    // Inherit every callback (and `useCancellable`/`useResume`) and only intercept `error`.
    const observer = Object.create(callbacks ?? {}) as Partial<CommunicationObserver<Uint8Array>>;
    observer.error = (error: Error): void => {
      if (error instanceof RequestTimedOutError) controller.abort();
      callbacks?.error?.(retryAfterInMilliseconds(error));
    };
    this.inner.send(
      this.mapPath(path),
      body,
      this.withAuth({ ...options, signal: controller.signal }),
      observer,
    );
  }

  async request(
    path: string,
    body: unknown,
    options: SendOptions,
    responseStarted?: ResponseStartedFn,
  ): Promise<unknown> {
    if (options.signal !== undefined) {
      return (await this.inner.request(
        this.mapPath(path),
        body,
        this.withAuth(options),
        responseStarted,
      )) as unknown;
    }
    const controller = new AbortController();
    try {
      return (await this.inner.request(
        this.mapPath(path),
        body,
        this.withAuth({ ...options, signal: controller.signal }),
        responseStarted,
      )) as unknown;
    } catch (err) {
      if (err instanceof RequestTimedOutError) controller.abort();
      throw err;
    }
  }

  iterate(path: string, body: unknown, options: SendOptions): AsyncIterableIterator<Uint8Array> {
    return this.inner.iterate(this.mapPath(path), body, this.withAuth(options));
  }

  private withAuth(options: SendOptions): SendOptions {
    if (this.authorization === undefined) return options;
    return { ...options, headers: { ...options.headers, authorization: this.authorization } };
  }
}

/**
 * The client (1.35) parses `Retry-After: 5` into a 5 ms delay: an overloaded server asking for seconds of
 * quiet would be hit again at once. Rebuilt with the value in milliseconds, which is what the client's
 * retry strategy expects.
 */
export function retryAfterInMilliseconds(error: Error): Error {
  if (!(error instanceof HttpError) || error.retryAfter() <= 0) return error;
  return new HttpError(
    error.statusCode,
    error.statusMessage,
    error.body,
    String(error.retryAfter() * 1000),
    error.contentType,
    undefined,
    error.headers,
  );
}
