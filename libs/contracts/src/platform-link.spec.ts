import {
  gatewayCause,
  gatewayStatusTopic,
  INGEST_CAUSE,
  linkCause,
  linkOfflineWithin,
  MAX_CAUSE_ID_LENGTH,
  parseCause,
  parseStatusTopic,
  parsePlatformLinkPayload,
  parsePlatformLinkTopic,
  platformLinkTopic,
} from './platform-link';

describe('platform link topic and payload', () => {
  it('reads a site or network gateway from its status topic, beside the platform link', () => {
    expect(gatewayStatusTopic('lg/v1', 'S24', 'S24-GW')).toBe('lg/v1/_status/S24/gateway/S24-GW');
    expect(parseStatusTopic('lg/v1', 'lg/v1/_status/S24/gateway/S24-GW')).toEqual({
      t: 'gateway',
      owner: 'S24',
      gateway: 'S24-GW',
    });
    expect(parseStatusTopic('lg/v1', 'lg/v1/_status/C03/platform/link')).toEqual({
      t: 'platform',
      company: 'C03',
    });
    expect(parseStatusTopic('lg/v1', 'lg/v1/_status/S24/gateway/S 24')).toBeUndefined();
    expect(parseStatusTopic('lg/v1', 'lg/v1/_status/S24/gateway')).toBeUndefined();
    expect(parseStatusTopic('lg/v1', 'lg/v1/_status/S24/router/S24-GW')).toBeUndefined();
    expect(parseStatusTopic('lg/v1', 'lg/v1/slope/S24/SL-S24-1/status')).toBeUndefined();
  });

  it('reads the company from its link topic and nothing else', () => {
    expect(platformLinkTopic('lg/v1', 'C03')).toBe('lg/v1/_status/C03/platform/link');
    expect(parsePlatformLinkTopic('lg/v1', 'lg/v1/_status/C03/platform/link')).toBe('C03');
    expect(parsePlatformLinkTopic('lg/v1', 'lg/v1/_status/C03/platform/other')).toBeUndefined();
    expect(parsePlatformLinkTopic('lg/v1', 'lg/v1/_status/C 3/platform/link')).toBeUndefined();
    expect(parsePlatformLinkTopic('lg/v1', 'lg/v1/truck/C03/T001/status')).toBeUndefined();
    expect(parsePlatformLinkTopic('lg/v1', 'lg/v1/_status/C03/platform/link/x')).toBeUndefined();
  });

  it('takes {"state": "online" | "offline"} only, and says why it refuses anything else', () => {
    expect(parsePlatformLinkPayload(Buffer.from('{"state":"online"}'))).toEqual({
      ok: true,
      state: 'online',
    });
    expect(parsePlatformLinkPayload(Buffer.from('{"state":"offline","x":1}'))).toEqual({
      ok: true,
      state: 'offline',
    });
    expect(parsePlatformLinkPayload(Buffer.from('{"state":"up"}'))).toMatchObject({ ok: false });
    expect(parsePlatformLinkPayload(Buffer.from('online'))).toEqual({
      ok: false,
      error: 'payload is not JSON',
    });
    expect(parsePlatformLinkPayload(Buffer.alloc(0))).toMatchObject({ ok: false, error: /empty/ });
    const big = Buffer.from(JSON.stringify({ state: 'online', pad: 'x'.repeat(300) }));
    expect(parsePlatformLinkPayload(big)).toEqual({ ok: false, error: 'payload over 256 bytes' });
  });
});

describe('linkOfflineWithin', () => {
  const h = 3600_000;
  it('adds up the offline spans within the period and counts the drops', () => {
    const changes = [
      { state: 'offline' as const, at: 2 * h },
      { state: 'online' as const, at: 3 * h },
      { state: 'offline' as const, at: 5 * h },
    ];
    expect(linkOfflineWithin('online', changes, 0, 6 * h)).toEqual({ offlineMs: 2 * h, drops: 2 });
  });

  it('counts a span that began before the period from its start', () => {
    expect(linkOfflineWithin('offline', [{ state: 'online', at: 1 * h }], 0, 4 * h)).toEqual({
      offlineMs: h,
      drops: 0,
    });
    expect(linkOfflineWithin('offline', [], 0, 4 * h)).toEqual({ offlineMs: 4 * h, drops: 0 });
  });

  it('counts nothing while the state is unknown, and a repeated offline as one drop', () => {
    expect(linkOfflineWithin(undefined, [], 0, 4 * h)).toEqual({ offlineMs: 0, drops: 0 });
    const changes = [
      { state: 'offline' as const, at: 1 * h },
      { state: 'offline' as const, at: 2 * h },
    ];
    expect(linkOfflineWithin(undefined, changes, 0, 4 * h)).toEqual({ offlineMs: 3 * h, drops: 1 });
  });
});

describe('parseCause (cause IDs read back)', () => {
  it('reads what linkCause, gatewayCause and INGEST_CAUSE write', () => {
    expect(parseCause(linkCause('C01'))).toEqual({ t: 'link', company: 'C01' });
    expect(parseCause(gatewayCause('S24-GW'))).toEqual({ t: 'gateway', gateway: 'S24-GW' });
    expect(parseCause(INGEST_CAUSE)).toEqual({ t: 'ingest' });
    const longest = gatewayCause('G'.repeat(64));
    expect(longest).toHaveLength(MAX_CAUSE_ID_LENGTH);
    expect(parseCause(longest)).toEqual({ t: 'gateway', gateway: 'G'.repeat(64) });
  });

  it('refuses any other shape', () => {
    for (const text of [
      '',
      'C01',
      'link:',
      'link',
      ':C01',
      'link:C 01',
      'link:C01:x',
      'gateway:a/b',
      'platform:router',
      'platform:',
      'Link:C01',
      'device:T001',
      linkCause('C'.repeat(65)),
      gatewayCause('G'.repeat(65)),
    ])
      expect(parseCause(text)).toBeUndefined();
  });
});
