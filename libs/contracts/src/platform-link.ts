import { ID_PATTERN } from './topics';

/**
 * Platform links (JT/T 809 style link tracking): each transport company's platform says over MQTT whether
 * its connection to us is up, on `{root}/_status/{companyId}/platform/link`, retained, QoS 1:
 * `{"state":"online"}` when it connects, and the same topic as its last will with `{"state":"offline"}`,
 * which the broker publishes when the connection drops without a DISCONNECT. The topic has the shape of a
 * device topic (four levels under the root, the owner second), so ingest's subscriptions already carry it.
 */
export const PLATFORM_LINK_STATES = ['online', 'offline'] as const;
export type PlatformLinkState = (typeof PLATFORM_LINK_STATES)[number];
/** What we know of a link: `unknown` where the platform has never said (it does not publish its status). */
export type PlatformLinkKnown = PlatformLinkState | 'unknown';

/** Larger status payloads are refused unread (the contract's payload is about 20 bytes). */
export const MAX_PLATFORM_LINK_BYTES = 256;
/** A company's link history keeps a week or this many changes, whichever comes first. */
export const PLATFORM_LINK_HISTORY_MAX = 2000;
export const PLATFORM_LINK_HISTORY_MAX_AGE_MS = 7 * 24 * 3600_000;

/** One change of a company's link, as kept (`GET /api/links/{company}`) and pushed (`link` on `/live`). */
export interface PlatformLinkChange {
  company: string;
  state: PlatformLinkState;
  /** When the platform received the status message, ISO-8601 UTC. */
  at: string;
}

/** A company's link over a period (`GET /api/links`, `GET /api/links/{company}`). */
export interface PlatformLinkView {
  company: string;
  /** The newest state kept; `unknown` when the company's platform never published one. */
  state: PlatformLinkKnown;
  /** Since when it has been in `state` (absent when unknown). */
  since?: string;
  /** Time offline within [from, to), ms (a period before the first status counts as not offline). */
  offlineMs: number;
  /** Times it went offline within [from, to). */
  drops: number;
  /** The state at `from` (only in the one-company answer; absent when none was kept before). */
  before?: PlatformLinkState;
  /** The changes within [from, to), oldest first (only in the one-company answer). */
  changes?: PlatformLinkChange[];
}

export function platformLinkTopic(root: string, company: string): string {
  return `${root}/_status/${company}/platform/link`;
}

/** Is this topic under the status branch (`{root}/_status/...`)? Such messages are not telemetry. */
export function isPlatformStatusTopic(root: string, topic: string): boolean {
  return topic.startsWith(`${root}/_status/`);
}

/** `{root}/_status/{company}/platform/link` → the company, or undefined for any other shape. */
export function parsePlatformLinkTopic(root: string, topic: string): string | undefined {
  if (!isPlatformStatusTopic(root, topic)) return undefined;
  const parts = topic.slice(root.length + '/_status/'.length).split('/');
  if (parts.length !== 3 || parts[1] !== 'platform' || parts[2] !== 'link') return undefined;
  return ID_PATTERN.test(parts[0]) ? parts[0] : undefined;
}

/** The state a status payload says, or why it is not one (`{"state": "online" | "offline"}`). */
export function parsePlatformLinkPayload(
  payload: Buffer,
): { ok: true; state: PlatformLinkState } | { ok: false; error: string } {
  if (payload.length === 0) return { ok: false, error: 'empty payload (a retained status was cleared)' };
  if (payload.length > MAX_PLATFORM_LINK_BYTES)
    return { ok: false, error: `payload over ${MAX_PLATFORM_LINK_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, error: 'payload is not JSON' };
  }
  const state =
    typeof value === 'object' && value !== null ? (value as { state?: unknown }).state : undefined;
  if (state === 'online' || state === 'offline') return { ok: true, state };
  return { ok: false, error: 'payload must be {"state": "online"} or {"state": "offline"}' };
}

/** Redis stream of one company's link changes (capped by count and age). */
export function platformLinkHistoryKey(prefix: string, company: string): string {
  return `${prefix}:links:${company}`;
}

/** Pub/sub channel on which ingest announces each change (a `PlatformLinkChange` as JSON). */
export function platformLinkChannel(prefix: string): string {
  return `${prefix}:links:live`;
}

/**
 * Offline time and drops of a link within [from, to): `before` is the state at `from` (the newest change
 * before it, if any), `changes` those within the period, oldest first. Time in `unknown` does not count.
 */
export function linkOfflineWithin(
  before: PlatformLinkState | undefined,
  changes: ReadonlyArray<{ state: PlatformLinkState; at: number }>,
  from: number,
  to: number,
): { offlineMs: number; drops: number } {
  let state: PlatformLinkKnown = before ?? 'unknown';
  let since = from;
  let offlineMs = 0;
  let drops = 0;
  for (const c of changes) {
    const at = Math.min(Math.max(c.at, from), to);
    if (state === 'offline') offlineMs += at - since;
    if (c.state === 'offline' && state !== 'offline') drops++;
    state = c.state;
    since = at;
  }
  if (state === 'offline') offlineMs += to - since;
  return { offlineMs: Math.max(0, offlineMs), drops };
}

/**
 * Site and network gateways (docs/contract.md, "Gateway links"): the gateway that carries a slope site's
 * sensors or a pipeline network's detectors says whether it is up the same way a company platform does,
 * on `{root}/_status/{owner}/gateway/{gatewayId}`, retained, QoS 1, with the same payload
 * (`{"state":"online"}`, and `{"state":"offline"}` as its last will): {@link parsePlatformLinkPayload}.
 */
export function gatewayStatusTopic(root: string, owner: string, gateway: string): string {
  return `${root}/_status/${owner}/gateway/${gateway}`;
}

/** What a status topic names: a company platform's link, or a site or network gateway. */
export type StatusSubject =
  { t: 'platform'; company: string } | { t: 'gateway'; owner: string; gateway: string };

/** `{root}/_status/{company}/platform/link` or `{root}/_status/{owner}/gateway/{id}`; undefined otherwise. */
export function parseStatusTopic(root: string, topic: string): StatusSubject | undefined {
  const company = parsePlatformLinkTopic(root, topic);
  if (company !== undefined) return { t: 'platform', company };
  if (!isPlatformStatusTopic(root, topic)) return undefined;
  const parts = topic.slice(root.length + '/_status/'.length).split('/');
  if (parts.length !== 3 || parts[1] !== 'gateway') return undefined;
  return ID_PATTERN.test(parts[0]) && ID_PATTERN.test(parts[2])
    ? { t: 'gateway', owner: parts[0], gateway: parts[2] }
    : undefined;
}

/** Redis stream of one gateway's link changes (capped like a company's). */
export function gatewayLinkHistoryKey(prefix: string, gateway: string): string {
  return `${prefix}:gateway-links:${gateway}`;
}

/**
 * Causes (docs/rules.md, "Inhibition"): an upstream link whose loss explains its devices' silence. A
 * company platform's link explains its trucks' (`link:{company}`); a site or network gateway its
 * sensors' and detectors' (`gateway:{gatewayId}`).
 */
export function linkCause(company: string): string {
  return `link:${company}`;
}

export function gatewayCause(gateway: string): string {
  return `gateway:${gateway}`;
}

/** The default gateway of a slope site or pipeline network that lists none: one per owner. */
export function defaultGatewayOf(owner: string): string {
  return `${owner}-GW`;
}

/** What a cause is now, as ingest records it with each change: `down` since `since` (epoch ms), or `up`. */
export interface CauseState {
  state: 'up' | 'down';
  /** When it went into `state`, epoch ms (ingest's receipt of the status message). */
  since: number;
}

/** Hash of every cause's current state (cause ID → JSON {@link CauseState}), written by ingest. */
export function causesKey(prefix: string): string {
  return `${prefix}:causes`;
}

/** Counter moved with every change of {@link causesKey}: workers reload the causes only when it moves. */
export function causesVersionKey(prefix: string): string {
  return `${prefix}:causes:v`;
}

/** Hash: cause ID → the ID of the alert that stands for it (`platform.link_down`), kept by the workers. */
export function causeAlertsKey(prefix: string): string {
  return `{${prefix}}:cause-alerts`;
}

/**
 * The platform's own cause (docs/rules.md, "Inhibition"): ingest not taking readings at all (every instance
 * dead or cut off from the broker). It may explain any device's silence. Decided by one worker from the
 * ingest heartbeats and kept in {@link causesKey} like the links' causes.
 */
export const INGEST_CAUSE = 'platform:ingest';

/** What a cause ID names: a company platform's link, a site or network gateway, or ingest itself. */
export type CauseRef = { t: 'link'; company: string } | { t: 'gateway'; gateway: string } | { t: 'ingest' };

/** The longest cause ID there can be (`gateway:` and a 64-character ID): longer text is no cause. */
export const MAX_CAUSE_ID_LENGTH = 'gateway:'.length + 64;

/**
 * A cause ID read back (`link:{company}`, `gateway:{gatewayId}` or `platform:ingest`, the IDs of
 * {@link ID_PATTERN}); undefined for text of any other shape. The one reading of what {@link linkCause},
 * {@link gatewayCause} and {@link INGEST_CAUSE} write.
 */
export function parseCause(text: string): CauseRef | undefined {
  if (text.length > MAX_CAUSE_ID_LENGTH) return undefined;
  if (text === INGEST_CAUSE) return { t: 'ingest' };
  const colon = text.indexOf(':');
  const id = text.slice(colon + 1);
  if (colon < 0 || !ID_PATTERN.test(id)) return undefined;
  const kind = text.slice(0, colon);
  if (kind === 'link') return { t: 'link', company: id };
  if (kind === 'gateway') return { t: 'gateway', gateway: id };
  return undefined;
}

/**
 * Hash of the ingest instances' heartbeats (instance ID → JSON {@link IngestBeat}), each written by its
 * instance once a second (never per reading).
 */
export function ingestHeartbeatsKey(prefix: string): string {
  return `${prefix}:ingest:heartbeats`;
}

/** One ingest instance's heartbeat: epoch ms by the instance's clock. */
export interface IngestBeat {
  /** When the instance wrote this beat. */
  at: number;
  /** When the process started. */
  startedAt: number;
  /** The last time its MQTT connections were up (it was taking readings); null if never yet. */
  takingAt: number | null;
}
