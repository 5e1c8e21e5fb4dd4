import fc from 'fast-check';
import { escape } from '@influxdata/influxdb-client';
import type { AlertTransition, ReadingRecord, RejectionRecord } from '@lg/contracts';
import {
  alertTransitionFromRow,
  alertTransitionLine,
  escapeKey,
  escapeMeasurement,
  integerText,
  quoteString,
  readingLine,
  rejectionLine,
  RejectionTimes,
} from './line-protocol';

const TS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

function truck(f: ReadingRecord['f'], extra: Partial<ReadingRecord> = {}): ReadingRecord {
  return { t: 'r', kind: 'truck', owner: 'C01', device: 'T0001', ts: TS, rx: TS + 35, q: 'ok', f, ...extra };
}

describe('readingLine', () => {
  it('writes tags device, owner, q; contract integers with i; other numbers as floats; rx and ms time', () => {
    const line = readingLine(
      truck({ lat: 22.72, lon: 114.25, speed: 60, heading: 90.5, sats: 12, alarm: 4096, ignition: true }),
    );
    expect(line).toBe(
      'truck,device=T0001,owner=C01,q=ok lat=22.72,lon=114.25,speed=60,heading=90.5,sats=12i,alarm=4096i,ignition=true,rx=1767225600035i 1767225600000',
    );
  });

  it('keeps a whole number of a float field a float (no i), so the field type never flips', () => {
    expect(readingLine(truck({ lat: 22, lon: 114, speed: 0 }))).toContain(' lat=22,lon=114,speed=0,rx=');
  });

  it('writes large and small floats in a notation InfluxDB parses', () => {
    const line = readingLine({ ...truck({}), kind: 'slope', f: { disp: 1e21, tilt: 1e-7, rain: -2.5 } });
    expect(line).toContain(' disp=1e+21,tilt=1e-7,rain=-2.5,');
  });

  it('never writes a contract integer as a float, even with a stray fraction', () => {
    expect(readingLine(truck({ lat: 1, lon: 1, speed: 1, sats: 7.9 }))).toContain('sats=7i');
  });

  it('writes booleans as true/false', () => {
    expect(readingLine(truck({ lat: 1, lon: 1, speed: 1, ignition: false }))).toContain('ignition=false');
  });

  it('quotes strings, escaping quotes and backslashes and keeping newlines', () => {
    const line = readingLine(truck({ lat: 1, lon: 1, speed: 1, driver: 'Li "Da" \\ Wang\nnext' }));
    expect(line).toContain('driver="Li \\"Da\\" \\\\ Wang\nnext"');
  });

  it('leaves out numbers line protocol cannot carry', () => {
    const line = readingLine(truck({ lat: 1, lon: 1, speed: Number.NaN, heading: Number.POSITIVE_INFINITY }));
    expect(line).toBe('truck,device=T0001,owner=C01,q=ok lat=1,lon=1,rx=1767225600035i 1767225600000');
  });

  it('adds why for an unqualified or flagged reading, and not for a plain qualified one', () => {
    const bad = truck({ lat: 1, lon: 1, speed: 200 }, { q: 'bad', why: ['speed_out_of_range', 'future_ts'] });
    expect(readingLine(bad)).toBe(
      'truck,device=T0001,owner=C01,q=bad lat=1,lon=1,speed=200,why="speed_out_of_range,future_ts",rx=1767225600035i 1767225600000',
    );
    expect(readingLine(truck({ lat: 1, lon: 1, speed: 1 }))).not.toContain('why=');
    expect(readingLine(truck({ lat: 1, lon: 1, speed: 1 }, { why: ['drift'] }))).toContain(',why="drift",');
  });

  it('escapes tag values and field keys', () => {
    const line = readingLine(truck({ 'a b,c=d': 1 }, { device: 'T 1,x=y', owner: 'C\n1' }));
    expect(line).toBe(
      'truck,device=T\\ 1\\,x\\=y,owner=C\\n1,q=ok a\\ b\\,c\\=d=1,rx=1767225600035i 1767225600000',
    );
  });

  it('truncates timestamps to whole milliseconds', () => {
    expect(readingLine(truck({ disp: 1 }, { kind: 'slope', ts: TS + 0.9, rx: TS + 1.5 }))).toMatch(
      /,rx=1767225600001i 1767225600000$/,
    );
  });

  it('keeps volatile values out of the tags, so a reading rewritten later lands on the same point', () => {
    const first = readingLine(truck({ lat: 1, lon: 1, speed: 1 }, { rx: TS + 10 }));
    const again = readingLine(truck({ lat: 1, lon: 1, speed: 1 }, { rx: TS + 99_000 }));
    const seriesAndTime = (line: string) => [line.split(' ')[0], line.split(' ').pop()];
    expect(seriesAndTime(again)).toEqual(seriesAndTime(first));
  });
});

describe('integerText', () => {
  it('writes every integer as String() does', () => {
    for (const n of [
      0,
      -1,
      999_999_999,
      1e9,
      1_000_000_000_000,
      1_767_225_600_007,
      -5e12,
      2 ** 53 + 2,
      1e21,
    ]) {
      expect(integerText(n)).toBe(String(n));
    }
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => integerText(n) === String(n)));
  });
});

describe('escaping agrees with the client library', () => {
  const text = fc.string({ unit: fc.constantFrom('a', ' ', ',', '=', '"', '\\', '\n', '\r', '\t', 'é') });
  it('for measurements, keys and quoted strings', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(escapeMeasurement(s)).toBe(escape.measurement(s));
        expect(escapeKey(s)).toBe(escape.tag(s));
        expect(quoteString(s)).toBe(escape.quoted(s));
      }),
    );
  });
});

describe('alert transitions', () => {
  const alert = { rule: 'gas.lel', kind: 'gas' as const, owner: 'P03', device: 'G0102' };
  const transition: AlertTransition = {
    alertId: 'a-7f3e',
    type: 'raised',
    at: '2026-01-01T00:00:05.250Z',
    by: 'system',
    severity: 'orange',
    active: true,
    acknowledged: false,
    value: 42.5,
  };
  /** `transition` as a row of `SELECT * FROM alert_event` (without the alert's own tags). */
  const transitionRow = {
    time: Date.parse(transition.at),
    alert: 'a-7f3e',
    severity: 'orange',
    type: 'raised',
    by: 'system',
    active: true,
    acknowledged: false,
    value: 42.5,
  };

  it('writes sorted tags, fields and the transition time in ms', () => {
    expect(alertTransitionLine(transition, alert)).toBe(
      'alert_event,alert=a-7f3e,device=G0102,kind=gas,owner=P03,rule=gas.lel,severity=orange,type=raised by="system",active=true,acknowledged=false,value=42.5 1767225605250',
    );
  });

  it('writes a textual value to value_text and a note, quoted', () => {
    const line = alertTransitionLine(
      { ...transition, type: 'acknowledged', by: 'c01', value: 'E"01', note: 'on site\nchecking' },
      alert,
    );
    expect(line).toContain(
      ' by="c01",active=true,acknowledged=false,value_text="E\\"01",note="on site\nchecking" ',
    );
    expect(alertTransitionLine({ ...transition, value: null }, alert)).not.toContain('value');
  });

  it('keeps what a raise took away: the severity before and the cleared acknowledgements', () => {
    const raised: AlertTransition = {
      ...transition,
      severity: 'red',
      previousSeverity: 'orange',
      clearedAck: { by: 'operator', at: '2026-01-01T00:00:04.000Z' },
      clearedCompanyAck: { by: 'c01', at: '2026-01-01T00:00:03.000Z' },
    };
    const line = alertTransitionLine(raised, alert);
    expect(line).toContain(
      ',previous_severity="orange",cleared_ack_by="operator",cleared_ack_at="2026-01-01T00:00:04.000Z",' +
        'cleared_company_ack_by="c01",cleared_company_ack_at="2026-01-01T00:00:03.000Z" ',
    );
    const row = {
      ...transitionRow,
      severity: 'red',
      previous_severity: 'orange',
      cleared_ack_by: 'operator',
      cleared_ack_at: '2026-01-01T00:00:04.000Z',
      cleared_company_ack_by: 'c01',
      cleared_company_ack_at: '2026-01-01T00:00:03.000Z',
    };
    expect(alertTransitionFromRow(row)).toEqual(raised);
  });

  it('writes and reads back the trace of a transition (job, last entry, receipt and device time)', () => {
    const traced: AlertTransition = {
      ...transition,
      trace: { job: '{rules-3}:1207', upTo: '1767225604000-3', rx: 1767225603950, ts: 1767225603000 },
    };
    const line = alertTransitionLine(traced, alert);
    expect(line).toContain(
      ',trace_job="{rules-3}:1207",trace_up_to="1767225604000-3",trace_rx=1767225603950i,trace_ts=1767225603000i ',
    );
    const row = {
      ...transitionRow,
      trace_job: '{rules-3}:1207',
      trace_up_to: '1767225604000-3',
      trace_rx: 1767225603950,
      trace_ts: 1767225603000,
    };
    expect(alertTransitionFromRow(row)).toEqual(traced);
    // A timer job's trace: no reading, no entry.
    const { trace_rx: _rx, trace_ts: _ts, ...tick } = { ...row, trace_up_to: '' };
    expect(alertTransitionFromRow(tick)?.trace).toEqual({ job: '{rules-3}:1207', upTo: '' });
  });

  it('refuses a transition time that is not a date', () => {
    expect(() => alertTransitionLine({ ...transition, at: 'soon' }, alert)).toThrow(RangeError);
  });

  it('reads a transition back from a query row', () => {
    const row = {
      ...transitionRow,
      device: 'G0102',
      kind: 'gas',
      owner: 'P03',
      rule: 'gas.lel',
      value_text: null,
      note: null,
    };
    expect(alertTransitionFromRow(row)).toEqual(transition);
    expect(alertTransitionFromRow({ ...row, value: null, value_text: 'E01', note: 'n' })).toEqual({
      ...transition,
      value: 'E01',
      note: 'n',
    });
    expect(alertTransitionFromRow({ ...row, type: 'exploded' })).toBeUndefined();
  });
});

describe('rejectionLine and RejectionTimes', () => {
  const record: RejectionRecord = {
    id: '1777622401204-3',
    owner: 'C01',
    device: 'T 1,x',
    kind: 'truck',
    reason: 'schema',
    message: 'reading 1: speed must be a finite number, got "fast"',
    topic: 'lg/v1/truck/C01/T 1,x/telemetry',
    receivedAt: '2026-05-01T08:00:01.204Z',
    index: 1,
    ts: 1777622400000,
    correlationData: '6677',
    excerpt: '[{"ts":1777622400000}]',
    bytes: 46,
  };

  it('writes a refusal with owner and reason as the only tags, what a client chose as string fields', () => {
    expect(rejectionLine(record, 1777622401204)).toBe(
      'rejection,owner=C01,reason=schema ' +
        'device="T 1,x",kind="truck",topic="lg/v1/truck/C01/T 1,x/telemetry",' +
        'message="reading 1: speed must be a finite number, got \\"fast\\"",' +
        'excerpt="[{\\"ts\\":1777622400000}]",entry="1777622401204-3",bytes=46i,received_at=1777622401204i,' +
        'index=1i,ts=1777622400000i,correlation="6677" 1777622401204',
    );
    const { index: _i, correlationData: _c, ...bare } = record;
    expect(rejectionLine({ ...bare, ts: '2026-05-01 08:00' }, 5)).toMatch(
      /,received_at=1777622401204i,ts_text="2026-05-01 08:00" 5$/,
    );
  });

  it('gives refusals of one owner and reason distinct times, never earlier than their receipt', () => {
    const times = new RejectionTimes();
    const at = (owner: string, reason: RejectionRecord['reason'], receivedAt: string) =>
      times.at({ owner, reason, receivedAt });
    const t = Date.parse(record.receivedAt);
    expect(at('C01', 'schema', record.receivedAt)).toBe(t);
    expect(at('C01', 'schema', record.receivedAt)).toBe(t + 1);
    expect(at('C01', 'schema', record.receivedAt)).toBe(t + 2);
    // Another series keeps its own times.
    expect(at('C01', 'invalid_json', record.receivedAt)).toBe(t);
    expect(at('C02', 'schema', record.receivedAt)).toBe(t);
    // A later receipt is its own time again.
    expect(at('C01', 'schema', '2026-05-01T08:00:02.000Z')).toBe(t + 796);
  });
});
