import { names } from './names';

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
function hashed(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

describe('names for Redis Cluster', () => {
  const n = names('lg');

  it('keeps every key of a rule evaluation (one fenced script) in one slot', () => {
    const keys = [
      n.partitionLease(3),
      n.partitionState(3),
      n.partitionDeadlines(3),
      n.partitionEscalations(3),
      n.partitionState(0),
      n.alert('gas.lel:G001:1700000000000'),
      n.alertIndex,
      n.openAlerts,
      n.alertsOf('C01'),
      n.alertsOf('C01', 'inactive'),
      n.alertsOf(undefined, 'active'),
      n.clearedAlerts,
      n.presence,
      n.live,
    ];
    expect(new Set(keys.map(hashed))).toEqual(new Set(['lg']));
  });

  it('keeps the keys of an incident assignment in the slot of the alerts', () => {
    const keys = [
      n.alert('x'),
      n.incident('rule=truck.offline|owner=C01~abc'),
      n.incidentMembers('rule=truck.offline|owner=C01~abc'),
      n.incidentHead('rule=truck.offline|owner=C01'),
      n.incidentsOf(undefined),
      n.incidentsOf('C01'),
    ];
    expect(new Set(keys.map(hashed))).toEqual(new Set(['lg']));
  });

  it('keeps the keys of an acknowledgement in one slot', () => {
    expect(new Set([n.alert('x'), n.openAlerts, n.live].map(hashed)).size).toBe(1);
  });

  it('gives each rule queue a tag of its own, shared by all of that queue’s BullMQ keys', () => {
    const queue = (p: number, suffix: string) => `${n.bullPrefix}:${n.rulesQueue(p)}:${suffix}`;
    expect(new Set(['wait', 'active', 'meta', 'events', '42:lock'].map((s) => hashed(queue(2, s))))).toEqual(
      new Set(['rules-2']),
    );
    expect(hashed(queue(1, 'wait'))).not.toBe(hashed(queue(2, 'wait')));
    expect(n.rulesQueue(2)).not.toContain(':');
  });

  it('keeps tenants with different prefixes apart', () => {
    const other = names('t1');
    expect(other.live).not.toBe(n.live);
    expect(other.alert('x')).not.toBe(n.alert('x'));
    expect(other.socketIo).not.toBe(n.socketIo);
  });
});
