import { maskAddress } from './deliveries';

describe('maskAddress', () => {
  it('shows enough of an address to recognise it, not to harvest it', () => {
    expect(maskAddress('13807551101')).toBe('138****1101');
    expect(maskAddress('duty1101@longgang.example')).toBe('d***@longgang.example');
    expect(maskAddress('周波/0755-28901101')).toBe('周波/0755-28901101');
  });
});
