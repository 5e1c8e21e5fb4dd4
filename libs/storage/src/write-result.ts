/** A line InfluxDB refused for good: malformed, a field type conflict, outside retention, too large. */
export interface RejectedLine {
  /** Index in the `lines` given to `write`. */
  index: number;
  line: string;
  /** InfluxDB's reason, e.g. `unable to parse '...': invalid boolean` or `field type conflict: ...`. */
  reason: string;
}

/**
 * What InfluxDB did with the lines of one `write`. Every line is either written or rejected: a rejected
 * line will never be accepted as it is, so retrying it is pointless; count it and move on.
 */
export interface WriteResult {
  /** Lines InfluxDB stored (a line it already had counts: a rewrite lands on the same point). */
  written: number;
  rejected: RejectedLine[];
}

/** Why a write did not complete. */
export type WriteFailure = 'timeout' | 'refused' | 'closed';

/**
 * A write that did not complete: nothing can be assumed about its lines (some may have landed), so the
 * caller keeps its log entry and writes again later; a rewrite lands once.
 */
export class InfluxWriteError extends Error {
  constructor(
    message: string,
    /**
     * `timeout`: not accepted within the retry window (the last answer may be a 429/5xx status);
     * `refused`: an answer no retry can change (401, 403, 404, unknown retention policy); `closed`: shut down.
     */
    readonly failure: WriteFailure,
    /** HTTP status of the last attempt, when there was a response. */
    readonly status?: number,
    /** InfluxDB's own error message, when it gave one. */
    readonly influxMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InfluxWriteError';
  }

  /**
   * True when the same write may succeed later without anyone changing anything (overload, outage,
   * shutdown); false when InfluxDB refused it for a reason someone must fix (auth, unknown database).
   */
  get transient(): boolean {
    return this.failure !== 'refused';
  }
}

/** What a 400 answer says about the lines of the batch it refused (see {@link parseDataRejection}). */
export interface DataRejection {
  /** Indices (in the batch) of the lines InfluxDB named, with the reason for each. */
  named: Map<number, string>;
  /** True when InfluxDB says it stored every line it did not name (1.x parse-only partial write, 3.x). */
  othersWritten: boolean;
  /** Points dropped without being named (1.x `dropped=N`), when the message tells; all are among the rest. */
  dropped?: number;
  /** The message with `partial write:` and `dropped=N` taken off: the reason for an unnamed bad line. */
  reason: string;
}

const DATA_ERROR =
  /partial write|unable to parse|field type conflict|beyond retention|max-(series|values)-per|invalid (field|tag|measurement)|line protocol/i;
const PARSE_PREFIX = "unable to parse '";

/** InfluxDB's message in an error body: 1.x and 3.x `{"error"}`, 2.x `{"message"}`, or the text itself. */
export function influxErrorMessage(body: string | undefined): string {
  if (body === undefined || body === '') return '';
  const json = parseJson(body);
  if (json !== undefined) {
    if (typeof json.error === 'string') return json.error;
    if (typeof json.message === 'string') return json.message;
  }
  return body.trim();
}

/**
 * Reads a 400 answer to a write of `lines`. Returns undefined when the 400 is not about the data (a bad
 * request of ours, such as an invalid precision), which no retry or split can fix.
 *
 * Formats handled: 1.x `partial write: unable to parse '<line>': <why>\n... dropped=N` (parse failures are
 * named, points that parsed but were dropped, e.g. field type conflicts, are only counted, and when both
 * happen only the latter is reported), 1.x `unable to parse ...` without `partial write` (nothing parsed),
 * 2.x `{"message": "unable to parse ..."}`, 3.x `{"error": "partial write ...", "data": [{original_line,
 * line_number, error_message}]}`.
 */
export function parseDataRejection(
  body: string | undefined,
  lines: readonly string[],
): DataRejection | undefined {
  const message = influxErrorMessage(body);
  if (!DATA_ERROR.test(message)) return undefined;
  const named = new Map<number, string>();
  const indexOf = indexLines(lines);

  const json = body === undefined ? undefined : parseJson(body);
  const data = json !== undefined && Array.isArray(json.data) ? (json.data as unknown[]) : undefined;
  if (data !== undefined) {
    for (const item of data) {
      if (typeof item !== 'object' || item === null) continue;
      const { original_line, line_number, error_message } = item as Record<string, unknown>;
      const why = typeof error_message === 'string' ? error_message : message;
      const byText = typeof original_line === 'string' ? indexOf.get(original_line) : undefined;
      if (byText !== undefined) for (const i of byText) named.set(i, why);
      else if (typeof line_number === 'number' && line_number >= 1 && line_number <= lines.length) {
        named.set(line_number - 1, why);
      }
    }
    return { named, othersWritten: /partial/i.test(message), reason: message };
  }

  const droppedMatch = /\s*dropped=(\d+)\s*$/.exec(message);
  const dropped = droppedMatch ? Number(droppedMatch[1]) : undefined;
  let reason = droppedMatch ? message.slice(0, droppedMatch.index) : message;
  const partial = reason.startsWith('partial write:');
  if (partial) reason = reason.slice('partial write:'.length).trim();

  // 1.x joins parse failures with newlines; a line of ours may itself contain a newline inside a string
  // field, which splits its entry, so every `': ` of an entry is tried until the text is one of our lines.
  let parseFailures = 0;
  let recognised = 0;
  for (const entry of reason.split('\n')) {
    if (!entry.startsWith(PARSE_PREFIX)) continue;
    parseFailures++;
    for (let at = entry.indexOf("': ", PARSE_PREFIX.length); at >= 0; at = entry.indexOf("': ", at + 1)) {
      const found = indexOf.get(entry.slice(PARSE_PREFIX.length, at));
      if (found !== undefined) {
        for (const i of found) named.set(i, entry);
        recognised++;
        break;
      }
    }
  }
  // Only a parse-only 1.x partial write where every failure was recognised says the rest was stored.
  const othersWritten = partial && dropped === 0 && parseFailures > 0 && recognised === parseFailures;
  return { named, othersWritten, dropped: partial ? dropped : undefined, reason };
}

function indexLines(lines: readonly string[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  lines.forEach((line, i) => {
    const list = map.get(line);
    if (list) list.push(i);
    else map.set(line, [i]);
  });
  return map;
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
