import fc from 'fast-check';
import {
  decodeFrame,
  describeMessage,
  encodeMessage,
  FrameSplitter,
  Jt808Error,
  SubPackageAssembler,
  decodePacket,
  type Body,
  type Location,
} from './index';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const ascii = (max: number) =>
  fc.string({ unit: fc.constantFrom(...'ABCXYZ0129-_.'.split('')), maxLength: max });
const text = fc.string({ unit: fc.constantFrom(...'粤B苏A请停车注意 0123abc，。'.split('')), maxLength: 40 });

const location: fc.Arbitrary<Location> = fc.record({
  alarm: u32,
  status: u32,
  lat: u32,
  lon: u32,
  altitude: u16,
  speed: u16,
  direction: u16,
  time: digits(12),
  items: fc.array(fc.record({ id: u8, value: fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)) }), {
    maxLength: 5,
  }),
});

const body: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ type: fc.constant('terminalResponse' as const), replySerial: u16, replyId: u16, result: u8 }),
  fc.record({ type: fc.constant('platformResponse' as const), replySerial: u16, replyId: u16, result: u8 }),
  fc.constant({ type: 'heartbeat' as const }),
  fc.constant({ type: 'logout' as const }),
  fc.constant({ type: 'locationQuery' as const }),
  fc.record({
    type: fc.constant('register' as const),
    province: u16,
    city: u16,
    maker: ascii(5),
    model: ascii(20),
    terminalId: ascii(7),
    plateColor: u8,
    plate: text,
  }),
  fc.record({
    type: fc.constant('registerResponse' as const),
    replySerial: u16,
    result: fc.constant(0),
    authCode: ascii(20),
  }),
  fc.record({
    type: fc.constant('registerResponse' as const),
    replySerial: u16,
    result: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ type: fc.constant('location' as const), location }),
  fc.record({ type: fc.constant('locationQueryResponse' as const), replySerial: u16, location }),
  fc.record({
    type: fc.constant('batchLocation' as const),
    backfill: fc.boolean(),
    locations: fc.array(location, { maxLength: 6 }),
  }),
);

describe('JT/T 808 codec properties', () => {
  it('decode(encode(message)) is the message, in 2013', () => {
    fc.assert(
      fc.property(body, digits(12), u16, (b, terminal, serial) => {
        const m = decodeFrame(encodeMessage({ version: '2013', terminal, serial }, b));
        expect(m.header).toEqual({ msgId: m.header.msgId, version: '2013', terminal, serial, encryption: 0 });
        expect(m.body).toEqual(b);
        expect(m.warnings).toEqual([]);
      }),
    );
  });

  it('decode(encode(message)) is the message, in 2019 (text and authentication included)', () => {
    const b2019 = fc.oneof(
      body,
      fc.record({ type: fc.constant('text' as const), flags: u8, textType: u8, text }),
      fc.record({
        type: fc.constant('authenticate' as const),
        authCode: ascii(30),
        imei: digits(15),
        software: ascii(20),
      }),
    );
    fc.assert(
      fc.property(b2019, digits(20), u16, u8, (b, terminal, serial, protocolVersion) => {
        const m = decodeFrame(encodeMessage({ version: '2019', protocolVersion, terminal, serial }, b));
        expect(m.header).toMatchObject({ version: '2019', protocolVersion, terminal, serial });
        expect(m.body).toEqual(b);
      }),
    );
  });

  it('no byte string crashes the splitter, the decoder or the printer: a frame or a Jt808Error', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 64 }),
            fc.constant(Uint8Array.of(0x7e)),
            fc.constant(Uint8Array.of(0x7d)),
          ),
          { maxLength: 30 },
        ),
        (chunks) => {
          const s = new FrameSplitter(256);
          const asm = new SubPackageAssembler();
          for (const c of chunks) {
            for (const item of s.push(Buffer.from(c))) {
              if ('error' in item) {
                expect(item.error).toBeInstanceOf(Jt808Error);
                continue;
              }
              expect(item.frame.length).toBeLessThanOrEqual(256);
              try {
                const packet = decodePacket(item.frame);
                const done = asm.add(packet, 0);
                if (done.state === 'complete') {
                  JSON.stringify(describeMessage(decodeFrame(item.frame)));
                }
              } catch (err) {
                expect(err).toBeInstanceOf(Jt808Error);
              }
            }
            expect(s.buffered).toBeLessThanOrEqual(256);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('no body crashes the message decoder, whatever its ID and version', () => {
    const ids = fc.constantFrom(
      0x0001,
      0x0002,
      0x0003,
      0x0100,
      0x0102,
      0x0200,
      0x0201,
      0x0704,
      0x8001,
      0x8100,
      0x8201,
      0x8300,
      0x0900,
    );
    fc.assert(
      fc.property(ids, fc.boolean(), fc.uint8Array({ maxLength: 300 }), (msgId, v2019, raw) => {
        const frame = encodeMessage(
          { version: v2019 ? '2019' : '2013', terminal: '1', serial: 1 },
          { type: 'unsupported', msgId, raw: Buffer.from(raw) },
        );
        try {
          JSON.stringify(describeMessage(decodeFrame(frame)));
        } catch (err) {
          expect(err).toBeInstanceOf(Jt808Error);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
