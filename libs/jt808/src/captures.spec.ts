import { decodeFrame, describeMessage, locationView, truckPayload, type Body } from './index';

/**
 * Frames from real terminals, as published by other open JT/T 808 implementations' tests. Each is decoded
 * here and the values checked against what the bytes say (worked out by hand, not by this decoder).
 */
const hex = (s: string) => Buffer.from(s, 'hex');

function body<T extends Body['type']>(frame: string, type: T): Extract<Body, { type: T }> {
  const m = decodeFrame(hex(frame));
  expect(m.body.type).toBe(type);
  return m.body as Extract<Body, { type: T }>;
}

describe('published captures', () => {
  // Traccar, test/org/traccar/protocol/HuabaoProtocolDecoderTest.java (a 2013 terminal, 013511221122). As
  // published, its check code (0xd0) does not match its bytes (0xf0) and its length field says 50 for a
  // 40-byte body; Traccar does not verify either. We refuse the check code, and the same bytes with the
  // right check code decode, the length tolerated with a warning.
  it('refuses a published report whose check code is wrong, and reads it once corrected', () => {
    const frame =
      '7E02000032013511221122000700000000000C000301578CC006CA3A5C00470000000014072317201501040000000030011631010BD07E';
    expect(() => decodeFrame(hex(frame))).toThrow('check code is 0xd0, the bytes give 0xf0');
    const m = decodeFrame(hex(frame.replace(/D07E$/, 'F07E')));
    expect(m.header).toEqual({
      msgId: 0x0200,
      version: '2013',
      terminal: '013511221122',
      serial: 7,
      encryption: 0,
    });
    expect(m.warnings).toEqual(['body length field says 50 bytes, the body has 40']);
    expect(m.body.type).toBe('location');
    const loc = (m.body as Extract<Body, { type: 'location' }>).location;
    expect(locationView(loc)).toEqual({
      alarm: 0,
      status: 0x000c0003,
      lat: 22.51488,
      lon: 113.916508,
      altitude: 71,
      speed: 0,
      heading: 0,
      time: '2014-07-23T17:20:15+08:00',
      positioned: true,
      acc: true,
      extras: { '0x01': 0, '0x30': 22, '0x31': 11 },
    });
    expect(truckPayload(loc)).toEqual({
      ok: true,
      payload: {
        ts: '2014-07-23T17:20:15+08:00',
        lat: 22.51488,
        lon: 113.916508,
        speed: 0,
        heading: 0,
        alt: 71,
        alarm: 0,
        ignition: true,
        fix: true,
        sats: 11,
      },
    });
  });

  // Traccar, HuabaoProtocolDecoderTest.java: a 2013 registration with a GBK plate (苏BA6860).
  it('reads a 2013 registration with its GBK plate', () => {
    const b = body(
      '7E0100002D013511221122000500000000373031303748422D52303347424400000000000000000000003233363631303402CBD5424136383630387E',
      'register',
    );
    expect(b).toEqual({
      type: 'register',
      province: 0,
      city: 0,
      maker: '70107',
      model: 'HB-R03GBD',
      terminalId: '2366104',
      plateColor: 2,
      plate: '苏BA6860',
    });
  });

  // Traccar, HuabaoProtocolDecoderTest.java: a 2013 authentication and a heartbeat.
  it('reads a 2013 authentication and a heartbeat', () => {
    expect(body('7E0102000E013511221122000661757468656E7469636174696F6E3F7E', 'authenticate')).toEqual({
      type: 'authenticate',
      authCode: 'authentication',
    });
    const hb = decodeFrame(hex('7e0002000004304832546500b7ca7e'));
    expect(hb.header).toMatchObject({ terminal: '043048325465', serial: 0xb7 });
    expect(hb.body).toEqual({ type: 'heartbeat' });
  });

  // Traccar, HuabaoProtocolDecoderTest.java: a 2013 batch of eight blind-area fixes (type 1).
  it('reads a 2013 blind-area batch', () => {
    const b = body(
      '7E0704014301356777777707F5000801002600000000000000030159741206CBFD5001720000000116052709062401040000001D03020000002600000000000000030159746606CBFD50016B0000000116052709065301040000001D0302000000260000000000000003015975E406CBFE58013F0000000116052709072701040000001D0302000000260000000000000003015976DE06CBFF10012E0000000116052709075601040000001D0302000000260000000000000003015976BC06CBFED0012D0000000116052709083001040000001D0302000000260000000000000003015976FE06CBFEC001080000000116052709090001040000001D0302000000260000000000000003015976FE06CBFE7800FC0000000116052709093301040000001D0302000000260000000000000003015977A606CBFF3001080000000116052709100201040000001D030200001F7E',
      'batchLocation',
    );
    expect(b.backfill).toBe(true);
    expect(b.locations).toHaveLength(8);
    const first = locationView(b.locations[0]);
    expect(first).toMatchObject({
      lat: 22.639634,
      lon: 114.031952,
      altitude: 370,
      speed: 0,
      heading: 1,
      time: '2016-05-27T09:06:24+08:00',
      extras: { '0x01': 2.9, '0x03': 0 },
    });
    expect(locationView(b.locations[7]).time).toBe('2016-05-27T09:10:02+08:00');
  });

  // makeclan/xtream-codec, debug/jt/jt-808-server-spring-boot-starter-debug-ui/src/utils/codec-utils.ts:
  // a 2019 position report (10-byte terminal number 00000000013912344329, protocol version 1).
  it('reads a 2019 position report, south latitude included', () => {
    const m = decodeFrame(
      hex(
        '7e02004026010000000001391234432900000000006f0000001601dc9a0707456246007b004200032501292233440202006401040000000c417e',
      ),
    );
    expect(m.header).toEqual({
      msgId: 0x0200,
      version: '2019',
      protocolVersion: 1,
      terminal: '00000000013912344329',
      serial: 0,
      encryption: 0,
    });
    expect(describeMessage(m)).toEqual({
      msgId: '0x0200',
      terminal: '00000000013912344329',
      serial: 0,
      version: '2019',
      protocolVersion: 1,
      alarm: 111,
      status: 22,
      // status 0x16: positioned, south latitude, bit 4
      lat: -31.234567,
      lon: 121.987654,
      altitude: 123,
      speed: 6.6,
      heading: 3,
      time: '2025-01-29T22:33:44+08:00',
      positioned: true,
      acc: false,
      extras: { '0x02': 10, '0x01': 1.2 },
    });
  });

  // makeclan/xtream-codec, codec-utils.ts: a 2019 batch of two fixes (type 0, normal).
  it('reads a 2019 batch', () => {
    const b = body(
      '7e0704403f01000000000139123443290000000200001c000000010000000101d907f2073d336c029a00210059241029213903001c000000010000000101d907f3073d336d03090043005a241029213903f87e',
      'batchLocation',
    );
    expect(b.backfill).toBe(false);
    expect(b.locations.map((l) => locationView(l))).toMatchObject([
      {
        alarm: 1,
        lat: 31.000562,
        lon: 121.451372,
        altitude: 666,
        speed: 3.3,
        heading: 89,
        time: '2024-10-29T21:39:03+08:00',
      },
      { alarm: 1, lat: 31.000563, lon: 121.451373, altitude: 777, speed: 6.7, heading: 90 },
    ]);
  });
});
