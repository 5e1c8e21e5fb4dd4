import { partitionOf, type LogRecord, type ReadingRecord } from '@lg/contracts';
import { decodeEntry, encodeEntry, entryLines, entrySize, entrySlices } from './log-entry';

const reading = (device: string, ts: number): ReadingRecord => ({
  t: 'r',
  kind: 'gas',
  owner: 'P01',
  device,
  ts,
  rx: ts,
  q: 'ok',
  f: { lel: 3, note: 'line\nbreak' },
});
const layout = { partitions: 4, line: (r: ReadingRecord) => `gas,device=${r.device} lel=3 ${r.ts}` };

describe('reading-log entries', () => {
  const records: LogRecord[] = [
    reading('G001', 1),
    { t: 's', kind: 'gas', owner: 'P01', device: 'G002', online: false, ts: 2, rx: 2 },
    reading('G003', 3),
    reading('G001', 4),
  ];
  const fields = encodeEntry(records, layout);

  it('holds the InfluxDB line of each reading, and none for a status', () => {
    expect(entryLines(fields)).toEqual([
      'gas,device=G001 lel=3 1',
      'gas,device=G003 lel=3 3',
      'gas,device=G001 lel=3 4',
    ]);
  });

  /** Each slice holds exactly its partition's records, in log order, and together they hold every record. */
  const expectSplit = (slices: Map<number, string>, partitions: number, fieldsRaw?: string[]) => {
    for (const [p, json] of slices) {
      const expected = records.filter((r) => partitionOf(r.device, partitions) === p);
      expect(JSON.parse(json)).toEqual(expected);
    }
    expect([...slices.values()].reduce((n, json) => n + (JSON.parse(json) as unknown[]).length, 0)).toBe(4);
    if (fieldsRaw)
      for (const [p, json] of slices) expect(fieldsRaw[fieldsRaw.indexOf(`p${p}`) + 1]).toBe(json);
  };

  it("holds each partition's records as one JSON array, in log order, handed out as written", () => {
    expectSplit(entrySlices(fields, 4), 4, fields);
  });

  it('splits the records again for another partition count', () => {
    expectSplit(entrySlices(fields, 8), 8);
  });

  it('decodes every record, and counts them without decoding', () => {
    expect(entrySize(fields)).toBe(4);
    const decoded = decodeEntry(fields);
    expect(decoded).toHaveLength(4);
    expect(decoded.filter((r) => r.device === 'G001').map((r) => r.ts)).toEqual([1, 4]);
    expect(decoded).toEqual(expect.arrayContaining(records));
  });

  it('still reads an entry of the first version (one field j)', () => {
    const old = ['j', JSON.stringify(records)];
    expect(decodeEntry(old)).toEqual(records);
    expect(entrySize(old)).toBe(4);
    expect(entryLines(old)).toBeUndefined();
    expectSplit(entrySlices(old, 4), 4);
  });
});
