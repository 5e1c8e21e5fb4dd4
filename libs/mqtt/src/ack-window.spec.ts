import { AckWindow } from './ack-window';

describe('AckWindow', () => {
  it('releases a PUBACK as soon as its message is durable when nothing earlier is waiting', () => {
    const w = new AckWindow();
    const a = w.hold(1);
    expect(w.settle(a)).toEqual([1]);
    expect(w.size).toBe(0);
  });

  it('keeps arrival order: a message settled early waits for the earlier one', () => {
    const w = new AckWindow();
    const a = w.hold(1);
    const b = w.hold(2);
    const c = w.hold(3);
    expect(w.settle(b)).toEqual([]);
    expect(w.settle(c)).toEqual([]);
    expect(w.size).toBe(3);
    expect(w.settle(a)).toEqual([1, 2, 3]);
    expect(w.size).toBe(0);
  });

  it('releases only up to the first message still in the hand-off', () => {
    const w = new AckWindow();
    const t = [10, 11, 12, 13].map((id) => w.hold(id));
    expect(w.settle(t[0])).toEqual([10]);
    expect(w.settle(t[2])).toEqual([]);
    expect(w.settle(t[1])).toEqual([11, 12]);
    expect(w.settle(t[3])).toEqual([13]);
  });

  it('never acknowledges what a lost connection held, on the next connection', () => {
    const w = new AckWindow();
    const old = w.hold(7);
    w.reset();
    const fresh = w.hold(7); // the broker redelivers under the same packet identifier
    expect(w.settle(old)).toEqual([]);
    expect(w.size).toBe(1);
    expect(w.settle(fresh)).toEqual([7]);
  });

  it('settling twice releases nothing more', () => {
    const w = new AckWindow();
    const a = w.hold(1);
    expect(w.settle(a)).toEqual([1]);
    expect(w.settle(a)).toEqual([]);
  });
});
