import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Command-line flags of the simulator's commands and the scripts, on node:util `parseArgs`. Most flags are
 * one of two kinds, listed by name as in minimist's `string: [...]` / `boolean: [...]`; a flag with a short
 * alias, a default value or repeats is spelled out in the option table beside them.
 */

/** Flags that take a value (`--out FILE`): absent, they are `undefined`. */
export function stringOptions<N extends string>(...names: N[]): { [K in N]: { type: 'string' } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as {
    [K in N]: { type: 'string' };
  };
}

/** Switches (`--check`): `true` when given, else `false`. */
export function booleanOptions<N extends string>(
  ...names: N[]
): { [K in N]: { type: 'boolean'; default: false } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'boolean', default: false }])) as {
    [K in N]: { type: 'boolean'; default: false };
  };
}

/** A `parseArgs` option table (node:util does not export its own name for it). */
type OptionTable = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** What `parseArgs` gives for `options` and `-h`/`--help`, parsed strictly. */
type ScriptArgs<O extends OptionTable> = ReturnType<
  typeof parseArgs<{ options: O & typeof HELP; strict: true }>
>['values'];

/**
 * A script's command line (`args`: its own, after node and the script), parsed strictly: an unknown flag, a
 * missing value or a positional argument throws. `-h`/`--help` prints `usage` and gives `undefined`, for the
 * script to exit 0.
 */
export function parseScriptArgs<O extends OptionTable>(
  options: O,
  usage: string,
  args: string[] = process.argv.slice(2),
): ScriptArgs<O> | undefined {
  const { values } = parseArgs({ args, options: { ...options, ...HELP }, strict: true });
  // The precise type of `values` is only known at the call, where `O` is.
  if ((values as { help?: boolean }).help) {
    console.log(usage);
    return undefined;
  }
  return values;
}
