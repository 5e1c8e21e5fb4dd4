import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { freePort, startInfluxServer, startRedisServer, type ManagedProcess } from '@lg/services';
import { gatewayConfig } from '../../apps/gateway/src/config';
import { createGateway } from '../../apps/gateway/src/gateway.app';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { statusCode?: number; error?: string; message?: string; token?: string };
}

/**
 * Logins against the real gateway, as clients behind a reverse proxy and as clients reaching it directly.
 * The gateway trusts 127.0.0.1 as its proxy (TRUST_PROXY): a request from there names its client in
 * X-Forwarded-For; a request from 127.0.0.2 is a client that reaches the gateway directly, and whatever it
 * writes in X-Forwarded-For is ignored.
 */
describe('logins under attack (real gateway)', () => {
  let dir: string;
  let redisProc: ManagedProcess;
  let influxProc: ManagedProcess;
  let app: NestExpressApplication;
  let port: number;

  function login(
    username: string,
    password: string,
    options: { forwardedFor?: string; from?: string } = {},
  ): Promise<Answer> {
    const body = JSON.stringify({ username, password });
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/auth/login',
          method: 'POST',
          localAddress: options.from ?? '127.0.0.1',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const retry = res.headers['retry-after'];
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: Array.isArray(retry) ? retry[0] : retry,
              body: JSON.parse(text) as Answer['body'],
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-login-'));
    const [redisPort, influxPort, rpcPort] = [await freePort(), await freePort(), await freePort()];
    [redisProc, influxProc] = await Promise.all([
      startRedisServer({ dir: join(dir, 'redis'), port: redisPort }),
      startInfluxServer({ dir: join(dir, 'influxdb'), port: influxPort, rpcPort }),
    ]);
    const config = gatewayConfig({
      LG_MODE: 'demo',
      REGISTRY_FILE: 'config/registry/minimal.json',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_PREFIX: `login${randomBytes(4).toString('hex')}`,
      INFLUX_URL: `http://127.0.0.1:${influxPort}`,
      INFLUX_DB: 'login_test',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOGIN_MAX_FAILURES: '5',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '8',
      LOGIN_MAX_FAILURES_PER_USER: '20',
      LOGIN_MAX_HASHING: '1',
      LOGIN_MAX_WAITING: '2',
      TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'warn',
    });
    app = await createGateway(config, ['error']);
    // Every loopback address, so that clients can come from 127.0.0.2 as well.
    await app.listen(0, '0.0.0.0');
    port = Number(new URL(await app.getUrl()).port);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([redisProc?.stop(), influxProc?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets c05 in from another address while 200 wrong passwords for c05 come from one address', async () => {
    const flood = await Promise.all(
      Array.from({ length: 200 }, () => login('c05', 'wrong', { forwardedFor: '203.0.113.7' })),
    );
    // Counted before the password check: no more than the limit were checked, however parallel.
    expect(count(flood, 401)).toBeLessThanOrEqual(5);
    expect(count(flood, 401) + count(flood, 429) + count(flood, 503)).toBe(200);
    const limited = flood.find((a) => a.status === 429)!;
    expect(limited.body.message).toBe(
      `too many failed logins for "c05" from this address: try again in ${limited.retryAfter} s`,
    );
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);

    const elsewhere = await login('c05', 'c05', { forwardedFor: '198.51.100.20' });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.token).toEqual(expect.any(String));
    // The flooding address itself stays refused, even with the right password.
    expect((await login('c05', 'c05', { forwardedFor: '203.0.113.7' })).status).toBe(429);
  });

  it('limits one address trying many user names', async () => {
    const answers: Answer[] = [];
    for (const user of ['c01', 'c02', 'c03', 'c04', 'c06', 'c07', 'c08', 'c09', 'c10']) {
      answers.push(await login(user, 'wrong', { forwardedFor: '203.0.113.8' }));
    }
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
    expect(answers[8].body.message).toMatch(/^too many failed logins from this address: try again in \d+ s$/);
    expect((await login('c10', 'c10', { forwardedFor: '203.0.113.9' })).status).toBe(200);
  });

  it('ignores X-Forwarded-For from a client that is not the trusted proxy', async () => {
    const answers: Answer[] = [];
    // Each claims another address; all of them come from 127.0.0.2, which is what counts.
    for (let i = 0; i < 6; i++) {
      answers.push(await login('c11', 'wrong', { from: '127.0.0.2', forwardedFor: `198.51.100.${100 + i}` }));
    }
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
    // Through the proxy, c11's own client is not affected.
    expect((await login('c11', 'c11', { forwardedFor: '198.51.100.100' })).status).toBe(200);
  });

  it('checks a bounded number of passwords at once and answers the rest 503 with Retry-After', async () => {
    // Unknown names cost a full-strength scrypt each (the decoy): one runs, two wait, the rest are refused.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login(`nobody${i}`, 'x', { forwardedFor: `192.0.2.${i + 1}` })),
    );
    expect(count(answers, 401) + count(answers, 503)).toBe(12);
    expect(count(answers, 401)).toBeGreaterThanOrEqual(3);
    const busy = answers.find((a) => a.status === 503);
    expect(busy).toBeDefined();
    expect(busy!.retryAfter).toBe('1');
    expect(busy!.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'too many logins being checked at once: try again in 1 s',
    });
    // A refused check was not counted: the address that got 503 can log in with the right password.
    const refused = answers.indexOf(busy!);
    expect((await login('c12', 'c12', { forwardedFor: `192.0.2.${refused + 1}` })).status).toBe(200);
  });
});
