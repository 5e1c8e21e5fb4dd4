import type { Alert, Severity } from '@lg/contracts';
import { isShelved } from '@lg/contracts';
import { applySignal } from './lifecycle';
import {
  escalationHeldUntil,
  MAX_SHELF_MINUTES,
  mayConfirm,
  mayShelve,
  MIN_SHELF_MINUTES,
  riseUnshelves,
  SHELF_RECHECK_MS,
  shelfOf,
  type ShelfRequest,
} from './shelving';
import { fireSignal, gridEscalation as esc } from './testing';

const subject = { rule: 'slope.tilt', kind: 'slope' as const, owner: 'S01', device: 'SL001' };
const fire = (severity: Severity) => fireSignal(severity, 1, 1, 'tilt');
const T = Date.parse('2026-05-01T00:00:00Z');

function open(severity: Severity): Alert {
  return applySignal(undefined, subject, fire(severity), T, esc)!.alert;
}

describe('may this be shelved', () => {
  it('takes a yellow alert for a bounded time, without a second operator', () => {
    expect(mayShelve([open('yellow')], 30)).toEqual({ ok: true, needsConfirmation: false });
    expect(mayShelve([open('yellow')], MIN_SHELF_MINUTES)).toMatchObject({ ok: true });
    expect(mayShelve([open('yellow')], MAX_SHELF_MINUTES)).toMatchObject({ ok: true });
  });

  it('refuses a time outside 5 min to 24 h, or not whole minutes', () => {
    for (const minutes of [0, 4, MAX_SHELF_MINUTES + 1, 7.5, Number.NaN])
      expect(mayShelve([open('yellow')], minutes)).toMatchObject({ ok: false, status: 400 });
  });

  it('needs a second operator for a red alert, or a device with one red alert among others', () => {
    expect(mayShelve([open('red')], 30)).toEqual({ ok: true, needsConfirmation: true });
    expect(mayShelve([open('yellow'), open('red')], 30)).toEqual({ ok: true, needsConfirmation: true });
  });

  it('refuses nothing, or a closed alert', () => {
    expect(mayShelve([], 30)).toMatchObject({ ok: false, status: 409 });
    const closed: Alert = { ...open('yellow'), active: false, acknowledged: true };
    expect(mayShelve([closed], 30)).toMatchObject({ ok: false, status: 409 });
  });
});

describe('when does a shelf end', () => {
  it('ends after the stated minutes, and is over from then on', () => {
    const shelf = shelfOf(open('yellow'), 'op1', 'chattering sensor', 30, T);
    expect(shelf.until).toBe(new Date(T + 30 * 60_000).toISOString());
    expect(shelf.severity).toBe('yellow');
    const alert = { ...open('yellow'), shelf };
    expect(isShelved(alert, T + 30 * 60_000 - 1)).toBe(true);
    expect(isShelved(alert, T + 30 * 60_000)).toBe(false);
  });

  it('holds the climb of a shelved alert until its shelf ends, looking again every minute', () => {
    const shelf = shelfOf(open('orange'), 'op1', 'works on site', 60, T);
    const alert = { ...open('orange'), shelf };
    expect(escalationHeldUntil(alert, T + 1000)).toBe(T + 1000 + SHELF_RECHECK_MS);
    expect(escalationHeldUntil(alert, T + 59 * 60_000 + 30_000)).toBe(T + 60 * 60_000);
    expect(escalationHeldUntil(alert, T + 60 * 60_000)).toBeNull();
    expect(escalationHeldUntil(open('orange'), T)).toBeNull();
  });
});

describe('a second operator', () => {
  const request: ShelfRequest = {
    id: 'r1',
    alerts: [{ id: 'a', severity: 'red' }],
    by: 'op1',
    reason: 'sensor under repair',
    minutes: 60,
    at: new Date(T).toISOString(),
    expiresAt: new Date(T + 15 * 60_000).toISOString(),
  };

  it('must not be the one who asked', () => {
    expect(mayConfirm(request, 'op1', T + 1000)).toMatch(/different operator/);
    expect(mayConfirm(request, 'op2', T + 1000)).toBeNull();
  });

  it('cannot confirm a lapsed request', () => {
    expect(mayConfirm(request, 'op2', T + 15 * 60_000)).toMatch(/lapsed/);
  });
});

describe('a rise unshelves', () => {
  it('is a severity above the shelved one, not the same or lower', () => {
    const shelf = shelfOf(open('orange'), 'op1', 'x', 30, T);
    expect(riseUnshelves(shelf, 'red')).toBe(true);
    expect(riseUnshelves(shelf, 'orange')).toBe(false);
    expect(riseUnshelves(shelf, 'yellow')).toBe(false);
  });

  it('takes the shelf away on a raise, and says so in the transition', () => {
    const yellow = open('yellow');
    const shelved = { ...yellow, shelf: shelfOf(yellow, 'op1', 'nuisance', 60, T) };
    const raised = applySignal(shelved, subject, fire('orange'), T + 1000, esc)!;
    expect(raised.transition.type).toBe('raised');
    expect(raised.alert.shelf).toBeUndefined();
    expect(raised.transition.clearedShelf).toEqual(shelved.shelf);
  });

  it('keeps the shelf on a lowering, and on a reopening at the shelved severity (a chattering alarm)', () => {
    const orange = open('orange');
    const shelved = { ...orange, shelf: shelfOf(orange, 'op1', 'chatter', 60, T) };
    const lowered = applySignal(shelved, subject, fire('yellow'), T + 1000, esc)!;
    expect(lowered.alert.shelf).toEqual(shelved.shelf);
    const cleared = applySignal(shelved, subject, { type: 'clear', value: 0 }, T + 1000, esc)!;
    const reopened = applySignal(cleared.alert, subject, fire('orange'), T + 2000, esc)!;
    expect(reopened.transition.type).toBe('reopened');
    expect(reopened.alert.shelf).toEqual(shelved.shelf);
    expect(reopened.transition.clearedShelf).toBeUndefined();
  });

  it('takes the shelf away on a reopening above the shelved severity', () => {
    const yellow = open('yellow');
    const shelved = { ...yellow, shelf: shelfOf(yellow, 'op1', 'chatter', 60, T) };
    const cleared = applySignal(shelved, subject, { type: 'clear', value: 0 }, T + 1000, esc)!;
    const reopened = applySignal(cleared.alert, subject, fire('red'), T + 2000, esc)!;
    expect(reopened.alert.shelf).toBeUndefined();
    expect(reopened.transition.clearedShelf?.by).toBe('op1');
  });
});
