import type { Alert, EscalationLevel, Severity } from '@lg/contracts';
import { DEFAULT_ESCALATION_DELAYS } from '@lg/evaluation';
import { Registry } from '@lg/registry';
import { checkEscalation } from './verdict';

const registry = Registry.load('config/registry/longgang.json');
const delays = { ...DEFAULT_ESCALATION_DELAYS, red: 1000, orange: 1500, yellow: 2000 };
const T0 = Date.parse('2026-11-28T08:00:00.000Z');

/** One `/live` event of alert `id` on `device`: level reached at `sinceMs` after T0. */
function event(
  device: string,
  level: EscalationLevel,
  sinceMs: number,
  more: { severity?: Severity; acknowledged?: boolean; notify?: boolean } = {},
): Alert {
  const d = registry.device(device)!;
  return {
    id: `gas.lel:${device}:1`,
    rule: 'gas.lel',
    severity: more.severity ?? 'red',
    active: true,
    acknowledged: more.acknowledged ?? false,
    kind: d.kind,
    owner: d.owner,
    device,
    message: '',
    value: 60,
    threshold: 50,
    openedAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0 + sinceMs).toISOString(),
    count: 1,
    escalation: {
      level,
      since: new Date(T0 + sinceMs).toISOString(),
      notify: more.notify === false ? [] : [{ name: '值班员', phone: '0755-0000000' }],
    },
  };
}

describe('checkEscalation', () => {
  const chain = registry.chainOf(registry.device('G001')!).map((s) => s.level);

  it('knows the chain of a gas detector: grid → community → street → district', () => {
    expect(chain).toEqual(['grid', 'community', 'street', 'district']);
  });

  it('accepts a red alert that climbs every step, each after its delay', () => {
    const events = [
      event('G001', 'grid', 0),
      event('G001', 'community', 1100),
      event('G001', 'street', 2100),
      event('G001', 'district', 3200),
    ];
    expect(checkEscalation(events, registry, delays)).toEqual({ problems: [], climbing: [] });
  });

  it('says an unacknowledged alert below the top is still climbing', () => {
    const verdict = checkEscalation([event('G001', 'grid', 0)], registry, delays);
    expect(verdict.problems).toEqual([]);
    expect(verdict.climbing).toEqual(['gas.lel on G001 (red) is at grid, not yet at district']);
  });

  it('refuses a skipped step, a climb that comes early, and a level without duty contacts', () => {
    expect(
      checkEscalation([event('G001', 'grid', 0), event('G001', 'street', 1000)], registry, delays).problems,
    ).toEqual(['gas.lel on G001 climbed grid → street; its chain is grid → community → street → district']);
    expect(
      checkEscalation(
        [event('G001', 'grid', 0), event('G001', 'community', 1000), event('G001', 'street', 1500)],
        registry,
        delays,
      ).problems,
    ).toEqual(['gas.lel on G001 climbed to street 500 ms after the step before; red waits 1000 ms']);
    expect(
      checkEscalation(
        [event('G001', 'grid', 0), event('G001', 'community', 1000, { notify: false })],
        registry,
        delays,
      ).problems,
    ).toEqual(['gas.lel on G001 reached community without naming a duty contact']);
  });

  it('stops at the acknowledgement: a later climb is a problem, and nothing is left to climb', () => {
    const acked = [event('G001', 'grid', 0), event('G001', 'grid', 500, { acknowledged: true })];
    expect(checkEscalation(acked, registry, delays)).toEqual({ problems: [], climbing: [] });
    expect(checkEscalation([...acked, event('G001', 'community', 1000)], registry, delays).problems).toEqual([
      'gas.lel on G001 climbed to community after it was acknowledged',
    ]);
  });

  it('never expects a blue alert to climb, and refuses one that did', () => {
    const blue = { severity: 'blue' as const };
    expect(checkEscalation([event('G001', 'grid', 0, blue)], registry, delays)).toEqual({
      problems: [],
      climbing: [],
    });
    expect(
      checkEscalation(
        [event('G001', 'grid', 0, blue), event('G001', 'community', 9000, blue)],
        registry,
        delays,
      ).problems,
    ).toEqual(['gas.lel on G001 climbed to community while blue, which never escalates']);
  });

  it("takes a truck's alert from its company to the district", () => {
    const truck = registry.device('T001')!;
    expect(registry.chainOf(truck).map((s) => s.level)).toEqual(['company', 'district']);
    const verdict = checkEscalation(
      [event('T001', 'company', 0), event('T001', 'district', 1000)],
      registry,
      delays,
    );
    expect(verdict).toEqual({ problems: [], climbing: [] });
  });
});
