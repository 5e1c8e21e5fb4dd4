import { claimOutcome } from './claims';

describe('digest claim outcome', () => {
  it('is ours when the SET NX took it', () => expect(claimOutcome(true, null)).toBe('claimed'));
  it('is done when the day was sent', () => expect(claimOutcome(false, 'done')).toBe('done'));
  it('is busy while another worker holds it, or it just lapsed', () => {
    expect(claimOutcome(false, 'worker-b')).toBe('busy');
    expect(claimOutcome(false, null)).toBe('busy');
  });
});
