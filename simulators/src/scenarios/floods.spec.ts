import type { Alert, Incident, IncidentView } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { withFloodFleets } from './flood-registry';
import { memberAlias } from './groups';
import { checkAlone, compareIncidents } from './incidents';
import type { GatewayClient } from '../gateway-client';
import { planScenario, type PlannedAction } from './plan';
import { formatReport, runScenario } from './runner';
import { parseScenario, type Scenario } from './schema';
import { summarizeAlerts } from './verdict';

const fixture = Registry.load('config/registry/longgang.json');
const NOW = Date.UTC(2026, 4, 2, 3, 30);

/** A flood scenario: `count` trucks of C12 drive, fall silent, and T149 on its own besides. */
function flood(overrides: Record<string, unknown> = {}, count = 20): Record<string, unknown> {
  return {
    name: 'flood',
    title: 't',
    description: 'd',
    devices: { lone: 'T149', detector: 'G053' },
    groups: { fleet: { kind: 'truck', owner: 'C12', count, spacingM: 100 } },
    steps: [
      {
        type: 'readings',
        device: 'fleet',
        every: '10s',
        count: 2,
        fields: { speed: 40, ignition: true },
        motion: { path: 'road:longgang-avenue', start: 300 },
      },
      {
        type: 'readings',
        device: 'fleet',
        at: '20s',
        fields: { speed: 0, ignition: false },
        motion: { stay: 'here' },
      },
      { type: 'clock', offset: '6m' },
      { type: 'wait', rule: 'truck.offline', device: 'fleet', active: true },
      { type: 'readings', device: 'detector', at: '30s', fields: { lel: 62 } },
    ],
    expect: {
      alerts: [
        { rule: 'truck.offline', device: 'fleet', severities: ['yellow'], cleared: false },
        {
          rule: 'gas.lel',
          device: 'detector',
          severities: ['red'],
          cleared: false,
          alone: true,
          within: '5s',
        },
      ],
      incidents: [{ group: 'fleet', rule: 'offline', size: count }],
    },
    ...overrides,
  };
}

const parse = (json: Record<string, unknown>): Scenario => parseScenario(json, 'flood.json');
const grown = (s: Scenario): Registry => Registry.parse(withFloodFleets(fixture.data, [s]));

describe('scenario groups (alarm floods): the schema', () => {
  it('takes a group with steps and expectations naming it', () => {
    const s = parse(flood());
    expect(s.groups.fleet).toMatchObject({ kind: 'truck', owner: 'C12', count: 20, spacingM: 100 });
    expect(s.screens).toBe(1);
    expect(s.expect.alerts[1]).toMatchObject({ alone: true, within: 5000 });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a group larger than a scenario may have',
      { groups: { fleet: { kind: 'truck', owner: 'C12', count: 501 } } },
      /groups\.fleet\.count: Number must be less than or equal to 500/,
    ],
    [
      'groups larger than a scenario may have in all',
      {
        groups: {
          fleet: { kind: 'truck', owner: 'C12', count: 300 },
          more: { kind: 'truck', owner: 'C11', count: 300 },
        },
      },
      /groups: the groups have 600 devices in all, more than 500/,
    ],
    [
      'a group of one',
      { groups: { fleet: { kind: 'truck', owner: 'C12', count: 1 } } },
      /groups\.fleet\.count/,
    ],
    ['an unknown field', { groups: { fleet: { kind: 'truck', owner: 'C12', count: 5, size: 5 } } }, /size/],
    [
      'an alias that is both a device and a group',
      { devices: { fleet: 'T149', detector: 'G053', lone: 'T150' } },
      /groups\.fleet: "fleet" is both a device and a group/,
    ],
    ['too many screens', { screens: 11 }, /screens: Number must be less than or equal to 10/],
  ])('refuses %s, naming the path', (_what, overrides, message) => {
    expect(() => parse(flood(overrides))).toThrow(message);
  });

  it('refuses a group where one device is meant, and an incident of an unknown group', () => {
    const base = flood();
    const steps = [...(base.steps as unknown[]), { type: 'ack', rule: 'truck.offline', device: 'fleet' }];
    expect(() => parse({ ...base, steps })).toThrow(
      /steps\.5\.device: ack takes one device, not the group "fleet"/,
    );
    const raw = [...(base.steps as unknown[]), { type: 'raw', device: 'fleet', payload: { text: 'x' } }];
    expect(() => parse({ ...base, steps: raw })).toThrow(/raw takes one device/);
    const expectations = base.expect as Record<string, unknown>;
    expect(() =>
      parse({ ...base, expect: { ...expectations, stored: [{ device: 'fleet', count: 1 }] } }),
    ).toThrow(/expect\.stored\.0\.device: stored takes one device, not the group/);
    expect(() =>
      parse({
        ...base,
        expect: { ...expectations, incidents: [{ group: 'lone', rule: 'offline', size: 2 }] },
      }),
    ).toThrow(/expect\.incidents\.0\.group: unknown group "lone"/);
    expect(() =>
      parse({
        ...base,
        expect: {
          ...expectations,
          alerts: [
            { rule: 'truck.offline', device: 'fleet', severities: ['yellow'], cleared: false, alone: true },
          ],
        },
      }),
    ).toThrow(/alone and within are for the alert of one device, not a group/);
    const ackLone = [...(base.steps as unknown[]), { type: 'ack-incident', device: 'lone', rule: 'offline' }];
    expect(() => parse({ ...base, steps: ackLone })).toThrow(
      /steps\.5\.device: ack-incident takes a group, not the device "lone"/,
    );
    expect(() => parse({ ...base, steps: [{ type: 'wait', rule: 'x', device: 'fleets' }] })).toThrow(
      /steps\.0\.device: unknown device alias "fleets"/,
    );
  });
});

describe('scenario groups (alarm floods): the plan', () => {
  it('refuses a group larger than the owner’s fleet in the registry, naming the numbers', () => {
    const s = parse(flood({}, 50));
    expect(() => planScenario(s, { registry: fixture, root: 'lg/v1', now: NOW })).toThrow(
      /group "fleet" needs 50 truck devices of C12; the registry has 8 \(1 named on their own\)/,
    );
    const other = parse(flood({ groups: { fleet: { kind: 'truck', owner: 'C99', count: 2 } } }));
    expect(() => planScenario(other, { registry: fixture, root: 'lg/v1', now: NOW })).toThrow(
      /the registry has no owner C99/,
    );
  });

  it('fails such a scenario on its own, before anything is sent, so that the others of a run go on', async () => {
    const s = parse(flood({}, 50));
    // Nothing may be asked of the platform: the plan fails first.
    const report = await runScenario(s, {
      registry: fixture,
      mqttUrl: 'mqtt://127.0.0.1:1',
      root: 'lg/v1',
      gateway: {} as GatewayClient,
      passwordOf: (u) => u,
    });
    expect(report).toMatchObject({ passed: false, published: { messages: 0 } });
    expect(report.failures).toEqual([expect.stringMatching(/group "fleet" needs 50 truck devices of C12/)]);
    expect(formatReport(report)).toMatch(/^FAIL {2}flood/);
  });

  it('sends each member its own batch, members in registry order without the scenario’s own devices', () => {
    const s = parse(flood({}, 20));
    const registry = grown(s);
    const plan = planScenario(s, { registry, root: 'lg/v1', now: NOW });
    const members = plan.groups.fleet.map((d) => d.id);
    expect(members).toHaveLength(20);
    expect(members.slice(0, 7)).toEqual(['T150', 'T151', 'T152', 'T153', 'T154', 'T155', 'T156']);
    expect(members[7]).toBe('TF-C12-001');
    expect(new Set(members).size).toBe(20);
    for (const id of members) expect(plan.devices[memberAlias('fleet', id)]?.id).toBe(id);

    const batches = plan.actions.filter(
      (a): a is Extract<PlannedAction, { type: 'readings' }> =>
        a.type === 'readings' && a.device.kind === 'truck',
    );
    // The two steps before the wait go out as ONE batch of three readings per member.
    expect(batches.map((b) => b.device.id)).toEqual(members);
    for (const b of batches) {
      expect(b.readings.map((r) => r.fields.speed)).toEqual([40, 40, 0]);
      expect(b.topic).toBe(`lg/v1/truck/C12/${b.device.id}/telemetry`);
    }
    // Spaced along the road: the first fixes of two neighbours are about 100 m apart.
    const first = batches.map((b) => b.readings[0].fields);
    const dLat = ((first[1].lat as number) - (first[0].lat as number)) * 111_000;
    const dLon = ((first[1].lon as number) - (first[0].lon as number)) * 111_000 * Math.cos(0.4);
    expect(Math.hypot(dLat, dLon)).toBeGreaterThan(60);
    expect(Math.hypot(dLat, dLon)).toBeLessThan(140);

    const ack = planScenario(
      parse({
        ...flood({}, 20),
        steps: [
          ...(flood().steps as unknown[]),
          { type: 'ack-incident', device: 'fleet', rule: 'offline', note: '网络恢复', severity: 'yellow' },
        ],
      }),
      { registry, root: 'lg/v1', now: NOW },
    ).actions.at(-1);
    expect(ack).toEqual({
      type: 'ack-incident',
      group: 'fleet',
      members: plan.groups.fleet,
      rule: 'offline',
      note: '网络恢复',
      severity: 'yellow',
      timeoutMs: 20_000,
    });

    const wait = plan.actions.find((a) => a.type === 'wait');
    expect(wait?.type === 'wait' && wait.members?.map((d) => d.id)).toEqual(members);
    expect(plan.alerts.filter((a) => a.rule === 'truck.offline').map((a) => a.device)).toEqual(
      members.map((id) => memberAlias('fleet', id)),
    );
    expect(plan.alerts.find((a) => a.rule === 'gas.lel')?.device).toBe('detector');
  });

  it('grows the fixture only as far as the groups need', () => {
    const s = parse(flood({}, 30));
    const data = withFloodFleets(fixture.data, [s]);
    const c12 = data.devices.filter((d) => d.owner === 'C12' && d.kind === 'truck');
    expect(c12.length).toBeGreaterThanOrEqual(31);
    expect(c12.length).toBeLessThanOrEqual(33);
    expect(data.devices.length - fixture.data.devices.length).toBe(c12.length - 8);
    expect(withFloodFleets(fixture.data, []).devices).toHaveLength(fixture.data.devices.length);
  });
});

describe('scenario groups (alarm floods): the verdict', () => {
  const s = parse(flood({ screens: 2 }, 3));
  const registry = grown(s);
  const plan = planScenario(s, { registry, root: 'lg/v1', now: NOW });
  const members = plan.groups.fleet.map((d) => d.id);
  const at = '2026-05-02T03:30:00.000Z';
  const alert = (id: string, device: string, rule: string, incident?: string): Alert =>
    ({
      id,
      rule,
      device,
      kind: device.startsWith('G') ? 'gas' : 'truck',
      owner: device.startsWith('G') ? 'P02' : 'C12',
      severity: rule === 'gas.lel' ? 'red' : 'yellow',
      active: true,
      acknowledged: false,
      openedAt: at,
      ...(incident ? { incident } : {}),
    }) as unknown as Alert;
  const incident = (id: string, size: number, owner = 'C12'): Incident => ({
    id,
    key: `rule=offline|owner=${owner}`,
    owner,
    kind: 'truck',
    openedAt: at,
    lastAt: at,
    size,
  });
  const view = (i: Incident, counts: Partial<IncidentView> = {}): IncidentView => ({
    ...i,
    open: i.size,
    active: i.size,
    unacknowledged: i.size,
    red: 0,
    severity: 'yellow',
    ...counts,
  });
  const I = 'i~offline~C12~abc';
  const floodAlerts = members.map((d, k) => alert(`a${k}`, d, k % 2 ? 'device.offline' : 'truck.offline', I));

  it('passes one incident of the group with the stated members, live and listed', () => {
    const result = compareIncidents(s.expect.incidents, s, plan.groups, {
      alerts: summarizeAlerts(floodAlerts),
      live: new Map([[I, incident(I, 3)]]),
      listed: [view(incident(I, 3))],
    });
    expect(result.problems).toEqual([]);
    expect(result.found).toEqual([
      expect.objectContaining({
        id: I,
        liveSize: 3,
        memberAlerts: 3,
        listed: expect.objectContaining({ size: 3 }),
      }),
    ]);
  });

  it('names a split, a wrong count on /live or in the API, a missing listing and wrong counts', () => {
    const split = compareIncidents(s.expect.incidents, s, plan.groups, {
      alerts: summarizeAlerts([
        ...floodAlerts.slice(0, 2),
        alert('a2', members[2], 'truck.offline', 'i~other'),
      ]),
      live: new Map(),
      listed: [],
    });
    expect(split.problems).toEqual([expect.stringMatching(/split over 2 incidents/)]);

    const counts = compareIncidents([{ ...s.expect.incidents[0], active: 0 }], s, plan.groups, {
      alerts: summarizeAlerts(floodAlerts),
      live: new Map([[I, incident(I, 4)]]),
      listed: [view(incident(I, 5))],
    });
    expect(counts.problems).toEqual([
      expect.stringMatching(/\/live counts 4 members of .*expected 3/),
      expect.stringMatching(/GET \/api\/incidents counts 5 members/),
      expect.stringMatching(/active 5, expected 0/),
    ]);

    const unlisted = compareIncidents(s.expect.incidents, s, plan.groups, {
      alerts: summarizeAlerts(floodAlerts.map((a) => ({ ...a, incident: undefined }))),
      live: new Map(),
      listed: [],
    });
    expect(unlisted.problems).toEqual([expect.stringMatching(/3 of 3 alerts carry no incident/)]);
    const none = compareIncidents(s.expect.incidents, s, plan.groups, {
      alerts: [],
      live: new Map(),
      listed: [],
    });
    expect(none.problems).toEqual([expect.stringMatching(/no offline alert on the group's devices/)]);
  });

  it('checks an alone alert on every screen, in time, and in no incident with another', () => {
    const red = alert('g1', 'G053', 'gas.lel', 'i~gas.lel~P02~x');
    const alerts = summarizeAlerts([...floodAlerts, red]);
    const live = new Map([[I, incident(I, 3)]]);
    const published = new Map([['G053', [1000, 5000]]]);
    const ok = checkAlone(
      plan.alerts,
      plan.devices,
      { alerts, live },
      [new Map([['g1', 5200]]), new Map([['g1', 5400]])],
      published,
    );
    expect(ok.problems).toEqual([]);
    expect(ok.found).toEqual([
      {
        rule: 'gas.lel',
        device: 'G053',
        incident: 'i~gas.lel~P02~x',
        screens: 2,
        watched: 2,
        latencyMs: 400,
      },
    ]);

    const late = checkAlone(
      plan.alerts,
      plan.devices,
      { alerts, live },
      [new Map([['g1', 12_000]]), new Map()],
      published,
    );
    expect(late.problems).toEqual([
      'gas.lel on G053 did not reach screen 2 of 2 as itself',
      'gas.lel on G053 reached a screen 7000 ms after its reading, later than 5000 ms',
    ]);

    const grouped = checkAlone(
      plan.alerts,
      plan.devices,
      { alerts: summarizeAlerts([...floodAlerts, { ...red, incident: I }]), live },
      [new Map([['g1', 5200]]), new Map([['g1', 5200]])],
      published,
    );
    expect(grouped.problems).toEqual([
      expect.stringMatching(/gas\.lel on G053 was grouped: incident i~offline~C12~abc has 4 members/),
    ]);
  });
});
