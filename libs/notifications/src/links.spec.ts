import { ackLink, linkToken, linkValid, parseLinkToken } from './links';

const contact = { name: '周波', phone: '0755-28901101', mobile: '13807551101' };
const subject = { alertId: 'gas.lel~G001~mabc12', step: 0, index: 0, contact };
const SECRET = 'a-link-secret-of-at-least-32-characters!';

describe('acknowledgement links', () => {
  it('round-trips and is short', () => {
    const token = linkToken(SECRET, subject);
    expect(token).toMatch(/^0-0\.[A-Za-z0-9_-]{22}\.gas\.lel~G001~mabc12$/);
    const parsed = parseLinkToken(token)!;
    expect(parsed).toMatchObject({ alertId: subject.alertId, step: 0, index: 0 });
    expect(linkValid(SECRET, parsed, contact)).toBe(true);
    expect(ackLink('http://gw:3000/', SECRET, subject)).toBe(`http://gw:3000/ack/${token}`);
  });

  it('refuses another alert, another place, another person, another key and a changed MAC', () => {
    const token = linkToken(SECRET, subject);
    const parsed = parseLinkToken(token)!;
    expect(linkValid(SECRET, { ...parsed, alertId: 'gas.lel~G002~mabc12' }, contact)).toBe(false);
    expect(linkValid(SECRET, { ...parsed, step: 1 }, contact)).toBe(false);
    expect(linkValid(SECRET, { ...parsed, index: 1 }, contact)).toBe(false);
    expect(linkValid(SECRET, parsed, { ...contact, mobile: '13807551102' })).toBe(false);
    expect(linkValid(`${SECRET}x`, parsed, contact)).toBe(false);
    const flipped = `${parsed.mac[0] === 'A' ? 'B' : 'A'}${parsed.mac.slice(1)}`;
    expect(linkValid(SECRET, { ...parsed, mac: flipped }, contact)).toBe(false);
  });

  it('rejects malformed tokens before anything else', () => {
    for (const bad of [
      '',
      'x',
      '0-0.short.gas',
      `0-0.${'A'.repeat(22)}.`,
      `0-0.${'A'.repeat(22)}.a/b`,
      'x'.repeat(400),
    ])
      expect(parseLinkToken(bad)).toBeUndefined();
  });
});
