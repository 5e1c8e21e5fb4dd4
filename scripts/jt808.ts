/**
 * `npm run jt808 -- decode <hex>`: prints a JT/T 808 frame as JSON (docs/jt808.md). The hex may hold
 * spaces, its 0x7e flags or not, and several frames (one JSON line each). A bad frame exits 1 naming what
 * is wrong (escape, check code, length, …).
 */
import { describeHex } from '@lg/jt808';

const USAGE = `Usage: npm run jt808 -- decode <hex>

Prints each JT/T 808 frame in <hex> (2013 or 2019; with or without its 0x7e flags; spaces allowed) as
JSON: msgId, terminal, serial, version, and the body (a position report's alarm, status, lat, lon,
altitude, speed, heading, time in UTC+8 and extras by item ID). Exits 1 on a bad frame, naming what is
wrong.

  npm run jt808 -- decode 7e0002000001380000000100053f7e`;

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'decode' || rest.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const result = describeHex(rest.join(''));
  if (!result.ok) {
    console.error(`bad frame: ${result.error}`);
    return 1;
  }
  for (const line of result.lines) console.log(line);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
