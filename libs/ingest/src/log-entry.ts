import type { LogRecord, ReadingRecord } from '@lg/contracts';
import { partitionOf } from '@lg/contracts';

/**
 * How a reading-log entry is laid out. Ingest encodes each group commit once, in the shapes its two
 * consumers use: the InfluxDB lines of its readings (for storage) and its records as one JSON array per
 * rule partition (for the router, which hands each array on to its partition's job as it is). Neither
 * consumer parses records, and the router never serialises them again.
 *
 * Fields (Redis stream field/value pairs):
 *   `v` `2`, `k` the partition count the records were split by, `n` the number of records,
 *   `l` a JSON array of the readings' InfluxDB lines (a string field value may hold a newline, so lines
 *   are not joined into one text), `p<i>` the JSON array of partition i's records, in log order.
 * The first version held every record in one field `j`; such entries are still read (a log written before
 * an upgrade), as are entries split by another partition count (RULE_PARTITIONS changed with a backlog).
 */
export interface EntryLayout {
  partitions: number;
  /** The InfluxDB line of a reading. */
  line(record: ReadingRecord): string;
}

export function encodeEntry(records: readonly LogRecord[], layout: EntryLayout): string[] {
  const lines: string[] = [];
  for (const r of records) if (r.t === 'r') lines.push(layout.line(r));
  const fields = ['v', '2', 'k', String(layout.partitions), 'n', String(records.length)];
  fields.push('l', JSON.stringify(lines));
  for (const [p, json] of splitRecords(records, layout.partitions)) fields.push(`p${p}`, json);
  return fields;
}

/** Each partition's records (those it has any of), as one JSON array, in log order. */
function splitRecords(records: readonly LogRecord[], partitions: number): Map<number, string> {
  const byPartition = new Map<number, LogRecord[]>();
  for (const r of records) {
    const p = partitionOf(r.device, partitions);
    let list = byPartition.get(p);
    if (!list) byPartition.set(p, (list = []));
    list.push(r);
  }
  return new Map([...byPartition].map(([p, list]) => [p, JSON.stringify(list)]));
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** Every record of an entry, in log order within each device. */
export function decodeEntry(fields: readonly string[]): LogRecord[] {
  const j = field(fields, 'j');
  if (j !== undefined) return JSON.parse(j) as LogRecord[];
  const out: LogRecord[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i].startsWith('p')) for (const r of JSON.parse(fields[i + 1]) as LogRecord[]) out.push(r);
  }
  return out;
}

/** The number of records of an entry. */
export function entrySize(fields: readonly string[]): number {
  const n = field(fields, 'n');
  return n !== undefined ? Number(n) : decodeEntry(fields).length;
}

/** The InfluxDB lines of an entry's readings, when ingest built them (a version-2 entry). */
export function entryLines(fields: readonly string[]): string[] | undefined {
  const l = field(fields, 'l');
  return l !== undefined ? (JSON.parse(l) as string[]) : undefined;
}

/**
 * The JSON array of each partition's records, for `partitions` partitions: as written when the entry was
 * split that way, otherwise (a first-version entry, or another partition count) decoded and split now.
 */
export function entrySlices(fields: readonly string[], partitions: number): Map<number, string> {
  if (field(fields, 'v') !== '2' || field(fields, 'k') !== String(partitions))
    return splitRecords(decodeEntry(fields), partitions);
  const out = new Map<number, string>();
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i].startsWith('p')) out.set(Number(fields[i].slice(1)), fields[i + 1]);
  }
  return out;
}
