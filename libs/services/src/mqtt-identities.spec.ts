import { Registry } from '@lg/registry';
import { mosquittoConfig } from './mosquitto';
import { mqttIdentities, OWNER_DEVICE_RULES_MAX } from './mqtt-identities';

const registry = Registry.load('config/registry/longgang.json');
const options = {
  root: 'lg/v1',
  ingest: { username: 'lg-ingest', password: 'ingest-secret' },
  observers: [{ username: 'watcher', password: 'watcher-secret' }],
  passwordOf: (u: string) => `pw-${u}`,
};

/** The ACL lines of one user. */
function rulesOf(acl: string, user: string): string[] {
  const blocks = acl.split('\n\n');
  const block = blocks.find((b) => b.split('\n').includes(`user ${user}`));
  return block ? block.split('\n').filter((l) => l.startsWith('topic ')) : [];
}

/** What transport company C01 may do besides writing its trucks' topics, however those are written. */
const C01_COMPANY_RULES = [
  'topic read lg/v1/_rejected/+/C01/#',
  // Duty checks: its questions and answers' outcomes, and its answers, under its own branch only.
  'topic read lg/v1/_duty/C01/question',
  'topic read lg/v1/_duty/C01/result',
  'topic write lg/v1/_duty/C01/+/answer',
  // Messages from the command centre to its drivers.
  'topic read lg/v1/_driver/C01/message',
  'topic readwrite lg/v1/_status/C01/platform/link',
];

describe('mqttIdentities', () => {
  const ids = mqttIdentities(registry, options);

  it('puts the registry identities on the device listener and only the platform on the internal one', () => {
    const deviceNames = ids.devices.users.map((u) => u.username);
    expect(deviceNames).toEqual(
      expect.arrayContaining(['C01', 'S01', 'P01', 'T001', 'G001', ...registry.owners()]),
    );
    expect(deviceNames).toHaveLength(registry.owners().length + registry.allDevices().length);
    expect(deviceNames).not.toContain('lg-ingest');
    expect(deviceNames).not.toContain('watcher');
    expect(ids.internal.users).toEqual([options.ingest, options.observers[0]]);
    expect(ids.devices.users.find((u) => u.username === 'T001')?.password).toBe('pw-T001');
  });

  it('lets an owner write its registered devices’ topics only, a device only its own, each read its rejections', () => {
    const c01 = registry.allDevices().filter((d) => d.owner === 'C01');
    expect(c01.length).toBeGreaterThan(1);
    expect(rulesOf(ids.devices.acl, 'C01')).toEqual([
      ...c01.map((d) => `topic write lg/v1/truck/C01/${d.id}/telemetry`),
      ...c01.map((d) => `topic write lg/v1/truck/C01/${d.id}/status`),
      ...C01_COMPANY_RULES,
    ]);
    // Slope sites and pipeline networks are not asked duty checks.
    const p01 = registry.allDevices().filter((d) => d.owner === 'P01');
    expect(rulesOf(ids.devices.acl, 'P01')).toEqual([
      ...p01.map((d) => `topic write lg/v1/gas/P01/${d.id}/telemetry`),
      ...p01.map((d) => `topic write lg/v1/gas/P01/${d.id}/status`),
      'topic read lg/v1/_rejected/+/P01/#',
      // Its gateways' link status (one, the default, here).
      'topic readwrite lg/v1/_status/P01/gateway/P01-GW',
    ]);
    // No wildcard in any write rule of the device listener but a duty answer's check ID: the broker bounds
    // every topic it takes (the answer's topic is parsed against a fixed pattern and never kept).
    const writes = ids.devices.acl.split('\n').filter((l) => l.startsWith('topic write'));
    const dutyAnswers = writes.filter((l) => /^topic write lg\/v1\/_duty\/C\d\d\/\+\/answer$/.test(l));
    expect(dutyAnswers).toHaveLength(registry.allCompanies().length);
    expect(writes.length).toBe(4 * registry.allDevices().length + dutyAnswers.length);
    expect(writes.filter((l) => /[+#]/.test(l) && !dutyAnswers.includes(l))).toEqual([]);
    const t001 = registry.device('T001')!;
    expect(rulesOf(ids.devices.acl, 'T001')).toEqual([
      `topic write lg/v1/truck/${t001.owner}/T001/telemetry`,
      `topic write lg/v1/truck/${t001.owner}/T001/status`,
      `topic read lg/v1/_rejected/truck/${t001.owner}/T001`,
    ]);
    expect(ids.devices.acl).not.toContain('lg-ingest');
    expect(rulesOf(ids.internal.acl, 'lg-ingest')).toEqual([
      'topic read lg/v1/#',
      'topic write lg/v1/_rejected/#',
      'topic write lg/v1/+/+/+/telemetry',
      'topic write lg/v1/_duty/+/question',
      'topic write lg/v1/_duty/+/result',
      'topic write lg/v1/_driver/+/message',
    ]);
    expect(rulesOf(ids.internal.acl, 'watcher')).toEqual(['topic read lg/v1/#']);
  });

  it('keeps a `+` device level for an owner with more devices than the bound (Mosquitto scans rules)', () => {
    const c01 = registry.allDevices().filter((d) => d.owner === 'C01').length;
    const capped = mqttIdentities(registry, { ...options, ownerDeviceRulesMax: c01 - 1 });
    expect(rulesOf(capped.devices.acl, 'C01')).toEqual([
      'topic write lg/v1/truck/C01/+/telemetry',
      'topic write lg/v1/truck/C01/+/status',
      ...C01_COMPANY_RULES,
    ]);
    const exact = mqttIdentities(registry, { ...options, ownerDeviceRulesMax: c01 });
    expect(rulesOf(exact.devices.acl, 'C01')).toEqual(rulesOf(ids.devices.acl, 'C01'));
    // The district's largest owner is far below the default bound.
    const largest = Math.max(
      ...registry.owners().map((o) => registry.allDevices().filter((d) => d.owner === o).length),
    );
    expect(largest).toBeLessThanOrEqual(OWNER_DEVICE_RULES_MAX);
  });

  it('admits only the owners, with their rules unchanged, when asked for owners only (benches)', () => {
    const owners = mqttIdentities(registry, { ...options, deviceIdentities: 'owners' });
    expect(owners.devices.users.map((u) => u.username).sort()).toEqual([...registry.owners()].sort());
    expect(rulesOf(owners.devices.acl, 'C01')).toEqual(rulesOf(ids.devices.acl, 'C01'));
    expect(rulesOf(owners.devices.acl, 'T001')).toEqual([]);
    expect(owners.internal).toEqual(ids.internal);
  });

  it('admits the simulators’ control identities, in demo mode, only under _sim/ (no registry identity may)', () => {
    const demo = mqttIdentities(registry, {
      ...options,
      simulators: {
        fleet: { username: 'lg-sim-fleet', password: 'f' },
        scenario: { username: 'lg-sim-scenario', password: 's' },
      },
    });
    expect(rulesOf(demo.devices.acl, 'lg-sim-fleet')).toEqual([
      'topic read lg/v1/_sim/yield/+',
      'topic write lg/v1/_sim/yielded/+',
      'topic write lg/v1/_sim/fleet',
    ]);
    expect(rulesOf(demo.devices.acl, 'lg-sim-scenario')).toEqual([
      'topic write lg/v1/_sim/yield/+',
      'topic read lg/v1/_sim/yielded/+',
      'topic read lg/v1/_sim/fleet',
    ]);
    expect(demo.devices.users.map((u) => u.username)).toEqual(
      expect.arrayContaining(['lg-sim-fleet', 'lg-sim-scenario']),
    );
    // Nothing else changes, and without the option there are no such users at all.
    const others = (acl: string): string =>
      acl
        .split('\n\n')
        .filter((b) => !b.includes('user lg-sim-'))
        .join('\n\n');
    expect(others(demo.devices.acl)).toBe(others(ids.devices.acl));
    expect(ids.devices.acl).not.toContain('_sim');
    expect(() =>
      mqttIdentities(registry, {
        ...options,
        simulators: {
          fleet: { username: 'T001', password: 'x' },
          scenario: { username: 'x', password: 'x' },
        },
      }),
    ).toThrow(/T001/);
  });

  it('refuses an internal identity named like a registry identity', () => {
    expect(() =>
      mqttIdentities(registry, { ...options, observers: [{ username: 'T001', password: 'x' }] }),
    ).toThrow('MQTT user T001 is both an internal identity and a registry identity');
  });

  it('binds client IDs to usernames on the device listener only', () => {
    const conf = mosquittoConfig({ dir: '/tmp/x', port: 1883, internalPort: 1884, identities: ids });
    const [, devices, internal] = conf.split(/^listener /m);
    expect(devices).toMatch(/^1883 127\.0\.0\.1\n/);
    expect(devices).toContain('use_username_as_clientid true');
    expect(devices).toContain('password_file /tmp/x/passwd\n');
    expect(internal).toMatch(/^1884 127\.0\.0\.1\n/);
    expect(internal).not.toContain('use_username_as_clientid');
    expect(internal).toContain('password_file /tmp/x/passwd-internal\n');
    expect(conf).toContain('per_listener_settings true');
  });
});
