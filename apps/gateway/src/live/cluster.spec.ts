import { releaseMissed, sessionStillValid } from './cluster';

describe('connection-state recovery', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');
  const principal = { username: 'operator', role: 'operator' };

  it('recovers a session only while the login it was opened with is valid', () => {
    expect(sessionStillValid({ data: { principal, expiresAt: now + 1000 } }, now)).toBe(true);
    expect(sessionStillValid({ data: { principal, expiresAt: now } }, now)).toBe(false);
    expect(sessionStillValid({ data: { principal } }, now)).toBe(false);
    expect(sessionStillValid({ data: { expiresAt: now + 1000 } }, now)).toBe(false);
    expect(sessionStillValid({ data: null }, now)).toBe(false);
    expect(sessionStillValid({}, now)).toBe(false);
  });

  it('sends nothing for a connection that was not recovered', () => {
    const sent: unknown[] = [];
    releaseMissed({ data: {}, recovered: false, packet: (p: unknown) => sent.push(p) } as never, true);
    expect(sent).toEqual([]);
  });
});
