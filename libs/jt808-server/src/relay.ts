import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import {
  parseJt808Answer,
  parseJt808InstanceMessage,
  type Jt808Answer,
  type Jt808InstanceMessage,
  type Jt808Located,
  type Names,
} from '@lg/contracts';
import { subscribeAlways } from '@lg/redis';
import { instanceOf, type ConnectionDirectory } from './connections';

/** How often a request that reached no subscriber of its instance's channel is published again. */
const REPUBLISH_MS = 200;

/**
 * The JT/T 808 instances' pub/sub (Redis): each instance listens on its own channel for downlink requests
 * and take-overs, and publishes what its terminals answered on one shared channel.
 */
export class Jt808Relay {
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly names: Names,
  ) {}

  async listen(
    instance: string,
    onMessage: (m: Jt808InstanceMessage) => Promise<void>,
    onError: (err: unknown) => void,
  ): Promise<void> {
    const channel = this.names.jt808Instance(instance);
    this.subscriber.on('message', (ch: string, raw: string) => {
      if (ch !== channel) return;
      const m = parseJt808InstanceMessage(raw);
      // A request that could not be handled (Redis down) gets no answer: its sender times out.
      if (m) onMessage(m).catch(onError);
    });
    await subscribeAlways(this.subscriber, [channel], onError);
  }

  async tell(conn: string, m: Jt808InstanceMessage): Promise<void> {
    await this.publisher.publish(this.names.jt808Instance(instanceOf(conn)), JSON.stringify(m));
  }

  async answer(a: Jt808Answer): Promise<void> {
    await this.publisher.publish(this.names.jt808Answers, JSON.stringify(a));
  }
}

export type TextOutcome =
  | { status: 'not_connected' }
  /** A terminal is held by `instance`, which did not say within the deadline that it sent the frame. */
  | { status: 'unconfirmed'; instance: string }
  | { status: 'failed'; message: string }
  /** Sent; `result` is the terminal's 0x0001 answer, or undefined if none came in time. */
  | { status: 'sent'; serial: number; result?: number; located?: Jt808Located };

/**
 * Sends a text message to a truck's terminal from any process (the gateway's API): finds the instance
 * holding the terminal, asks it to send 0x8300, and waits for the frame to go out and for the terminal's
 * 0x0001 answer, each within a deadline. A holder that does not confirm in time is told apart from no
 * holder at all: the first is an instance stopped or stalled with its claim still alive, the second a
 * terminal that is not connected.
 */
export class Jt808TextSender {
  private readonly waiting = new Map<string, (a: Jt808Answer) => void>();
  private listening: Promise<void> | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly names: Names,
    private readonly connections: ConnectionDirectory,
    private readonly deadlines = { sentMs: 3000, answerMs: 10_000 },
  ) {}

  private listen(): Promise<void> {
    this.listening ??= (async () => {
      this.subscriber.on('message', (ch: string, raw: string) => {
        if (ch !== this.names.jt808Answers) return;
        const a = parseJt808Answer(raw);
        if (a) this.waiting.get(a.id)?.(a);
      });
      // An error here is the next request's: it waits for answers it cannot hear and says so.
      await subscribeAlways(this.subscriber, [this.names.jt808Answers], () => undefined);
    })();
    return this.listening;
  }

  send(device: string, text: string, flags: number): Promise<TextOutcome> {
    return this.request(device, (id, conn) => ({ t: 'text', id, device, conn, text, flags }));
  }

  /** A location query (0x8201); the answer carries where the terminal says it is. */
  locate(device: string): Promise<TextOutcome> {
    return this.request(device, (id, conn) => ({ t: 'locate', id, device, conn }));
  }

  private async request(
    device: string,
    build: (id: string, conn: string) => Jt808InstanceMessage,
  ): Promise<TextOutcome> {
    await this.listen();
    const conn = await this.connections.holder(device);
    if (!conn) return { status: 'not_connected' };
    const id = randomUUID();
    const answers: Jt808Answer[] = [];
    let wake: () => void = () => undefined;
    this.waiting.set(id, (a) => {
      answers.push(a);
      wake();
    });
    // One waiter at a time takes the next answer; a settled waiter takes none (an answer arriving between
    // two waits stays queued for the next).
    const next = (ms: number) =>
      new Promise<Jt808Answer | undefined>((resolve) => {
        let settled = false;
        const timer = setTimeout(() => {
          settled = true;
          resolve(undefined);
        }, ms);
        const check = (): void => {
          if (settled || answers.length === 0) return;
          settled = true;
          clearTimeout(timer);
          resolve(answers.shift());
        };
        wake = check;
        check();
      });
    try {
      const instance = instanceOf(conn);
      const channel = this.names.jt808Instance(instance);
      const message = JSON.stringify(build(id, conn));
      if (!(await publishUntilHeard(this.publisher, channel, message, this.deadlines.sentMs))) {
        return { status: 'unconfirmed', instance };
      }
      const first = await next(this.deadlines.sentMs);
      if (!first) return { status: 'unconfirmed', instance };
      if (first.status === 'failed') return { status: 'failed', message: first.message };
      if (first.status === 'answered') return { status: 'sent', serial: -1, ...answered(first) };
      const second = await next(this.deadlines.answerMs);
      return second?.status === 'answered'
        ? { status: 'sent', serial: first.serial, ...answered(second) }
        : { status: 'sent', serial: first.serial };
    } finally {
      this.waiting.delete(id);
    }
  }
}

/**
 * Publishes `message` on `instance`'s channel until a subscriber has it, within `withinMs`: nobody had the
 * ones that reached no subscriber (the instance's subscription being re-made after a reconnection), so
 * sending again cannot send twice. False when nobody listened in time (the instance has stopped).
 */
async function publishUntilHeard(
  publisher: Redis,
  channel: string,
  message: string,
  withinMs: number,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if ((await publisher.publish(channel, message)) > 0) return true;
    if (Date.now() + REPUBLISH_MS > deadline) return false;
    await sleep(REPUBLISH_MS);
  }
}

function answered(a: Extract<Jt808Answer, { status: 'answered' }>): {
  result: number;
  located?: Jt808Located;
} {
  return { result: a.result, ...(a.located ? { located: a.located } : {}) };
}
