/**
 * The acknowledgements of one MQTT connection that wait for their messages to become durable.
 *
 * A message is held when it arrives and settled when its readings are in the reading log; its PUBACK may
 * go out only then, and PUBACKs go out in the order the messages arrived (MQTT requires it for QoS 1), so a
 * settled message waits behind an earlier one still in the hand-off. Holding them here, instead of making
 * the client wait for each hand-off before it reads the next message, lets one connection have as many
 * messages in the hand-off as the broker allows in flight (`receiveMaximum`), and lets the PUBACKs of a
 * group commit go out together.
 *
 * A lost connection drops what it held: the broker sends those messages again on the next session, and
 * a PUBACK meant for the old session must not acknowledge a message of the new one.
 */
export class AckWindow {
  private queue: Array<{ messageId: number; settled: boolean; epoch: number }> = [];
  private epoch = 0;

  /** Registers an arriving message; settle the returned ticket once it is durable. */
  hold(messageId: number): AckTicket {
    const entry = { messageId, settled: false, epoch: this.epoch };
    this.queue.push(entry);
    return entry;
  }

  /**
   * Marks a message durable and returns the message IDs whose PUBACKs may now go out, in arrival order:
   * this one and the settled ones behind it, unless an earlier message is still in the hand-off.
   */
  settle(ticket: AckTicket): number[] {
    const entry = ticket as { messageId: number; settled: boolean; epoch: number };
    if (entry.epoch !== this.epoch) return [];
    entry.settled = true;
    let n = 0;
    while (n < this.queue.length && this.queue[n].settled) n++;
    if (n === 0) return [];
    const ready = this.queue.slice(0, n).map((e) => e.messageId);
    this.queue = this.queue.slice(n);
    return ready;
  }

  /** The connection was lost: nothing held may be acknowledged on the next one. */
  reset(): void {
    this.epoch++;
    this.queue = [];
  }

  /** Messages held, settled or not. */
  get size(): number {
    return this.queue.length;
  }
}

/** A held message, as handed back to `settle`. */
export type AckTicket = object;
