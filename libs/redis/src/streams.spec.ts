import { compareIds, isStreamId } from './streams';

describe('compareIds', () => {
  it('orders stream entry IDs by time, then sequence, as numbers', () => {
    expect(compareIds('1700000000000-0', '1700000000000-0')).toBe(0);
    expect(compareIds('1700000000000-2', '1700000000000-10')).toBe(-1);
    expect(compareIds('1700000000001-0', '1700000000000-99')).toBe(1);
    expect(compareIds('999-0', '1000-0')).toBe(-1);
    expect(compareIds('0-0', '1700000000000-0')).toBe(-1);
  });

  it('reads an ID without a sequence as sequence 0', () => {
    expect(compareIds('1700000000000', '1700000000000-0')).toBe(0);
    expect(compareIds('1700000000000', '1700000000000-1')).toBe(-1);
  });
});

describe('isStreamId', () => {
  it('takes <ms>-<seq> only', () => {
    expect(isStreamId('1700000000000-3')).toBe(true);
    expect(isStreamId('0-0')).toBe(true);
    expect(isStreamId('1700000000000')).toBe(false);
    expect(isStreamId('$')).toBe(false);
    expect(isStreamId('12-ab')).toBe(false);
  });
});
