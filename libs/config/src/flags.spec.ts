import { parseArgs } from 'node:util';
import { booleanOptions, parseScriptArgs, stringOptions } from './flags';

describe('command-line flags', () => {
  const options = { ...stringOptions('out', 'seed'), ...booleanOptions('check', 'all') };

  it('takes a value for a string option and true for a switch given; undefined and false when absent', () => {
    const { values } = parseArgs({ args: ['--out', 'f.json', '--check'], options, strict: true });
    expect(values).toEqual({ out: 'f.json', check: true, all: false });
    expect('seed' in values).toBe(false);
  });

  it('refuses a switch with a value and a string option without one', () => {
    expect(() => parseArgs({ args: ['--check=yes'], options, strict: true })).toThrow(
      "Option '--check' does not take an argument",
    );
    expect(() => parseArgs({ args: ['--out'], options, strict: true })).toThrow(
      "Option '--out <value>' argument missing",
    );
  });

  describe('parseScriptArgs', () => {
    afterEach(() => jest.restoreAllMocks());

    it('gives the values of the script’s own flags', () => {
      expect(parseScriptArgs(options, 'usage text', ['--seed', '7', '--all'])).toEqual({
        seed: '7',
        check: false,
        all: true,
      });
    });

    it.each(['--help', '-h'])('prints the usage on %s and gives undefined', (flag) => {
      const printed: unknown[] = [];
      jest.spyOn(console, 'log').mockImplementation((text) => void printed.push(text));
      expect(parseScriptArgs(options, 'usage text', ['--out', 'f.json', flag])).toBeUndefined();
      expect(printed).toEqual(['usage text']);
    });

    it('refuses an unknown flag and a positional argument', () => {
      expect(() => parseScriptArgs(options, 'usage text', ['--bogus'])).toThrow("Unknown option '--bogus'");
      expect(() => parseScriptArgs(options, 'usage text', ['file.json'])).toThrow(
        "Unexpected argument 'file.json'",
      );
    });
  });
});
