import { InfluxWriteError, influxErrorMessage, parseDataRejection } from './write-result';

// Bodies as InfluxDB 1.6.7 answers them (captured from the Debian build this platform runs on).
const lines = ['m,a=1 v=1 1000', 'm,a=1 v=oops 2000', 'm,a=1 v=3 3000', 'm2 x 4', 'm,a=1 v=5 5000'];
const json = (error: string) => JSON.stringify({ error });

describe('parseDataRejection', () => {
  it('names the unparsable lines of a 1.x partial write and knows the rest was stored', () => {
    const body = json(
      "partial write: unable to parse 'm,a=1 v=oops 2000': invalid boolean\nunable to parse 'm2 x 4': invalid field format dropped=0",
    );
    const r = parseDataRejection(body, lines);
    expect(r?.named).toEqual(
      new Map([
        [1, "unable to parse 'm,a=1 v=oops 2000': invalid boolean"],
        [3, "unable to parse 'm2 x 4': invalid field format"],
      ]),
    );
    expect(r?.othersWritten).toBe(true);
  });

  it('counts dropped points it cannot name (field type conflict) and promises nothing about the rest', () => {
    const body = json(
      'partial write: field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=1',
    );
    const r = parseDataRejection(body, lines);
    expect(r?.named.size).toBe(0);
    expect(r?.dropped).toBe(1);
    expect(r?.othersWritten).toBe(false);
    expect(r?.reason).toBe(
      'field type conflict: input field "v" on measurement "m" is type string, already exists as type float',
    );
  });

  it('reads a batch where nothing parsed (no "partial write")', () => {
    const r = parseDataRejection(json("unable to parse 'bad line': invalid field format"), ['bad line']);
    expect(r?.named).toEqual(new Map([[0, "unable to parse 'bad line': invalid field format"]]));
    expect(r?.othersWritten).toBe(false);
  });

  it("finds a line whose string field contains ': ", () => {
    const tricky = `m s="x': y" 1`;
    const body = json(`partial write: unable to parse '${tricky}': bad timestamp dropped=0`);
    expect(parseDataRejection(body, ['m v=1 1', tricky])?.named.get(1)).toBe(
      `unable to parse '${tricky}': bad timestamp`,
    );
  });

  it('does not claim the rest was stored when a named failure cannot be matched to a line', () => {
    const body = json("partial write: unable to parse 'm s=\"a': unbalanced quotes dropped=0");
    const r = parseDataRejection(body, ['m s="a\nb" 1', 'm v=1 1']);
    expect(r?.othersWritten).toBe(false);
  });

  it('names every copy of a duplicated bad line', () => {
    const body = json("partial write: unable to parse 'x': invalid field format dropped=0");
    expect([...(parseDataRejection(body, ['x', 'm v=1 1', 'x'])?.named.keys() ?? [])]).toEqual([0, 2]);
  });

  it('reads the 3.x format with line numbers', () => {
    const body = JSON.stringify({
      error: 'partial write of line protocol occurred',
      data: [{ original_line: 'm2 x 4', line_number: 4, error_message: 'invalid field' }],
    });
    const r = parseDataRejection(body, lines);
    expect(r?.named).toEqual(new Map([[3, 'invalid field']]));
    expect(r?.othersWritten).toBe(true);
  });

  it('reads 2.x messages', () => {
    const body = JSON.stringify({
      code: 'invalid',
      message: "unable to parse 'm2 x 4': invalid field format",
    });
    expect(parseDataRejection(body, lines)?.named.get(3)).toBe(
      "unable to parse 'm2 x 4': invalid field format",
    );
  });

  it('is undefined for a 400 that is not about the data', () => {
    expect(parseDataRejection(json('invalid precision "x"'), lines)).toBeUndefined();
    expect(parseDataRejection(undefined, lines)).toBeUndefined();
  });
});

describe('influxErrorMessage', () => {
  it('reads 1.x/3.x error, 2.x message, or plain text', () => {
    expect(influxErrorMessage(json('database not found: "x"'))).toBe('database not found: "x"');
    expect(influxErrorMessage('{"code":"not found","message":"bucket \\"x\\" not found"}')).toBe(
      'bucket "x" not found',
    );
    expect(influxErrorMessage('404 page not found\n')).toBe('404 page not found');
  });
});

describe('InfluxWriteError', () => {
  it('tells transient failures from refusals', () => {
    expect(new InfluxWriteError('x', 'timeout').transient).toBe(true);
    expect(new InfluxWriteError('x', 'closed').transient).toBe(true);
    expect(new InfluxWriteError('x', 'refused', 404).transient).toBe(false);
    expect(new InfluxWriteError('x', 'timeout', 503).transient).toBe(true);
  });
});
