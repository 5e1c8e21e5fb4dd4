import fc from 'fast-check';
import type { ReadingRecord } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { emptyDeviceState, evaluateReading, resolvePack, type DeviceRuleState } from '@lg/rules';
import { DeviceRateLimiter } from './device-rate-limit';
import { DriftDetector } from './drift';
import { MessageIntake, type Intake } from './intake';

/**
 * "A real gas alarm is never filtered away": a gas reading that the detector can vouch for (no fault, an
 * LEL within 0–100 %, a loop current that is not an NE43 fault, a time that is not in the future) at or
 * above the red threshold, taken through ingest (parsing, validation, quality, the rate limit) and the
 * rule engine, raises a red gas alarm — whatever came before it, whatever else its message carries, and
 * even when the detector floods.
 */

const registry = Registry.load('config/registry/minimal.json');
const device = registry.device('G001')!;
const TOPIC = 'lg/v1/gas/P01/G001/telemetry';
const NOW = Date.parse('2026-05-01T08:00:00Z');

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/**
 * Thresholds an operator may set (PUT /api/rules/gas.lel): orange < red ≤ 100, from 1 % LEL (below a
 * detector's resolution a flood's readings and an alarm cannot be told apart; see passAlarm).
 */
const thresholds = fc
  .tuple(finite(1, 99), finite(1, 100))
  .filter(([o, r]) => r > o)
  .map(([orange, red]) => ({ orange, red }));

/** Anything a detector may send before: alarms, faults, out-of-range values, junk, silence. */
const earlier = fc.oneof(
  fc.record({ lel: finite(0, 100) }),
  fc.record({ lel: finite(-50, 200), ma: finite(0, 25) }),
  fc.record({ fault: fc.constantFrom('E12', 'SENSOR_DRIFT') }),
  fc.record({ lel: finite(0, 100), battery: finite(-10, 150) }),
  fc.record({ lel: fc.constantFrom('60', null, true) }),
);

/** The alarm: fields a detector that sees may carry besides its LEL, including a battery level that cannot be. */
const alarm = (red: number) =>
  fc.record(
    {
      lel: finite(red, 100),
      gas: fc.constantFrom('CH4', 'C3H8'),
      ma: finite(3.6, 21),
      battery: finite(-1000, 1000),
      vendor: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: ['lel'] },
  );

describe('a real gas alarm is never filtered away (property)', () => {
  it('any reading the detector vouches for at or above red raises a red alarm', () => {
    fc.assert(
      fc.property(
        thresholds.chain((t) =>
          fc.record({
            t: fc.constant(t),
            history: fc.array(fc.tuple(earlier, fc.boolean()), { maxLength: 30 }),
            alarm: alarm(t.red),
            iso: fc.boolean(),
            /** Readings after the alarm in the same backlog batch, and junk, in any order. */
            batch: fc.array(fc.oneof(earlier, fc.constant('junk')), { maxLength: 5 }),
            position: fc.nat(),
            flood: fc.boolean(),
          }),
        ),
        ({ t, history, alarm, iso, batch, position, flood }) => {
          const pack = resolvePack({ 'gas.lel': { config: t } });
          const ctx = { device, registry };
          const limiter = new DeviceRateLimiter({ ratePerSec: 1, burst: 1000 });
          const intake = new MessageIntake({ root: 'lg/v1', futureToleranceMs: 60_000 }, registry, {
            drift: new DriftDetector(),
            limiter,
          });
          let state: DeviceRuleState = emptyDeviceState();
          const level = () => (state.rules['gas.lel'] as { level: string | null } | undefined)?.level ?? null;
          const evaluate = (intake: Intake) =>
            (intake.records as ReadingRecord[]).map((record) => {
              const before = level();
              const step = evaluateReading(state, record, ctx, pack);
              state = step.state;
              const fired = step.emissions.flatMap((e) =>
                e.rule === 'gas.lel' && e.signal.type === 'fire' ? [e.signal.severity] : [],
              );
              return { record, before, after: level(), fired };
            });
          const send = (body: unknown, rx: number) =>
            evaluate(intake.take(TOPIC, Buffer.from(JSON.stringify(body)), rx));

          // What came before, one message at a time or two readings together.
          let rx = NOW - 3_600_000;
          let ts = rx;
          for (const [reading, together] of history) {
            rx += 1000;
            send(
              together
                ? [
                    { ...reading, ts: ts++ },
                    { ...reading, ts: ts++ },
                  ]
                : { ...reading, ts: ts++ },
              rx,
            );
          }
          // Maybe a flood right now that empties the detector's bucket, of low readings (none an alarm).
          if (flood) {
            const low = (n: number) => Array.from({ length: n }, () => ({ ts: ts++, lel: (t.red - 1) / 2 }));
            send(low(Math.floor(limiter.available('G001', NOW))), NOW);
            send(low(10), NOW);
            expect(limiter.available('G001', NOW)).toBeLessThan(1);
          }
          // The alarm, now, in a message of its own or inside a batch with later and broken readings.
          const alarmTs = ts++;
          const sent = { ...alarm, ts: iso ? new Date(alarmTs).toISOString() : alarmTs };
          const rest = batch.map((r) => (r === 'junk' ? r : { ...r, ts: ts++ }));
          const cut = position % (rest.length + 1);
          const steps = send(
            rest.length === 0 ? sent : [...rest.slice(0, cut), sent, ...rest.slice(cut)],
            NOW,
          );

          const step = steps.find((s) => s.record.ts === alarmTs);
          if (step) {
            // Red now; and if it was not red just before, this reading is what raised it.
            expect(step.after).toBe('red');
            if (step.before !== 'red') expect(step.fired).toEqual(['red']);
          } else {
            // Flooding: only the message's highest reading passed, and it is at least as high as the alarm.
            expect(flood).toBe(true);
            expect(steps).toHaveLength(1);
            expect(steps[0].record.f.lel).toBeGreaterThanOrEqual(alarm.lel);
            expect(steps[0].after).toBe('red');
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
