/**
 * Test support for the contract specs: one reading record and one status record as the router puts them
 * in a rule job, for the specs of the job's schema and of its hand-written check.
 */
export const READING_RECORD = {
  t: 'r',
  kind: 'truck',
  owner: 'C01',
  device: 'T001',
  ts: 1_780_000_000_000,
  rx: 1_780_000_000_100,
  q: 'ok',
  f: { lat: 22.7, lon: 114.2, speed: 42.5, ignition: true, driver: 'D-17' },
};

export const STATUS_RECORD = {
  t: 's',
  kind: 'gas',
  owner: 'P01',
  device: 'G001',
  online: false,
  ts: 1,
  rx: 2,
};
