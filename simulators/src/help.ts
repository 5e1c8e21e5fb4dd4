import { FIELD_SPECS } from '@lg/contracts';

const fieldList = (['truck', 'slope', 'gas'] as const)
  .map((kind) => `      ${kind.padEnd(6)} ${Object.keys(FIELD_SPECS[kind]).join(', ')}`)
  .join('\n');

export const USAGE = `Longgang device simulator (docs/simulators.md)

Usage: npm run sim -- <command> [options]     (or: node dist/simulators/src/cli.js <command> [options])

Commands:
  run       the demo fleet: every registry device on its own MQTT v5 connection (client ID and password
            of its own, retained last will), reporting at its registry interval until Ctrl-C or --duration;
            the devices the scenarios drive are left out unless named
  scenario  run scenario files (simulators/scenarios) against a running platform and check the alerts and
            rejections each one states: scenario --list | scenario NAME... | scenario --all
  load      N devices at R readings/s in total over one connection per owner, QoS 1, counting what the
            broker acknowledged; a JSON summary at the end
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
  --with-scenario-devices   simulate the scenarios' devices too (they are left out by default), handing
                       each over to a scenario run while the run drives it (demo broker identities)
  --duty-reliability R answer the platform's duty checks (平台查岗) for the fleet's companies: R = 0.9
                       for all, or C01=0.95,C02=0.6 (default: 0.5–1 per company, fixed by --seed)
  --no-duty            leave the duty checks unanswered (a company's own platform answers them)
  --no-gateways        say nothing of the site and network gateways' links (their owners do)
  --except LIST        leave these owners, devices or kinds out: --except C03 leaves company C03's
                       trucks and duty checks to its own platform
  --protocol P         mqtt | jt808: jt808 makes every truck a JT/T 808 terminal (registration,
                       authentication, 0x0200 reports) through the JT/T 808 gateway; slopes and gas stay
                       on MQTT                               SIM_PROTOCOL  mqtt
  --jt808 URL          the JT/T 808 gateway                  SIM_JT808_URL tcp://127.0.0.1:6808

scenario:
  --list               the scenarios: name, rules, devices, what happens
  --all                run every scenario, one after the other
  --dry-run            no platform: check the scenarios against this checkout's rule pack in memory
  --gateway URL        gateway for /live and the REST API    SIM_GATEWAY_URL        http://127.0.0.1:3000
  --user NAME          operator login                        SIM_OPERATOR_USER      operator
  --password PW        its password (demo: the name)         SIM_OPERATOR_PASSWORD
  --use ALIAS=ID       drive another device than the scenario's (e.g. for a re-run on a running platform)
  --redis URL          the platform's Redis, for scenarios that move its test clock (worker started with
                       LG_TEST_CLOCK=true, demo mode)        SIM_REDIS_URL
  --redis-prefix P     the platform's REDIS_PREFIX           SIM_REDIS_PREFIX       lg
  --clock-settle-ms N  wait after moving the clock: 2 × the worker's TIMER_INTERVAL_MS   2000
  --json               the reports as JSON on stdout (progress on stderr)
  -q, --quiet          no progress lines
  --protocol P         mqtt | jt808: jt808 sends the trucks' readings as 0x0200 reports from a simulated
                       terminal each, through the JT/T 808 gateway (--jt808 URL); raw messages, slopes
                       and gas stay on MQTT                  SIM_PROTOCOL  mqtt
  Exit code 0 when every scenario passed, 1 otherwise.

load:
  --devices N          simulated devices (default 50): the registry's, in order, cycling past its end
  --kinds LIST         only these kinds: truck,gas,slope (default all)
  --synthetic          generated IDs (LT000001, LG000001, …) instead; ingest refuses them unless the
                       registry has them (scripts/registry/generate-longgang.ts --synthetic N)
  --rate R             readings per second, all devices together (default 1000)
  --duration D         how long to send (default 30s)
  --qos 0|1            (default 1)
  --batch K            readings per message (an array; default 1)
  --window W           unacknowledged messages per connection (default 64)
  --out FILE           the JSON summary to FILE instead of stdout
  --acked FILE         the acknowledged readings, one line per device: {"device": ID, "ts": [...]}
  --progress / --no-progress  the live line on stderr (default: on a terminal)
  --protocol P         mqtt | jt808: jt808 makes each truck a JT/T 808 terminal on its own TCP connection
                       to --jt808 URL; a reading is a 0x0200 report (a --batch a 0x0704, at most 25),
                       acknowledged by 0x8001 success. Trucks only.
  Exit code 0 when every reading sent was acknowledged.

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
  npm run sim -- scenario --list
  npm run sim -- scenario overspeed
  npm run sim -- scenario --all --dry-run
  npm run sim -- load --devices 200 --rate 2000 --duration 30s --out load.json
  npm run sim -- scenario sos --protocol jt808                 # T088's SOS as a JT/T 808 terminal
  npm run sim -- load --protocol jt808 --devices 100 --rate 500 --duration 30s
  npm run sim -- publish --device G001 --lel 60              # a red gas alert
  npm run sim -- publish --device T001 --speed 95 --ts 2026-05-01T08:00:00+08:00
  npm run sim -- publish --device G001 --owner P02           # refused: not G001's topic
  npm run sim -- list --devices truck
`;
