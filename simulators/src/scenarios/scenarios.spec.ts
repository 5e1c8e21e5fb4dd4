import { validateReading, type FieldValue } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { distanceToLineM, insidePolygon } from '../models/geo';
import { loadAllScenarios, scenarioDevices, scenarioNames, scenariosDir } from './catalog';
import { dryRunScenario } from './dry-run';
import { withFloodFleets } from './flood-registry';
import { anchorBase, planScenario, type Plan } from './plan';
import { parseScenario } from './schema';
import { compareAlerts, compareRejections, summarizeAlerts } from './verdict';

const dir = scenariosDir();
const scenarios = loadAllScenarios(dir);
// The fixture, with the companies the flood scenarios' groups name grown to their size (as in the e2e test).
const registry = Registry.parse(
  withFloodFleets(Registry.load('config/registry/longgang.json').data, scenarios),
);

/** Wall-clock times of day (UTC) the plans are checked at: local 04:00, 11:30 and 23:10. */
const NOWS = [Date.UTC(2026, 4, 1, 20, 0), Date.UTC(2026, 4, 2, 3, 30), Date.UTC(2026, 4, 2, 15, 10)];

function localMinute(ts: number): number {
  return Math.floor(((((ts + 8 * 3_600_000) % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
}

function inWindow(ts: number, w: { from: string; to: string }): boolean {
  const m = localMinute(ts);
  const a = Number(w.from.slice(0, 2)) * 60 + Number(w.from.slice(3));
  const b = Number(w.to.slice(0, 2)) * 60 + Number(w.to.slice(3));
  return a < b ? m >= a && m < b : m >= a || m < b;
}

function readingsOf(
  plan: Plan,
  now: number,
): Array<{ device: string; kind: string; ts: number; fields: Record<string, FieldValue> }> {
  return plan.actions.flatMap((a) =>
    a.type === 'readings'
      ? a.readings.map((r) => ({
          device: a.device.id,
          kind: a.device.kind,
          ts: r.ts ?? now,
          fields: r.fields,
        }))
      : [],
  );
}

describe('scenario files', () => {
  it('cover every case of the simulator issue', () => {
    expect(scenarioNames(dir)).toEqual(
      expect.arrayContaining([
        'overspeed',
        'restricted-zone',
        'fatigue-day',
        'fatigue-night',
        'offline-moved',
        'sos',
        'slope-red',
        'gas-leak',
        'sensor-fault',
        'gps-drift',
        'malformed',
        'oversized',
        'backlog',
        'foreign-truck',
      ]),
    );
  });

  it('each use devices of their own, so that all can run on one platform', () => {
    const seen = new Map<string, string>();
    for (const s of scenarios) {
      for (const id of Object.values(s.devices)) {
        expect(seen.has(id) ? `${id} in ${seen.get(id)} and ${s.name}` : undefined).toBeUndefined();
        seen.set(id, s.name);
        expect(registry.device(id)).toBeDefined();
      }
    }
    expect(scenarioDevices(scenarios).size).toBe(seen.size);
  });

  it('group fleets no other scenario drives, so that a flood incident gathers only its own alerts', () => {
    const members = new Map<string, string>();
    for (const s of scenarios) {
      const plan = planScenario(s, { registry, root: 'lg/v1', now: NOWS[0] });
      for (const [group, devices] of Object.entries(plan.groups))
        for (const d of devices) {
          expect(seen(d.id)).toBeUndefined();
          members.set(d.id, `${s.name}/${group}`);
        }
    }
    const owners = new Map(
      scenarios.flatMap((s) => Object.values(s.groups).map((g) => [g.owner, s.name] as const)),
    );
    for (const s of scenarios) {
      for (const id of Object.values(s.devices)) {
        const owner = registry.device(id)!.owner;
        const grouped = owners.get(owner);
        expect(grouped === undefined || grouped === s.name ? undefined : `${id} of ${owner}`).toBeUndefined();
      }
    }
    function seen(id: string): string | undefined {
      return members.get(id);
    }
  });

  it('refuse malformed files with the path of each problem', () => {
    expect(() => parseScenario({ name: 'X', steps: [] }, 'bad.json')).toThrow(/bad\.json: name: lower-case/);
    expect(() =>
      parseScenario(
        {
          name: 'x',
          title: 't',
          description: 'd',
          devices: { truck: 'T001' },
          steps: [{ type: 'readings', device: 'lorry', at: 'soon' }],
          expect: {},
        },
        'bad.json',
      ),
    ).toThrow(/steps\.0\.at: "soon" is not a duration.*steps\.0\.device: unknown device alias "lorry"/);
  });

  describe.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    it.each(NOWS.map((now) => [new Date(now).toISOString(), now] as const))(
      'plans readings the contract accepts, in order, never in the future (now = %s)',
      (_at, now) => {
        const plan = planScenario(scenario, { registry, root: 'lg/v1', now });
        const readings = readingsOf(plan, now);
        const last = new Map<string, number>();
        for (const r of readings) {
          expect(r.ts).toBeLessThanOrEqual(now);
          expect(r.ts).toBeGreaterThan(last.get(r.device) ?? 0);
          last.set(r.device, r.ts);
          const v = validateReading(
            r.kind as 'truck',
            { ts: r.ts, ...r.fields },
            { now, futureToleranceMs: 0 },
          );
          expect(
            v.ok ? v.reading.bad.filter((b) => b !== 'fault' && !b.endsWith('_out_of_range')) : v.message,
          ).toEqual([]);
        }
        if (scenario.anchor !== 'now') {
          const window = scenario.anchor.localWindow;
          for (const a of plan.actions) {
            if (a.type === 'readings')
              for (const r of a.readings) if (r.ts !== null) expect(inWindow(r.ts, window)).toBe(true);
          }
        }
      },
    );

    it('drives trucks inside the district, into restricted zones and over the limit only where it says so', () => {
      const now = NOWS[1];
      const plan = planScenario(scenario, { registry, root: 'lg/v1', now });
      const rules = new Set(scenario.expect.alerts.map((a) => a.rule));
      for (const r of readingsOf(plan, now).filter((x) => x.kind === 'truck')) {
        const p = { lat: r.fields.lat as number, lon: r.fields.lon as number };
        expect(p.lat).toBeGreaterThan(22.55);
        expect(p.lat).toBeLessThan(22.85);
        expect(p.lon).toBeGreaterThan(114.0);
        expect(p.lon).toBeLessThan(114.45);
        if (!rules.has('truck.restricted_zone')) {
          const zone = registry
            .zones()
            .find(
              (z) => insidePolygon(p, z.polygon) && (!z.windows || z.windows.some((w) => inWindow(r.ts, w))),
            );
          expect(zone?.id).toBeUndefined();
        }
        if (!rules.has('truck.overspeed')) {
          const corridor = registry.corridors().find((c) => distanceToLineM(p, c.polyline) <= c.halfWidthM);
          expect(r.fields.speed as number).toBeLessThanOrEqual(corridor?.limitKmh ?? 60);
        }
      }
    });

    it('ends with its trucks parked (so that they are not reported offline after the run)', () => {
      const now = NOWS[0];
      const plan = planScenario(scenario, { registry, root: 'lg/v1', now });
      const lastOf = new Map<string, Record<string, FieldValue>>();
      for (const r of readingsOf(plan, now)) if (r.kind === 'truck') lastOf.set(r.device, r.fields);
      for (const [device, fields] of lastOf)
        expect({ device, speed: fields.speed, ignition: fields.ignition }).toEqual({
          device,
          speed: 0,
          ignition: false,
        });
    });

    it('states expectations that are consistent with themselves', () => {
      const plan = planScenario(scenario, { registry, root: 'lg/v1', now: NOWS[0] });
      // Nothing observed: every stated alert and rejection is reported missing, nothing else.
      const missing = compareAlerts(plan.alerts, plan.devices, summarizeAlerts([]), registry);
      expect(missing).toHaveLength(plan.alerts.length);
      const rejections = compareRejections(scenario.expect.rejections, plan.devices, []);
      expect(rejections).toHaveLength(scenario.expect.rejections.length);
    });
  });
});

describe('anchoring', () => {
  const day = { localWindow: { from: '07:00', to: '21:30' } };
  const night = { localWindow: { from: '22:00', to: '06:00' } };
  it('ends a "now" timeline at now', () => {
    expect(anchorBase('now', 60_000, 1_000_000_000_000)).toBe(1_000_000_000_000 - 60_000);
  });

  it('fits a timeline into the latest occurrence of a local window, even across midnight', () => {
    const noonLocal = Date.UTC(2026, 4, 2, 4, 0); // 12:00 in Shenzhen
    const span = 3 * 3_600_000;
    const base = anchorBase(day, span, noonLocal);
    expect(base + span).toBe(noonLocal - 1000);
    const early = Date.UTC(2026, 4, 1, 20, 0); // 04:00 local: yesterday's daytime
    const b2 = anchorBase(day, span, early);
    expect(inWindow(b2, day.localWindow) && inWindow(b2 + span, day.localWindow)).toBe(true);
    expect(b2 + span).toBeLessThan(early);
    const b3 = anchorBase(night, 2 * 3_600_000, noonLocal);
    expect(inWindow(b3, night.localWindow) && inWindow(b3 + 2 * 3_600_000, night.localWindow)).toBe(true);
    expect(() => anchorBase(night, 9 * 3_600_000, noonLocal)).toThrow(/does not fit/);
  });
});

describe('the scenarios against this checkout’s rule pack (in memory, no platform)', () => {
  // Three times of day, so that the anchored scenarios are placed in different windows.
  it.each(
    scenarios.flatMap((s) => NOWS.map((now) => [s.name, new Date(now).toISOString(), s, now] as const)),
  )('%s at %s', (_name, _at, scenario, now) => {
    expect(dryRunScenario(scenario, registry, now).failures).toEqual([]);
  });
});

describe('the scenarios give the same verdict whenever they are run', () => {
  // A timeline anchored at "now" lands differently on the rules' averaging buckets and local days each
  // time; the outcome must not depend on it (the slope scenario once did, one run in three).
  const starts = Array.from({ length: 24 }, (_, i) => Date.UTC(2026, 10, 28, 0, 0) + i * 67 * 60_000);
  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s, from 24 start times over a day',
    (_name, scenario) => {
      const failing = starts
        .map((now) => ({
          at: new Date(now).toISOString(),
          failures: dryRunScenario(scenario, registry, now).failures,
        }))
        .filter((r) => r.failures.length > 0);
      expect(failing).toEqual([]);
    },
  );
});
