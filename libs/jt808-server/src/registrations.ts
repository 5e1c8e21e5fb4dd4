import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { Names } from '@lg/contracts';

/** A terminal's registration as kept in Redis. */
export interface Registration {
  code: string;
  terminalId: string;
  device: string;
}

export type RegisterOutcome =
  | { ok: true; code: string }
  /** The terminal number is registered by another terminal (another hardware ID): 0x8100 result 3. */
  | { ok: false; reason: 'terminal_registered' };

// Atomic: a first registration stores a fresh code; the same hardware registering again gets its code
// back (terminals re-register after a reset); another hardware ID under the number is refused.
const REGISTER = `
local tid = redis.call('HGET', KEYS[1], 'terminalId')
if tid then
  if tid ~= ARGV[1] then return {0} end
  return {1, redis.call('HGET', KEYS[1], 'code')}
end
redis.call('HSET', KEYS[1], 'code', ARGV[3], 'terminalId', ARGV[1], 'device', ARGV[2])
return {1, ARGV[3]}`;

/**
 * JT/T 808 registrations in Redis (the one class that touches them): the authentication code a terminal
 * got at registration, so that it authenticates after a reconnect to any gateway instance. Kept until the
 * terminal logs out (0x0003), which is when the standard has it register again.
 */
export class TerminalRegistrations {
  constructor(
    private readonly redis: Redis,
    private readonly names: Names,
  ) {}

  async register(terminalKey: string, terminalId: string, device: string): Promise<RegisterOutcome> {
    const fresh = randomBytes(8).toString('hex').toUpperCase();
    const r = (await this.redis.eval(
      REGISTER,
      1,
      this.names.jt808Registration(terminalKey),
      terminalId,
      device,
      fresh,
    )) as [number, string?];
    return r[0] === 1 ? { ok: true, code: r[1]! } : { ok: false, reason: 'terminal_registered' };
  }

  async get(terminalKey: string): Promise<Registration | undefined> {
    const h = await this.redis.hgetall(this.names.jt808Registration(terminalKey));
    return h.code && h.device
      ? { code: h.code, terminalId: h.terminalId ?? '', device: h.device }
      : undefined;
  }

  async remove(terminalKey: string): Promise<void> {
    await this.redis.del(this.names.jt808Registration(terminalKey));
  }
}
