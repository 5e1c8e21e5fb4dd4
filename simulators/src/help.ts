import { FIELD_SPECS } from '@lg/contracts';

const fieldList = (['truck', 'slope', 'gas'] as const)
  .map((kind) => `      ${kind.padEnd(6)} ${Object.keys(FIELD_SPECS[kind]).join(', ')}`)
  .join('\n');

export const USAGE = `Longgang device simulator

Usage: npm run sim -- <command> [options]     (or: node dist/simulators/src/cli.js <command> [options])

Commands:
  run       the demo fleet: every registry device (or --devices) on its own MQTT v5 connection,
            reporting at its registry interval until Ctrl-C or --duration
  publish   publish one reading (or status) as one device and print the broker's PUBACK reason code
  list      the registry's devices with their topics and intervals

Options of every command (flag, or environment variable, or default):
  --url URL            broker                        MQTT_URL          mqtt://127.0.0.1:1883
  --root ROOT          topic root                    MQTT_TOPIC_ROOT   lg/v1
  --registry FILE      registry JSON                 REGISTRY_FILE     config/registry/longgang.json
  --mode MODE          demo | production             LG_MODE           demo
  --secrets FILE       JSON {"<username>": "<password>"}; demo mode without it uses password = name
                                                     SIM_SECRETS_FILE  (required in production)
  --devices LIST       device IDs and/or kinds, comma-separated: T001,G001 or gas,slope (default: all)
  -h, --help           this text

run:
  --speedup N          divide every reporting interval by N  SIM_SPEEDUP  1
  --duration D         stop after D: 90s, 10m, 2h (default: until Ctrl-C)
  --seed N             seed of the simulated behaviour       SIM_SEED     1
  --stats-every D      print a summary line every D (default 60s; 0 for never)

publish:
  --device ID          the device (required)
  --as USERNAME        connect as this identity instead, e.g. its owner P01 (password per --secrets/mode)
  --owner ID           put this owner in the topic instead of the device's own (to see the ACL refuse it)
  --ts TS              epoch milliseconds or ISO-8601 with a zone, e.g. 2026-05-01T08:00:00+08:00
                       (default: now)
  --json JSON          send this payload as it is instead of a simulated reading
  --status STATE       publish a retained status instead: online | offline
  --FIELD VALUE        set a field of the simulated reading; numbers, true/false or text as the field is:
${fieldList}
                       (a gas --lel also sets ma = 4 + lel/100 × 16 unless --ma is given)
  Exit code 0 when the broker accepted the message, 1 when it refused it (e.g. 0x87 Not authorized).

Examples:
  npm run sim -- run --speedup 10 --duration 5m
  npm run sim -- run --devices gas,T001
  npm run sim -- publish --device G001 --lel 60              # a red gas alert
  npm run sim -- publish --device T001 --speed 95 --ts 2026-05-01T08:00:00+08:00
  npm run sim -- publish --device G001 --owner P02           # refused: not G001's topic
  npm run sim -- list --devices truck
`;
