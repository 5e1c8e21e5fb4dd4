/**
 * Names of every Redis stream, queue and key, derived from one prefix so that tests (and tenants of one
 * Redis) never collide.
 *
 * Redis Cluster: keys that one Lua script or MULTI touches together must hash to one slot, so they carry
 * the same hash tag (the part in braces). A rule evaluation commits the partition's state, the alerts,
 * presence and the live stream in one fenced script, and an acknowledgement touches the alert, the open set
 * and the live stream: all of these share the tag `{prefix}`. Each BullMQ queue's keys share a tag of their
 * own (`{rules-3}`), which spreads the rule partitions' queues over the cluster. Everything else is used one
 * key at a time and may land anywhere.
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
  /** BullMQ queue name of one rule partition (its own hash tag: every key of a BullMQ queue in one slot). */
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
  /**
   * Sorted sets of alert IDs by opening time, narrower than `alertIndex`: one owner's alerts
   * (`alertsOf(owner)`), the active or inactive ones (`alertsOf(undefined, 'active')`), or both;
   * `alertsOf(undefined)` is `alertIndex`.
   */
  alertsOf(owner: string | undefined, state?: AlertIndexState): string;
  /** Sorted set: inactive alert ID → when it cleared (ms), walked by the retention of closed alerts. */
  clearedAlerts: string;
  /** Set once every alert is in the indexes of `alertsOf` (alerts written before they existed, backfilled). */
  alertIndexesBuilt: string;
  /** Hash: device ID → JSON presence (last seen, online). */
  presence: string;
  /** Sorted set: shelved alert ID → when its shelf ends (ms), walked by the gateways' expiry pass. */
  shelvedAlerts: string;
  /** Hash: request ID → JSON request to shelve a red alert, waiting for a second operator. */
  shelfRequests: string;
  /** Hash of one incident: `doc`, its JSON. */
  incident(id: string): string;
  /** Sorted set of one incident's member alert IDs by opening time. */
  incidentMembers(id: string): string;
  /** String (with a TTL of the grouping window): the incident a grouping key gathers into now. */
  incidentHead(key: string): string;
  /** Sorted sets of incident IDs by latest member: every incident, or one owner's. */
  incidentsOf(owner: string | undefined): string;
  /** Pub/sub channel of throttled truck positions. */
  positionsChannel: string;
  /** Pub/sub channel announcing rule-pack changes. */
  rulesChannel: string;
  /** Hash: rule name → JSON overrides of the rule pack. */
  rulePack: string;
  /** Counter moved by every change of `rulePack`: workers poll it and reload the pack only when it moves. */
  rulePackVersion: string;
  /** Hash: alert ID → JSON hazard area (`HazardArea`) of an active red slope or orange/red gas alert. */
  hazards: string;
  /** Counter moved by every change of `hazards`: workers reload the areas only when it moves. */
  hazardsVersion: string;
  /** Channel: published with every change of `hazards`, so that workers reload at once (they also poll). */
  hazardsChannel: string;
  /** Hash: closure ID → JSON `Closure` (temporary closures drawn by operators, kept once lifted or over). */
  closures: string;
  /** Counter moved by every change of `closures`, and its channel: workers reload only when it moves. */
  closuresVersion: string;
  closuresChannel: string;
  /** BullMQ prefix. */
  bullPrefix: string;
  /** Lease of the one gateway that hands the live stream to Socket.IO (the others only serve clients). */
  liveDispatchLease: string;
  /** ID of the last live stream entry handed to Socket.IO, so that the next dispatcher goes on from it. */
  liveDispatchCursor: string;
  /** Socket.IO Redis streams adapter: its stream, and the prefix of its pub/sub channels. */
  socketIo: string;
  /** Socket.IO Redis streams adapter: prefix of the keys holding sessions for connection-state recovery. */
  socketIoSessions: string;
  /** Hash: a JT/T 808 terminal's registration (auth code, terminal ID, device), by terminal number. */
  jt808Registration(terminal: string): string;
  /** String: which JT/T 808 gateway instance and connection holds a truck's terminal now (with a TTL). */
  jt808Connection(device: string): string;
  /** Pub/sub channel of one JT/T 808 gateway instance: downlink requests and connection take-overs. */
  jt808Instance(instance: string): string;
  /** Pub/sub channel of what terminals answered to downlink requests. */
  jt808Answers: string;
  /** Consumer group of the live stream that turns alert transitions into notifications (docs/notifications.md). */
  notifyGroup: string;
  /** BullMQ queue of notification deliveries (one job per message, channel and contact). */
  notifyQueue: string;
  /** String: one delivery's state as JSON (queued, sent, delivered, failed). */
  delivery(id: string): string;
  /** Sorted set: delivery IDs of one alert, by the time they were queued (ms). */
  alertDeliveries(alertId: string): string;
  /** String: the claim on one delivery's send, so that a retried or stalled job never sends it twice. */
  deliverySend(id: string): string;
  /** Counter of messages sent to one contact address in the current throttle window. */
  contactThrottle(address: string): string;
  /** BullMQ queue of the daily digests (the schedule and operators' sends). */
  digestQueue: string;
  /** String: the claim on one scope's digest of one day (`done` once sent), so that it goes out once. */
  digestClaim(scope: string, date: string): string;
  /** Sorted set: delivery IDs of one scope's digest of one day, by queueing time (ms). */
  digestDeliveries(scope: string, date: string): string;
  /** String: the last day the digest schedule sent (`YYYY-MM-DD`), for catching up after a restart. */
  digestLastDay: string;
}

/** The state dimension of the alert indexes: active (firing) or inactive (cleared). */
export type AlertIndexState = 'active' | 'inactive';

export function names(prefix: string): Names {
  // The shared hash tag of everything a rule evaluation or an acknowledgement writes in one script.
  const core = `{${prefix}}`;
  return {
    prefix,
    readings: `${prefix}:readings`,
    live: `${core}:live`,
    storeGroup: 'store',
    routeGroup: 'route',
    rulesQueue: (p) => `{rules-${p}}`,
    partitionLease: (p) => `${core}:p${p}:lease`,
    partitionState: (p) => `${core}:p${p}:state`,
    partitionDeadlines: (p) => `${core}:p${p}:deadlines`,
    partitionEscalations: (p) => `${core}:p${p}:escalations`,
    clockOffset: `${prefix}:clock:offset`,
    alert: (id) => `${core}:alert:${id}`,
    alertIndex: `${core}:alerts`,
    openAlerts: `${core}:alerts:open`,
    alertsOf: (owner, state) =>
      owner === undefined && state === undefined
        ? `${core}:alerts`
        : `${core}:alerts:by${owner !== undefined ? `:owner:${owner}` : ''}${state !== undefined ? `:${state}` : ''}`,
    clearedAlerts: `${core}:alerts:cleared`,
    alertIndexesBuilt: `${core}:alerts:indexes-built`,
    presence: `${core}:presence`,
    shelvedAlerts: `${core}:alerts:shelved`,
    shelfRequests: `${core}:shelf-requests`,
    incident: (id) => `${core}:incident:${id}`,
    incidentMembers: (id) => `${core}:incident:${id}:members`,
    incidentHead: (key) => `${core}:incident-head:${key}`,
    incidentsOf: (owner) => (owner === undefined ? `${core}:incidents` : `${core}:incidents:owner:${owner}`),
    positionsChannel: `${prefix}:positions`,
    rulesChannel: `${prefix}:rules:changed`,
    rulePack: `${prefix}:rules`,
    rulePackVersion: `${prefix}:rules:version`,
    hazards: `${core}:hazards`,
    hazardsVersion: `${core}:hazards:v`,
    hazardsChannel: `${core}:hazards:changed`,
    closures: `${core}:closures`,
    closuresVersion: `${core}:closures:v`,
    closuresChannel: `${core}:closures:changed`,
    bullPrefix: `${prefix}:bull`,
    liveDispatchLease: `${prefix}:live:dispatch:lease`,
    liveDispatchCursor: `${prefix}:live:dispatch:cursor`,
    socketIo: `${prefix}:socket.io`,
    socketIoSessions: `${prefix}:socket.io:session:`,
    jt808Registration: (terminal) => `${prefix}:jt808:reg:${terminal}`,
    jt808Connection: (device) => `${prefix}:jt808:conn:${device}`,
    jt808Instance: (instance) => `${prefix}:jt808:instance:${instance}`,
    jt808Answers: `${prefix}:jt808:answers`,
    notifyGroup: 'notify',
    notifyQueue: '{notify}',
    delivery: (id) => `${prefix}:notify:delivery:${id}`,
    alertDeliveries: (alertId) => `${prefix}:notify:alert:${alertId}`,
    deliverySend: (id) => `${prefix}:notify:send:${id}`,
    contactThrottle: (address) => `${prefix}:notify:throttle:${address}`,
    digestQueue: '{digest}',
    digestClaim: (scope, date) => `${prefix}:notify:digest:claim:${scope}:${date}`,
    digestDeliveries: (scope, date) => `${prefix}:notify:digest:${scope}:${date}`,
    digestLastDay: `${prefix}:notify:digest:last-day`,
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
