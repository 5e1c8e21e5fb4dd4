import { originAllowed } from './io.adapter';

describe('originAllowed', () => {
  const req = (origin: string | undefined, host = 'gateway.lg:3000') => ({ headers: { origin, host } });

  it('lets through clients without an Origin (services, scripts) and the gateway’s own origin', () => {
    expect(originAllowed(req(undefined), [])).toBe(true);
    expect(originAllowed(req('http://gateway.lg:3000'), [])).toBe(true);
  });

  it('refuses other browser origins unless listed', () => {
    expect(originAllowed(req('https://evil.example'), [])).toBe(false);
    expect(originAllowed(req('https://ops.lg.gov.cn'), ['https://ops.lg.gov.cn'])).toBe(true);
    expect(originAllowed(req('not a url'), [])).toBe(false);
  });
});
