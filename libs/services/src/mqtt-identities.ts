import { fleetTopic, yieldedTopic, yieldTopic } from '@lg/contracts';
import type { Registry } from '@lg/registry';

export interface MqttUser {
  username: string;
  password: string;
}

/** One listener's users (password file) and access rules (ACL file text). */
export interface MqttAuth {
  users: MqttUser[];
  acl: string;
}

/**
 * What the broker's two listeners admit. `devices`: the registry's identities, on the listener devices and
 * company platforms reach, where the broker takes the username as the client ID (so no identity can take
 * over another's session). `internal`: the platform's own identities (ingest, observers), on a listener
 * that keeps the client IDs they send (ingest resumes one persistent session per connection).
 */
export interface MqttIdentities {
  devices: MqttAuth;
  internal: MqttAuth;
}

export interface MqttIdentityOptions {
  root: string;
  /** The platform's own ingest identity. */
  ingest: MqttUser;
  /** Password of each registry identity; demo mode uses the name itself. */
  passwordOf: (username: string) => string;
  /** Extra users with read access to everything under the root (load generators' observers, tests). */
  observers?: MqttUser[];
  /**
   * `owners`: leave the devices' own users out and admit only the owners (company platforms, gateways).
   * For benches of very large synthetic registries whose load publishes through the owners: Mosquitto 2.0
   * reads an ACL file in time quadratic in its users (about a minute for 100,000 on a 2-core machine).
   * Leaving users out only refuses more; production and the tests keep the default, `all`.
   */
  deviceIdentities?: 'all' | 'owners';
  /**
   * An owner with at most this many devices (default 256) gets one write rule per device topic; a larger
   * one keeps a `+` device level, bounded by ingest instead. Mosquitto checks a user's rules one by one at
   * every publish, about 40 ns a rule on 2 cores: an owner with 10,056 named devices cost the broker 202 µs
   * a telemetry publish against 5 µs with `+`; the district's largest owner (56 devices) 8 µs against 6.
   * At 256 devices a telemetry publish scans at most 256 rules (telemetry rules come first), about 10 µs.
   */
  ownerDeviceRulesMax?: number;
  /**
   * Demo only: the simulators' control identities on the device listener (docs/simulators.md, "The demo
   * yields devices to scenarios"). `scenario` announces the devices a scenario run drives; `fleet` (the
   * demo fleet) reads the announcements and answers. Only under `<root>/_sim/`: no registry identity may
   * read or write there, so no device or company can silence another's devices.
   */
  simulators?: { fleet: MqttUser; scenario: MqttUser };
}

/** Default of `MqttIdentityOptions.ownerDeviceRulesMax`. */
export const OWNER_DEVICE_RULES_MAX = 256;

/**
 * Broker identities from the registry: every owner (company platform, slope-site gateway, pipeline
 * network gateway) publishes only for its own registered devices; every device only as itself. Each may read
 * nothing but its own rejections. Ingest reads everything under the root and writes rejections; it and
 * the observers exist only on the internal listener, the registry's identities only on the device one.
 */
export function mqttIdentities(registry: Registry, o: MqttIdentityOptions): MqttIdentities {
  const internalUsers: MqttUser[] = [o.ingest, ...(o.observers ?? [])];
  const data = registry.data;
  const owners: Array<{ id: string; kind: string }> = [
    ...data.companies.map((c) => ({ id: c.id, kind: 'truck' })),
    ...data.slopeSites.map((s) => ({ id: s.id, kind: 'slope' })),
    ...data.pipelineNetworks.map((p) => ({ id: p.id, kind: 'gas' })),
  ];
  const registryIds = new Set([...owners.map((x) => x.id), ...data.devices.map((d) => d.id)]);
  const simulatorUsers = o.simulators ? [o.simulators.fleet, o.simulators.scenario] : [];
  for (const u of [...internalUsers, ...simulatorUsers]) {
    // The device listener uses the username as the client ID: an internal name that is also a registry
    // identity would blur who is who in logs and sessions.
    if (registryIds.has(u.username))
      throw new Error(`MQTT user ${u.username} is both an internal identity and a registry identity`);
  }

  const internalAcl: string[] = [
    `# Generated from the registry; do not edit by hand.`,
    `user ${o.ingest.username}`,
    `topic read ${o.root}/#`,
    `topic write ${o.root}/_rejected/#`,
    // Ingest removes a retained copy a client left on a telemetry topic (an empty retained message).
    `topic write ${o.root}/+/+/+/telemetry`,
    ...ingestDutyAcl(o.root),
    '',
  ];
  for (const observer of o.observers ?? [])
    internalAcl.push(`user ${observer.username}`, `topic read ${o.root}/#`, '');

  const devicesOf = new Map<string, Array<{ id: string; kind: string }>>();
  for (const d of data.devices) {
    let list = devicesOf.get(d.owner);
    if (!list) devicesOf.set(d.owner, (list = []));
    list.push(d);
  }
  const deviceUsers: MqttUser[] = [];
  const deviceAcl: string[] = [`# Generated from the registry; do not edit by hand.`, ''];
  for (const owner of owners) {
    deviceUsers.push({ username: owner.id, password: o.passwordOf(owner.id) });
    deviceAcl.push(
      `user ${owner.id}`,
      ...ownerWriteRules(
        o.root,
        owner,
        devicesOf.get(owner.id) ?? [],
        o.ownerDeviceRulesMax ?? OWNER_DEVICE_RULES_MAX,
      ),
      `topic read ${o.root}/_rejected/+/${owner.id}/#`,
      ...(owner.kind === 'truck'
        ? companyDutyAcl(o.root, owner.id)
        : gatewayStatusAcl(o.root, owner.id, registry.gatewaysOf(owner.id))),
      '',
    );
  }
  for (const device of o.deviceIdentities === 'owners' ? [] : data.devices) {
    deviceUsers.push({ username: device.id, password: o.passwordOf(device.id) });
    deviceAcl.push(
      `user ${device.id}`,
      ...deviceWriteRules(o.root, device),
      `topic read ${o.root}/_rejected/${device.kind}/${device.owner}/${device.id}`,
      '',
    );
  }
  if (o.simulators) {
    const { fleet, scenario } = o.simulators;
    deviceUsers.push(fleet, scenario);
    deviceAcl.push(
      `user ${fleet.username}`,
      `topic read ${yieldTopic(o.root, '+')}`,
      `topic write ${yieldedTopic(o.root, '+')}`,
      `topic write ${fleetTopic(o.root)}`,
      '',
      `user ${scenario.username}`,
      `topic write ${yieldTopic(o.root, '+')}`,
      `topic read ${yieldedTopic(o.root, '+')}`,
      `topic read ${fleetTopic(o.root)}`,
      '',
    );
  }
  return {
    devices: { users: deviceUsers, acl: deviceAcl.join('\n') + '\n' },
    internal: { users: internalUsers, acl: internalAcl.join('\n') + '\n' },
  };
}

/** A device's own two topics: what it, and its owner on its behalf, may publish. */
function deviceWriteRules(root: string, device: { id: string; kind: string; owner: string }): string[] {
  const base = `${root}/${device.kind}/${device.owner}/${device.id}`;
  return [`topic write ${base}/telemetry`, `topic write ${base}/status`];
}

/**
 * An owner publishes the topics of its registered devices, each named: no `+` in the device level, so the
 * broker itself refuses a topic of a device the owner does not have, of any length, before it is queued
 * for ingest. Telemetry rules come first: Mosquitto stops at the first rule that matches, and telemetry is
 * nearly all of the traffic. An owner with more than `max` devices keeps a `+` device level instead (see
 * `ownerDeviceRulesMax` for the cost); ingest refuses what does not fit the contract or the registry.
 */
function ownerWriteRules(
  root: string,
  owner: { id: string; kind: string },
  devices: ReadonlyArray<{ id: string; kind: string }>,
  max: number,
): string[] {
  const own = devices.filter((d) => d.kind === owner.kind);
  const base = `${root}/${owner.kind}/${owner.id}`;
  if (own.length > max) return [`topic write ${base}/+/telemetry`, `topic write ${base}/+/status`];
  return [
    ...own.map((d) => `topic write ${base}/${d.id}/telemetry`),
    ...own.map((d) => `topic write ${base}/${d.id}/status`),
  ];
}
/**
 * Duty checks (平台查岗, docs/contract.md): a company's platform reads its questions and the outcome of its
 * answers, and answers under its own branch only.
 */
export function companyDutyAcl(root: string, company: string): string[] {
  return [
    `topic read ${root}/_duty/${company}/question`,
    `topic read ${root}/_duty/${company}/result`,
    `topic write ${root}/_duty/${company}/+/answer`,
    // Messages to its drivers (docs/contract.md, "messages to drivers").
    `topic read ${root}/_driver/${company}/message`,
    // Its platform link's status, retained, also as its last will (docs/contract.md, "platform links").
    `topic readwrite ${root}/_status/${company}/platform/link`,
  ];
}

/**
 * A slope site's or pipeline network's gateways say whether they are up under its own branch, retained
 * and as their last will (docs/contract.md, "Gateway links"): each registered gateway named, no wildcard.
 */
export function gatewayStatusAcl(root: string, owner: string, gateways: readonly string[]): string[] {
  return gateways.map((g) => `topic readwrite ${root}/_status/${owner}/gateway/${g}`);
}

/** Ingest asks the questions and sends each answer's outcome (it reads the answers with everything else). */
export function ingestDutyAcl(root: string): string[] {
  return [
    `topic write ${root}/_duty/+/question`,
    `topic write ${root}/_duty/+/result`,
    `topic write ${root}/_driver/+/message`,
  ];
}
