/**
 * Names of every Redis stream, queue and key, derived from one prefix so that tests (and tenants of one
 * Redis) never collide. The partition number is in braces: a Redis Cluster hash tag that keeps one
 * partition's keys in one slot.
 */
export interface Names {
  prefix: string;
  /** Durable reading log written by ingest (stream). */
  readings: string;
  /** Live alert and device events for gateways (stream). */
  live: string;
  /** Consumer group of the reading log that writes InfluxDB. */
  storeGroup: string;
  /** Consumer group of the reading log that hands readings to the rule partitions. */
  routeGroup: string;
  /** BullMQ queue name of one rule partition. */
  rulesQueue(partition: number): string;
  /** Lease that makes one worker the only evaluator of a partition. */
  partitionLease(partition: number): string;
  /** Hash: device ID → JSON rule state, one per partition. */
  partitionState(partition: number): string;
  /** Sorted set: device ID → event time (ms) at which a rule wants a tick (silence-driven rules). */
  partitionDeadlines(partition: number): string;
  /** Sorted set: alert ID → clock time (ms) at which it climbs the next step of its chain. */
  partitionEscalations(partition: number): string;
  /** Clock offset (ms) of the test clock; read only where the test clock is enabled (demo mode). */
  clockOffset: string;
  /** Hash: alert ID → alert fields. */
  alert(id: string): string;
  /** Sorted set of all alert IDs by opening time. */
  alertIndex: string;
  /** Set of open alert IDs. */
  openAlerts: string;
  /** Hash: device ID → JSON presence (last seen, online). */
  presence: string;
  /** Pub/sub channel of throttled truck positions. */
  positionsChannel: string;
  /** Pub/sub channel announcing rule-pack changes. */
  rulesChannel: string;
  /** Hash: rule name → JSON overrides of the rule pack. */
  rulePack: string;
  /** BullMQ prefix. */
  bullPrefix: string;
}

export function names(prefix: string): Names {
  return {
    prefix,
    readings: `${prefix}:readings`,
    live: `${prefix}:live`,
    storeGroup: 'store',
    routeGroup: 'route',
    rulesQueue: (p) => `rules-${p}`,
    partitionLease: (p) => `${prefix}:{p${p}}:lease`,
    partitionState: (p) => `${prefix}:{p${p}}:state`,
    partitionDeadlines: (p) => `${prefix}:{p${p}}:deadlines`,
    partitionEscalations: (p) => `${prefix}:{p${p}}:escalations`,
    clockOffset: `${prefix}:clock:offset`,
    alert: (id) => `${prefix}:alert:${id}`,
    alertIndex: `${prefix}:alerts`,
    openAlerts: `${prefix}:alerts:open`,
    presence: `${prefix}:presence`,
    positionsChannel: `${prefix}:positions`,
    rulesChannel: `${prefix}:rules:changed`,
    rulePack: `${prefix}:rules`,
    bullPrefix: `${prefix}:bull`,
  };
}

/** Stable partition of a device: readings of one device always land in one partition, in order. */
export function partitionOf(device: string, partitions: number): number {
  // FNV-1a, 32-bit: cheap and well spread for short IDs.
  let h = 0x811c9dc5;
  for (let i = 0; i < device.length; i++) {
    h ^= device.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
