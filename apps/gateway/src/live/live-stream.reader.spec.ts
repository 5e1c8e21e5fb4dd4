import { compareIds } from './live-stream.reader';

describe('compareIds', () => {
  it('orders stream entry IDs by time, then sequence, as numbers', () => {
    expect(compareIds('1700000000000-0', '1700000000000-0')).toBe(0);
    expect(compareIds('1700000000000-2', '1700000000000-10')).toBe(-1);
    expect(compareIds('1700000000001-0', '1700000000000-99')).toBe(1);
    expect(compareIds('999-0', '1000-0')).toBe(-1);
    expect(compareIds('0-0', '1700000000000-0')).toBe(-1);
  });
});
