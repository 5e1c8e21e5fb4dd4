/**
 * InfluxQL helpers: literal quoting, client-side parameter inlining for servers that do not bind `params`,
 * and the `/query` JSON response turned into typed series.
 *
 * InfluxQL rather than Flux because 1.x `/query`, the 2.x v1-compatible `/query` and 3.x all answer it.
 */

/** A value InfluxDB returns in a query row (`time` is epoch ms when queried with epoch `ms`). */
export type InfluxValue = string | number | boolean | null;

/** A row: column name → value. Tags of the series are merged in by `queryRows`. */
export type InfluxRow = Record<string, InfluxValue>;

/** A value bound to a `$name` placeholder. A Date is sent as an RFC 3339 string, which compares with `time`. */
export type QueryParam = string | number | boolean | Date;
export type QueryParams = Readonly<Record<string, QueryParam>>;

/** One series of a result. `R` is asserted, not checked: declare only the columns the query selects. */
export interface InfluxSeries<R extends InfluxRow = InfluxRow> {
  /** Index of the statement in a multi-statement query. */
  statement: number;
  /** The measurement (or `databases`, `measurements`, ... for SHOW statements). */
  name: string;
  /** The GROUP BY tags of this series; empty without GROUP BY. */
  tags: Record<string, string>;
  columns: string[];
  rows: R[];
}

/** A string literal: `'...'` with `\` and `'` escaped and control characters written as escapes. */
export function influxString(value: string): string {
  return "'" + value.replace(/[\\'\n\r\t]/g, (c) => STRING_ESCAPES[c]) + "'";
}

/** A quoted identifier (measurement, tag, field, database): `"..."` with `\` and `"` escaped. */
export function influxIdentifier(name: string): string {
  return '"' + name.replace(/[\\"\n\r\t]/g, (c) => STRING_ESCAPES[c]) + '"';
}

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A parameter written as an InfluxQL literal. */
export function influxLiteral(value: QueryParam): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError('query parameter is an invalid Date');
    return influxString(value.toISOString());
  }
  if (typeof value === 'string') return influxString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!Number.isFinite(value)) throw new RangeError(`query parameter ${value} is not a finite number`);
  const text = String(value);
  // InfluxQL has no exponent notation.
  return text.includes('e')
    ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
    : text;
}

/** Parameters as the `params` JSON of `/query` expects them (Dates as RFC 3339 strings). */
export function paramsJson(params: QueryParams): string {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new RangeError(`query parameter ${name} is an invalid Date`);
      out[name] = value.toISOString();
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new RangeError(`query parameter ${name} is not a finite number`);
    } else {
      out[name] = value;
    }
  }
  return JSON.stringify(out);
}

/**
 * Replaces every `$name` placeholder outside string literals, quoted identifiers, regular expressions and
 * comments by the literal of `params[name]`: for servers that ignore `params`.
 *
 * @throws Error naming the placeholder that has no parameter.
 */
export function inlineParams(influxql: string, params: QueryParams): string {
  let out = '';
  let i = 0;
  const n = influxql.length;
  while (i < n) {
    const c = influxql[i];
    if (c === "'" || c === '"') {
      const end = closing(influxql, i, c);
      out += influxql.slice(i, end);
      i = end;
    } else if (c === '/' && influxql[i + 1] === '*') {
      const end = influxql.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += influxql.slice(i, stop);
      i = stop;
    } else if (c === '-' && influxql[i + 1] === '-') {
      const end = influxql.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      out += influxql.slice(i, stop);
      i = stop;
    } else if (c === '/' && afterRegexOperator(influxql, i)) {
      const end = closing(influxql, i, '/');
      out += influxql.slice(i, end);
      i = end;
    } else if (c === '$') {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(influxql[j])) j++;
      const name = influxql.slice(i + 1, j);
      if (name === '') {
        out += c;
        i++;
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(params, name))
        throw new Error(`missing query parameter: ${name}`);
      out += influxLiteral(params[name]);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the quote (or slash) that closes the literal opened at `start`, honouring `\` escapes. */
function closing(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/** A `/` opens a regular expression when it follows `=~` or `!~` (whitespace aside). */
function afterRegexOperator(text: string, slash: number): boolean {
  let k = slash - 1;
  while (k >= 0 && /\s/.test(text[k])) k--;
  return k >= 1 && text[k] === '~' && (text[k - 1] === '=' || text[k - 1] === '!');
}

/** An error of `/query`: a refused request, or a statement InfluxDB could not run. */
export class InfluxQueryError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the whole request was refused. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InfluxQueryError';
  }
}

/**
 * The series of a `/query` JSON response, every statement's in order.
 *
 * @throws InfluxQueryError when the response or one of its statements carries an error.
 */
export function parseQueryResponse<R extends InfluxRow = InfluxRow>(body: unknown): InfluxSeries<R>[] {
  if (!isObject(body)) throw new InfluxQueryError('InfluxDB answered /query with something other than JSON');
  if (typeof body.error === 'string') throw new InfluxQueryError(`InfluxDB refused the query: ${body.error}`);
  const results = Array.isArray(body.results) ? (body.results as unknown[]) : [];
  const out: InfluxSeries<R>[] = [];
  results.forEach((result, index) => {
    if (!isObject(result)) return;
    const statement = typeof result.statement_id === 'number' ? result.statement_id : index;
    if (typeof result.error === 'string') {
      throw new InfluxQueryError(`InfluxDB could not run statement ${statement}: ${result.error}`);
    }
    if (!Array.isArray(result.series)) return;
    for (const s of result.series as unknown[]) {
      if (!isObject(s)) continue;
      const columns = Array.isArray(s.columns) ? s.columns.map(String) : [];
      const values = Array.isArray(s.values) ? (s.values as unknown[]) : [];
      const rows = values.map((v) => {
        const row: InfluxRow = {};
        const cells = Array.isArray(v) ? (v as unknown[]) : [];
        for (let c = 0; c < columns.length; c++) row[columns[c]] = asValue(cells[c]);
        return row as R;
      });
      const tags: Record<string, string> = {};
      if (isObject(s.tags)) for (const [k, t] of Object.entries(s.tags)) tags[k] = String(t);
      out.push({ statement, name: typeof s.name === 'string' ? s.name : '', tags, columns, rows });
    }
  });
  return out;
}

function asValue(cell: unknown): InfluxValue {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'string' || typeof cell === 'number' || typeof cell === 'boolean') return cell;
  return JSON.stringify(cell);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
