import {
  InfluxQueryError,
  influxIdentifier,
  influxLiteral,
  influxString,
  inlineParams,
  paramsJson,
  parseQueryResponse,
} from './influxql';

describe('InfluxQL quoting', () => {
  it('escapes string literals', () => {
    expect(influxString("it's a \\ test\n")).toBe("'it\\'s a \\\\ test\\n'");
  });

  it('escapes identifiers', () => {
    expect(influxIdentifier('my "field"\\x')).toBe('"my \\"field\\"\\\\x"');
  });

  it('writes parameters as literals', () => {
    expect(influxLiteral(12)).toBe('12');
    expect(influxLiteral(-2.5)).toBe('-2.5');
    expect(influxLiteral(1e21)).toBe('1000000000000000000000');
    expect(influxLiteral(1e-7)).toBe('0.0000001');
    expect(influxLiteral(true)).toBe('true');
    expect(influxLiteral(new Date(Date.UTC(2026, 0, 1)))).toBe("'2026-01-01T00:00:00.000Z'");
    expect(() => influxLiteral(Number.NaN)).toThrow(RangeError);
    expect(() => influxLiteral(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('inlineParams', () => {
  it('replaces placeholders with escaped literals', () => {
    expect(
      inlineParams('SELECT * FROM "truck" WHERE "device" = $device AND time >= $from AND speed > $v', {
        device: "T1' OR 1=1 --",
        from: new Date(Date.UTC(2026, 0, 1)),
        v: 80,
      }),
    ).toBe(
      "SELECT * FROM \"truck\" WHERE \"device\" = 'T1\\' OR 1=1 --' AND time >= '2026-01-01T00:00:00.000Z' AND speed > 80",
    );
  });

  it('leaves $ inside strings, identifiers, regular expressions and comments alone', () => {
    const q = `SELECT "$x" FROM m WHERE a = '$x' AND b =~ /^c$/ AND d !~/e$x/ -- $x\nAND e = $x /* $x */`;
    expect(inlineParams(q, { x: 1 })).toBe(
      `SELECT "$x" FROM m WHERE a = '$x' AND b =~ /^c$/ AND d !~/e$x/ -- $x\nAND e = 1 /* $x */`,
    );
  });

  it('names a placeholder without a parameter', () => {
    expect(() => inlineParams('SELECT * FROM m WHERE a = $missing', {})).toThrow(
      'missing query parameter: missing',
    );
  });

  it('does not take inherited properties for parameters', () => {
    expect(() => inlineParams('SELECT $toString', {})).toThrow(/toString/);
  });
});

describe('paramsJson', () => {
  it('sends Dates as RFC 3339 strings and refuses what JSON would mangle', () => {
    expect(paramsJson({ d: 'T1', from: new Date(Date.UTC(2026, 0, 1)), n: 3, b: false })).toBe(
      '{"d":"T1","from":"2026-01-01T00:00:00.000Z","n":3,"b":false}',
    );
    expect(() => paramsJson({ n: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('parseQueryResponse', () => {
  it('turns series into rows keyed by column, with tags and statement index', () => {
    const body = {
      results: [
        {
          statement_id: 0,
          series: [{ name: 'truck', columns: ['time', 'speed', 'q'], values: [[1000, 61.5, 'ok']] }],
        },
        { statement_id: 1 },
        {
          statement_id: 2,
          series: [{ name: 'gas', tags: { device: 'G1' }, columns: ['time', 'count'], values: [[0, 3]] }],
        },
      ],
    };
    expect(parseQueryResponse(body)).toEqual([
      {
        statement: 0,
        name: 'truck',
        tags: {},
        columns: ['time', 'speed', 'q'],
        rows: [{ time: 1000, speed: 61.5, q: 'ok' }],
      },
      {
        statement: 2,
        name: 'gas',
        tags: { device: 'G1' },
        columns: ['time', 'count'],
        rows: [{ time: 0, count: 3 }],
      },
    ]);
  });

  it('throws the error of a request or of a statement', () => {
    expect(() => parseQueryResponse({ error: 'error parsing query: found SELEC' })).toThrow(InfluxQueryError);
    expect(() =>
      parseQueryResponse({ results: [{ statement_id: 0, error: 'database not found: x' }] }),
    ).toThrow('InfluxDB could not run statement 0: database not found: x');
    expect(() => parseQueryResponse('<html>')).toThrow(InfluxQueryError);
  });
});
