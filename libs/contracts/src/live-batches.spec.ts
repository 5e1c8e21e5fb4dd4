import { isPosition } from './records';
import { isRejectionRecord } from './rejection-history';

const position = {
  id: 'HZ-C01-001',
  owner: 'C01',
  lat: 22.72,
  lon: 114.25,
  speed: 41,
  heading: 90,
  ts: '2026-03-01T08:00:00.000Z',
};
const refusal = {
  id: '1767225600000-0',
  owner: 'C01',
  device: 'HZ-C01-001',
  kind: 'truck',
  reason: 'schema',
  message: 'lat: expected number',
  topic: 'lg/v1/truck/C01/HZ-C01-001/telemetry',
  receivedAt: '2026-03-01T08:00:00.000Z',
  excerpt: '{"lat":"x"}',
  bytes: 11,
};

describe('items of the live batches (positions, refusals)', () => {
  it('takes a well-formed position and a refusal with a known reason', () => {
    expect(isPosition(position)).toBe(true);
    expect(isRejectionRecord(refusal)).toBe(true);
  });

  it.each([
    ['null', null],
    ['an array', [position]],
    ['a string', JSON.stringify(position)],
    ['no owner', { ...position, owner: undefined }],
    ['a latitude as text', { ...position, lat: '22.72' }],
    ['no longitude', { ...position, lon: undefined }],
    ['a time that is not a date', { ...position, ts: 'yesterday' }],
  ])('refuses a position that is %s', (_, item) => {
    expect(isPosition(item)).toBe(false);
  });

  it.each([
    ['null', null],
    ['no device', { ...refusal, device: undefined }],
    ['an unknown reason', { ...refusal, reason: 'bored' }],
    ['a numeric receipt time', { ...refusal, receivedAt: 1767225600000 }],
    ['a numeric ID', { ...refusal, id: 1 }],
  ])('refuses a refusal record with %s', (_, item) => {
    expect(isRejectionRecord(item)).toBe(false);
  });
});
