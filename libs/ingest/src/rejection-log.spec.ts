import { MessageEcho, payloadExcerpt } from './rejection-log';

describe('payloadExcerpt', () => {
  it('keeps a short payload as it is', () => {
    expect(payloadExcerpt(Buffer.from('{"ts":1,"speed":"fast"}'))).toBe('{"ts":1,"speed":"fast"}');
  });

  it('cuts at the limit in characters, Chinese included', () => {
    expect(payloadExcerpt(Buffer.from('x'.repeat(1000)), 200)).toHaveLength(200);
    expect(payloadExcerpt(Buffer.from('龙岗'.repeat(300)), 10)).toBe('龙岗'.repeat(5));
  });

  it('escapes control characters and replaces bytes that are not UTF-8', () => {
    expect(payloadExcerpt(Buffer.from([0x7b, 0x00, 0x0a, 0xff, 0x7d]))).toBe('{\\u0000\\u000a\ufffd}');
  });

  it('reads no more than four bytes per kept character of a huge payload', () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x41);
    expect(payloadExcerpt(huge, 5)).toBe('AAAAA');
  });
});

describe('MessageEcho', () => {
  it('echoes the ts of a single reading and of a reading of a batch', () => {
    expect(new MessageEcho(Buffer.from('{"ts":1777622400000,"lat":"x"}')).of({})).toEqual({
      ts: 1777622400000,
    });
    const batch = new MessageEcho(Buffer.from('[{"ts":1},{"ts":"2026-05-01T08:00:00+08:00"}]'));
    expect(batch.of({ index: 0 })).toEqual({ ts: 1 });
    expect(batch.of({ index: 1 })).toEqual({ ts: '2026-05-01T08:00:00+08:00' });
    expect(batch.of({ index: 7 })).toEqual({});
  });

  it('echoes nothing of a payload that is not JSON, and cuts a long string ts', () => {
    expect(new MessageEcho(Buffer.from('not json')).of({})).toEqual({});
    expect(new MessageEcho(Buffer.from(JSON.stringify({ ts: 'y'.repeat(500) }))).of({}).ts).toHaveLength(40);
  });

  it('echoes MQTT 5 correlation data in hex, at most 64 bytes', () => {
    const echo = new MessageEcho(Buffer.from('{}'), Buffer.from('req-7'));
    expect(echo.of({})).toEqual({ correlationData: Buffer.from('req-7').toString('hex') });
    expect(new MessageEcho(Buffer.from('{}'), Buffer.alloc(100, 1)).of({}).correlationData).toHaveLength(128);
  });
});
