import {
  HttpError,
  type CommunicationObserver,
  type SendOptions,
  type Transport,
} from '@influxdata/influxdb-client';
import {
  authorizationHeader,
  InfluxTransport,
  retryAfterInMilliseconds,
  splitBucket,
  v1WritePath,
} from './influx-transport';

describe('v1WritePath', () => {
  it('maps the client write path onto 1.x /write, dropping the org', () => {
    expect(v1WritePath('/api/v2/write?org=lg&bucket=longgang&precision=ms')).toBe(
      '/write?db=longgang&precision=ms',
    );
  });

  it('maps a db/rp bucket to db and rp', () => {
    expect(v1WritePath('/api/v2/write?org=&bucket=longgang%2Fweek&precision=ns')).toBe(
      '/write?db=longgang&rp=week&precision=ns',
    );
  });

  it('keeps consistency and encodes names', () => {
    expect(v1WritePath('/api/v2/write?org=x&bucket=my%20db%26x&precision=s&consistency=quorum')).toBe(
      '/write?db=my+db%26x&precision=s&consistency=quorum',
    );
  });

  it('leaves every other path alone', () => {
    expect(v1WritePath('/query?db=x')).toBeUndefined();
    expect(v1WritePath('/ping')).toBeUndefined();
    expect(v1WritePath('/api/v2/writes?bucket=x')).toBeUndefined();
  });
});

describe('splitBucket', () => {
  it('splits db/rp and treats a trailing slash as no policy', () => {
    expect(splitBucket('lg')).toEqual({ db: 'lg' });
    expect(splitBucket('lg/autogen')).toEqual({ db: 'lg', rp: 'autogen' });
    expect(splitBucket('lg/')).toEqual({ db: 'lg' });
  });
});

describe('authorizationHeader', () => {
  it('sends v1 user:password as Basic and a v2 token as Token', () => {
    expect(authorizationHeader('v1', 'writer:s3:cret')).toBe(
      `Basic ${Buffer.from('writer:s3:cret').toString('base64')}`,
    );
    expect(authorizationHeader('v2', 'abc==')).toBe('Token abc==');
  });

  it('sends nothing without a token and refuses a v1 token that is not user:password', () => {
    expect(authorizationHeader('v1', '')).toBeUndefined();
    expect(() => authorizationHeader('v1', 'justatoken')).toThrow(/user:password/);
  });
});

/** Records what the repository's transport hands to the client's Node transport. */
class RecordingTransport implements Transport {
  readonly chunkCombiner = {} as Transport['chunkCombiner'];
  sent: { path: string; options: SendOptions; callbacks?: Partial<CommunicationObserver<Uint8Array>> }[] = [];
  requested: { path: string; options: SendOptions }[] = [];
  send(
    path: string,
    _body: string,
    options: SendOptions,
    callbacks?: Partial<CommunicationObserver<Uint8Array>>,
  ) {
    this.sent.push({ path, options, callbacks });
  }
  request(path: string, _body: unknown, options: SendOptions): Promise<unknown> {
    this.requested.push({ path, options });
    return Promise.resolve(undefined);
  }
  iterate(): AsyncIterableIterator<Uint8Array> {
    throw new Error('not used');
  }
}

describe('InfluxTransport', () => {
  const write = '/api/v2/write?org=o&bucket=lg&precision=ms';

  it('with v1, sends writes to /write with Basic auth and everything else unchanged', async () => {
    const inner = new RecordingTransport();
    const transport = new InfluxTransport(inner, 'v1', 'u:p');
    transport.send(write, 'm v=1 1', { method: 'POST', headers: { 'content-type': 'text/plain' } });
    await transport.request('/query?db=lg', 'q=SHOW+DATABASES', { method: 'POST' });
    expect(inner.sent[0].path).toBe('/write?db=lg&precision=ms');
    expect(inner.sent[0].options.headers).toEqual({
      'content-type': 'text/plain',
      authorization: 'Basic dTpw',
    });
    expect(inner.requested[0].path).toBe('/query?db=lg');
    expect(inner.requested[0].options.headers).toEqual({ authorization: 'Basic dTpw' });
  });

  it('with v2, keeps /api/v2/write and sends the token', () => {
    const inner = new RecordingTransport();
    new InfluxTransport(inner, 'v2', 't0k').send(write, 'm v=1 1', { method: 'POST' });
    expect(inner.sent[0].path).toBe(write);
    expect(inner.sent[0].options.headers).toEqual({ authorization: 'Token t0k' });
  });

  it('passes responses to the caller and converts Retry-After seconds to the milliseconds the client expects', () => {
    const inner = new RecordingTransport();
    const seen: Error[] = [];
    const completed: string[] = [];
    new InfluxTransport(inner, 'v1', '').send(
      write,
      'm v=1 1',
      { method: 'POST' },
      {
        error: (e) => seen.push(e),
        complete: () => completed.push('done'),
      },
    );
    const observer = inner.sent[0].callbacks;
    observer?.error?.(new HttpError(503, 'Service Unavailable', '', '7'));
    observer?.complete?.();
    expect((seen[0] as HttpError).retryAfter()).toBe(7000);
    expect((seen[0] as HttpError).statusCode).toBe(503);
    expect(completed).toEqual(['done']);
  });
});

describe('retryAfterInMilliseconds', () => {
  it('leaves errors without Retry-After alone', () => {
    const error = new HttpError(500, 'Internal Server Error', 'boom');
    expect(retryAfterInMilliseconds(error)).toBe(error);
    const plain = new Error('ECONNRESET');
    expect(retryAfterInMilliseconds(plain)).toBe(plain);
  });
});
