import type { Alert, CauseState } from '@lg/contracts';
import {
  causeAlertChange,
  causeSubject,
  closeQuietly,
  heldDecision,
  hold,
  holds,
  inhibitingCauseOf,
  isQuietClose,
  release,
  type InhibitionSettings,
} from './inhibition';
import { applySignal } from './lifecycle';

const T = Date.parse('2026-05-01T08:00:00Z');
const s: InhibitionSettings = { graceMs: 120_000, recheckMs: 30_000 };
const down: CauseState = { state: 'down', since: T };
const upAt = (ms: number): CauseState => ({ state: 'up', since: ms });
const LINK = { rule: 'platform.link_down', kind: 'truck' as const, owner: 'C01', device: 'C01' };
const escalation = (since: string) => ({ level: 'company' as const, unit: 'C01', since, notify: [] });

function offline(): Alert {
  const change = applySignal(
    undefined,
    { rule: 'truck.offline', kind: 'truck', owner: 'C01', device: 'T001' },
    { type: 'fire', severity: 'yellow', value: 300, threshold: 300, message: 'offline' },
    T + 1000,
    escalation,
  )!;
  return hold(change, 'link:C01').alert;
}

describe('inhibition: which alert a cause holds, and when it lets go', () => {
  it("names a truck's company link, a fixed asset's gateway as the cause of its silence", () => {
    expect(inhibitingCauseOf({ kind: 'truck', owner: 'C01' })).toBe('link:C01');
    expect(inhibitingCauseOf({ kind: 'gas', owner: 'P01' }, 'P01-GW')).toBe('gateway:P01-GW');
    expect(inhibitingCauseOf({ kind: 'gas', owner: 'P01' })).toBeUndefined();
  });

  it("names what a cause's own alert is about: the company, or the gateway of its site", () => {
    const owners = (g: string) => (g === 'S01-GW' ? { owner: 'S01', kind: 'slope' as const } : undefined);
    expect(causeSubject('link:C01', owners)).toEqual(LINK);
    expect(causeSubject('gateway:S01-GW', owners)).toEqual({
      rule: 'gateway.offline',
      kind: 'slope',
      owner: 'S01',
      device: 'S01-GW',
    });
    expect(causeSubject('gateway:NOPE', owners)).toBeUndefined();
    expect(causeSubject('other:X', owners)).toBeUndefined();
  });

  it('holds while the cause is down and for the grace after it clears; never without a cause', () => {
    expect(holds(down, T + 3_600_000, s)).toBe(true);
    expect(holds(upAt(T), T + 119_999, s)).toBe(true);
    expect(holds(upAt(T), T + 120_000, s)).toBe(false);
    expect(holds(undefined, T, s)).toBe(false);
  });

  it('looks again every recheck while down, waits out the grace once up, then releases', () => {
    expect(heldDecision(down, T + 5000, s)).toEqual({ t: 'hold', until: T + 35_000 });
    expect(heldDecision(upAt(T), T + 5000, s)).toEqual({ t: 'hold', until: T + 120_000 });
    expect(heldDecision(upAt(T), T + 120_000, s)).toEqual({ t: 'release' });
    // A cause nobody records any more explains nothing: safety first.
    expect(heldDecision(undefined, T, s)).toEqual({ t: 'release' });
  });

  it('closes a held alert quietly when it clears, taken by system', () => {
    const held = offline();
    const cleared = applySignal(
      held,
      { rule: 'truck.offline', kind: 'truck', owner: 'C01', device: 'T001' },
      { type: 'clear', value: 0 },
      T + 60_000,
      escalation,
    )!;
    // The lifecycle keeps the cause on every transition of the held alert.
    expect(cleared.transition.inhibitedBy).toBe('link:C01');
    const quiet = closeQuietly(cleared);
    expect(quiet.alert).toMatchObject({ active: false, acknowledged: true, ackedBy: 'system' });
    expect(isQuietClose(quiet.alert, quiet.transition)).toBe(true);
    expect(isQuietClose(cleared.alert, cleared.transition)).toBe(false);
  });

  it('releases a held alert as a raise: no cause any more, its escalation starting afresh', () => {
    const at = T + 600_000;
    const { alert, transition } = release(offline(), at);
    expect(alert.inhibitedBy).toBeUndefined();
    expect(alert.escalation.since).toBe(new Date(at).toISOString());
    expect(transition).toMatchObject({ type: 'released', active: true, acknowledged: false });
  });

  it("opens the cause's own alert when the link drops, clears it when it returns, and changes nothing twice", () => {
    const opened = causeAlertChange(undefined, 'link:C01', LINK, down, escalation)!;
    expect(opened.alert).toMatchObject({
      rule: 'platform.link_down',
      severity: 'orange',
      owner: 'C01',
      device: 'C01',
      active: true,
      cause: 'link:C01',
    });
    expect(opened.transition.type).toBe('opened');
    expect(causeAlertChange(opened.alert, 'link:C01', LINK, down, escalation)).toBeNull();
    const cleared = causeAlertChange(opened.alert, 'link:C01', LINK, upAt(T + 60_000), escalation)!;
    expect(cleared.transition.type).toBe('cleared');
    expect(cleared.alert).toMatchObject({ active: false, cause: 'link:C01' });
    expect(causeAlertChange(undefined, 'link:C01', LINK, upAt(T), escalation)).toBeNull();
  });
});
