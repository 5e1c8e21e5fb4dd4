#!/usr/bin/env node
import { listCommand } from './commands/list';
import { loadCommand } from './commands/load';
import { publishCommand } from './commands/publish';
import { runCommand } from './commands/run';
import { scenarioCommand } from './commands/scenario';
import { UsageError } from './commands/common';
import { USAGE } from './help';

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
  run: runCommand,
  scenario: scenarioCommand,
  load: loadCommand,
  publish: publishCommand,
  list: listCommand,
};

/** Mistakes in how the command was called: exit code 2. */
function isUsage(err: unknown): err is Error {
  return (
    err instanceof UsageError ||
    (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true)
  );
}

/** The message with its causes: `cannot connect …: connect ECONNREFUSED 127.0.0.1:1883`. */
function explain(err: Error): string {
  const parts = [err.message];
  let cause: unknown = err.cause;
  while (cause instanceof Error && parts.length < 4) {
    if (!parts[parts.length - 1].includes(cause.message)) parts.push(cause.message);
    cause = cause.cause;
  }
  return parts.join(': ');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`unknown command "${command}": use run, scenario, load, publish or list (--help for more)`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (isUsage(err)) {
      console.error(`simulator ${command}: ${err.message} (--help for usage)`);
      return 2;
    }
    // Bad settings, registry or secrets, a broker that refuses or cannot be reached: the message says it all.
    if (!(err instanceof Error)) throw err;
    console.error(`simulator ${command}: ${explain(err)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('simulator failed:', err);
    process.exitCode = 1;
  },
);
