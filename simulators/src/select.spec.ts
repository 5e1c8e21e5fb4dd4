import { Registry } from '@lg/registry';
import { exceptDevices, selectDevices } from './select';

describe('exceptDevices', () => {
  const registry = Registry.load('config/registry/longgang.json');
  const all = selectDevices(registry);

  it('leaves a company’s trucks to its own platform, and devices or kinds', () => {
    const left = exceptDevices(registry, all, 'C03');
    expect(left.some((d) => d.owner === 'C03')).toBe(false);
    expect(left.length).toBe(all.length - all.filter((d) => d.owner === 'C03').length);
    expect(exceptDevices(registry, all, 'gas,T001').some((d) => d.kind === 'gas' || d.id === 'T001')).toBe(
      false,
    );
    expect(exceptDevices(registry, all, '')).toHaveLength(all.length);
  });

  it('names what it does not know', () => {
    expect(() => exceptDevices(registry, all, 'C03,C99')).toThrow(
      '--except: unknown owner, device or kind: C99',
    );
  });
});
