import {
  bcdTimeIso,
  describeHex,
  checkCode,
  decodeFrame,
  decodeGbk,
  decodePacket,
  describeMessage,
  encodeGbk,
  encodeMessage,
  encodePacket,
  escape,
  FrameSplitter,
  item,
  locationOf,
  MSG,
  REGISTER_RESULT,
  SubPackageAssembler,
  truckPayload,
  unescape,
  type Header,
} from './index';

const to2013 = { version: '2013' as const, terminal: '013800000001', serial: 5 };
const to2019 = { version: '2019' as const, terminal: '00000000013800000001', serial: 6 };
const ts = Date.parse('2026-05-01T08:00:00+08:00');

describe('framing', () => {
  it('escapes 0x7e and 0x7d and reads them back', () => {
    const raw = Buffer.from([0x30, 0x7e, 0x08, 0x7d, 0x55]);
    expect(escape(raw).toString('hex')).toBe('307d02087d0155');
    expect(unescape(escape(raw))).toEqual(raw);
  });

  it('names a bad escape', () => {
    expect(() => unescape(Buffer.from([0x01, 0x7d, 0x03]))).toThrow('0x7d followed by 0x03 at byte 1');
    expect(() => unescape(Buffer.from([0x01, 0x7d]))).toThrow('0x7d at the end of the frame');
  });

  it('writes the XOR check code over header and body', () => {
    const frame = encodeMessage(to2013, { type: 'heartbeat' });
    expect(frame.toString('hex')).toBe(
      '7e000200000138000000010005' +
        checkCode(Buffer.from('000200000138000000010005', 'hex')).toString(16).padStart(2, '0') +
        '7e',
    );
    const bad = Buffer.from(frame);
    bad[bad.length - 2] ^= 0xff;
    expect(() => decodeFrame(bad)).toThrow(/^check code is 0x/);
  });

  it('refuses a frame too short for its header, naming the version', () => {
    expect(() => decodePacket(Buffer.from('7e0002400001020304057e', 'hex'))).toThrow(
      'frame has 9 bytes, a 2019 header and check code need 18',
    );
    expect(() => decodePacket(Buffer.from('7e00027e', 'hex'))).toThrow('too short for a message ID');
  });

  it('keeps the version flag, protocol version and a 10-byte terminal number in 2019', () => {
    const frame = encodeMessage({ ...to2019, protocolVersion: 1 }, { type: 'logout' });
    const m = decodeFrame(frame);
    expect(m.header).toEqual({
      msgId: MSG.logout,
      version: '2019',
      protocolVersion: 1,
      terminal: '00000000013800000001',
      serial: 6,
      encryption: 0,
    });
    expect(frame.readUInt16BE(3) & (1 << 14)).not.toBe(0);
  });

  it('echoes a terminal number with hex nibbles, refuses one that is not hex, and a body over 1023 bytes', () => {
    const odd = decodeFrame(encodeMessage({ ...to2013, terminal: '01380abcdef0' }, { type: 'heartbeat' }));
    expect(odd.header.terminal).toBe('01380abcdef0');
    expect(() => encodeMessage({ ...to2013, terminal: '12xy' }, { type: 'heartbeat' })).toThrow(
      'the terminal number must be decimal digits',
    );
    expect(() =>
      encodeMessage(to2013, { type: 'unsupported', msgId: 0x0900, raw: Buffer.alloc(1024) }),
    ).toThrow('needs sub-packages');
  });
});

describe('messages', () => {
  it('writes a registration answer with the standard result codes', () => {
    const ok = decodeFrame(
      encodeMessage(to2013, { type: 'registerResponse', replySerial: 9, result: 0, authCode: 'A1B2' }),
    );
    expect(ok.body).toEqual({ type: 'registerResponse', replySerial: 9, result: 0, authCode: 'A1B2' });
    const refused = encodeMessage(to2013, {
      type: 'registerResponse',
      replySerial: 9,
      result: REGISTER_RESULT.noSuchTerminal,
    });
    // Body: reply serial 0009, result 04, and no authentication code.
    expect(decodePacket(refused).body.toString('hex')).toBe('000904');
  });

  it('registers with a GBK plate in both versions', () => {
    for (const to of [to2013, to2019]) {
      const body = {
        type: 'register' as const,
        province: 44,
        city: 307,
        maker: 'LG001',
        model: 'LG-SIM',
        terminalId: 'T000001',
        plateColor: 2,
        plate: '粤BD1234',
      };
      expect(decodeFrame(encodeMessage(to, body)).body).toEqual(body);
    }
  });

  it('authenticates: the whole body in 2013, length, IMEI and software version in 2019', () => {
    expect(
      decodePacket(encodeMessage(to2013, { type: 'authenticate', authCode: 'code' })).body.toString(),
    ).toBe('code');
    const m = decodeFrame(
      encodeMessage(to2019, {
        type: 'authenticate',
        authCode: 'code',
        imei: '860000000000001',
        software: '1.0',
      }),
    );
    expect(m.body).toEqual({
      type: 'authenticate',
      authCode: 'code',
      imei: '860000000000001',
      software: '1.0',
    });
  });

  it('writes general responses', () => {
    for (const type of ['platformResponse', 'terminalResponse'] as const) {
      const b = { type, replySerial: 0xfffe, replyId: 0x0200, result: 3 };
      expect(decodeFrame(encodeMessage(to2013, b)).body).toEqual(b);
    }
  });

  it('writes a text message (GBK) and a location query with its answer', () => {
    const text = { type: 'text' as const, flags: 0x08, text: '请立即停车 SOS' };
    expect(decodeFrame(encodeMessage(to2013, text)).body).toEqual(text);
    expect(decodeFrame(encodeMessage(to2019, { ...text, textType: 1 })).body).toEqual({
      ...text,
      textType: 1,
    });
    expect(decodeFrame(encodeMessage(to2013, { type: 'locationQuery' })).body).toEqual({
      type: 'locationQuery',
    });
    const location = locationOf({ ts, lat: 22.7, lon: 114.25, speed: 42.5, heading: 90 });
    expect(
      decodeFrame(encodeMessage(to2013, { type: 'locationQueryResponse', replySerial: 3, location })).body,
    ).toEqual({ type: 'locationQueryResponse', replySerial: 3, location });
  });

  it('prints a report as the decode command does, time in UTC+8 and extras by item ID', () => {
    const location = locationOf({
      ts,
      lat: 22.72,
      lon: 114.2468,
      speed: 52.3,
      heading: 87,
      altitude: -12,
      alarm: 0b101,
      items: [
        item.mileageKm(1234.5),
        item.fuelL(88.2),
        item.signal(25),
        item.satellites(9),
        { id: 0xe1, value: Buffer.from('beef', 'hex') },
      ],
    });
    expect(describeMessage(decodeFrame(encodeMessage(to2013, { type: 'location', location })))).toEqual({
      msgId: '0x0200',
      terminal: '013800000001',
      serial: 5,
      version: '2013',
      alarm: 5,
      status: 3,
      lat: 22.72,
      lon: 114.2468,
      altitude: -12,
      speed: 52.3,
      heading: 87,
      time: '2026-05-01T08:00:00+08:00',
      positioned: true,
      acc: true,
      extras: { '0x01': 1234.5, '0x02': 88.2, '0x30': 25, '0x31': 9, '0xE1': 'beef' },
    });
  });

  it('reads the standard items in their units and keeps unknown or misfit ones as hex', () => {
    const items = [
      { id: 0x03, value: Buffer.from('01f4', 'hex') },
      { id: 0x04, value: Buffer.from('0007', 'hex') },
      { id: 0x06, value: Buffer.from('8005', 'hex') },
      { id: 0x11, value: Buffer.from('0100000010', 'hex') },
      { id: 0x12, value: Buffer.from('020000002001', 'hex') },
      { id: 0x13, value: Buffer.from('00000030012c01', 'hex') },
      { id: 0x25, value: Buffer.from('00000003', 'hex') },
      { id: 0x2a, value: Buffer.from('0002', 'hex') },
      { id: 0x2b, value: Buffer.from('00640032', 'hex') },
      { id: 0x31, value: Buffer.from('0102', 'hex') },
    ];
    const m = decodeFrame(
      encodeMessage(to2013, {
        type: 'location',
        location: { ...locationOf({ ts, lat: 1, lon: 1, speed: 0, heading: 0 }), items },
      }),
    );
    expect(describeMessage(m).extras).toEqual({
      '0x03': 50,
      '0x04': 7,
      '0x06': -5,
      '0x11': { type: 1, area: 16 },
      '0x12': { type: 2, area: 32, direction: 1 },
      '0x13': { route: 48, seconds: 300, result: 1 },
      '0x25': 3,
      '0x2A': 2,
      '0x2B': { ad0: 50, ad1: 100 },
      '0x31': '0102',
    });
  });

  it('keeps a truncated last item as trailing bytes instead of losing the fix', () => {
    const good = encodeMessage(to2013, {
      type: 'location',
      location: locationOf({ ts, lat: 22.7, lon: 114.2, speed: 1, heading: 2 }),
    });
    const packet = decodePacket(good);
    const body = Buffer.concat([packet.body, Buffer.from('0104aabb', 'hex')]);
    const m = decodeFrame(encodePacket(packet.header, body));
    expect(describeMessage(m)).toMatchObject({ lat: 22.7, extras: {}, trailing: '0104aabb' });
  });

  it('marks an unpositioned fix and refuses a time that is not a date', () => {
    const loc = locationOf({ ts, lat: 0, lon: 0, speed: 0, heading: 0, positioned: false, alarm: 1 });
    expect(truckPayload(loc)).toMatchObject({ ok: true, payload: { fix: false, alarm: 1 } });
    expect(truckPayload({ ...loc, time: '261301080000' })).toEqual({
      ok: false,
      message: "the report's time 261301080000 (BCD YYMMDDhhmmss) is not a date",
    });
    expect(bcdTimeIso('260431000000')).toBeNull();
    expect(bcdTimeIso('2604300000ff')).toBeNull();
  });

  it('names a body too short for its message', () => {
    expect(() => decodeFrame(encodePacket(hdr(MSG.location), Buffer.alloc(27)))).toThrow(
      'a position report needs 28 bytes before its items, got 27',
    );
    expect(() => decodeFrame(encodePacket(hdr(MSG.batchLocation), Buffer.from('000201001c', 'hex')))).toThrow(
      'fix 0 of the batch says 28 bytes, only 0 remain',
    );
  });

  it('keeps an unknown message ID as unsupported, its body as hex', () => {
    const m = decodeFrame(encodePacket(hdr(0x0900), Buffer.from('0102', 'hex')));
    expect(describeMessage(m)).toMatchObject({ msgId: '0x0900', unsupported: true, body: '0102' });
  });
});

function hdr(msgId: number, extra: Partial<Header> = {}): Header {
  return { msgId, version: '2013', terminal: '013800000001', serial: 1, encryption: 0, ...extra };
}

describe('GBK', () => {
  it('writes plates and Chinese text and refuses what GBK cannot hold', () => {
    expect(encodeGbk('粤B').toString('hex')).toBe('d4c142');
    expect(decodeGbk(encodeGbk('苏BA6860，请注意'))).toBe('苏BA6860，请注意');
    expect(() => encodeGbk('🚚')).toThrow('"🚚" (U+1F69A) cannot be written in GBK');
  });
});

describe('FrameSplitter', () => {
  const a = encodeMessage(to2013, { type: 'heartbeat' });
  const b = encodeMessage(to2013, { type: 'logout' });

  it('splits frames however the stream is cut, and drops bytes before the first flag', () => {
    const stream = Buffer.concat([Buffer.from('garbage'), a, b]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const s = new FrameSplitter();
      const items = [...s.push(stream.subarray(0, cut)), ...s.push(stream.subarray(cut))];
      expect(items.map((i) => ('frame' in i ? decodeFrame(i.frame).body.type : i.error.code))).toEqual([
        'heartbeat',
        'logout',
      ]);
      expect(s.discarded).toBe(7);
    }
  });

  it('reports an oversized or endless frame once, holds no more than the limit, and recovers', () => {
    const s = new FrameSplitter(64);
    const out = [
      ...s.push(Buffer.from([0x7e])),
      ...s.push(Buffer.alloc(50, 1)),
      ...s.push(Buffer.alloc(50, 1)),
    ];
    expect(out).toHaveLength(1);
    expect('error' in out[0] && out[0].error.message).toBe(
      'frame longer than 64 bytes without a closing 0x7e',
    );
    for (let i = 0; i < 100; i++) expect(s.push(Buffer.alloc(1000, 1))).toEqual([]);
    expect(s.buffered).toBe(0);
    const next = s.push(a);
    expect(next.map((i) => 'frame' in i && decodeFrame(i.frame).body.type)).toEqual(['heartbeat']);
  });
});

describe('SubPackageAssembler', () => {
  const body = Buffer.alloc(2500, 7);
  const parts = [body.subarray(0, 1023), body.subarray(1023, 2046), body.subarray(2046)];
  const packet = (i: number, serial = 10) =>
    decodePacket(
      encodePacket(
        hdr(MSG.batchLocation, { serial: serial + i, subPackage: { total: 3, index: i + 1 } }),
        parts[i],
      ),
    );

  it('joins packages in any order, a repeated one taken once', () => {
    const asm = new SubPackageAssembler();
    expect(asm.add(packet(2), 0).state).toBe('pending');
    expect(asm.add(packet(0), 1).state).toBe('pending');
    expect(asm.add(packet(0), 2).state).toBe('pending');
    const done = asm.add(packet(1), 3);
    expect(done.state).toBe('complete');
    if (done.state === 'complete') {
      expect(done.packet.body).toEqual(body);
      expect(done.packet.header).toEqual(hdr(MSG.batchLocation, { serial: 10 }));
    }
    expect(asm.inFlight).toBe(0);
  });

  it('is bounded: messages in flight, packages per message, and time', () => {
    const asm = new SubPackageAssembler({ maxMessages: 2, maxPackages: 3, timeoutMs: 1000 });
    expect(asm.add(packet(0, 100), 0).state).toBe('pending');
    expect(asm.add(packet(0, 200), 0).state).toBe('pending');
    const third = asm.add(packet(0, 300), 0);
    expect(third.state === 'refused' && third.error.message).toBe(
      '2 sub-packaged messages are already being reassembled (the limit)',
    );
    const big = decodePacket(
      encodePacket(hdr(MSG.location, { subPackage: { total: 4, index: 1 } }), Buffer.alloc(1)),
    );
    expect(asm.add(big, 0)).toMatchObject({ state: 'refused' });
    const misplaced = decodePacket(
      encodePacket(hdr(MSG.location, { subPackage: { total: 2, index: 3 } }), Buffer.alloc(1)),
    );
    expect(asm.add(misplaced, 0)).toMatchObject({ state: 'refused' });
    expect(asm.expire(999)).toBe(0);
    expect(asm.expire(1000)).toBe(2);
    expect(asm.add(packet(0, 300), 1000).state).toBe('pending');
  });
});

describe('describeHex (npm run jt808 -- decode)', () => {
  const frame = encodeMessage(to2013, { type: 'heartbeat' }).toString('hex');

  it('takes a frame with or without flags and spaces', () => {
    const expected = {
      ok: true,
      lines: [
        JSON.stringify({ msgId: '0x0002', terminal: '013800000001', serial: 5, version: '2013' }, null, 2),
      ],
    };
    expect(describeHex(frame)).toEqual(expected);
    expect(describeHex(frame.slice(2, -2).replace(/(..)/g, '$1 '))).toEqual(expected);
    expect(describeHex(frame + frame)).toMatchObject({
      ok: true,
      lines: [expected.lines[0], expected.lines[0]],
    });
  });

  it('names what is wrong', () => {
    expect(describeHex('7e0002')).toEqual({
      ok: false,
      error: 'length: frame has 2 bytes, too short for a message ID and properties',
    });
    expect(describeHex(frame.slice(0, -4) + '007e')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^check_code: check code is 0x00/),
    });
    expect(describeHex('7e00027d037e')).toEqual({
      ok: false,
      error: 'escape: 0x7d followed by 0x03 at byte 2 (only 0x01 and 0x02 may follow)',
    });
    expect(describeHex('7e0g7e')).toEqual({
      ok: false,
      error: 'the frame must be an even number of hex digits',
    });
    expect(describeHex('7e7e')).toEqual({ ok: false, error: 'length: no frame between the 0x7e flags' });
  });
});
