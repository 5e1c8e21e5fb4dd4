import type { Registry } from '@lg/registry';

export interface MqttUser {
  username: string;
  password: string;
}

export interface MqttIdentityOptions {
  root: string;
  /** The platform's own ingest identity. */
  ingest: MqttUser;
  /** Password of each registry identity; demo mode uses the name itself. */
  passwordOf: (username: string) => string;
  /** Extra users with read access to everything under the root (load generators' observers, tests). */
  observers?: MqttUser[];
}

/**
 * Broker identities from the registry: every owner (company platform, slope-site gateway, pipeline
 * network gateway) publishes only under its own owner ID; every device only as itself. Each may read
 * nothing but its own rejections. Ingest reads everything under the root and writes rejections.
 */
export function mqttIdentities(
  registry: Registry,
  o: MqttIdentityOptions,
): { users: MqttUser[]; acl: string } {
  const users: MqttUser[] = [o.ingest, ...(o.observers ?? [])];
  const acl: string[] = [
    `# Generated from the registry; do not edit by hand.`,
    `user ${o.ingest.username}`,
    `topic read ${o.root}/#`,
    `topic write ${o.root}/_rejected/#`,
    '',
  ];
  for (const observer of o.observers ?? [])
    acl.push(`user ${observer.username}`, `topic read ${o.root}/#`, '');
  const data = registry.data;
  const owners: Array<{ id: string; kind: string }> = [
    ...data.companies.map((c) => ({ id: c.id, kind: 'truck' })),
    ...data.slopeSites.map((s) => ({ id: s.id, kind: 'slope' })),
    ...data.pipelineNetworks.map((p) => ({ id: p.id, kind: 'gas' })),
  ];
  for (const owner of owners) {
    users.push({ username: owner.id, password: o.passwordOf(owner.id) });
    acl.push(
      `user ${owner.id}`,
      `topic write ${o.root}/${owner.kind}/${owner.id}/+/telemetry`,
      `topic write ${o.root}/${owner.kind}/${owner.id}/+/status`,
      `topic read ${o.root}/_rejected/+/${owner.id}/#`,
      '',
    );
  }
  for (const device of data.devices) {
    users.push({ username: device.id, password: o.passwordOf(device.id) });
    const base = `${o.root}/${device.kind}/${device.owner}/${device.id}`;
    acl.push(
      `user ${device.id}`,
      `topic write ${base}/telemetry`,
      `topic write ${base}/status`,
      `topic read ${o.root}/_rejected/${device.kind}/${device.owner}/${device.id}`,
      '',
    );
  }
  return { users, acl: acl.join('\n') + '\n' };
}
