import mqtt, { type MqttClient } from 'mqtt';
import { dutyAnswerTopic, dutyQuestionTopic, platformLinkTopic, type DutyQuestion } from '@lg/contracts';
import { seededRandom, seedOf, type Random } from './models/random';

const LINK_ONLINE = JSON.stringify({ state: 'online' });
const LINK_OFFLINE = JSON.stringify({ state: 'offline' });

/** What a simulated person on duty does with one question. */
export type DutyBehaviour = { answer: 'in_time' | 'late'; afterMs: number } | { answer: 'never' };

/**
 * One decision: with probability `reliability` an answer within the first 80 % of the time allowed (after
 * at least 2 s: a person reads first); of the rest, half answered 30–90 s after the deadline, half never.
 */
export function dutyBehaviour(reliability: number, allowedMs: number, random: Random): DutyBehaviour {
  const r = random.next();
  if (r < reliability)
    return {
      answer: 'in_time',
      afterMs: Math.round(2000 + random.next() * Math.max(0, allowedMs * 0.8 - 2000)),
    };
  if (r < reliability + (1 - reliability) / 2)
    return { answer: 'late', afterMs: Math.round(allowedMs + 30_000 + random.next() * 60_000) };
  return { answer: 'never' };
}

/** The demo companies' reliabilities, so that their measured rates differ: 0.5–1, fixed by the seed. */
export function demoReliability(company: string, seed: number): number {
  const r = seededRandom(seedOf('duty', company, seed)).next();
  return Math.round((0.5 + r * 0.5) * 100) / 100;
}

/** `0.9` for every company, or `C01=0.95,C02=0.6` (the others from `demoReliability`). */
export function parseReliability(text: string | undefined): (company: string, seed: number) => number {
  if (text === undefined || text === '') return demoReliability;
  if (/^(0(\.\d+)?|1(\.0+)?)$/.test(text)) {
    const all = Number(text);
    return () => all;
  }
  const table = new Map<string, number>();
  for (const part of text.split(',')) {
    const m = /^([A-Za-z0-9_-]{1,64})=(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(part.trim());
    if (!m) throw new Error(`--duty-reliability: "${part}" is not COMPANY=RATE with a rate from 0 to 1`);
    table.set(m[1], Number(m[2]));
  }
  return (company, seed) => table.get(company) ?? demoReliability(company, seed);
}

export interface DutyResponderOptions {
  url: string;
  root: string;
  companies: readonly string[];
  passwordOf: (username: string) => string;
  reliability: (company: string) => number;
  seed: number;
  onAnswer?: (company: string, question: DutyQuestion, behaviour: DutyBehaviour) => void;
}

/**
 * Stands in for the people on duty at the demo companies' platforms: connects as each company, reads its
 * duty-check questions and answers them (or not) as its reliability says, over MQTT as a platform would,
 * and says its platform link is up (its last will says when it is down).
 */
export class DutyResponder {
  private readonly clients: MqttClient[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly o: DutyResponderOptions) {}

  static async start(o: DutyResponderOptions): Promise<DutyResponder> {
    const responder = new DutyResponder(o);
    for (const company of o.companies) await responder.connect(company);
    return responder;
  }

  private async connect(company: string): Promise<void> {
    const random = seededRandom(seedOf('duty-answers', company, this.o.seed));
    // The platform's link status (docs/contract.md, "platform links"): online on every connect, and the
    // broker says offline for it when the connection drops without a DISCONNECT.
    const link = platformLinkTopic(this.o.root, company);
    const client = mqtt.connect(this.o.url, {
      username: company,
      password: this.o.passwordOf(company),
      clientId: company,
      protocolVersion: 5,
      reconnectPeriod: 1000,
      will: { topic: link, payload: Buffer.from(LINK_OFFLINE), qos: 1, retain: true },
    });
    client.on('error', () => undefined);
    client.on('connect', () => {
      client.publish(link, LINK_ONLINE, { qos: 1, retain: true }, () => undefined);
    });
    client.on('message', (_topic, payload) => {
      let q: DutyQuestion;
      try {
        q = JSON.parse(payload.toString()) as DutyQuestion;
      } catch {
        return;
      }
      const code = /(\d{4})/.exec(q.question)?.[1];
      if (!code || typeof q.id !== 'string') return;
      const b = dutyBehaviour(
        this.o.reliability(company),
        Date.parse(q.deadline) - Date.parse(q.askedAt),
        random,
      );
      this.o.onAnswer?.(company, q, b);
      if (b.answer === 'never') return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        client.publish(
          dutyAnswerTopic(this.o.root, company, q.id),
          JSON.stringify({ code, by: `${company}值班员` }),
          {
            qos: 1,
          },
        );
      }, b.afterMs);
      this.timers.add(timer);
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(dutyQuestionTopic(this.o.root, company), { qos: 1 });
    this.clients.push(client);
  }

  /** As a crash: every connection dropped without a DISCONNECT, so the broker publishes the last wills. */
  async abort(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.clients.map((c) => c.endAsync(true)));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // A platform that stops says so itself: a clean DISCONNECT fires no will.
    await Promise.all(
      this.clients.map(async (c) => {
        const company = c.options.username ?? '';
        if (c.connected)
          await c
            .publishAsync(platformLinkTopic(this.o.root, company), LINK_OFFLINE, { qos: 1, retain: true })
            .catch(() => undefined);
        await c.endAsync();
      }),
    );
  }
}
