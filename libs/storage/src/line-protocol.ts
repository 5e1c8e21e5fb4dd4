import {
  ALERT_TRANSITIONS,
  FIELD_SPECS,
  MAX_STORABLE_TS,
  SEVERITIES,
  type Alert,
  type AlertTransition,
  type AlertTransitionType,
  type DeviceKind,
  type ReadingRecord,
  type RejectionRecord,
  type Severity,
} from '@lg/contracts';

/**
 * InfluxDB line protocol, built as strings. A `Point` of the client costs about 1.5 µs a reading against
 * about 0.25 µs for a line concatenated directly (docs/performance), and ingest writes every reading.
 *
 * Escaping follows the client's own `escape` table: measurement `, ␠` and tag keys/values/field keys
 * `, = ␠`, plus CR/LF/TAB written as `\n`, `\r`, `\t` so a line can never be broken in two. Line protocol
 * cannot carry a backslash right before one of those characters or at the end of a tag value; the IDs we
 * write as tags (`[A-Za-z0-9_-]`, rule names, enum values) never contain one.
 */

/** Timestamps of every line built here are epoch milliseconds: write with precision `ms`. */
export const LINE_PRECISION = 'ms';

/**
 * InfluxDB stores times as signed 64-bit nanoseconds: 1677-09-21T00:12:43Z to 2262-04-11T23:47:16Z. Times
 * the API accepts in queries end at the start of 2262 (where readings' times end too), which leaves room
 * for the periods built from them (a default day after `from`, a period widened to whole hours).
 */
export const MAX_QUERY_TIME_MS = MAX_STORABLE_TS;

/** The measurement of alert transitions; readings go to the measurement named by their kind. */
export const ALERT_EVENT_MEASUREMENT = 'alert_event';

const MEASUREMENT_SPECIAL = /[, \n\r\t]/;
const KEY_SPECIAL = /[,= \n\r\t]/;
const STRING_SPECIAL = /["\\]/;
const REPLACEMENTS: Record<string, string> = {
  ',': '\\,',
  '=': '\\=',
  ' ': '\\ ',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '"': '\\"',
  '\\': '\\\\',
};
const replace = (c: string): string => REPLACEMENTS[c];

// The regex test first: nearly every value needs no escaping and `test` is far cheaper than `replace`.
export function escapeMeasurement(name: string): string {
  return MEASUREMENT_SPECIAL.test(name) ? name.replace(/[, \n\r\t]/g, replace) : name;
}

/** Escapes a tag key, a tag value or a field key. */
export function escapeKey(value: string): string {
  return KEY_SPECIAL.test(value) ? value.replace(/[,= \n\r\t]/g, replace) : value;
}

/** A string field value, quoted; only `"` and `\` are escaped, newlines are kept as they are. */
export function quoteString(value: string): string {
  return STRING_SPECIAL.test(value) ? '"' + value.replace(/["\\]/g, replace) + '"' : '"' + value + '"';
}

/**
 * A float field value. `String()` may give exponent notation (`1e+21`, `1e-7`), which InfluxDB accepts;
 * a whole number such as `60` stays a float because it carries no `i` suffix.
 */
function floatValue(value: number): string {
  return String(value);
}

/** `,key=value` for a tag, or nothing for an empty value: InfluxDB treats an absent tag as an empty one. */
function tag(key: string, value: string): string {
  return value === '' ? '' : ',' + key + '=' + escapeKey(value);
}

/**
 * One point: the series (measurement and tags), the fields, the time in epoch ms. `readingLine` writes the
 * same inline, as it runs for every reading.
 */
function pointLine(series: string, fields: string, at: number): string {
  return series + ' ' + fields + ' ' + integerText(at);
}

/**
 * An integer as text. V8 formats numbers above 2^31 (epoch-ms times) several times slower than small ones,
 * which it also caches; two small halves are about 4× faster for the two times of every reading.
 */
export function integerText(n: number): string {
  if (n < 1e9 && n > -1e9) return '' + n;
  if (n < 0 || n > Number.MAX_SAFE_INTEGER) return String(n);
  const high = Math.floor(n / 1e6);
  const low = '' + (n - high * 1e6);
  return high + ZEROS[6 - low.length] + low;
}
const ZEROS = ['', '0', '00', '000', '0000', '00000'];

/** How a field of the contract is written: its escaped key with `=`, and whether it is an integer. */
interface FieldCodec {
  prefix: string;
  integer: boolean;
}

const FIELD_CODECS: Record<DeviceKind, ReadonlyMap<string, FieldCodec>> = {
  truck: codecsOf('truck'),
  slope: codecsOf('slope'),
  gas: codecsOf('gas'),
};

function codecsOf(kind: DeviceKind): ReadonlyMap<string, FieldCodec> {
  const specs = FIELD_SPECS[kind];
  return new Map(
    Object.keys(specs).map((name) => [
      name,
      { prefix: escapeKey(name) + '=', integer: specs[name].type === 'integer' },
    ]),
  );
}

/**
 * The line of one reading: measurement = kind (`truck`|`slope`|`gas`); tags `device`, `owner`, `q`
 * (`ok`|`bad`), nothing else, so a reading written twice lands on the same series and time; fields from
 * `r.f` (contract integers such as `alarm`, `sats` as `123i`, other numbers as floats, booleans, quoted
 * strings), `why` (reasons joined by commas) when unqualified or flagged (`drift`), and `rx` (time received, epoch ms, integer);
 * timestamp `r.ts` in epoch ms (precision `ms`).
 *
 * Non-finite numbers are left out (line protocol cannot carry them; validation already refuses them).
 */
export function readingLine(r: ReadingRecord): string {
  const codecs = FIELD_CODECS[r.kind];
  let fields = '';
  for (const name in r.f) {
    const value = r.f[name];
    const codec = codecs.get(name);
    let encoded: string;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) continue;
      // Math.trunc: a stray fraction must not turn an integer field into a float, which would make every
      // later integer write to this shard a field type conflict.
      encoded = codec?.integer ? integerText(Math.trunc(value)) + 'i' : floatValue(value);
    } else if (typeof value === 'boolean') {
      encoded = value ? 'true' : 'false';
    } else {
      encoded = quoteString(value);
    }
    fields += (fields === '' ? '' : ',') + (codec?.prefix ?? escapeKey(name) + '=') + encoded;
  }
  if (r.why !== undefined && r.why.length > 0) {
    fields += (fields === '' ? '' : ',') + 'why=' + quoteString(r.why.join(','));
  }
  fields += (fields === '' ? '' : ',') + 'rx=' + integerText(Math.trunc(r.rx)) + 'i';
  // kind and q are closed enums that need no escaping.
  return (
    r.kind +
    tag('device', r.device) +
    tag('owner', r.owner) +
    ',q=' +
    r.q +
    ' ' +
    fields +
    ' ' +
    integerText(Math.trunc(r.ts))
  );
}

/**
 * The line of one alert transition, measurement `alert_event`: tags `alert` (the alert ID), `device`,
 * `kind`, `owner`, `rule`, `severity`, `type` (sorted, as InfluxDB prefers); fields `by` (string),
 * `active`, `acknowledged` (booleans), the value as `value` (float) when numeric or `value_text` (string)
 * when textual (one field cannot hold both types in a shard), `note`, `previous_severity`, and the cleared
 * acknowledgements as `cleared_ack_by`/`cleared_ack_at` and `cleared_company_ack_by`/`…_at` (strings) when
 * present, the trace as `trace_job`, `trace_up_to` (strings), `trace_rx`, `trace_ts` (integers); timestamp `t.at` in epoch ms (precision `ms`). Read it back with {@link alertTransitionFromRow}.
 *
 * @throws RangeError when `t.at` is not a date.
 */
export function alertTransitionLine(
  t: AlertTransition,
  a: Pick<Alert, 'rule' | 'kind' | 'owner' | 'device'>,
): string {
  const at = Date.parse(t.at);
  if (Number.isNaN(at)) throw new RangeError(`alert ${t.alertId} transition time "${t.at}" is not a date`);
  let fields = 'by=' + quoteString(t.by) + ',active=' + t.active + ',acknowledged=' + t.acknowledged;
  if (typeof t.value === 'number') {
    if (Number.isFinite(t.value)) fields += ',value=' + floatValue(t.value);
  } else if (typeof t.value === 'string') {
    fields += ',value_text=' + quoteString(t.value);
  }
  if (t.note !== undefined) fields += ',note=' + quoteString(t.note);
  if (t.previousSeverity !== undefined) fields += ',previous_severity=' + quoteString(t.previousSeverity);
  if (t.clearedAck !== undefined)
    fields +=
      ',cleared_ack_by=' + quoteString(t.clearedAck.by) + ',cleared_ack_at=' + quoteString(t.clearedAck.at);
  if (t.clearedCompanyAck !== undefined)
    fields +=
      ',cleared_company_ack_by=' +
      quoteString(t.clearedCompanyAck.by) +
      ',cleared_company_ack_at=' +
      quoteString(t.clearedCompanyAck.at);
  if (t.trace !== undefined) {
    fields += ',trace_job=' + quoteString(t.trace.job) + ',trace_up_to=' + quoteString(t.trace.upTo);
    if (t.trace.rx !== undefined) fields += ',trace_rx=' + integerText(Math.trunc(t.trace.rx)) + 'i';
    if (t.trace.ts !== undefined) fields += ',trace_ts=' + integerText(Math.trunc(t.trace.ts)) + 'i';
  }
  return pointLine(
    ALERT_EVENT_MEASUREMENT +
      tag('alert', t.alertId) +
      tag('device', a.device) +
      tag('kind', a.kind) +
      tag('owner', a.owner) +
      tag('rule', a.rule) +
      tag('severity', t.severity) +
      tag('type', t.type),
    fields,
    at,
  );
}

/**
 * Rebuilds a transition from a row of `SELECT * FROM alert_event` queried with epoch `ms` (tags merged into
 * the row, as {@link InfluxRepository.queryRows} returns them). Returns undefined for a row that is not a
 * transition written by {@link alertTransitionLine}.
 */
export function alertTransitionFromRow(
  row: Readonly<Record<string, string | number | boolean | null>>,
): AlertTransition | undefined {
  const { time, alert, type, severity, by, active, acknowledged, value, value_text, note } = row;
  const {
    previous_severity,
    cleared_ack_by,
    cleared_ack_at,
    cleared_company_ack_by,
    cleared_company_ack_at,
  } = row;
  const { trace_job, trace_up_to, trace_rx, trace_ts } = row;
  if (typeof time !== 'number' || typeof alert !== 'string' || typeof by !== 'string') return undefined;
  if (!isTransitionType(type) || !isSeverity(severity)) return undefined;
  if (typeof active !== 'boolean' || typeof acknowledged !== 'boolean') return undefined;
  const transition: AlertTransition = {
    alertId: alert,
    type,
    at: new Date(time).toISOString(),
    by,
    severity,
    active,
    acknowledged,
    value: typeof value === 'number' ? value : typeof value_text === 'string' ? value_text : null,
  };
  if (typeof note === 'string') transition.note = note;
  if (isSeverity(previous_severity)) transition.previousSeverity = previous_severity;
  if (typeof cleared_ack_by === 'string' && typeof cleared_ack_at === 'string')
    transition.clearedAck = { by: cleared_ack_by, at: cleared_ack_at };
  if (typeof cleared_company_ack_by === 'string' && typeof cleared_company_ack_at === 'string')
    transition.clearedCompanyAck = { by: cleared_company_ack_by, at: cleared_company_ack_at };
  if (typeof trace_job === 'string' && typeof trace_up_to === 'string') {
    transition.trace = { job: trace_job, upTo: trace_up_to };
    if (typeof trace_rx === 'number') transition.trace.rx = trace_rx;
    if (typeof trace_ts === 'number') transition.trace.ts = trace_ts;
  }
  return transition;
}

function isTransitionType(value: unknown): value is AlertTransitionType {
  return typeof value === 'string' && (ALERT_TRANSITIONS as readonly string[]).includes(value);
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Measurement of the refused messages kept for the years handling records are kept (docs/lifecycle.md). */
export const REJECTION_MEASUREMENT = 'rejection';

/**
 * The line of one refused message (or reading of a batch), measurement `rejection`, in the `records`
 * policy: tags `owner` and `reason` only (a registry owner and one of the contract's reasons, so the series
 * stay few); fields `device`, `kind`, `topic`, `message`, `excerpt`, `entry` (the owner's history entry ID)
 * and `correlation` (strings: a device name or a kind comes from a client's topic, so never a tag), `bytes`,
 * `index`, `received_at` (integers) and the reading's own `ts` (`ts` integer, or `ts_text` when sent as a
 * string). Timestamp `at`, epoch ms: the receipt time, which {@link RejectionTimes} moves on by a
 * millisecond where refusals of one owner and reason share one (InfluxDB keeps one point per series and
 * time).
 */
export function rejectionLine(r: RejectionRecord, at: number): string {
  let fields =
    'device=' +
    quoteString(r.device) +
    ',kind=' +
    quoteString(r.kind) +
    ',topic=' +
    quoteString(r.topic) +
    ',message=' +
    quoteString(r.message) +
    ',excerpt=' +
    quoteString(r.excerpt) +
    ',entry=' +
    quoteString(r.id) +
    ',bytes=' +
    integerText(r.bytes) +
    'i,received_at=' +
    integerText(Date.parse(r.receivedAt)) +
    'i';
  if (r.index !== undefined) fields += ',index=' + integerText(r.index) + 'i';
  if (typeof r.ts === 'number' && Number.isSafeInteger(r.ts)) fields += ',ts=' + integerText(r.ts) + 'i';
  else if (r.ts !== undefined) fields += ',ts_text=' + quoteString(String(r.ts));
  if (r.correlationData !== undefined) fields += ',correlation=' + quoteString(r.correlationData);
  return pointLine(REJECTION_MEASUREMENT + tag('owner', r.owner) + tag('reason', r.reason), fields, at);
}

/**
 * Times for {@link rejectionLine}: each refusal's receipt time, or one millisecond after the last time
 * given to the same owner and reason, whichever is later, so that a batch of refusals received in one
 * millisecond keeps every point. Holds one number per owner and reason (the registry's owners, the
 * contract's reasons).
 */
export class RejectionTimes {
  private readonly last = new Map<string, number>();

  at(r: Pick<RejectionRecord, 'owner' | 'reason' | 'receivedAt'>): number {
    const key = r.owner + ' ' + r.reason;
    const previous = this.last.get(key);
    const received = Date.parse(r.receivedAt);
    const at = previous !== undefined && previous >= received ? previous + 1 : received;
    this.last.set(key, at);
    return at;
  }
}
