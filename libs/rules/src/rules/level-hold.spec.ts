import { holdLevel, initialHold, type LevelHold } from './level-hold';
import type { Severity } from '@lg/contracts';

function run(steps: Array<[number, Severity | null]>, holdMs = 30): Array<[number, Severity | null]> {
  let hold: LevelHold = initialHold();
  const out: Array<[number, Severity | null]> = [];
  for (const [ts, measured] of steps) {
    const { below, target } = holdLevel(hold, measured, ts, holdMs);
    if (target !== hold.level) out.push([ts, target]);
    hold = { below, level: target };
  }
  return out;
}

describe('level hold', () => {
  it('rises at once and falls only after the hold', () => {
    expect(
      run([
        [0, 'yellow'],
        [10, 'red'],
        [20, 'yellow'],
        [49, 'yellow'],
        [50, 'yellow'],
        [60, null],
        [89, null],
        [90, null],
      ]),
    ).toEqual([
      [0, 'yellow'],
      [10, 'red'],
      [50, 'yellow'],
      [90, null],
    ]);
  });

  it('steps down to the highest level seen within the hold', () => {
    expect(
      run([
        [0, 'red'],
        [10, 'orange'],
        [20, 'blue'],
        [40, 'blue'], // red left at 10: 30 s later orange (seen until 20) still holds
        [50, 'blue'], // orange left at 20
        [60, null],
        [90, null],
      ]),
    ).toEqual([
      [0, 'red'],
      [40, 'orange'],
      [50, 'blue'],
      [90, null],
    ]);
  });
});
