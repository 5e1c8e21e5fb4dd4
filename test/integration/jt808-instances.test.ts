import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { names, type LogRecord } from '@lg/contracts';
import { decodeEntry, MessageIntake, ReadingLog } from '@lg/ingest';
import { DEFAULT_REASSEMBLY, RESULT } from '@lg/jt808';
import {
  ConnectionDirectory,
  Jt808ReadingSink,
  Jt808Relay,
  Jt808Server,
  Jt808TextSender,
  TerminalRegistrations,
} from '@lg/jt808-server';
import { Registry } from '@lg/registry';
import { Services, waitFor } from '@lg/services';
import { readingLine } from '@lg/storage';
import { Jt808Terminal } from '@lg/simulators/jt808/terminal';

/**
 * Two JT/T 808 gateway instances on one real Redis: a terminal registered on one authenticates on the
 * other with the same code, the second connection replaces the first across instances (through the first
 * instance's channel), a text message finds whichever instance holds the terminal, and presence follows
 * the connection.
 */
describe('JT/T 808 gateway instances sharing Redis', () => {
  const registry = Registry.load('config/registry/minimal.json');
  const n = names(`t${Math.random().toString(36).slice(2, 8)}`);
  let dir: string;
  let services: Services;
  const clients: Redis[] = [];
  const servers: Jt808Server[] = [];
  const ports: number[] = [];
  const terminals: Jt808Terminal[] = [];
  let sender: Jt808TextSender;
  const relayErrors: unknown[] = [];

  const redis = (): Redis => {
    const r = new Redis(services.redisUrl);
    clients.push(r);
    return r;
  };

  async function instance(name: string): Promise<number> {
    const commands = redis();
    const relay = new Jt808Relay(commands, redis(), n);
    const log = new ReadingLog(commands, n.readings, { partitions: 2, line: readingLine });
    const intake = new MessageIntake({ root: 'lg/v1', futureToleranceMs: 60_000 }, registry);
    const server = new Jt808Server(
      {
        host: '127.0.0.1',
        port: 0,
        instance: name,
        idleMs: 30_000,
        maxFrameBytes: 4096,
        reassembly: DEFAULT_REASSEMBLY,
        maxQueuedFrames: 64,
        maxBadFrames: 5,
        maxConnections: 100,
      },
      {
        registry,
        registrations: new TerminalRegistrations(commands, n),
        connections: new ConnectionDirectory(commands, n, 60_000),
        sink: new Jt808ReadingSink('lg/v1', intake, log, {
          accepted: () => undefined,
          refused: () => undefined,
        }),
        tellInstance: (conn, m) => relay.tell(conn, m),
        answer: (a) => relay.answer(a),
        observer: {
          frame: () => undefined,
          badFrame: () => undefined,
          registration: () => undefined,
          closed: () => undefined,
          log: () => undefined,
        },
      },
    );
    await relay.listen(
      name,
      (m) => server.onInstanceMessage(m),
      (err) => relayErrors.push(err),
    );
    servers.push(server);
    return (await server.start()).port;
  }

  async function open(port: number): Promise<Jt808Terminal> {
    const d = registry.device('T001')!;
    const t = await Jt808Terminal.connect('127.0.0.1', port, {
      terminal: d.terminal!,
      plate: d.plate!,
      plateColor: d.plateColor!,
    });
    terminals.push(t);
    return t;
  }

  async function logRecords(): Promise<LogRecord[]> {
    const entries = await clients[0].xrange(n.readings, '-', '+');
    return entries.flatMap(([, fields]) => decodeEntry(fields));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-jt808-'));
    services = await Services.start({ dir, registry });
    ports.push(await instance('jt808-a'), await instance('jt808-b'));
    const commands = redis();
    sender = new Jt808TextSender(commands, redis(), n, new ConnectionDirectory(commands, n, 0), {
      sentMs: 3000,
      answerMs: 5000,
    });
  });

  afterAll(async () => {
    await Promise.all(terminals.map((t) => t.close()));
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(clients.map((c) => c.quit()));
    await services?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves a terminal between instances: same code, the old connection closed, presence kept', async () => {
    const onA = await open(ports[0]);
    const code = await onA.logIn();
    expect(await clients[0].get(n.jt808Connection('T001'))).toBe('jt808-a/1');
    const onB = await open(ports[1]);
    expect(await onB.authenticate(code)).toBe(RESULT.success);
    await waitFor('the connection on instance A closed', () => onA.closed, 10_000);
    expect(await clients[0].get(n.jt808Connection('T001'))).toBe('jt808-b/1');
    expect(await onB.report({ ts: Date.now() - 1000, lat: 22.7, lon: 114.2, speed: 30, heading: 10 })).toBe(
      RESULT.success,
    );

    // A text message goes to instance B, which holds the terminal now, and comes back answered.
    expect(await sender.send('T001', '前方隧道禁行', 0x0c)).toEqual({
      status: 'sent',
      serial: expect.any(Number),
      result: RESULT.success,
    });
    expect(onB.texts.map((t) => t.text)).toEqual(['前方隧道禁行']);

    // Online at A's authentication and at B's; the replaced connection did not take it offline.
    const statuses = () =>
      logRecords().then((rs) => rs.filter((r) => r.t === 's').map((r) => (r.t === 's' ? r.online : null)));
    expect(await statuses()).toEqual([true, true]);
    expect((await logRecords()).filter((r) => r.t === 'r')).toHaveLength(1);

    // Closing the terminal's only connection takes it offline, and a text then finds nobody.
    await onB.close();
    await waitFor('offline', async () => (await statuses()).length === 3, 10_000);
    expect(await statuses()).toEqual([true, true, false]);
    expect(await sender.send('T001', 'x', 0)).toEqual({ status: 'not_connected' });

    // A claim left by an instance that stopped without releasing it: the request is not taken, and the
    // sender says so (which instance), rather than calling the terminal not connected.
    await clients[0].set(n.jt808Connection('T001'), 'jt808-gone/7', 'PX', 60_000);
    expect(await sender.send('T001', 'x', 0)).toEqual({ status: 'unconfirmed', instance: 'jt808-gone' });
    expect(relayErrors).toEqual([]);
  });
});
