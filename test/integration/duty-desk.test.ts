import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { DutyQuestion } from '@lg/contracts';
import { DutyCheckStore, DutyDesk, DutySettingsStore, localDayStart } from '@lg/duty';
import { Registry } from '@lg/registry';
import { Services, waitFor } from '@lg/services';

/** The day's random duty checks on a real Redis and BullMQ: planned once, asked when due, kept. */
describe('DutyDesk schedule', () => {
  let dir: string;
  let services: Services;
  let redis: Redis;
  const connections: Redis[] = [];
  const prefix = `dd${Date.now()}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-duty-'));
    services = await Services.start({ dir, registry: Registry.load('config/registry/minimal.json') });
    redis = new Redis(services.redisUrl);
  });

  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await redis?.quit();
    await services?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const desk = (published: Array<[string, string]>, random: () => number) =>
    new DutyDesk(new DutyCheckStore(redis, prefix), new DutySettingsStore(redis, prefix), {
      root: 'lg/v1',
      companies: ['C01', 'C02'],
      connection: () => {
        const c = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
        connections.push(c);
        return c;
      },
      bullPrefix: `${prefix}:bull`,
      publish: (topic, body) => published.push([topic, body]),
      random,
    });

  it('plans each company’s checks of the day once, however many desks start, and asks them when due', async () => {
    await new DutySettingsStore(redis, prefix).put({ perDay: 2, fromHour: 0, toHour: 24, deadlineSec: 60 });
    const now = Date.now();
    const day = localDayStart(now);
    // Times 1 s and 1.5 s from now (a random fraction of the day); codes from the same stream of numbers.
    const soon = [(now + 1000 - day) / 86_400_000, (now + 1500 - day) / 86_400_000];
    const random = () => soon[Math.floor(Math.random() * 2)];
    const published: Array<[string, string]> = [];
    const a = desk(published, random);
    const b = desk(published, random);
    await a.start();
    await b.start();
    try {
      await waitFor('four questions asked', () => published.length >= 4, 20_000);
      const questions = published.map(([topic, body]) => ({ topic, q: JSON.parse(body) as DutyQuestion }));
      expect(questions.map((x) => x.topic).sort()).toEqual([
        'lg/v1/_duty/C01/question',
        'lg/v1/_duty/C01/question',
        'lg/v1/_duty/C02/question',
        'lg/v1/_duty/C02/question',
      ]);
      const store = new DutyCheckStore(redis, prefix);
      const listed = await store.list('C01', day, day + 86_400_000, 10, Date.now());
      expect(listed).toHaveLength(2);
      expect(listed.every((c) => c.askedBy === 'schedule' && c.status === 'pending')).toBe(true);
      expect(Date.parse(listed[0].deadline) - Date.parse(listed[0].askedAt)).toBe(60_000);
    } finally {
      await a.stop();
      await b.stop();
    }
    // Planned once: no more than the four.
    expect(published).toHaveLength(4);
  });
});
