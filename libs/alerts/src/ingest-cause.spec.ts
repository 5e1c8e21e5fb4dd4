import type { CauseState, IngestBeat } from '@lg/contracts';
import { INGEST_CAUSE } from '@lg/contracts';
import { ingestCauseChange, ingestCauseState, INGEST_DOWN_RULE } from './ingest-cause';
import { causeAlertChange, causeSubject, DEFAULT_INHIBITION, holds } from './inhibition';

const S = { aliveMs: 3000, downAfterMs: 15_000 };
const T = Date.parse('2026-05-01T08:00:00Z');
const beat = (at: number, takingAt: number | null, startedAt = T - 60_000): IngestBeat => ({
  at,
  startedAt,
  takingAt,
});
const up: CauseState = { state: 'up', since: 0 };
const down: CauseState = { state: 'down', since: T };

describe('the platform cause: ingest not taking readings', () => {
  it('is never recorded while ingest was never seen (setups without ingest are not affected)', () => {
    expect(ingestCauseChange([], undefined, T, S)).toBeNull();
    expect(ingestCauseChange([], undefined, T + 3_600_000, S)).toBeNull();
  });

  it('is up once an instance takes readings; a first up starts no grace', () => {
    expect(ingestCauseChange([beat(T, T)], undefined, T + 500, S)).toBe('up');
    const first = ingestCauseState('up', undefined, T);
    expect(first).toEqual({ state: 'up', since: 0 });
    expect(holds(first, T + 1000, DEFAULT_INHIBITION)).toBe(false);
    expect(ingestCauseChange([beat(T, T)], up, T + 500, S)).toBeNull();
  });

  it('goes down only after no instance took readings for longer than the down-after time', () => {
    const dead = [beat(T, T)];
    expect(ingestCauseChange(dead, up, T + 3001, S)).toBeNull();
    expect(ingestCauseChange(dead, up, T + 15_000, S)).toBeNull();
    expect(ingestCauseChange(dead, up, T + 15_001, S)).toBe('down');
    expect(ingestCauseChange(dead, down, T + 60_000, S)).toBeNull();
  });

  it('counts an instance alive but cut off from the broker as not taking readings', () => {
    // It beats every second, but its connections have been down since T.
    const cutOff = [beat(T + 20_000, T)];
    expect(ingestCauseChange(cutOff, up, T + 20_000, S)).toBe('down');
    // One instance still taking readings keeps ingest up.
    const oneTaking = [...cutOff, beat(T + 20_000, T + 19_500)];
    expect(ingestCauseChange(oneTaking, up, T + 20_000, S)).toBeNull();
    expect(ingestCauseChange(oneTaking, undefined, T + 20_000, S)).toBe('up');
  });

  it('counts instances that never connected from their start', () => {
    const never = [beat(T + 10_000, null, T)];
    expect(ingestCauseChange(never, undefined, T + 10_000, S)).toBeNull();
    expect(ingestCauseChange(never, undefined, T + 15_001, S)).toBe('down');
  });

  it('comes back up when an instance takes readings again, and then its held alerts get the grace', () => {
    expect(ingestCauseChange([beat(T + 100_000, T + 100_000)], down, T + 100_500, S)).toBe('up');
    const back = ingestCauseState('up', down, T + 100_500);
    expect(back).toEqual({ state: 'up', since: T + 100_500 });
    expect(holds(back, T + 100_500 + DEFAULT_INHIBITION.graceMs - 1, DEFAULT_INHIBITION)).toBe(true);
    expect(holds(back, T + 100_500 + DEFAULT_INHIBITION.graceMs, DEFAULT_INHIBITION)).toBe(false);
  });

  it('stays down when every beat was forgotten, until ingest returns', () => {
    expect(ingestCauseChange([], down, T + 86_400_000, S)).toBeNull();
  });

  it('has one red alert on the district, opened when down and cleared when up', () => {
    expect(causeSubject(INGEST_CAUSE, () => undefined)).toBeUndefined();
    const subject = causeSubject(INGEST_CAUSE, () => undefined, 'LG')!;
    expect(subject).toEqual({ rule: INGEST_DOWN_RULE, kind: 'gas', owner: 'LG', device: 'ingest' });
    const escalation = (since: string) => ({ level: 'district' as const, unit: 'LG', since, notify: [] });
    const opened = causeAlertChange(undefined, INGEST_CAUSE, subject, down, escalation)!;
    expect(opened.alert).toMatchObject({
      rule: INGEST_DOWN_RULE,
      severity: 'red',
      active: true,
      owner: 'LG',
    });
    expect(opened.alert.cause).toBe(INGEST_CAUSE);
    const cleared = causeAlertChange(
      opened.alert,
      INGEST_CAUSE,
      subject,
      { state: 'up', since: T + 60_000 },
      escalation,
    )!;
    expect(cleared.transition.type).toBe('cleared');
    expect(cleared.alert.active).toBe(false);
  });
});
